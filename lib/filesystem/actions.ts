// The actions of ocf:nfsha:Filesystem: start, stop, monitor, status and
// validate-all, on top of the resolved resource (resource.ts) and the unmount engine.

import { OCF, OcfError, type OcfStatus } from '../ocf/codes.ts';
import { movedMountPoint, parseForceUnmount, type ForceUnmount } from './settings.ts';
import { needsAutoFsck, NETWORK } from './fstypes.ts';
import { mountAt, otherMountsOf, readMounts, submountsOf, type MountEntry } from '../host/mounts.ts';
import { bounded, canonicalDir, foreignMessage, ownMountAt, prepare, statusAt, type FsContext, type Resource } from './resource.ts';
import { unmountOne, type UnmountSettings } from './unmount.ts';
import { describeLoops, type LoopHolder } from './holders.ts';
import { requireTools } from './tools.ts';
import { bindOptions, flushbufs, fstypeSupported, mountArgv, systemdDropIn, waitForDevice } from './mount.ts';
import { checkClone, forceUnmountOf, op, requireBase, runFsckOf, signalDelayOf, signalsOf, statusFile } from './validate.ts';

// fast_stop: the whole stop gets this long.
const FAST_STOP_MS = 6000;
// The stop budget when Pacemaker does not say (ocf-shellfuncs' assumption).
const DEFAULT_STOP_MS = 20000;

// ---------------------------------------------------------------------------------------------
// shared pieces

function logRunning(ctx: FsContext, res: Resource): void {
  ctx.log.info(`Running ${ctx.env.action} for ${res.label} on ${res.mountPoint}`);
}

// ---------------------------------------------------------------------------------------------
// monitor / status

async function monitorDepth(ctx: FsContext, res: Resource): Promise<OcfStatus> {
  const level = ctx.env.checkLevel;
  if (level === 0) return OCF.SUCCESS;
  if (level === 10) {
    if (!res.dev.block) {
      ctx.log.warn(`${res.label} is not a block device, monitor 10 is noop`);
      return OCF.SUCCESS;
    }
    const device = res.dev.path;
    try {
      await bounded(ctx, `read ${device}`, ctx.sys.readDirect(device, 4096));
    } catch (e) {
      ctx.log.err(`read said: ${e instanceof Error ? e.message : String(e)}`);
      throw new OcfError(OCF.ERR_GENERIC, `Failed to read device ${device}`);
    }
    return OCF.SUCCESS;
  }
  if (level === 20) {
    const file = statusFile(ctx, res);
    const content = `${ctx.env.instance}\n`;
    const direct = res.dev.block;
    try {
      const parent = file.slice(0, file.lastIndexOf('/'));
      await bounded(ctx, `mkdir ${parent}`, ctx.sys.mkdirp(parent));
      await bounded(ctx, `write ${file}`, ctx.sys.writeDurable(file, content, { direct }));
    } catch (e) {
      if (e instanceof OcfError && e.code === OCF.ERR_CONFIGURED) throw e;
      ctx.log.err(`write said: ${e instanceof Error ? e.message : String(e)}`);
      throw new OcfError(OCF.ERR_GENERIC, `Failed to write status file ${file}`);
    }
    const st = await bounded(ctx, `stat ${file}`, ctx.sys.stat(file).catch(() => null));
    if (!st?.isFile) throw new OcfError(OCF.ERR_GENERIC, `Cannot stat the status file ${file}`);
    let back: string;
    try {
      const bytes = direct ? await bounded(ctx, `read ${file}`, ctx.sys.readDirect(file, 4096)) : new TextEncoder().encode(await bounded(ctx, `read ${file}`, ctx.sys.readFile(file)));
      back = new TextDecoder().decode(bytes.subarray(0, content.length));
    } catch (e) {
      ctx.log.err(`read said: ${e instanceof Error ? e.message : String(e)}`);
      throw new OcfError(OCF.ERR_GENERIC, `Cannot read the status file ${file}`);
    }
    if (back !== content) throw new OcfError(OCF.ERR_GENERIC, `Cannot read the status file ${file}: it does not hold what was written`);
    return OCF.SUCCESS;
  }
  throw new OcfError(OCF.ERR_CONFIGURED, `unsupported monitor level ${String(level)}`);
}

