// The sm-notify processes this instance started (still retrying unresponsive clients), found by
// the marker in their environment, and ended TERM first, then KILL. Nothing else is signalled.

import type { Deadline } from '../ocf/deadline.ts';
import type { Logger } from '../ocf/log.ts';
import { OCF, OcfError } from '../ocf/codes.ts';
import type { System } from '../system/types.ts';
import { findProcesses, readEnviron, stillRunning, type ProcStat } from './proc.ts';

const POLL_MS = 100;
const TERM_WAIT_MS = 3000;
const KILL_WAIT_MS = 2000;

export async function findOwnSmNotify(sys: System, marker: { name: string; value: string }): Promise<ProcStat[]> {
  const want = `${marker.name}=${marker.value}`;
  const out: ProcStat[] = [];
  for (const p of await findProcesses(sys, 'sm-notify')) {
    const env = await readEnviron(sys, p.pid);
    if (env?.includes(want)) out.push(p);
  }
  return out;
}

async function waitGone(sys: System, procs: readonly ProcStat[], deadline: Deadline, ms: number): Promise<ProcStat[]> {
  const until = sys.now() + Math.min(ms, deadline.remaining());
  let left = [...procs];
  for (;;) {
    const alive: ProcStat[] = [];
    for (const p of left) if (await stillRunning(sys, p.pid, p.startTime)) alive.push(p);
    left = alive;
    if (left.length === 0 || sys.now() >= until) return left;
    await sys.sleep(POLL_MS);
  }
}

// Ends this instance's sm-notify processes; returns how many there were. Throws when one
// survives SIGKILL until the deadline.
export async function endOwnSmNotify(sys: System, log: Logger, deadline: Deadline, marker: { name: string; value: string }, why: string): Promise<number> {
  const procs = await findOwnSmNotify(sys, marker);
  if (procs.length === 0) return 0;
  const pids = procs.map((p) => p.pid).join(' ');
  log.info(`ending sm-notify of this resource still retrying (pid ${pids}) before ${why}: some clients did not answer`);
  for (const p of procs) sys.kill(p.pid, 'SIGTERM');
  let left = await waitGone(sys, procs, deadline, TERM_WAIT_MS);
  if (left.length > 0) {
    for (const p of left) sys.kill(p.pid, 'SIGKILL');
    left = await waitGone(sys, left, deadline, KILL_WAIT_MS);
  }
  if (left.length > 0) throw new OcfError(OCF.ERR_GENERIC, `sm-notify (pid ${left.map((p) => p.pid).join(' ')}) does not end`);
  return procs.length;
}
