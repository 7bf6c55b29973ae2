// The process table through /proc, instead of pgrep/killall (no child process per look-up, and
// nothing outside what we can identify as ours is ever signalled).

import type { System } from '../system/types.ts';

export interface ProcStat {
  readonly pid: number;
  // The kernel's name of the program (at most 15 characters).
  readonly comm: string;
  // R, S, D, Z, T...: a zombie (Z) has exited already.
  readonly state: string;
  // Clock ticks after boot at which the process started: with the pid, it tells a process apart
  // from a later one that got the same pid.
  readonly startTime: string;
}

// Parses /proc/<pid>/stat. comm is between the first "(" and the LAST ")" (it may hold both).
export function parseProcStat(text: string): ProcStat | undefined {
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

export async function readProcStat(sys: System, pid: number): Promise<ProcStat | undefined> {
  let text: string | null;
  try {
    text = await sys.readFileIfExists(`/proc/${String(pid)}/stat`);
  } catch {
    return undefined;
  }
  return text === null ? undefined : parseProcStat(text);
}

async function readNul(sys: System, path: string): Promise<string[] | undefined> {
  try {
    const text = await sys.readFileIfExists(path);
    return text === null ? undefined : splitNul(text);
  } catch {
    return undefined;
  }
}

export function readCmdline(sys: System, pid: number): Promise<string[] | undefined> {
  return readNul(sys, `/proc/${String(pid)}/cmdline`);
}

export function readEnviron(sys: System, pid: number): Promise<string[] | undefined> {
  return readNul(sys, `/proc/${String(pid)}/environ`);
}

// Live (not zombie) processes whose kernel name is `comm`, in pid order.
export async function findProcesses(sys: System, comm: string): Promise<ProcStat[]> {
  let names: string[];
  try {
    names = await sys.readdir('/proc');
  } catch {
    return [];
  }
  const pids = names.filter((n) => /^[0-9]+$/.test(n)).map(Number).sort((a, b) => a - b);
  const out: ProcStat[] = [];
  for (const pid of pids) {
    const st = await readProcStat(sys, pid);
    if (st !== undefined && st.comm === comm && st.state !== 'Z' && st.state !== 'X') out.push(st);
  }
  return out;
}

// Whether a process runs in the same network namespace as we do (unknown counts as the same).
export async function sameNetNamespace(sys: System, pid: number): Promise<boolean> {
  try {
    const mine = await sys.readlink('/proc/self/ns/net');
    const theirs = await sys.readlink(`/proc/${String(pid)}/ns/net`);
    return mine === null || theirs === null || mine === theirs;
  } catch {
    return true;
  }
}

// Whether the process `pid` that started at `startTime` still runs.
export async function stillRunning(sys: System, pid: number, startTime: string): Promise<boolean> {
  const st = await readProcStat(sys, pid);
  return st !== undefined && st.startTime === startTime && st.state !== 'Z' && st.state !== 'X';
}
