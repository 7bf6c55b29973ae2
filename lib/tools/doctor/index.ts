// nfsha doctor: check on the live CIB, then the NFS failure checklist on this node (issue 14, §2).
// Live and read only: cibadmin --query, crm_node, crm_mon, getent, and files under /proc and
// /var/lib/nfs; nothing is changed.

import { CliError, colourOn, paint, parseToolArgs, type Tool } from '../cli.ts';
import { readCibXml } from '../cib/read.ts';
import { parseCib } from '../cib/parse.ts';
import { ipAddress, type Stack } from '../cib/stacks.ts';
import { checkCib } from '../check/index.ts';
import type { Finding } from '../check/findings.ts';
import { effectiveFsid, fsidFor } from '../../exportfs/fsid.ts';
import type { DoctorCheck, StackView } from './checks.ts';
import { readCluster } from './cluster.ts';
import { exitCode, reportJson, reportText, runDoctor } from './run.ts';

// What doctor needs of a stack that check found.
export function stackView(s: Stack): StackView {
  const param = (p: { params: ReadonlyMap<string, string> }, k: string): string => p.params.get(k) ?? '';
  return {
    group: s.group,
    cloned: s.server.clone !== undefined,
    server: { id: s.server.id, params: Object.fromEntries(s.server.params) },
    filesystems: s.filesystems.map((p) => ({ id: p.id, device: param(p, 'device'), directory: param(p, 'directory') })),
    // exportfs takes several directories in one resource: each further one gets the next fsid.
    exports: s.exports.flatMap((p) => {
      const dirs = param(p, 'directory').split(/\s+/).filter(Boolean);
      const first = effectiveFsid(param(p, 'fsid'), param(p, 'options'));
      return dirs.map((directory, i) => ({ id: p.id, directory, clientspec: param(p, 'clientspec'), fsid: fsidFor(first, i, dirs.length) ?? '' }));
    }),
    ips: s.ips.flatMap((p) => {
      const ip = ipAddress(p);
      return ip === undefined ? [] : [{ id: p.id, ip }];
    }),
    notify: s.notifies[0] === undefined ? undefined : { id: s.notifies[0].id, sourceHost: param(s.notifies[0], 'source_host') },
  };
}

// `nfsha check` on the live CIB, as doctor's first check.
export function configCheck(findings: readonly Finding[]): DoctorCheck {
  const errors = findings.filter((f) => f.severity === 'error');
  const warnings = findings.filter((f) => f.severity === 'warning');
  const list = (fs: readonly Finding[]): string => fs.map((f) => `${f.rule} (${f.resources.join(',') || '-'})`).join(', ');
  if (errors.length > 0) {
    return { id: 'config', stack: undefined, status: 'fail', evidence: `nfsha check finds ${String(errors.length)} error(s): ${list(errors)}`, fix: errors.map((f) => f.fix.split('\n')[0]).find((x) => x !== undefined && x !== '') ?? 'nfsha check (each error with its fix)' };
  }
  return { id: 'config', stack: undefined, status: 'pass', evidence: warnings.length === 0 ? 'nfsha check finds no error and no warning' : `nfsha check finds no error; warnings: ${list(warnings)}` };
}

const COLOUR = { pass: undefined, fail: 'red', skipped: 'dim' } as const;

export const doctor: Tool = async (args, ctx) => {
  const { values, positionals } = parseToolArgs(args, { format: { type: 'string', default: 'text' } });
  if (values.format !== 'text' && values.format !== 'json') throw new CliError(`--format wants text or json, not '${values.format}'`);
  if (positionals.length > 0) throw new CliError('doctor takes no arguments: it reads the live CIB of this node\'s cluster');
  const { xml, source } = await readCibXml(ctx.sys, undefined);
  const { discovery, findings } = checkCib(parseCib(xml, source));
  const cluster = await readCluster(ctx.sys, xml);
  const rsctmp = ctx.env.HA_RSCTMP !== undefined && ctx.env.HA_RSCTMP !== '' ? ctx.env.HA_RSCTMP : '/run/resource-agents';
  const report = await runDoctor({ sys: ctx.sys, rsctmp }, discovery.stacks.map(stackView), cluster, configCheck(findings));
  if (values.format === 'json') {
    ctx.sys.writeStdout(reportJson(report));
  } else {
    const on = colourOn(ctx, 1);
    ctx.sys.writeStdout(reportText(report, (status, text) => {
      const c = COLOUR[status];
      return c === undefined ? text : paint(on, c, text);
    }));
  }
  return exitCode(report);
};
