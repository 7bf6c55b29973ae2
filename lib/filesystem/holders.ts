// Which processes keep a mount busy, found natively in /proc (no fuser, no find, no child
// process): every process's cwd, root, exe, open files and memory mappings are looked at.
//
// Two policies, as force_unmount chooses them:
//   fuser — like `fuser -Mm <mount point>`: processes using any file of the *filesystem* mounted
//           there, through whichever of its mounts (bind mounts of it elsewhere included);
//   safe  — processes using a path at or below the mount point.
// Both decide per reference which mount the file lies on, so a process that only uses the parent
// filesystem (cwd /mnt while /mnt/data is being unmounted) is never a holder. Processes in another
// mount namespace (containers) see other paths: for them the file's device number (stat through
// the /proc link, as fuser does) decides instead of the path.

import type { System } from '../system/types.ts';
import { coveringMount, isUnder, type MountEntry } from '../host/mounts.ts';

export type HolderPolicy = 'fuser' | 'safe';

export interface HolderQuery {
  readonly policy: HolderPolicy;
  // The mount point being unmounted and its (top) entry in the mount table.
  readonly mountPoint: string;
  readonly entry: MountEntry;
  readonly mounts: readonly MountEntry[];
  // Never reported: this process, and PID 1 (signalling init is never what anyone wants).
  readonly selfPid: number;
  // Whether a reference of a process in another mount namespace may be stat'ed. Not on a
  // network filesystem: a stat there waits for a server that may be gone.
  readonly statOtherNs?: boolean;
}

type Sys = Pick<System, 'readdir' | 'readlink' | 'readFileIfExists' | 'stat'>;

// st_dev as Node reports it, from a mountinfo "major:minor" (glibc's makedev encoding).
export function devNumber(majmin: string): number {
  const [ma, mi] = majmin.split(':').map(Number);
  const major = ma ?? 0;
  const minor = mi ?? 0;
  return (minor & 0xff) + (major & 0xfff) * 0x100 + (minor & ~0xff) * 0x1000 + Math.floor(major / 0x1000) * 0x100000000;
}

// Paths of file mappings from /proc/<pid>/maps text (fallback when map_files is unreadable).
export function mappedPaths(maps: string): string[] {
  const out = new Set<string>();
  for (const line of maps.split('\n')) {
    const m = /^\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+(\/.*)$/.exec(line);
    if (m?.[1] !== undefined) out.add(m[1]);
  }
  return [...out];
}

async function readlinkQuiet(sys: Sys, path: string): Promise<string | null> {
  try {
    return await sys.readlink(path);
  } catch {
    return null;
  }
}

async function readdirQuiet(sys: Sys, path: string): Promise<string[] | null> {
  try {
    return await sys.readdir(path);
  } catch {
    return null;
  }
}

// The /proc links of one process that may reference files: cwd, root, exe, fd/*, map_files/*.
async function processLinks(sys: Sys, pid: string): Promise<string[]> {
  const base = `/proc/${pid}`;
  const [fds, maps] = await Promise.all([readdirQuiet(sys, `${base}/fd`), readdirQuiet(sys, `${base}/map_files`)]);
  const links = [`${base}/cwd`, `${base}/root`, `${base}/exe`];
  for (const fd of fds ?? []) links.push(`${base}/fd/${fd}`);
  for (const m of maps ?? []) links.push(`${base}/map_files/${m}`);
  return links;
}

// Strips the " (deleted)" the kernel appends to unlinked files.
function cleanTarget(target: string): string {
  return target.endsWith(' (deleted)') ? target.slice(0, -' (deleted)'.length) : target;
}

// A path as this mount namespace sees it: does it keep the queried mount busy?
function pathHolder(q: Pick<HolderQuery, 'policy' | 'mountPoint' | 'entry' | 'mounts'>): (path: string) => boolean {
  return (path) => {
    if (!path.startsWith('/')) return false;
    if (q.policy === 'safe') return isUnder(path, q.mountPoint);
    return coveringMount(q.mounts, path)?.majmin === q.entry.majmin;
  };
}

