// Filesystem's parameter checks and their reading for the actions (force_unmount, signals,
// signal_delay, run_fsck, the status file, clone safety), and the validate-all action.

import { OCF, OcfError, type OcfStatus } from '../ocf/codes.ts';
import { cloneVerdict } from './fstypes.ts';
import { prepare, type FsContext, type Resource } from './resource.ts';
import { hasOptionWord, parseForceUnmount, parseRunFsck, parseSignalDelay, parseSignals, type ForceUnmount, type FsckPolicy, type Signal } from './settings.ts';
import { requireTools } from './tools.ts';

export function op(ctx: FsContext): { action: string; isProbe: boolean } {
  return { action: ctx.env.action, isProbe: ctx.env.isProbe };
}

// force_unmount as configured (default true on every distribution: docs/compat.md), warning
// about unknown words.
export function forceUnmountOf(ctx: FsContext): ForceUnmount {
  const f = parseForceUnmount(ctx.params.force_unmount);
  for (const w of f.unknown) ctx.log.warn(`force_unmount: unknown modifier ${w} ignored`);
  return f;
}

// mount and umount are needed by start and stop; the probe never needs a tool (it reads
// /proc), and fuser is never needed (holders are found natively).
export function requireBase(ctx: FsContext): Promise<void> {
  return requireTools(ctx.sys, 'mount', 'umount');
}

export function signalsOf(ctx: FsContext, name: 'term_signals' | 'kill_signals', strict: boolean): Signal[] {
  const { signals, invalid } = parseSignals(ctx.params[name]);
  if (invalid.length > 0) {
    if (strict) throw new OcfError(OCF.ERR_CONFIGURED, `${name}: unknown signal ${invalid.join(' ')}`);
    ctx.log.warn(`${name}: unknown signal ${invalid.join(' ')} ignored`);
  }
  return signals;
}

export function signalDelayOf(ctx: FsContext, strict: boolean): number {
  const text = ctx.params.signal_delay;
  const ms = parseSignalDelay(text);
  if (ms !== undefined) return ms;
  if (strict) throw new OcfError(OCF.ERR_CONFIGURED, `signal_delay must be a number of seconds, got '${text}'`);
  ctx.log.warn(`signal_delay '${text}' is not a number of seconds; using 1`);
  return 1000;
}

export function runFsckOf(ctx: FsContext): FsckPolicy {
  const fsck = parseRunFsck(ctx.params.run_fsck);
  if (fsck.invalid) ctx.log.warn(`Invalid parameter value for fsck: '${ctx.params.run_fsck}'; setting to 'auto'`);
  return fsck.policy;
}

export function statusFile(ctx: FsContext, res: Resource): string {
  const prefix = ctx.params.statusfile_prefix;
  if (prefix.split('/').includes('..')) throw new OcfError(OCF.ERR_CONFIGURED, `statusfile_prefix must stay inside the mount point, got '${prefix}'`);
  const clone = ctx.env.cloneNumber !== undefined && ctx.env.cloneNumber !== '' ? `_${ctx.env.cloneNumber}` : '';
  return `${res.dir}/${prefix}${ctx.env.instance}${clone}_${ctx.sys.hostname()}`;
}

// Clone safety; returns whether start should write the systemd drop-in.
export function checkClone(ctx: FsContext, res: Resource): boolean {
  const verdict = cloneVerdict(res.fstype, ctx.params.force_clones, hasOptionWord(res.options, 'ro'), ctx.env.isClone);
  if (!verdict.allowed) {
    ctx.log.err('DO NOT RUN IT AS A CLONE!');
    ctx.log.err('Politely refusing to proceed to avoid data corruption.');
    throw new OcfError(OCF.ERR_CONFIGURED, `DANGER! ${res.fstype} on ${res.label} is NOT cluster-aware!`);
  }
  if (verdict.warn !== undefined) {
    ctx.log.warn(`${res.fstype} on ${res.label} is NOT cluster-aware!`);
    if (verdict.warn === 'forced') ctx.log.warn("But we'll let it run because we trust _YOU_ verified it's safe to do so.");
    else {
      ctx.log.warn("But we'll let it run because it is mounted read-only.");
      ctx.log.warn("Please make sure that it's meta data is read-only too!");
    }
  }
  return verdict.dropIn;
}

export async function validateAll(ctx: FsContext): Promise<OcfStatus> {
  const p = await prepare(ctx, op(ctx));
  if ('done' in p) return p.done;
  await requireBase(ctx);
  forceUnmountOf(ctx);
  signalsOf(ctx, 'term_signals', true);
  signalsOf(ctx, 'kill_signals', true);
  signalDelayOf(ctx, true);
  runFsckOf(ctx);
  checkClone(ctx, p.res);
  if (ctx.env.checkLevel >= 20) statusFile(ctx, p.res);
  return OCF.SUCCESS;
}
