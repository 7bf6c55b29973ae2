// The mount table, read natively from /proc/self/mountinfo (proc(5)): no child process, exact
// field boundaries (spaces and other characters in paths come octal-escaped), and the device
// number of every mount, which tells us which mounts share one filesystem.

import type { System } from '../system/types.ts';

export interface MountEntry {
  readonly id: number;
  readonly parentId: number;
  // st_dev of the files in this mount, "major:minor".
  readonly majmin: string;
  // Path inside the filesystem that this mount shows (not "/" for bind mounts of a subdirectory).
  readonly root: string;
  readonly mountPoint: string;
  // Per-mount options (ro/rw, nosuid, ...).
  readonly mountOptions: readonly string[];
  readonly fstype: string;
  // The mount source as given to mount (device path, server:/export, tmpfs name, ...).
  readonly source: string;
  readonly superOptions: readonly string[];
}

export const MOUNTINFO = '/proc/self/mountinfo';

// Decodes the kernel's octal escapes (\040 space, \011 tab, \012 newline, \134 backslash);
// any other backslash is kept as it is.
export function unescapeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (all, oct: string) => {
    const code = parseInt(oct, 8);
    return code < 256 ? String.fromCharCode(code) : all;
  });
}

// Parses mountinfo text; malformed lines are skipped (the kernel does not write any).
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const f = line.split(' ');
    const sep = f.indexOf('-', 6);
    if (f.length < 10 || sep < 0 || f.length < sep + 3) continue;
    const [id, parent, majmin, root, mountPoint, mountOptions] = f;
    if (id === undefined || parent === undefined || majmin === undefined || root === undefined || mountPoint === undefined || mountOptions === undefined) continue;
    out.push({
      id: Number(id),
      parentId: Number(parent),
      majmin,
      root: unescapeOctal(root),
      mountPoint: unescapeOctal(mountPoint),
      mountOptions: mountOptions.split(','),
      fstype: unescapeOctal(f[sep + 1] ?? ''),
      source: unescapeOctal(f[sep + 2] ?? ''),
      superOptions: (f[sep + 3] ?? '').split(','),
    });
  }
  return out;
}

// Reads the table until two consecutive reads agree, so that a read torn by concurrent mount
// changes is never used (upstream #1337). Gives up comparing after a few rounds and uses the
// last read: a table that never stops changing is still a valid snapshot line by line.
export async function readMounts(sys: Pick<System, 'readFile'>, maxReads = 5): Promise<MountEntry[]> {
  let prev = await sys.readFile(MOUNTINFO);
  for (let i = 1; i < maxReads; i++) {
    const next = await sys.readFile(MOUNTINFO);
    if (next === prev) break;
    prev = next;
  }
  return parseMountinfo(prev);
}

// The mount visible on exactly this path: the last one listed (the top of a stack of mounts
// on the same point), or undefined. Never a prefix match: /mnt/a is not /mnt/ab or /mnt/a/b.
export function mountAt(mounts: readonly MountEntry[], mountPoint: string): MountEntry | undefined {
  let found: MountEntry | undefined;
  for (const m of mounts) if (m.mountPoint === mountPoint) found = m;
  return found;
}

// Every mount on exactly this path, bottom first.
export function mountsAt(mounts: readonly MountEntry[], mountPoint: string): MountEntry[] {
  return mounts.filter((m) => m.mountPoint === mountPoint);
}

// True when path is dir itself or lies below it (component-wise, never by string prefix).
export function isUnder(path: string, dir: string): boolean {
  if (dir === '/') return path.startsWith('/');
  return path === dir || path.startsWith(`${dir}/`);
}

// Mount points strictly below dir, deepest first (the order they must be unmounted in).
export function submountsOf(mounts: readonly MountEntry[], dir: string): string[] {
  const below = new Set<string>();
  for (const m of mounts) if (m.mountPoint !== dir && isUnder(m.mountPoint, dir)) below.add(m.mountPoint);
  return [...below].sort(deeperFirst);
}

// Mount points outside dir whose mount matches sameFs (another mount of the same filesystem),
// deepest first. dir itself and anything below it are never listed.
export function otherMountsOf(mounts: readonly MountEntry[], dir: string, sameFs: (m: MountEntry) => boolean): string[] {
  const others = new Set<string>();
  for (const m of mounts) if (!isUnder(m.mountPoint, dir) && sameFs(m)) others.add(m.mountPoint);
  return [...others].sort(deeperFirst);
}

// Sort order that puts a mount before the mounts it is stacked on or nested in.
export function deeperFirst(a: string, b: string): number {
  const da = a.split('/').length;
  const db = b.split('/').length;
  if (da !== db) return db - da;
  return a < b ? 1 : a > b ? -1 : 0;
}

// The mount that a path (as the kernel reports it, e.g. in /proc/<pid>/cwd) lies on: the
// deepest mount point containing it, the top of its stack.
export function coveringMount(mounts: readonly MountEntry[], path: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const m of mounts) {
    if (!isUnder(path, m.mountPoint)) continue;
    if (best === undefined || m.mountPoint.length >= best.mountPoint.length) best = m;
  }
  return best;
}
