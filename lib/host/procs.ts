// The daemons of this machine view, found through /proc instead of pgrep: a process counts as
// ours when it runs in our mount namespace (a container's rpc.statd on the same host is not),
// and it is stopped TERM first, then KILL, every wait bounded by the operation deadline.
// /proc is read synchronously (System.readProcFile): no fork, no thread pool.

import type { Deadline } from '../ocf/deadline.ts';
import type { Logger } from '../ocf/log.ts';
import type { System } from '../system/types.ts';

export interface Proc {
  readonly pid: number;
  // /proc/<pid>/comm: the program name, cut at 15 characters by the kernel.
  readonly comm: string;
  readonly argv: readonly string[];
}

// "R", "S", "Z"... from /proc/<pid>/stat (the field after the parenthesised comm).
export function procState(stat: string): string {
  const close = stat.lastIndexOf(')');
  return close < 0 ? '' : stat.slice(close + 2, close + 3);
}

// comm as the kernel stores it: at most 15 bytes.
export function commOf(program: string): string {
  const base = program.slice(program.lastIndexOf('/') + 1);
  return base.slice(0, 15);
}

function readProc(sys: System, pid: number, ourNs: string | null): Proc | undefined {
  const base = `/proc/${String(pid)}`;
  const comm = sys.readProcFile(`${base}/comm`);
  const stat = sys.readProcFile(`${base}/stat`);
  if (comm === null || stat === null || procState(stat) === 'Z') return undefined;
  if (ourNs !== null) {
    const ns = sys.readProcLink(`${base}/ns/mnt`);
    if (ns !== null && ns !== ourNs) return undefined;
  }
  const argv = (sys.readProcFile(`${base}/cmdline`) ?? '').split('\0');
  if (argv.at(-1) === '') argv.pop();
  return { pid, comm: comm.trim(), argv };
}

// Live (not zombie) processes in our mount namespace whose comm is one of `programs`.
export function findProcs(sys: System, programs: readonly string[]): Proc[] {
  const wanted = new Set(programs.map(commOf));
  const ourNs = sys.readProcLink('/proc/self/ns/mnt');
  const found: Proc[] = [];
  for (const e of sys.readProcDir('/proc')) {
    if (!/^[0-9]+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === sys.pid) continue;
    const comm = sys.readProcFile(`/proc/${e}/comm`);
    if (comm === null || !wanted.has(comm.trim())) continue;
    const p = readProc(sys, pid, ourNs);
    if (p !== undefined) found.push(p);
  }
  return found;
}

// The process a pid file (on /run) names, when it is alive and runs `program`.
export function fromPidFile(sys: System, pidFile: string, program: string): Proc | undefined {
  const pid = Number(sys.readProcFile(pidFile)?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const p = readProc(sys, pid, sys.readProcLink('/proc/self/ns/mnt'));
  return p !== undefined && p.comm === commOf(program) ? p : undefined;
}

function alive(sys: System, procs: readonly Proc[]): Proc[] {
  return procs.filter((p) => {
    const stat = sys.readProcFile(`/proc/${String(p.pid)}/stat`);
    const comm = sys.readProcFile(`/proc/${String(p.pid)}/comm`);
    // Gone, a zombie, or the pid was reused by another program.
    return stat !== null && procState(stat) !== 'Z' && comm?.trim() === p.comm;
  });
}

export const POLL_MS = 100;

// Sends `signal` and waits up to waitMs (and never past the deadline) for the processes to go.
// Returns those still alive.
async function signalAndWait(sys: System, deadline: Deadline, procs: readonly Proc[], signal: string, waitMs: number): Promise<Proc[]> {
  for (const p of procs) sys.kill(p.pid, signal);
  const until = sys.now() + waitMs;
  let left = alive(sys, procs);
  while (left.length > 0 && sys.now() < until && !deadline.expired()) {
    await sys.sleep(Math.min(POLL_MS, until - sys.now()));
    left = alive(sys, left);
  }
  return left;
}

// TERM, up to termMs; then KILL, up to killMs. true when all are gone.
export async function terminate(sys: System, deadline: Deadline, log: Logger, procs: readonly Proc[], termMs = 4000, killMs = 4000): Promise<boolean> {
  if (procs.length === 0) return true;
  const what = [...new Set(procs.map((p) => p.comm))].join(', ');
  log.info(`Stopping ${what} (pid ${procs.map((p) => p.pid).join(' ')})`);
  let left = await signalAndWait(sys, deadline, procs, 'SIGTERM', termMs);
  if (left.length === 0) return true;
  log.warn(`${what} did not stop on SIGTERM, sending SIGKILL to ${left.map((p) => p.pid).join(' ')}`);
  left = await signalAndWait(sys, deadline, left, 'SIGKILL', killMs);
  if (left.length > 0) log.err(`Failed to stop ${what}: pid ${left.map((p) => p.pid).join(' ')} still running`);
  return left.length === 0;
}
