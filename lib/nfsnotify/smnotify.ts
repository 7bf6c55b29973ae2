// The sm-notify processes this instance started (still retrying unresponsive clients), found by
// the marker in their environment, and ended TERM first, then KILL. Nothing else is signalled.

import type { Deadline } from '../ocf/deadline.ts';
import type { Logger } from '../ocf/log.ts';
import { OCF, OcfError } from '../ocf/codes.ts';
import type { System } from '../system/types.ts';
import { findProcs, readEnviron, terminate, type Proc } from '../host/procs.ts';

const TERM_WAIT_MS = 3000;
const KILL_WAIT_MS = 2000;

export function findOwnSmNotify(sys: System, marker: { name: string; value: string }): Proc[] {
  const want = `${marker.name}=${marker.value}`;
  return findProcs(sys, ['sm-notify']).filter((p) => readEnviron(sys, p.pid)?.includes(want));
}

// Ends this instance's sm-notify processes (the host layer's escalation: TERM, then KILL);
// returns how many there were. Throws when one survives SIGKILL until the deadline.
export async function endOwnSmNotify(sys: System, log: Logger, deadline: Deadline, marker: { name: string; value: string }, why: string): Promise<number> {
  const procs = findOwnSmNotify(sys, marker);
  if (procs.length === 0) return 0;
  const pids = procs.map((p) => p.pid).join(' ');
  log.info(`ending sm-notify of this resource still retrying (pid ${pids}) before ${why}: some clients did not answer`);
  const left = await terminate(sys, deadline, procs, { termMs: TERM_WAIT_MS, killMs: KILL_WAIT_MS });
  if (left.length > 0) throw new OcfError(OCF.ERR_GENERIC, `sm-notify (pid ${left.map((p) => p.pid).join(' ')}) does not end`);
  return procs.length;
}
