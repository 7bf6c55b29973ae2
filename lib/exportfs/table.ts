// The export table as nfs-utils keeps and prints it: etab (the state file exportfs writes and
// reads back, one `path<TAB>client(options)` line per export, paths octal-escaped) and the
// listings of `exportfs`, `exportfs -v` (long paths wrap onto a `\t\tclient` line, `*` shows as
// `<world>`) and `exportfs -s` (one `path  client(options)` line per export). Pure parsers.

import { OCF, OcfError } from '../ocf/codes.ts';
import type { ExportfsContext } from './params.ts';

export interface ExportEntry {
  // The exported directory, unescaped.
  readonly path: string;
  // The client as exportfs stored it: canonical host name, address, network, wildcard,
  // @netgroup, `*` (etab, -s) or `<world>` (plain and -v listings).
  readonly client: string;
  // The options inside the parentheses, in order; empty when the listing shows none.
  readonly options: readonly string[];
}

// Undoes the `\ooo` octal escapes exportfs and the kernel use for space, tab, newline and
// backslash (and any other byte) in paths.
export function unescapeOctal(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\([0-7]{3})/g, (_all, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

// "client(opt,opt)" → client and options; a bare client has no options.
export function splitClient(text: string): { client: string; options: string[] } {
  const open = text.indexOf('(');
  if (open < 0 || !text.endsWith(')')) return { client: text, options: [] };
  const inner = text.slice(open + 1, -1);
  return { client: text.slice(0, open), options: inner === '' ? [] : inner.split(',') };
}

function entry(path: string, clientText: string): ExportEntry {
  const { client, options } = splitClient(clientText.trim());
  return { path, client, options };
}

// /var/lib/nfs/etab: `path<TAB>client(options)`; the path is escaped, so the first run of
// white space ends it. Blank and malformed lines are skipped.
export function parseEtab(text: string): ExportEntry[] {
  const out: ExportEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(\S+)\s*$/.exec(line);
    if (m === null) continue;
    out.push(entry(unescapeOctal(m[1] ?? ''), m[2] ?? ''));
  }
  return out;
}

// `exportfs` and `exportfs -v`. The path is printed raw (it may contain spaces), padded to 14
// characters and followed by a tab and the client; a longer path is alone on its line and the
// client follows on the next line after two tabs.
export function parseExportfsListing(text: string): ExportEntry[] {
  const out: ExportEntry[] = [];
  let pending: string | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (/^\s/.test(line)) {
      // Continuation: the client of the wrapped path above.
      if (pending !== undefined) out.push(entry(pending, line));
      pending = undefined;
      continue;
    }
    const tab = line.indexOf('\t');
    if (tab < 0) {
      pending = line.trimEnd();
      continue;
    }
    pending = undefined;
    out.push(entry(line.slice(0, tab).trimEnd(), line.slice(tab + 1)));
  }
  return out;
}

// `exportfs -s`: `path  client(options)`, path escaped as in etab.
export function parseExportfsShort(text: string): ExportEntry[] {
  return parseEtab(text);
}

// The value of the last `fsid=` option, or undefined.
export function fsidOption(options: readonly string[]): string | undefined {
  let v: string | undefined;
  for (const o of options) if (o.startsWith('fsid=')) v = o.slice(5);
  return v;
}

// The export table as exportfs keeps it: <state directory>/etab.
export async function readTable(ctx: Pick<ExportfsContext, 'sys'>, stateDir: string): Promise<ExportEntry[]> {
  const path = `${stateDir}/etab`;
  let text: string | null;
  try {
    text = await ctx.sys.readFileIfExists(path);
  } catch (e) {
    throw new OcfError(OCF.ERR_GENERIC, `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return text === null ? [] : parseEtab(text);
}
