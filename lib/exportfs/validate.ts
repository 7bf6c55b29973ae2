// exportfs validation: parameters checked, directories resolved, the environment judged
// (ocf-rarun's policy for an invalid one), and the validate-all action.

import { OCF, OcfError, isOcfError, type OcfStatus } from '../ocf/codes.ts';
import { requireTools } from './tools.ts';
import type { System } from '../system/types.ts';
import { exportStateDir, readNfsConf } from '../host/nfsconf.ts';
import { stripTrailingSlashes } from '../host/paths.ts';
import { canonicalFsid, effectiveFsid, fsidFor, fsidProblem } from './fsid.ts';
import type { ExportfsContext } from './params.ts';
import { fsidOption, readTable, type ExportEntry } from './table.ts';

export interface Dir {
  path: string;
  exists: boolean;
  isDir: boolean;
  // The fsid this directory is exported with, if any.
  readonly fsid: string | undefined;
}

export interface Setup {
  readonly dirs: Dir[];
  readonly spec: string;
  readonly stateFile: string;
  readonly nfsStateDir: string;
}

// ---------------------------------------------------------------------------------------------
// Common steps

// Whitespace-separated directories, trailing slashes stripped, canonicalised when they exist.
export function splitDirectories(directory: string): string[] {
  return directory.split(/\s+/).filter((w) => w !== '').map(stripTrailingSlashes);
}

async function resolveDir(ctx: ExportfsContext, given: string, action: string, fsid: string | undefined): Promise<Dir> {
  let st;
  try {
    st = await ctx.sys.stat(given);
  } catch {
    st = undefined;
  }
  if (st === null) {
    ctx.log.debug(`${given} does not exist`);
    return { path: given, exists: false, isDir: false, fsid };
  }
  let real: string | null = null;
  try {
    if (st !== undefined) real = await ctx.sys.realpath(given);
  } catch {
    real = null;
  }
  if (real === null) {
    if (action !== 'stop') throw new OcfError(OCF.ERR_GENERIC, `Could not canonicalize ${given}`);
    return { path: given, exists: true, isDir: st?.isDirectory ?? false, fsid };
  }
  return { path: real, exists: true, isDir: st?.isDirectory ?? false, fsid };
}

// What makes the environment invalid (ocf-rarun's binary check and validate_all), or undefined.
async function environmentProblem(ctx: ExportfsContext, dirCount: number): Promise<OcfError | undefined> {
  try {
    await requireTools(ctx.sys, 'exportfs');
  } catch (e) {
    if (isOcfError(e)) return e;
    throw e;
  }
  if (/\s/.test(ctx.params.clientspec.trim())) return new OcfError(OCF.ERR_CONFIGURED, `clientspec "${ctx.params.clientspec}" names more than one client: use one resource per client specification`);
  const p = fsidProblem(ctx.params.fsid, ctx.params.options, dirCount);
  return p === undefined ? undefined : new OcfError(OCF.ERR_CONFIGURED, p);
}

// ocf-rarun's policy for an invalid environment: stop succeeds, a probe sees "stopped", a
// recurring monitor fails, start and validate-all fail with the problem's code.
function invalidEnvironment(ctx: ExportfsContext, problem: OcfError): OcfStatus {
  const { action, isProbe } = ctx.env;
  if (action === 'stop') {
    ctx.log.info(`${problem.message}: environment is invalid, resource considered stopped`);
    return OCF.SUCCESS;
  }
  if (action === 'monitor' && isProbe) {
    ctx.log.info(`${problem.message}: environment is invalid, resource considered stopped`);
    return OCF.NOT_RUNNING;
  }
  if (action === 'monitor') throw new OcfError(OCF.ERR_GENERIC, problem.message);
  throw problem;
}

// The state directory exportfs writes etab to, read from nfs.conf as nfs-utils reads it.
export async function nfsStateDir(sys: System): Promise<string> {
  return exportStateDir(await readNfsConf(sys));
}

// Parameters checked and directories resolved, or the status the action ends with.
export async function prepare(ctx: ExportfsContext): Promise<Setup | OcfStatus> {
  const first = ctx.paramProblems[0];
  if (first !== undefined) throw new OcfError(OCF.ERR_CONFIGURED, first);
  const { params, env } = ctx;
  const words = splitDirectories(params.directory);
  if (words.length === 0) throw new OcfError(OCF.ERR_CONFIGURED, 'directory: required parameter not set');
  const start = effectiveFsid(params.fsid, params.options);
  const dirs: Dir[] = [];
  for (const [i, w] of words.entries()) dirs.push(await resolveDir(ctx, w, env.action, fsidFor(start, i, words.length)));
  const problem = await environmentProblem(ctx, words.length);
  if (problem !== undefined) return invalidEnvironment(ctx, problem);
  return {
    dirs,
    spec: params.clientspec.trim(),
    stateFile: `${env.rsctmp}/${env.instance}`,
    nfsStateDir: await nfsStateDir(ctx.sys),
  };
}

// Warns about another export that uses the fsid of one of ours (the kernel would confuse them).
export function warnDuplicateFsids(ctx: ExportfsContext, s: Setup, table: readonly ExportEntry[]): void {
  const ours = new Set(s.dirs.map((d) => d.path));
  for (const d of s.dirs) {
    if (d.fsid === undefined) continue;
    const want = canonicalFsid(d.fsid);
    const others = new Set<string>();
    for (const e of table) {
      const f = fsidOption(e.options);
      if (f !== undefined && !ours.has(e.path) && canonicalFsid(f) === want) others.add(e.path);
    }
    for (const o of others) ctx.log.warn(`fsid ${d.fsid} of ${d.path} is also used by ${o} in the export table; each exported filesystem needs its own fsid`);
  }
}

export async function validateAll(ctx: ExportfsContext): Promise<OcfStatus> {
  const s = await prepare(ctx);
  if (typeof s === 'number') return s;
  try {
    warnDuplicateFsids(ctx, s, await readTable(ctx, s.nfsStateDir));
  } catch (e) {
    ctx.log.debug(`export table not checked: ${e instanceof Error ? e.message : String(e)}`);
  }
  return OCF.SUCCESS;
}
