// Reading nfs.conf the way nfs-utils does (support/nfs/conffile.c), read-only: the files
// /usr/etc/nfs.conf, /usr/etc/nfs.conf.d/*.conf, /etc/nfs.conf, /etc/nfs.conf.d/*.conf in that
// order (a later value wins), `include = [-]path` expanded in place, section and key names
// matched case-insensitively. Each line is read by conf_parse's rules: continued lines joined,
// section headers `[name]` (blanks before, anything after `]` ignored), `key = value` with an
// optional quoted value, `#` and `;` comments, other lines ignored. A small line reader rather
// than an ini library: an ini decoder read the same lines a second time and cost every exportfs
// action about 1.5 ms of CPU at start-up (docs/performance.md). Never write nfs.conf with this;
// use `nfsconf --set`.
import type { System } from '../system/types.ts';
import { versionCompare } from '../util/versionsort.ts';

export const NFS_CONF = '/etc/nfs.conf';

export interface NfsConfSource {
  readonly path: string;
  readonly text: string;
}

// section (lower case) → key (lower case) → value.
export type NfsConf = ReadonlyMap<string, ReadonlyMap<string, string>>;

// Deepest include nesting followed (nfs-utils has no limit; a loop must not hang us).
const MAX_INCLUDE_DEPTH = 10;

// A section header as nfs-utils reads it: `[name]` or `[name "arg"]`, blanks allowed before it
// and anything after the `]` ignored.
const HEADER = /^\s*\[([^\]]*)\]/;
// `include = path` or `include = -path` (optional: no warning when missing).
const INCLUDE = /^\s*include\s*=\s*(-?)(.*?)\s*$/i;

// Joins lines continued with a backslash, as conf_parse does (the `\` and newline become blanks).
function joinContinuations(text: string): string[] {
  return text.replace(/\\\r?\n/g, '  ').split(/\r?\n/);
}

