// The daemons of this machine view, found through /proc instead of pgrep: a process counts as
// ours when it runs in our mount namespace (a container's rpc.statd on the same host is not),
// and it is stopped TERM first, then KILL, every wait bounded by the operation deadline.

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

async function readProc(sys: System, pid: number, ourNs: string | null): Promise<Proc | undefined> {
  const base = `/proc/${String(pid)}`;
  const [comm, stat, cmdline] = await Promise.all([
    sys.readFileIfExists(`${base}/comm`).catch(() => null),
    sys.readFileIfExists(`${base}/stat`).catch(() => null),
    sys.readFileIfExists(`${base}/cmdline`).catch(() => null),
  ]);
  if (comm === null || stat === null || procState(stat) === 'Z') return undefined;
  if (ourNs !== null) {
    const ns = await sys.readlink(`${base}/ns/mnt`).catch(() => null);
    if (ns !== null && ns !== ourNs) return undefined;
  }
  const argv = (cmdline ?? '').split('\0');
  if (argv.at(-1) === '') argv.pop();
  return { pid, comm: comm.trim(), argv };
}

// Live (not zombie) processes in our mount namespace whose comm is one of `programs`.
export async function findProcs(sys: System, programs: readonly string[]): Promise<Proc[]> {
  const wanted = new Set(programs.map(commOf));
  const ourNs = await sys.readlink('/proc/self/ns/mnt').catch(() => null);
  let entries: string[];
  try {
    entries = await sys.readdir('/proc');
  } catch {
    return [];
  }
  const pids = entries.filter((e) => /^[0-9]+$/.test(e)).map(Number).filter((p) => p !== sys.pid);
  const found: Proc[] = [];
  // Read comm first (one small read per process), the rest only for candidates.
  const comms = await Promise.all(pids.map(async (pid) => [pid, await sys.readFileIfExists(`/proc/${String(pid)}/comm`).catch(() => null)] as const));
  for (const [pid, comm] of comms) {
    if (comm === null || !wanted.has(comm.trim())) continue;
    const p = await readProc(sys, pid, ourNs);
    if (p !== undefined) found.push(p);
  }
  return found;
}

// The process a pid file names, when it is alive and runs `program`.
export async function fromPidFile(sys: System, pidFile: string, program: string): Promise<Proc | undefined> {
  const text = await sys.readFileIfExists(pidFile).catch(() => null);
  const pid = Number(text?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const ourNs = await sys.readlink('/proc/self/ns/mnt').catch(() => null);
  const p = await readProc(sys, pid, ourNs);
  return p !== undefined && p.comm === commOf(program) ? p : undefined;
}

async function alive(sys: System, procs: readonly Proc[]): Promise<Proc[]> {
  const out: Proc[] = [];
  for (const p of procs) {
    const stat = await sys.readFileIfExists(`/proc/${String(p.pid)}/stat`).catch(() => null);
    const comm = await sys.readFileIfExists(`/proc/${String(p.pid)}/comm`).catch(() => null);
    // Gone, a zombie, or the pid was reused by another program.
    if (stat !== null && procState(stat) !== 'Z' && comm?.trim() === p.comm) out.push(p);
  }
  return out;
}

export const POLL_MS = 100;

// Sends `signal` and waits up to waitMs (and never past the deadline) for the processes to go.
// Returns those still alive.
async function signalAndWait(sys: System, deadline: Deadline, procs: readonly Proc[], signal: string, waitMs: number): Promise<Proc[]> {
  for (const p of procs) sys.kill(p.pid, signal);
  const until = sys.now() + waitMs;
  let left = await alive(sys, procs);
  while (left.length > 0 && sys.now() < until && !deadline.expired()) {
    await sys.sleep(Math.min(POLL_MS, until - sys.now()));
    left = await alive(sys, left);
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
