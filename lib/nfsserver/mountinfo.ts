// /proc/self/mountinfo, as far as nfsserver needs it: what is mounted on a path, and whether a
// mount is a bind of a given directory. Pure parsing; the caller reads the file.

export interface MountEntry {
  readonly id: number;
  readonly parent: number;
  // "major:minor" of the filesystem.
  readonly dev: string;
  // The directory of the filesystem that is mounted here ("/" unless a bind of a subdirectory).
  readonly root: string;
  readonly mountPoint: string;
  readonly fstype: string;
  readonly source: string;
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
export function unescapeMountField(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_all, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const f = line.split(' ');
    const sep = f.indexOf('-', 6);
    if (f.length < 10 || sep < 0) continue;
    out.push({
      id: Number(f[0]),
      parent: Number(f[1]),
      dev: f[2] ?? '',
      root: unescapeMountField(f[3] ?? ''),
      mountPoint: unescapeMountField(f[4] ?? ''),
      fstype: f[sep + 1] ?? '',
      source: unescapeMountField(f[sep + 2] ?? ''),
    });
  }
  return out;
}

// The mount that is visible on `path` (the last one mounted there wins), or undefined.
export function mountAt(entries: readonly MountEntry[], path: string): MountEntry | undefined {
  let found: MountEntry | undefined;
  for (const e of entries) if (e.mountPoint === path) found = e;
  return found;
}

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
  return { dev: m.dev, root };
}
