// The process table, read through /proc instead of pgrep/killall: no child process per look-up,
// and nothing outside what we can identify as ours is ever signalled. One escalation policy for
// every agent: TERM, wait; KILL, wait; every wait bounded by the operation deadline.
// /proc is read synchronously (System.readProcFile): no fork, no thread pool.

import type { Deadline } from '../ocf/deadline.ts';
import type { System } from '../system/types.ts';

export interface Proc {
  readonly pid: number;
  // The kernel's name of the program (at most 15 characters).
  readonly comm: string;
  // R, S, D, Z, T...: a zombie (Z) or a dead task (X) has exited already.
  readonly state: string;
  // Clock ticks after boot at which the process started: with the pid, it tells a process apart
  // from a later one that got the same pid.
  readonly startTime: string;
  readonly argv: readonly string[];
}

// Parses /proc/<pid>/stat. comm is between the first "(" and the LAST ")" (it may hold both).
export function parseProcStat(text: string): Omit<Proc, 'argv'> | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 1).trim().split(/\s+/);
  // Fields after comm start at field 3 (state); starttime is field 22.
  const state = rest[0];
  const startTime = rest[19];
  if (!Number.isInteger(pid) || pid <= 0 || state === undefined || startTime === undefined || !/^[0-9]+$/.test(startTime)) return undefined;
  return { pid, comm: text.slice(open + 1, close), state, startTime };
}

// /proc/<pid>/cmdline or /proc/<pid>/environ: NUL-separated strings.
export function splitNul(text: string): string[] {
  const parts = text.split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

// comm as the kernel stores it: at most 15 bytes of the program's base name.
export function commOf(program: string): string {
  return program.slice(program.lastIndexOf('/') + 1).slice(0, 15);
}

function exited(state: string): boolean {
  return state === 'Z' || state === 'X';
}

function readNul(sys: System, path: string): string[] | undefined {
  const text = sys.readProcFile(path);
  return text === null ? undefined : splitNul(text);
}

export function readCmdline(sys: System, pid: number): string[] | undefined {
  return readNul(sys, `/proc/${String(pid)}/cmdline`);
}

export function readEnviron(sys: System, pid: number): string[] | undefined {
  return readNul(sys, `/proc/${String(pid)}/environ`);
}

// A live (not exited) process, or undefined.
export function readProc(sys: System, pid: number): Proc | undefined {
  const stat = sys.readProcFile(`/proc/${String(pid)}/stat`);
  const st = stat === null ? undefined : parseProcStat(stat);
  if (st === undefined || exited(st.state)) return undefined;
  return { ...st, argv: readCmdline(sys, pid) ?? [] };
}

export type Namespace = 'mnt' | 'net';

// Whether a process runs in the same namespace of this kind as we do (unknown counts as the same).
export function sameNamespace(sys: System, pid: number, ns: Namespace): boolean {
  const mine = sys.readProcLink(`/proc/self/ns/${ns}`);
  const theirs = sys.readProcLink(`/proc/${String(pid)}/ns/${ns}`);
  return mine === null || theirs === null || mine === theirs;
}

// Live processes whose comm is one of `programs`, in pid order; with `ns`, only those in our
// namespace of that kind (a container's rpc.statd on the same host is not ours).
export function findProcs(sys: System, programs: readonly string[], ns?: Namespace): Proc[] {
  const wanted = new Set(programs.map(commOf));
  const pids = sys.readProcDir('/proc').filter((e) => /^[0-9]+$/.test(e)).map(Number).sort((a, b) => a - b);
  const found: Proc[] = [];
  for (const pid of pids) {
    if (pid === sys.pid) continue;
    const p = readProc(sys, pid);
    if (p === undefined || !wanted.has(p.comm)) continue;
    if (ns !== undefined && !sameNamespace(sys, pid, ns)) continue;
    found.push(p);
  }
  return found;
}

// The process a pid file (on /run) names, when it is alive, runs `program` and is in our mount
// namespace.
export function fromPidFile(sys: System, pidFile: string, program: string): Proc | undefined {
  const pid = Number(sys.readProcFile(pidFile)?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const p = readProc(sys, pid);
  return p !== undefined && p.comm === commOf(program) && sameNamespace(sys, pid, 'mnt') ? p : undefined;
}

// Whether this very process (same pid, program and start time) still runs.
export function stillRunning(sys: System, p: Pick<Proc, 'pid' | 'comm' | 'startTime'>): boolean {
  const now = readProc(sys, p.pid);
  return now !== undefined && now.comm === p.comm && now.startTime === p.startTime;
}

export const POLL_MS = 100;

export interface Escalation {
  // How long to wait for the processes to end after SIGTERM, and after SIGKILL.
  readonly termMs: number;
  readonly killMs: number;
  // Called before SIGKILL with the processes that survived SIGTERM.
  readonly beforeKill?: (left: readonly Proc[]) => void;
}

// Sends `signal` and waits up to waitMs (and never past the deadline) for the processes to go.
// Returns those still alive.
async function signalAndWait(sys: System, deadline: Deadline, procs: readonly Proc[], signal: string, waitMs: number): Promise<Proc[]> {
  for (const p of procs) sys.kill(p.pid, signal);
  const until = sys.now() + waitMs;
  let left = procs.filter((p) => stillRunning(sys, p));
  while (left.length > 0 && sys.now() < until && !deadline.expired()) {
    await sys.sleep(Math.min(POLL_MS, until - sys.now()));
    left = left.filter((p) => stillRunning(sys, p));
  }
  return left;
}

// The one escalation: SIGTERM, up to termMs; then SIGKILL to the survivors, up to killMs.
// Returns the processes still running (none when all ended).
export async function terminate(sys: System, deadline: Deadline, procs: readonly Proc[], how: Escalation): Promise<Proc[]> {
  if (procs.length === 0) return [];
  const left = await signalAndWait(sys, deadline, procs, 'SIGTERM', how.termMs);
  if (left.length === 0) return [];
  how.beforeKill?.(left);
  return signalAndWait(sys, deadline, left, 'SIGKILL', how.killMs);
}