export async function findHolders(sys: Sys, q: HolderQuery): Promise<number[]> {
  const entries = await readdirQuiet(sys, '/proc');
  if (entries === null) return [];
  const ownNs = await readlinkQuiet(sys, '/proc/self/ns/mnt');
  const wantDev = devNumber(q.entry.majmin);
  const pathHolds = pathHolder(q);
  // A link of a process in another mount namespace: compare the device of what it points to.
  const devHolds = async (link: string): Promise<boolean> => {
    try {
      return (await sys.stat(link))?.dev === wantDev;
    } catch {
      return false;
    }
  };

  const check = async (pid: string): Promise<number | undefined> => {
    const n = Number(pid);
    if (n === q.selfPid || n === 1) return undefined;
    const ns = await readlinkQuiet(sys, `/proc/${pid}/ns/mnt`);
    const sameNs = ns === null || ownNs === null || ns === ownNs;
    const links = await processLinks(sys, pid);
    const targets = await Promise.all(links.map((l) => readlinkQuiet(sys, l)));
    if (sameNs) {
      if (targets.some((t) => t !== null && pathHolds(cleanTarget(t)))) return n;
      const hasMapFiles = links.some((l) => l.includes('/map_files/'));
      if (!hasMapFiles) {
        const maps = await sys.readFileIfExists(`/proc/${pid}/maps`).catch(() => null);
        if (maps !== null && mappedPaths(maps).some((p) => pathHolds(cleanTarget(p)))) return n;
      }
      return undefined;
    }
    if (q.statOtherNs === false) return undefined;
    for (let i = 0; i < links.length; i++) {
      const t = targets[i];
      const l = links[i];
      if (t === null || t === undefined || l === undefined || !t.startsWith('/')) continue;
      if (await devHolds(l)) return n;
    }
    return undefined;
  };

  const pids = entries.filter((e) => /^[0-9]+$/.test(e));
  const found = await Promise.all(pids.map(check));
  return found.filter((p): p is number => p !== undefined).sort((a, b) => a - b);
}

// A loop device whose backing file lies on the mount: the kernel holds the filesystem, no
// process does, so nothing can be signalled (and a loop device is never ours to detach).
export interface LoopHolder {
  readonly device: string;
  readonly backingFile: string;
}

// The loop devices backed by a file on the mount, from /sys/block/loop*/loop/backing_file (the
// kernel shows the path as this process's mount namespace sees it). Sysfs only: no child process.
export async function findLoopHolders(sys: Pick<System, 'readdir' | 'readFileIfExists'>, q: Pick<HolderQuery, 'policy' | 'mountPoint' | 'entry' | 'mounts'>): Promise<LoopHolder[]> {
  const names = (await sys.readdir('/sys/block').catch(() => [])).filter((n) => /^loop[0-9]+$/.test(n));
  const pathHolds = pathHolder(q);
  const found = await Promise.all(names.map(async (name): Promise<LoopHolder | undefined> => {
    const text = await sys.readFileIfExists(`/sys/block/${name}/loop/backing_file`).catch(() => null);
    const backingFile = cleanTarget(text?.replace(/\n$/, '') ?? '');
    return pathHolds(backingFile) ? { device: `/dev/${name}`, backingFile } : undefined;
  }));
  return found.filter((l): l is LoopHolder => l !== undefined).sort((a, b) => Number(a.device.slice(9)) - Number(b.device.slice(9)));
}

// How a stop names loop holders in its log and exit reason.
export function describeLoops(loops: readonly LoopHolder[]): string {
  const one = (l: LoopHolder): string => `${l.device} (backing file ${l.backingFile})`;
  return loops.length === 1 && loops[0] !== undefined ? `loop device ${one(loops[0])}` : `loop devices ${loops.map(one).join(', ')}`;
}

// True when the process has exited (gone, or a zombie whose files are already closed).
export async function processGone(sys: Pick<System, 'readFileIfExists'>, pid: number): Promise<boolean> {
  const stat = await sys.readFileIfExists(`/proc/${String(pid)}/stat`).catch(() => null);
  if (stat === null) return true;
  const state = /\)\s+(\S)/.exec(stat.slice(stat.lastIndexOf(')')))?.[1];
  return state === 'Z' || state === 'X';
}

// One line describing a process for the log, in the spirit of `ps -f`: user, pid, ppid, command.
export async function describeProcess(sys: Pick<System, 'readFileIfExists'>, pid: number, users: ReadonlyMap<number, string>): Promise<string> {
  const base = `/proc/${String(pid)}`;
  const [status, cmdline] = await Promise.all([
    sys.readFileIfExists(`${base}/status`).catch(() => null),
    sys.readFileIfExists(`${base}/cmdline`).catch(() => null),
  ]);
  const field = (name: string): string | undefined => status === null ? undefined : new RegExp(`^${name}:\\s*(\\S+)`, 'm').exec(status)?.[1];
  const uid = Number(field('Uid') ?? NaN);
  const user = users.get(uid) ?? (Number.isNaN(uid) ? '?' : String(uid));
  const cmd = cmdline !== null && cmdline !== '' ? cmdline.replace(/\0+$/, '').replace(/\0/g, ' ') : `[${field('Name') ?? '?'}]`;
  return `${user} ${String(pid)} ${field('PPid') ?? '?'} ${cmd}`;
}

// uid → user name from /etc/passwd text.
export function parsePasswd(text: string | null): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of (text ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && f[0] !== undefined && /^[0-9]+$/.test(f[2] ?? '')) users.set(Number(f[2]), f[0]);
  }
  return users;
}