function isComment(line: string): boolean {
  return /^\s*([#;].*)?$/.test(line);
}

// The value of an include line with nfs-utils' quote handling, or undefined for other lines.
export function includeTarget(line: string): { path: string; optional: boolean } | undefined {
  if (isComment(line)) return undefined;
  const m = INCLUDE.exec(line);
  if (!m) return undefined;
  let path = m[2] ?? '';
  const q = path[0];
  if (q === '"' || q === "'") {
    const end = path.indexOf(q, 1);
    path = end < 0 ? '' : path.slice(1, end);
  } else {
    path = path.replace(/[#;].*$/, '').trim();
  }
  return { path, optional: m[1] === '-' };
}

// An included path is relative to the directory of the file that includes it.
export function resolveInclude(from: string, target: string): string {
  if (target.startsWith('/')) return target;
  const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/')) : '.';
  return `${dir === '' ? '' : dir}/${target}`;
}

// One line of a file as nfs-utils reads it: a section header, an assignment, or nothing.
type Line = { readonly section: string } | { readonly key: string; readonly value: string } | undefined;

function parseLine(line: string): Line {
  if (isComment(line)) return undefined;
  const h = HEADER.exec(line);
  if (h) return { section: (h[1] ?? '').trim().toLowerCase() };
  const eq = line.indexOf('=');
  // nfs-utils ignores lines that are not assignments.
  if (eq <= 0) return undefined;
  const key = line.slice(0, eq).trim().toLowerCase();
  if (key === '') return undefined;
  let value = line.slice(eq + 1).trim();
  const q = value[0];
  if (q === '"' || q === "'") {
    // A quoted value ends at the closing quote.
    const end = value.indexOf(q, 1);
    if (end < 0) return undefined; // unmatched quotes: nfs-utils drops the line
    value = value.slice(1, end);
  } else {
    // `#` and `;` end an unquoted value; nfs-utils knows no escapes.
    value = value.replace(/[#;].*$/, '').trim();
  }
  return { key, value };
}

// Expands `include` lines in place: the included text, then the includer's section header again
// (nfs-utils gives the included file a copy of the current section; it cannot change ours).
// `read` returns null for a missing file.
export async function expandIncludes(path: string, text: string, read: (p: string) => Promise<string | null>, depth = 0): Promise<string[]> {
  // Most files include nothing: their lines as they are, without looking at each one.
  if (!/include/i.test(text)) return joinContinuations(text);
  const out: string[] = [];
  let header: string | undefined;
  for (const line of joinContinuations(text)) {
    const h = HEADER.exec(line);
    if (h && !isComment(line)) header = line;
    const inc = includeTarget(line);
    if (inc === undefined) {
      out.push(line);
      continue;
    }
    if (inc.path === '' || depth >= MAX_INCLUDE_DEPTH) continue;
    const target = resolveInclude(path, inc.path);
    const sub = await read(target);
    if (sub === null) continue;
    out.push(...(await expandIncludes(target, sub, read, depth + 1)));
    // No section before the include: what follows it stays outside any section.
    out.push(header ?? '[]');
  }
  return out;
}

// The files of a conf.d directory nfs-utils loads, in its order: names ending in `.conf` (longer
// than that), not starting with a dot, in version order (scandir + versionsort).
export function confDirOrder(names: readonly string[]): string[] {
  return names
    .filter((n) => n.length > 5 && n.endsWith('.conf') && !n.startsWith('.'))
    .sort(versionCompare);
}

// Merges the sources, later values winning. Pure: the tests feed it fixture texts.
export function parseNfsConf(sources: readonly NfsConfSource[]): NfsConf {
  const merged = new Map<string, Map<string, string>>();
  for (const src of sources) {
    // Keys outside any section (before the first header, or after an include that had none
    // before it: the `[]` expandIncludes writes) are ignored, as by nfs-utils.
    let keys: Map<string, string> | undefined;
    for (const line of joinContinuations(src.text)) {
      const l = parseLine(line);
      if (l === undefined) continue;
      if ('section' in l) {
        if (l.section === '') {
          keys = undefined;
          continue;
        }
        keys = merged.get(l.section);
        if (keys === undefined) {
          keys = new Map();
          merged.set(l.section, keys);
        }
        continue;
      }
      // An empty value sets nothing (conf_set ignores it): an earlier value stays.
      if (keys !== undefined && l.value !== '') keys.set(l.key, l.value);
    }
  }
  return merged;
}

export function nfsConfGet(conf: NfsConf, section: string, key: string): string | undefined {
  return conf.get(section.toLowerCase())?.get(key.toLowerCase());
}

// The compiled-in state directory of nfs-utils (etab, rmtab, xtab).
export const DEFAULT_STATE_DIR = '/var/lib/nfs';

// Where exportfs and rpc.mountd keep etab and rmtab: `state-directory-path` of [mountd], else
// of [exportd], else the compiled-in /var/lib/nfs (checked with exportfs 2.6.2: [exportfs] is
// ignored). Every agent that needs this directory asks here.
export function exportStateDir(conf: NfsConf): string {
  return nfsConfGet(conf, 'mountd', 'state-directory-path') ?? nfsConfGet(conf, 'exportd', 'state-directory-path') ?? DEFAULT_STATE_DIR;
}

// Reads the files nfs-utils reads for `file` (default /etc/nfs.conf), includes expanded.
// Missing files and directories are skipped; unreadable ones too (the daemons warn and go on).
export async function readNfsConfSources(sys: System, file = NFS_CONF): Promise<NfsConfSource[]> {
  const read = async (p: string): Promise<string | null> => {
    try {
      return await sys.readFileIfExists(p);
    } catch {
      return null;
    }
  };
  const files: string[] = [];
  const withDir = async (f: string): Promise<void> => {
    files.push(f);
    let names: string[] = [];
    try {
      // A missing directory, or a file of that name, fails here: nothing to load.
      names = await sys.readdir(`${f}.d`);
    } catch {
      names = [];
    }
    for (const n of confDirOrder(names)) files.push(`${f}.d/${n}`);
  };
  if (file.startsWith('/etc/')) await withDir(`/usr${file}`);
  await withDir(file);
  const out: NfsConfSource[] = [];
  for (const f of files) {
    const text = await read(f);
    if (text === null) continue;
    out.push({ path: f, text: (await expandIncludes(f, text, read)).join('\n') });
  }
  return out;
}

export async function readNfsConf(sys: System, file = NFS_CONF): Promise<NfsConf> {
  return parseNfsConf(await readNfsConfSources(sys, file));
}