// force_unmount=move: something mounted on <parent>/.<name> means an earlier stop was cut short.
async function movedLeftover(ctx: FsContext, res: Resource, mounts: readonly MountEntry[]): Promise<string | undefined> {
  const moved = movedMountPoint(res.dir);
  if (moved === res.dir || mountAt(mounts, moved) === undefined) return undefined;
  return (await statusAt(ctx, res, mounts, moved)).state === 'unmounted' ? undefined : moved;
}

export async function monitor(ctx: FsContext): Promise<OcfStatus> {
  const p = await prepare(ctx, op(ctx));
  if ('done' in p) return p.done;
  const { res, mounts } = p;
  if (!ctx.env.isProbe) await requireBase(ctx);
  const s = await statusAt(ctx, res, mounts);
  if (s.state === 'unmounted') {
    ctx.log.outcome(`${res.mountPoint} is not mounted`);
    return OCF.NOT_RUNNING;
  }
  if (s.state === 'foreign') {
    if (ctx.env.isProbe) {
      ctx.log.debug(foreignMessage(s.entry, res));
      ctx.log.outcome(foreignMessage(s.entry, res));
      return OCF.NOT_RUNNING;
    }
    throw new OcfError(OCF.ERR_GENERIC, foreignMessage(s.entry, res));
  }
  if (parseForceUnmount(ctx.params.force_unmount).move) {
    const moved = await movedLeftover(ctx, res, mounts);
    if (moved !== undefined) throw new OcfError(OCF.ERR_GENERIC, `move_before_umount=true and something is mounted on ${moved}`);
  }
  ctx.log.outcome(`${res.label} is mounted on ${res.mountPoint}${ctx.env.checkLevel > 0 ? ` (depth ${String(ctx.env.checkLevel)} checked)` : ''}`);
  return monitorDepth(ctx, res);
}

export async function status(ctx: FsContext): Promise<OcfStatus> {
  const p = await prepare(ctx, op(ctx));
  if ('done' in p) return p.done;
  const { res, mounts } = p;
  await requireBase(ctx);
  logRunning(ctx, res);
  const s = await statusAt(ctx, res, mounts);
  if (s.state === 'foreign') throw new OcfError(OCF.ERR_CONFIGURED, foreignMessage(s.entry, res));
  if (s.state === 'unmounted') {
    ctx.log.info(`${res.mountPoint} is unmounted (stopped)`);
    return OCF.NOT_RUNNING;
  }
  ctx.log.info(`${res.mountPoint} is mounted (running)`);
  return OCF.SUCCESS;
}

// ---------------------------------------------------------------------------------------------
// validate-all

// ---------------------------------------------------------------------------------------------
// start

