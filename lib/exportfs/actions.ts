// ocf:nfsha:exportfs actions. Behaviour of ocf:heartbeat:exportfs without its defects; every
// difference is in docs/compat/exportfs.md.
//
// The export table is read from etab natively (no exportfs fork in monitor): etab is the file
// exportfs itself writes (atomically, etab.tmp + rename) and reads back to print its listing, so
// both always agree. Start checks that what it exported is in etab and, if not, asks `exportfs`
// to tell a failed export from a state directory we read wrongly.

import { OCF, OcfError, type OcfStatus } from '../ocf/codes.ts';
import type { RunResult } from '../system/types.ts';
import { EXPORT_CACHE, cachedFsids } from './cache.ts';
import type { ExportfsContext } from './params.ts';
import { clientMatches, commandLineClient, normaliseSpec, reportedClient } from './clientspec.ts';
import { canonicalFsid, exportArgv, exportOptions, isIntegerFsid, unexportArgv } from './fsid.ts';
import { formatRecord, parseRecord } from './record.ts';
import { backupEnabled, backupRmtab, restoreRmtab } from './rmtab.ts';
import { fsidOption, parseExportfsListing, readTable, type ExportEntry } from './table.ts';
import { prepare, warnDuplicateFsids, type Dir, type Setup } from './validate.ts';

export const UNLOCK_FILESYSTEM = '/proc/fs/nfsd/unlock_filesystem';
export const NFSV4_LEASETIME = '/proc/fs/nfsd/nfsv4leasetime';
// At most this many `exportfs -f` rounds (0.5 s apart) while the kernel cache still holds our fsids.
export const CACHE_FLUSH_TRIES = 20;

// The table entries that are this resource's export of `dir`.
export function ourEntries(table: readonly ExportEntry[], dir: string, spec: string, record: ReadonlyMap<string, string>): ExportEntry[] {
  return table.filter((e) => e.path === dir && clientMatches(e.client, spec, record.get(dir)));
}

// What a command said, on one line. exportfs's "No file systems exported!" is about an empty
// /etc/exports, not about our export: it is left out.
function outputOf(r: RunResult): string {
  return `${r.stderr}\n${r.stdout}`.split('\n').filter((l) => !l.includes('No file systems exported!')).join(' ').replace(/\s+/g, ' ').trim();
}

function failureOf(r: RunResult): string {
  if (r.notFound) return 'command not found';
  if (r.timedOut) return 'timed out';
  return `exit code ${String(r.exitCode)}`;
}

