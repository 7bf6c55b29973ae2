// rmtab (rpc.mountd's list of NFSv2/v3 mounts, `client:path:0xcount` per line) and its backup
// inside each exported directory, which lets the list follow the export to another node.

import type { ExportfsContext } from './params.ts';
import type { Setup } from './validate.ts';
import { replaceFile } from '../host/replace.ts';

// The rmtab lines for one exported directory (the path between colons, exactly).
export function rmtabLinesFor(rmtab: string, dir: string): string[] {
  const needle = `:${dir}:`;
  return rmtab.split('\n').filter((l) => l.includes(needle));
}

export function joinLines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

// `sort -u` of the live rmtab and a backup, byte order (LC_ALL=C) as sort does.
export function mergeRmtab(live: string, backup: string): string {
  const all = new Set<string>();
  for (const l of `${live}\n${backup}`.split('\n')) if (l !== '') all.add(l);
  return joinLines([...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
}

// ---------------------------------------------------------------------------------------------
// The backup in each exported directory: written by monitor and stop, merged back by start.

export function backupEnabled(ctx: ExportfsContext): boolean {
  const b = ctx.params.rmtab_backup;
  return b !== 'none' && b !== '';
}

// Writes each directory's rmtab lines to <dir>/<rmtab_backup> (only when they changed: a
// monitor every few seconds need not rewrite a file on the shared filesystem).
export async function backupRmtab(ctx: ExportfsContext, s: Setup): Promise<void> {
  const rmtab = await ctx.sys.readFileIfExists(`${s.nfsStateDir}/rmtab`).catch(() => null);
  if (rmtab === null) return;
  for (const d of s.dirs) {
    if (!d.isDir) continue;
    const file = `${d.path}/${ctx.params.rmtab_backup}`;
    const want = joinLines(rmtabLinesFor(rmtab, d.path));
    try {
      if ((await ctx.sys.readFileIfExists(file)) !== want) await ctx.sys.writeFile(file, want);
    } catch (e) {
      ctx.log.debug(`cannot write rmtab backup ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

export async function restoreRmtab(ctx: ExportfsContext, s: Setup): Promise<void> {
  const rmtabPath = `${s.nfsStateDir}/rmtab`;
  for (const d of s.dirs) {
    const file = `${d.path}/${ctx.params.rmtab_backup}`;
    const backup = await ctx.sys.readFileIfExists(file).catch(() => null);
    if (backup === null) {
      ctx.log.warn(`rmtab backup ${file} not found or not readable.`);
      continue;
    }
    try {
      const live = (await ctx.sys.readFileIfExists(rmtabPath)) ?? '';
      const merged = mergeRmtab(live, backup);
      if (merged !== mergeRmtab(live, '')) {
        await replaceFile(ctx.sys, rmtabPath, merged, { tmp: `${rmtabPath}.nfsha-${String(ctx.sys.pid)}`, mode: 0o644 });
      }
      ctx.log.debug(`Restored ${String(backup.split('\n').filter((l) => l !== '').length)} rmtab entries from ${file}.`);
    } catch (e) {
      ctx.log.warn(`cannot restore rmtab entries from ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