export async function start(ctx: FsContext): Promise<OcfStatus> {
  const p = await prepare(ctx, op(ctx));
  if ('done' in p) return p.done;
  let { res, mounts } = p;
  await requireBase(ctx);
  logRunning(ctx, res);
  const dropIn = checkClone(ctx, res);
  if (dropIn) await systemdDropIn(ctx);

  // Nested-mount guard: anything mounted below the directory.
  if (submountsOf(mounts, res.dir).length > 0) {
    ctx.log.err(`There is one or more mounts mounted under ${res.mountPoint}.`);
    throw new OcfError(OCF.ERR_CONFIGURED, `There is one or more mounts mounted under ${res.mountPoint}.`);
  }
  const force = forceUnmountOf(ctx);
  if (force.move) {
    const moved = await movedLeftover(ctx, res, mounts);
    if (moved !== undefined) throw new OcfError(OCF.ERR_GENERIC, `move_before_umount=true and ${moved} status is [${String(OCF.SUCCESS)}]`);
  }
  const s = await statusAt(ctx, res, mounts);
  if (s.state === 'mounted') {
    ctx.log.info(`Filesystem ${res.mountPoint} is already mounted.`);
    return OCF.SUCCESS;
  }
  if (s.state === 'foreign') throw new OcfError(OCF.ERR_CONFIGURED, foreignMessage(s.entry, res));

  await fstypeSupported(ctx, res.fstype);

  if (res.dev.block) {
    const device = res.dev.path;
    let present = res.dev.present || device === '/dev/null';
    if (!present && res.spec.kind === 'path') {
      await waitForDevice(ctx, device);
      present = (await ctx.sys.stat(device).catch(() => null))?.isBlockDevice ?? false;
    }
    if (!present) throw new OcfError(OCF.ERR_INSTALLED, `Couldn't find device [${res.label}]. Expected /dev/??? to exist`);
    const fsck = runFsckOf(ctx);
    if (fsck === 'force' || (fsck === 'auto' && needsAutoFsck(res.fstype))) {
      await requireTools(ctx.sys, 'fsck');
      ctx.log.info(`Starting filesystem check on ${device}`);
      const argv = res.fstype === '' ? ['fsck', '-p', device] : ['fsck', '-t', res.fstype, '-p', device];
      const r = await ctx.sys.run(argv);
      const out = `${r.stdout}${r.stderr}`.trim();
      if (out !== '') ctx.log.info(out.replace(/\s*\n\s*/g, ' | '));
      if (r.exitCode === null || r.exitCode >= 4) throw new OcfError(OCF.ERR_GENERIC, `Couldn't successfully fsck filesystem for ${device}`);
    }
  }

  const dirStat = await ctx.sys.stat(res.dir).catch(() => null);
  if (!dirStat?.isDirectory) {
    try {
      await ctx.sys.mkdirp(res.dir);
    } catch (e) {
      ctx.log.err(`mkdir -p ${res.dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!(await ctx.sys.stat(res.dir).catch(() => null))?.isDirectory) {
      throw new OcfError(OCF.ERR_INSTALLED, `Couldn't find directory  [${res.mountPoint}] to use as a mount point`);
    }
    // A directory that did not exist could not be canonicalised: its parents may be links
    // (/var/run → /run), and the mount table will list the resolved path.
    res = { ...res, dir: await canonicalDir(ctx, res.mountPoint, mounts) };
  }

  if (res.dev.block) await flushbufs(ctx, res.dev.path);
  const r = await ctx.sys.run(mountArgv(res));
  if (r.stderr !== '') ctx.sys.writeStderr(r.stderr.endsWith('\n') ? r.stderr : `${r.stderr}\n`);
  if (r.exitCode !== 0) throw new OcfError(OCF.ERR_GENERIC, `Couldn't mount device [${res.label}] as ${res.mountPoint}`);

  mounts = readMounts(ctx.sys);
  const after = await statusAt(ctx, res, mounts);
  if (after.state !== 'mounted') {
    throw new OcfError(OCF.ERR_GENERIC, `Couldn't mount device [${res.label}] as ${res.mountPoint}: mount succeeded but nothing of ours is mounted there`);
  }
  if (res.isBind) await bindOptions(ctx, res, after.entry);
  ctx.log.outcome(`${res.label} is mounted on ${res.mountPoint}`);
  return OCF.SUCCESS;
}

// ---------------------------------------------------------------------------------------------
// stop

export async function stop(ctx: FsContext): Promise<OcfStatus> {
  const p = await prepare(ctx, op(ctx));
  if ('done' in p) return p.done;
  const { res, mounts } = p;
  logRunning(ctx, res);
  const force = forceUnmountOf(ctx);
  if (res.dir === '' || !(await ownMountAt(ctx, res, mounts, res.dir))) {
    const top = res.dir === '' ? undefined : mountAt(mounts, res.dir);
    if (top !== undefined) ctx.log.debug(foreignMessage(top, res));
    ctx.log.outcome(res.dir === '' ? 'no directory to unmount' : `${res.mountPoint} was not mounted`);
    if (force.move && res.dir !== '') {
      // A stop cut short after moving the mount aside: finish it.
      const moved = movedMountPoint(res.dir);
      if (moved !== res.dir && (await ownMountAt(ctx, res, mounts, moved))) {
        await requireBase(ctx);
        return stopMounted(ctx, res, moved, force);
      }
    }
    return OCF.SUCCESS;
  }
  await requireBase(ctx);
  if (ctx.env.checkLevel === 20) {
    const file = statusFile(ctx, res);
    if (!(await ctx.sys.remove(file).catch(() => false)) && (await ctx.sys.stat(file).catch(() => null)) !== null) {
      ctx.log.warn(`Failed to remove status file ${file}.`);
    }
  }
  let dir = res.dir;
  if (force.move) {
    const moved = movedMountPoint(res.dir);
    if (moved !== res.dir) {
      const made = (await ctx.sys.stat(moved).catch(() => null))?.isDirectory === true || (await ctx.sys.mkdirp(moved).then(() => true, () => false));
      const r = made ? await ctx.sys.run(['mount', '--move', res.dir, moved]) : undefined;
      if (r?.exitCode === 0) {
        ctx.log.info(`Moved ${res.mountPoint} to ${moved}`);
        dir = moved;
      } else if (r !== undefined) ctx.log.warn(`mount --move ${res.dir} ${moved}: ${r.stderr.trim()}`);
    }
  }
  return stopMounted(ctx, res, dir, force);
}

// The mount points a stop unmounts, in order: everything below dir (deepest first), then the
// other mounts of the same block device (not for bind resources: they would unmount the
// source filesystem), then dir itself.
export function unmountList(mounts: readonly MountEntry[], dir: string, otherMounts: boolean): string[] {
  const list = submountsOf(mounts, dir);
  const top = mountAt(mounts, dir);
  if (top !== undefined && otherMounts) {
    const sameFs = (m: MountEntry): boolean => m.majmin === top.majmin || m.source === top.source;
    list.push(...otherMountsOf(mounts, dir, sameFs));
  }
  list.push(dir);
  return list;
}

// Unmounts the list in one budget; the result is that of dir itself.
async function stopMounted(ctx: FsContext, res: Resource, dir: string, force: ForceUnmount): Promise<OcfStatus> {
  const fast = ctx.params.fast_stop;
  const budget = fast ? FAST_STOP_MS : (ctx.env.timeoutMs ?? DEFAULT_STOP_MS);
  const endAt = Math.min(ctx.deadline.startedAt + budget, ctx.sys.now() + ctx.deadline.remaining());

  const blockDevice = res.dev.block ? res.dev.path : undefined;
  const list = unmountList(readMounts(ctx.sys), dir, blockDevice !== undefined && !res.isBind);

  // Bind resources never look for users of the whole source filesystem (#1304): only for
  // users of the bind mount's own paths.
  const policy = force.mode === 'none' ? 'none' : force.mode === 'fuser' && !res.isBind ? 'fuser' : 'safe';
  if (force.mode === 'fuser' && res.isBind) ctx.log.debug(`Change force_umount from '${force.value}' to 'safe'`);
  const settings: UnmountSettings = {
    force,
    policy,
    termSignals: signalsOf(ctx, 'term_signals', false),
    killSignals: signalsOf(ctx, 'kill_signals', false),
    signalDelayMs: signalDelayOf(ctx, false),
    network: NETWORK.has(res.fstype),
    endAt,
  };
  // dir is done when no mount of ours is left on it: a foreign mount underneath ours is not
  // ours to remove.
  const dirSettings: UnmountSettings = { ...settings, isGone: async (mounts, sub) => !(await ownMountAt(ctx, res, mounts, sub)) };

  let ok = true;
  const loops = new Map<string, LoopHolder>();
  for (const sub of list) {
    ctx.log.info(`Trying to unmount ${sub}`);
    const r = await unmountOne(ctx, sub, sub === dir ? dirSettings : settings);
    ok = r.ok;
    if (!r.ok) {
      ctx.log.err(`Couldn't unmount ${sub}, giving up!`);
      for (const l of r.loops) loops.set(l.device, l);
    }
  }
  if (blockDevice !== undefined) await flushbufs(ctx, blockDevice);
  // A kernel user (a loop device) is named, as nothing the agent may do would free the mount
  // (first: Pacemaker keeps 128 characters of a reason).
  if (!ok && loops.size > 0) throw new OcfError(OCF.ERR_GENERIC, `Couldn't unmount ${dir}, held by ${describeLoops([...loops.values()])}`);
  if (!ok) throw new OcfError(OCF.ERR_GENERIC, `Couldn't unmount ${dir}, giving up!`);
  ctx.log.outcome(`${res.mountPoint} is unmounted`);
  return OCF.SUCCESS;
}