async function run(ctx: ExportfsContext, argv: readonly string[]): Promise<RunResult> {
  const r = await ctx.sys.run(argv);
  const out = outputOf(r);
  if (r.exitCode === 0) {
    if (out !== '') ctx.log.info(out);
  } else {
    ctx.log.err(`${argv.join(' ')}: ${failureOf(r)}${out === '' ? '' : `: ${out}`}`);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Actions

export async function monitor(ctx: ExportfsContext): Promise<OcfStatus> {
  const s = await prepare(ctx);
  if (typeof s === 'number') return s;
  const recordText = await ctx.sys.readFileIfExists(s.stateFile);
  if (recordText === null) return OCF.NOT_RUNNING;
  const record = parseRecord(recordText);
  const table = await readTable(ctx, s.nfsStateDir);
  for (const d of s.dirs) {
    if (ourEntries(table, d.path, s.spec, record).length === 0) {
      ctx.log[ctx.env.isProbe ? 'info' : 'err'](`${d.path} not exported to ${normaliseSpec(s.spec)} (stopped).`);
      return OCF.NOT_RUNNING;
    }
  }
  if (backupEnabled(ctx)) await backupRmtab(ctx, s);
  return OCF.SUCCESS;
}

// Why `dir` is not in etab after exportfs said it exported it.
async function notExportedReason(ctx: ExportfsContext, s: Setup, d: Dir, r: RunResult): Promise<string> {
  const listing = await ctx.sys.run(['exportfs']);
  const listed = parseExportfsListing(listing.stdout).some((e) => e.path === d.path && clientMatches(e.client, s.spec));
  if (listed) return `exportfs lists ${d.path} but ${s.nfsStateDir}/etab does not: unsupported state-directory-path setting`;
  // What exportfs said (it exits 0 when it cannot resolve the client) comes first: exit
  // reasons are cut at 128 characters.
  const said = r.stderr.split('\n').map((l) => l.trim().replace(/^exportfs: /, '')).filter((l) => l !== '' && !l.includes('No file systems exported'));
  const where = `${s.spec}:${d.path} is not in the export table after exportfs`;
  return said.length > 0 ? `${said.join('; ')}: ${where}` : where;
}

export async function start(ctx: ExportfsContext): Promise<OcfStatus> {
  const s = await prepare(ctx);
  if (typeof s === 'number') return s;
  const { sys, log, params } = ctx;
  for (const d of s.dirs) {
    if (d.isDir) continue;
    try {
      await sys.mkdirp(d.path);
      const real = await sys.realpath(d.path);
      if (real === null || (await sys.stat(real))?.isDirectory !== true) throw new Error('not a directory');
      d.path = real;
      d.exists = true;
      d.isDir = true;
    } catch {
      throw new OcfError(OCF.ERR_INSTALLED, `Unable to create directory ${d.path}`);
    }
  }
  let table = await readTable(ctx, s.nfsStateDir);
  const recordText = await sys.readFileIfExists(s.stateFile);
  const record = parseRecord(recordText ?? '');
  if (recordText !== null && s.dirs.every((d) => ourEntries(table, d.path, s.spec, record).length > 0)) {
    log.debug('already exported');
    return OCF.SUCCESS;
  }
  warnDuplicateFsids(ctx, s, table);
  log.info('Exporting file system(s) ...');
  // The state file exists before anything is exported, so that a stop after a failed start
  // cleans up what was exported.
  await sys.mkdirp(ctx.env.rsctmp);
  const names = new Map<string, string>();
  await sys.writeFile(s.stateFile, '');
  for (const d of s.dirs) {
    const argv = exportArgv(exportOptions(params.options, params.fsid, d.fsid), s.spec, d.path);
    const r = await run(ctx, argv);
    if (r.exitCode !== 0) throw new OcfError(OCF.ERR_GENERIC, `exportfs failed - ${argv.join(' ')}${r.timedOut ? ' (timed out)' : ''}`);
    const reported = reportedClient(`${r.stdout}\n${r.stderr}`, 'exporting', d.path);
    if (reported !== undefined) {
      names.set(d.path, reported);
      await sys.writeFile(s.stateFile, formatRecord(names));
    }
    table = await readTable(ctx, s.nfsStateDir);
    if (ourEntries(table, d.path, s.spec, names).length === 0) throw new OcfError(OCF.ERR_GENERIC, await notExportedReason(ctx, s, d, r));
    log.info(`directory ${d.path} exported`);
  }
  if (backupEnabled(ctx)) await restoreRmtab(ctx, s);
  return OCF.SUCCESS;
}

async function unlockFilesystem(ctx: ExportfsContext, dir: string): Promise<void> {
  const cannot = `Unable to unlock NFS export ${dir}, ${UNLOCK_FILESYSTEM} not found or not writable`;
  const st = await ctx.sys.stat(UNLOCK_FILESYSTEM).catch(() => null);
  if (st === null || st.isDirectory) {
    ctx.log.warn(cannot);
    return;
  }
  try {
    // nfsd takes the path up to a mandatory trailing newline.
    await ctx.sys.writeFile(UNLOCK_FILESYSTEM, `${dir}\n`);
    ctx.log.info(`Unlocked NFS export ${dir}`);
  } catch (e) {
    ctx.log.warn(`${cannot}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

// Milliseconds kept back from the lease wait for the rest of stop.
const AFTER_LEASE_WAIT_MS = 3000;

async function waitForLeasetime(ctx: ExportfsContext): Promise<void> {
  const text = await ctx.sys.readFileIfExists(NFSV4_LEASETIME).catch(() => null);
  const lease = text === null ? NaN : parseInt(text.trim(), 10);
  if (!Number.isFinite(lease) || lease < 0) {
    ctx.log.warn(`Unable to read NFSv4 lease time from ${NFSV4_LEASETIME}, file not found or not readable`);
    return;
  }
  const secs = lease + 2;
  const room = ctx.deadline.remaining() - AFTER_LEASE_WAIT_MS;
  if (secs * 1000 > room) {
    const have = Math.max(0, room);
    ctx.log.warn(`the stop timeout leaves ${String(Math.floor(have / 1000))} s for the ${String(secs)} s NFSv4 lease wait; waiting only that long (raise the stop timeout)`);
    await ctx.sys.sleep(have);
    return;
  }
  ctx.log.info(`Sleeping ${String(secs)} seconds to accommodate for NFSv4 lease expiry`);
  await ctx.sys.sleep(secs * 1000);
}

// Flushes the kernel export cache while it still holds one of `fsids`; bounded by
// CACHE_FLUSH_TRIES and by the operation deadline.
async function cleanupExportCache(ctx: ExportfsContext, fsids: ReadonlySet<string>): Promise<void> {
  if (fsids.size === 0) return;
  for (let i = 1; ; i++) {
    const content = await ctx.sys.readFileIfExists(EXPORT_CACHE).catch(() => null);
    if (content === null) return;
    const cached = cachedFsids(content);
    const pending = [...fsids].filter((f) => cached.has(f));
    if (pending.length === 0) return;
    if (i > CACHE_FLUSH_TRIES || ctx.deadline.remaining() < 1500) {
      ctx.log.warn(`the export cache still holds fsid ${pending.join(', ')} after ${String(i - 1)} flushes; going on`);
      return;
    }
    ctx.log.info(`Cleanup export cache ... (try ${String(i)})`);
    await run(ctx, ['exportfs', '-f']);
    await ctx.sys.sleep(500);
  }
}

export async function stop(ctx: ExportfsContext): Promise<OcfStatus> {
  const s = await prepare(ctx);
  if (typeof s === 'number') return s;
  const { sys, log, params } = ctx;
  const recordText = await sys.readFileIfExists(s.stateFile);
  const record = parseRecord(recordText ?? '');
  const exportedNow = (table: readonly ExportEntry[]) => s.dirs.flatMap((d) => ourEntries(table, d.path, s.spec, record).map((e) => ({ dir: d.path, e })));
  let table = await readTable(ctx, s.nfsStateDir);
  const before = exportedNow(table);
  if (before.length === 0) {
    log.debug('not exported');
    if (recordText !== null) await sys.remove(s.stateFile);
    return OCF.SUCCESS;
  }
  log.info('Un-exporting file system ...');
  if (backupEnabled(ctx)) await backupRmtab(ctx, s);
  for (const dir of new Set(before.map((x) => x.dir))) await run(ctx, unexportArgv(s.spec, dir));
  table = await readTable(ctx, s.nfsStateDir);
  let left = exportedNow(table);
  // Still listed under the name exportfs reported when we exported (its canonical name, which
  // the resolver no longer gives for the clientspec): unexport it by that name. Entries matched
  // only by the short-name/FQDN rule are not retried: they might be another resource's.
  const retry = left.filter((x) => {
    const recorded = record.get(x.dir)?.toLowerCase();
    const listed = x.e.client.toLowerCase();
    return recorded === listed && listed !== normaliseSpec(s.spec).toLowerCase();
  });
  if (retry.length > 0) {
    for (const x of retry) await run(ctx, unexportArgv(commandLineClient(x.e.client), x.dir));
    table = await readTable(ctx, s.nfsStateDir);
    left = exportedNow(table);
  }
  if (params.unlock_on_stop) for (const d of s.dirs) await unlockFilesystem(ctx, d.path);
  if (params.wait_for_leasetime_on_stop) await waitForLeasetime(ctx);
  if (left.length > 0) {
    throw new OcfError(OCF.ERR_GENERIC, `Failed to un-export file system(s): ${[...new Set(left.map((x) => `${x.e.client}:${x.dir}`))].join(' ')}`);
  }
  // Our fsids, unless another export still uses them (then the cache keeps them legitimately).
  const inUse = new Set(table.flatMap((e) => {
    const f = fsidOption(e.options);
    return f === undefined ? [] : [canonicalFsid(f)];
  }));
  const fsids = new Set<string>();
  for (const d of s.dirs) {
    if (d.fsid === undefined || !isIntegerFsid(d.fsid)) continue;
    const f = canonicalFsid(d.fsid);
    if (inUse.has(f)) log.info(`fsid ${d.fsid} is still exported by another export; not waiting for it to leave the export cache`);
    else fsids.add(f);
  }
  await cleanupExportCache(ctx, fsids);
  await sys.remove(s.stateFile);
  log.info('Un-exported file system(s)');
  return OCF.SUCCESS;
}
