// /proc/self/mountinfo, as far as nfsserver needs it beyond the shared parser: whether a mount is
// a bind of a given directory. Pure functions; the caller reads the file.

import type { MountEntry } from '../host/mounts.ts';

// The one mountinfo parser of the project (lib/host/mounts.ts) serves nfsserver too.
export { mountAt, parseMountinfo, type MountEntry } from '../host/mounts.ts';

// The mount that contains `path` (longest mount point that is a prefix of it).
export function mountContaining(entries: readonly MountEntry[], path: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const e of entries) {
    const mp = e.mountPoint;
    const inside = path === mp || mp === '/' || path.startsWith(`${mp}/`);
    if (inside && (best === undefined || mp.length >= best.mountPoint.length)) best = e;
  }
  return best;
}

// Where `dir` lives: the filesystem (dev) and the directory inside it (root-relative path), so
// that a bind mount of `dir` can be recognised by (dev, root) in mountinfo.
export function origin(entries: readonly MountEntry[], dir: string): { dev: string; root: string } | undefined {
  const m = mountContaining(entries, dir);
  if (m === undefined) return undefined;
  const rel = m.mountPoint === '/' ? dir : dir.slice(m.mountPoint.length);
  const root = `${m.root === '/' ? '' : m.root}${rel}` || '/';
  return { dev: m.majmin, root };
}
