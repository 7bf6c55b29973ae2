// `nfsha doctor`'s course over one node: the configuration check, then per stack either the
// active node's checks (where it runs here) or a standby's. The report is data; text and JSON
// are two renderings of it.

import {
  checkBootServices, checkExports, checkFloatingName, checkInfodirBind, checkLastNotification, checkMonitorList, checkNfsdThreads,
  checkNsmState, checkStandbyDaemons, checkStatdNoNotify, nodeConf, type ClusterView, type DoctorCheck, type DoctorEnv, type StackView,
} from './checks.ts';

// Every check id doctor can report, in the order it runs them (scripts select on them).
export const DOCTOR_CHECKS = [
  'config', 'boot-services', 'stack-location', 'infodir-bind', 'nsm-state', 'statd-no-notify', 'nfsd-threads', 'exports-in-table',
  'floating-name', 'nsm-monitor-list', 'last-notification', 'standby-daemons',
] as const;

const ACTIVE_ONLY = ['infodir-bind', 'nsm-state', 'statd-no-notify', 'nfsd-threads', 'exports-in-table', 'nsm-monitor-list', 'last-notification'] as const;

export interface StackReport {
  readonly server: string;
  readonly group: string | undefined;
  readonly runsOn: readonly string[];
  readonly here: boolean;
}

export interface DoctorReport {
  readonly node: string;
  readonly stacks: readonly StackReport[];
  readonly checks: readonly DoctorCheck[];
}

function location(stack: StackView, runsOn: readonly string[], node: string): DoctorCheck {
  const name = stack.group ?? stack.server.id;
  const base = { id: 'stack-location', stack: stack.server.id };
  if (runsOn.length === 0) return { ...base, status: 'fail', evidence: `${name} runs on no node`, fix: `pcs resource status ${name}; pcs resource enable ${name}; pcs resource cleanup ${name}` };
  if (stack.cloned === true) return { ...base, status: 'pass', evidence: `${stack.server.id} is cloned and runs on ${runsOn.join(', ')}${runsOn.includes(node) ? ' (this node among them)' : ''}` };
  if (runsOn.length > 1) return { ...base, status: 'fail', evidence: `${stack.server.id} is active on ${runsOn.join(', ')} at once`, fix: `pcs resource cleanup ${name}` };
  const where = runsOn[0] ?? '';
  return { ...base, status: 'pass', evidence: where === node ? `${name} runs on ${where} (this node)` : `${name} runs on ${where}; ${node} is a standby for it` };
}

// `config` is the result of `nfsha check` on the live CIB, made by the caller.
export async function runDoctor(env: DoctorEnv, stacks: readonly StackView[], cluster: ClusterView, config: DoctorCheck): Promise<DoctorReport> {
  const node = cluster.localNode;
  const conf = await nodeConf(env.sys);
  const checks: DoctorCheck[] = [config, await checkBootServices(env)];
  const reports: StackReport[] = [];
  const hereAny = stacks.filter((s) => cluster.runsOn(s.server.id).includes(node)).map((s) => s.server.id);
  for (const stack of stacks) {
    const runsOn = cluster.runsOn(stack.server.id);
    const here = runsOn.includes(node);
    reports.push({ server: stack.server.id, group: stack.group, runsOn, here });
    checks.push(location(stack, runsOn, node));
    if (here) {
      checks.push(await checkInfodirBind(env, stack));
      checks.push(await checkNsmState(env, stack, cluster, conf));
      checks.push(checkStatdNoNotify(env, stack, conf));
      checks.push(checkNfsdThreads(env, stack));
      checks.push(await checkExports(env, stack, conf));
      checks.push(await checkFloatingName(env, stack));
      checks.push(await checkMonitorList(env, stack, conf));
      checks.push(await checkLastNotification(env, stack, conf));
      continue;
    }
    const elsewhere = runsOn.length === 0 ? 'the stack runs nowhere' : `the stack runs on ${runsOn.join(', ')}: run nfsha doctor there`;
    for (const id of ACTIVE_ONLY) checks.push({ id, stack: stack.server.id, status: 'skipped', evidence: elsewhere });
    checks.push(await checkFloatingName(env, stack));
    checks.push(hereAny.length > 0
      ? { id: 'standby-daemons', stack: stack.server.id, status: 'skipped', evidence: `${hereAny.join(', ')} runs here: its daemons are the cluster's` }
      : checkStandbyDaemons(env, stack, runsOn));
  }
  return { node, stacks: reports, checks };
}

export function exitCode(report: DoctorReport): number {
  return report.checks.some((c) => c.status === 'fail') ? 1 : 0;
}

export function reportJson(report: DoctorReport): string {
  const count = (s: string): number => report.checks.filter((c) => c.status === s).length;
  return `${JSON.stringify({
    node: report.node,
    stacks: report.stacks.map((s) => ({ server: s.server, group: s.group ?? null, runsOn: s.runsOn, here: s.here })),
    checks: report.checks.map((c) => ({ id: c.id, stack: c.stack ?? null, status: c.status, evidence: c.evidence, fix: c.fix ?? null })),
    summary: { pass: count('pass'), fail: count('fail'), skipped: count('skipped') },
  }, null, 2)}\n`;
}

export type Painter = (status: DoctorCheck['status'], text: string) => string;

export function reportText(report: DoctorReport, paint: Painter = (_s, t) => t): string {
  const lines: string[] = [];
  const stacks = report.stacks.length;
  lines.push(`nfsha doctor on ${report.node}: ${String(stacks)} NFS server stack${stacks === 1 ? '' : 's'}`);
  const idWidth = Math.max(...report.checks.map((c) => c.id.length));
  const stackWidth = Math.max(1, ...report.checks.map((c) => (c.stack ?? '-').length));
  for (const c of report.checks) {
    const word = c.status.toUpperCase().padEnd(7);
    lines.push(`${paint(c.status, word)}  ${c.id.padEnd(idWidth)}  ${(c.stack ?? '-').padEnd(stackWidth)}  ${c.evidence}`);
    if (c.status === 'fail' && c.fix !== undefined) lines.push(`${' '.repeat(9 + idWidth + 2 + stackWidth + 2)}fix: ${c.fix}`);
  }
  const count = (s: string): number => report.checks.filter((c) => c.status === s).length;
  lines.push(`${String(count('pass'))} passed, ${String(count('fail'))} failed, ${String(count('skipped'))} skipped`);
  return `${lines.join('\n')}\n`;
}
