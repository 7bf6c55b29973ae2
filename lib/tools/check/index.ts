// nfsha check: lints a CIB for the rules of an NFS server stack (issue 14, §1). Exit 0 without
// errors, 1 with at least one, 2 when the input cannot be read or is not a CIB.

import { CliError, EXIT_FINDINGS, EXIT_OK, colourOn, parseToolArgs, type Tool } from '../cli.ts';
import { readCib } from '../cib/read.ts';
import { discover, type Discovery, type Stack } from '../cib/stacks.ts';
import type { Cib } from '../cib/model.ts';
import { formatText, summary, type Finding } from './findings.ts';
import { RULE_IDS, runRules } from './rules.ts';

export interface CheckResult {
  readonly discovery: Discovery;
  readonly findings: readonly Finding[];
}

// The checks on a parsed CIB, for doctor and plan's tests as well.
export function checkCib(cib: Cib, ignore: ReadonlySet<string> = new Set()): CheckResult {
  const discovery = discover(cib);
  return { discovery, findings: runRules(discovery).filter((f) => !ignore.has(f.rule)) };
}

export function stackJson(s: Stack): Record<string, unknown> {
  const ids = (ps: readonly { id: string }[]): string[] => ps.map((p) => p.id);
  return {
    server: s.server.id,
    agent: `${s.server.cls}:${s.server.provider}:${s.server.type}`,
    group: s.group ?? null,
    filesystems: ids(s.filesystems),
    exports: ids(s.exports),
    ips: ids(s.ips),
    notify: ids(s.notifies),
    portblocks: ids(s.portblocks),
  };
}

export const check: Tool = async (args, ctx) => {
  const { values, positionals } = parseToolArgs(args, {
    format: { type: 'string', default: 'text' },
    ignore: { type: 'string', multiple: true, default: [] },
  });
  if (values.format !== 'text' && values.format !== 'json') throw new CliError(`--format wants text or json, not '${values.format}'`);
  if (positionals.length > 1) throw new CliError(`one CIB at a time (got ${positionals.length} arguments)`);
  const ignore = new Set(values.ignore.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean));
  for (const id of ignore) if (!RULE_IDS.includes(id)) throw new CliError(`--ignore: unknown rule '${id}'; rules: ${RULE_IDS.join(', ')}`);

  const cib = await readCib(ctx.sys, positionals[0]);
  const { discovery, findings } = checkCib(cib, ignore);
  if (values.format === 'json') {
    ctx.sys.writeStdout(`${JSON.stringify({ stacks: discovery.stacks.map(stackJson), findings }, null, 2)}\n`);
  } else {
    ctx.sys.writeStdout(formatText(findings, colourOn(ctx, 1)) + summary(findings, discovery.stacks.length));
  }
  return findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
};
