// The actions of ocf:nfsha:Filesystem (filesystem.md §2): start, stop, monitor, status and
// validate-all, on top of the resolved resource (resource.ts) and the unmount engine.

import { OCF, OcfError, type OcfStatus } from '../ocf/codes.ts';
import {
  hasOptionWord, movedMountPoint, optionWords, parseForceUnmount, parseRunFsck, parseSignalDelay, parseSignals,
  type FsckPolicy, type ForceUnmount, type Signal,
} from './config.ts';
import { cloneVerdict, kernelHasFs, kernelSupportName, needsAutoFsck, NETWORK } from './fstypes.ts';
import { mountAt, otherMountsOf, readMounts, submountsOf, type MountEntry } from '../host/mounts.ts';
import { bounded, foreignMessage, ownMountAt, prepare, statusAt, type FsContext, type Resource } from './resource.ts';
import { unmountOne, type UnmountSettings } from './unmount.ts';

const DROP_IN_DIR = '/run/systemd/system/resource-agents-deps.target.d';
const DROP_IN = `${DROP_IN_DIR}/99-Filesystem-remote.conf`;
const DROP_IN_LINE = 'After=remote-fs.target';
// fast_stop: the whole stop gets this long.
const FAST_STOP_MS = 6000;
// The stop budget when Pacemaker does not say (ocf-shellfuncs' assumption).
const DEFAULT_STOP_MS = 20000;

// ---------------------------------------------------------------------------------------------
// shared pieces

function op(ctx: FsContext): { action: string; isProbe: boolean } {
  return { action: ctx.env.action, isProbe: ctx.env.isProbe };
}

// force_unmount as configured (default true on every distribution: docs/compat.md), warning
// about unknown words.
function forceUnmountOf(ctx: FsContext): ForceUnmount {
  const f = parseForceUnmount(ctx.params.force_unmount);
  for (const w of f.unknown) ctx.log.warn(`force_unmount: unknown modifier ${w} ignored`);
  return f;
}

// mount and umount are needed by start and stop; the probe never needs a tool (it reads
// /proc), and fuser is never needed (holders are found natively).
async function requireTools(ctx: FsContext, tools: readonly string[]): Promise<void> {
  const found = await Promise.all(tools.map((t) => ctx.sys.which(t)));
  const missing = tools.find((_, i) => found[i] === null);
  if (missing !== undefined) throw new OcfError(OCF.ERR_INSTALLED, `Setup problem: couldn't find command: ${missing}`);
}

const BASE_TOOLS = ['mount', 'umount'];

function signalsOf(ctx: FsContext, name: 'term_signals' | 'kill_signals', strict: boolean): Signal[] {
  const { signals, invalid } = parseSignals(ctx.params[name]);
  if (invalid.length > 0) {
    if (strict) throw new OcfError(OCF.ERR_CONFIGURED, `${name}: unknown signal ${invalid.join(' ')}`);
    ctx.log.warn(`${name}: unknown signal ${invalid.join(' ')} ignored`);
  }
  return signals;
}

function signalDelayOf(ctx: FsContext, strict: boolean): number {
  const text = ctx.params.signal_delay;
  const ms = parseSignalDelay(text);
  if (ms !== undefined) return ms;
  if (strict) throw new OcfError(OCF.ERR_CONFIGURED, `signal_delay must be a number of seconds, got '${text}'`);
  ctx.log.warn(`signal_delay '${text}' is not a number of seconds; using 1`);
  return 1000;
}

function runFsckOf(ctx: FsContext): FsckPolicy {
  const fsck = parseRunFsck(ctx.params.run_fsck);
  if (fsck.invalid) ctx.log.warn(`Invalid parameter value for fsck: '${ctx.params.run_fsck}'; setting to 'auto'`);
  return fsck.policy;
}

function statusFile(ctx: FsContext, res: Resource): string {
  const prefix = ctx.params.statusfile_prefix;
  if (prefix.split('/').includes('..')) throw new OcfError(OCF.ERR_CONFIGURED, `statusfile_prefix must stay inside the mount point, got '${prefix}'`);
  const clone = ctx.env.cloneNumber !== undefined && ctx.env.cloneNumber !== '' ? `_${ctx.env.cloneNumber}` : '';
  return `${res.dir}/${prefix}${ctx.env.instance}${clone}_${ctx.sys.hostname()}`;
}

function logRunning(ctx: FsContext, res: Resource): void {
  ctx.log.info(`Running ${ctx.env.action} for ${res.label} on ${res.mountPoint}`);
}

// Clone safety (filesystem.md §3.7); returns whether start should write the systemd drop-in.
function checkClone(ctx: FsContext, res: Resource): boolean {
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

// After=remote-fs.target for resource-agents-deps.target, only where systemd runs the machine.
async function systemdDropIn(ctx: FsContext): Promise<void> {
  const init = (await ctx.sys.readFileIfExists('/proc/1/comm').catch(() => null))?.trim();
  if (init !== 'systemd') return;
  const current = await ctx.sys.readFileIfExists(DROP_IN).catch(() => null);
  if (current?.split('\n').includes(DROP_IN_LINE)) return;
  try {
    await ctx.sys.mkdirp(DROP_IN_DIR);
    await ctx.sys.writeFile(DROP_IN, `[Unit]\n${DROP_IN_LINE}\n`, { mode: 0o644 });
  } catch (e) {
    ctx.log.warn(`could not write ${DROP_IN}: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const r = await ctx.sys.run(['systemctl', 'daemon-reload']);
  if (r.exitCode !== 0) ctx.log.warn(`systemctl daemon-reload failed: ${r.stderr.trim()}`);
}

async function flushbufs(ctx: FsContext, device: string): Promise<void> {
  if ((await ctx.sys.which('blockdev')) === null) return;
  const r = await ctx.sys.run(['blockdev', '--flushbufs', device]);
  if (r.exitCode !== 0) ctx.log.debug(`blockdev --flushbufs ${device}: ${r.stderr.trim()}`);
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
  if (!ctx.env.isProbe) await requireTools(ctx, BASE_TOOLS);
  const s = await statusAt(ctx, res, mounts);
  if (s.state === 'unmounted') return OCF.NOT_RUNNING;
  if (s.state === 'foreign') {
    if (ctx.env.isProbe) {
      ctx.log.debug(foreignMessage(s.entry, res));
      return OCF.NOT_RUNNING;
    }
    throw new OcfError(OCF.ERR_GENERIC, foreignMessage(s.entry, res));
  }
  if (parseForceUnmount(ctx.params.force_unmount).move) {
    const moved = await movedLeftover(ctx, res, mounts);
    if (moved !== undefined) throw new OcfError(OCF.ERR_GENERIC, `move_before_umount=true and something is mounted on ${moved}`);
  }
  return monitorDepth(ctx, res);
}

export async function status(ctx: FsContext): Promise<OcfStatus> {
  const p = await prepare(ctx, op(ctx));
  if ('done' in p) return p.done;
  const { res, mounts } = p;
  await requireTools(ctx, BASE_TOOLS);
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

export async function validateAll(ctx: FsContext): Promise<OcfStatus> {
  const p = await prepare(ctx, op(ctx));
  if ('done' in p) return p.done;
  await requireTools(ctx, BASE_TOOLS);
  forceUnmountOf(ctx);
  signalsOf(ctx, 'term_signals', true);
  signalsOf(ctx, 'kill_signals', true);
  signalDelayOf(ctx, true);
  runFsckOf(ctx);
  checkClone(ctx, p.res);
  if (ctx.env.checkLevel >= 20) statusFile(ctx, p.res);
  return OCF.SUCCESS;
}

// ---------------------------------------------------------------------------------------------
// start

// Is the kernel able to mount this type? Loads the module when it is not listed yet.
async function fstypeSupported(ctx: FsContext, fstype: string): Promise<void> {
  if (fstype === '' || fstype === 'none') return;
  const { name, helper } = kernelSupportName(fstype);
  if (helper !== undefined) await requireTools(ctx, [helper]);
  if (name !== fstype) ctx.log.info(`Checking support for ${fstype} as "${name}"`);
  const listed = async (): Promise<boolean> => kernelHasFs((await ctx.sys.readFileIfExists('/proc/filesystems').catch(() => null)) ?? '', name);
  if (await listed()) return;
  const r = await ctx.sys.run(['modprobe', name]);
  if (r.exitCode !== 0) throw new OcfError(OCF.ERR_INSTALLED, `Couldn't find filesystem ${name} in /proc/filesystems and failed to load kernel module`);
  for (let i = 0; i < 5; i++) {
    if (await listed()) return;
    ctx.log.debug(`Unable to find support for ${name} in /proc/filesystems after modprobe, trying again`);
    await ctx.sys.sleep(1000);
    ctx.deadline.check('waiting for the kernel module');
  }
  throw new OcfError(OCF.ERR_INSTALLED, `Couldn't find filesystem ${name} in /proc/filesystems`);
}

// A block device that does not exist yet may appear once udev has processed a fresh
// partition table (upstream's partprobe + udevadm settle).
async function waitForDevice(ctx: FsContext, device: string): Promise<void> {
  if ((await ctx.sys.which('partprobe')) !== null) await ctx.sys.run(['partprobe']);
  if ((await ctx.sys.which('udevadm')) !== null) {
    const secs = Math.max(1, Math.floor(ctx.deadline.remaining() / 1000));
    await ctx.sys.run(['udevadm', 'settle', '-t', String(secs), `--exit-if-exists=${device}`]);
  }
}

// What to hand to mount as the source: the resolved device for tags we resolved, else the
// parameter as upstream passes it (-U/-L and their value as two words).
function mountSource(res: Resource): string[] {
  const { spec, dev } = res;
  if (dev.block) return [dev.path];
  switch (spec.kind) {
    case 'tag': return [spec.option, spec.value];
    case 'fstab-tag': return [`${spec.tag}=${spec.value}`];
    case 'path': return [spec.path];
    case 'source': return [spec.source];
  }
}

export function mountArgv(res: Resource): string[] {
  const argv = ['mount'];
  if (res.fstype !== '' && res.fstype !== 'none') argv.push('-t', res.fstype);
  if (res.options !== '') argv.push('-o', res.options);
  return [...argv, ...mountSource(res), res.dir];
}

export async function start(ctx: FsContext): Promise<OcfStatus> {
  const p = await prepare(ctx, op(ctx));
  if ('done' in p) return p.done;
  const { res } = p;
  let { mounts } = p;
  await requireTools(ctx, BASE_TOOLS);
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
      await requireTools(ctx, ['fsck']);
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
  }

  if (res.dev.block) await flushbufs(ctx, res.dev.path);
  const r = await ctx.sys.run(mountArgv(res));
  if (r.stderr !== '') ctx.sys.writeStderr(r.stderr.endsWith('\n') ? r.stderr : `${r.stderr}\n`);
  if (r.exitCode !== 0) throw new OcfError(OCF.ERR_GENERIC, `Couldn't mount device [${res.label}] as ${res.mountPoint}`);

  mounts = await readMounts(ctx.sys);
  const after = await statusAt(ctx, res, mounts);
  if (after.state !== 'mounted') {
    throw new OcfError(OCF.ERR_GENERIC, `Couldn't mount device [${res.label}] as ${res.mountPoint}: mount succeeded but nothing of ours is mounted there`);
  }
  if (res.isBind) await bindOptions(ctx, res, after.entry);
  return OCF.SUCCESS;
}

// A bind mount takes per-mount flags (ro, nosuid, ...) only through a remount of the bind
// itself. util-linux applies them with the bind; where it did not, remount the bind (never the
// superblock underneath: filesystem.md F6).
async function bindOptions(ctx: FsContext, res: Resource, entry: MountEntry): Promise<void> {
  const words = optionWords(res.options);
  if (!words.includes('ro') || entry.mountOptions.includes('ro')) return;
  const extra = words.filter((w) => w !== 'bind' && w !== 'rbind');
  const r = await ctx.sys.run(['mount', '-o', ['remount', 'bind', ...extra].join(','), res.dir]);
  if (r.exitCode !== 0) {
    ctx.log.err(`mount -o remount,bind,... ${res.dir}: ${r.stderr.trim()}`);
    throw new OcfError(OCF.ERR_GENERIC, `Couldn't make the bind mount ${res.dir} read-only`);
  }
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
    if (force.move && res.dir !== '') {
      // A stop cut short after moving the mount aside: finish it.
      const moved = movedMountPoint(res.dir);
      if (moved !== res.dir && (await ownMountAt(ctx, res, mounts, moved))) {
        await requireTools(ctx, BASE_TOOLS);
        return stopMounted(ctx, res, moved, force);
      }
    }
    return OCF.SUCCESS;
  }
  await requireTools(ctx, BASE_TOOLS);
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
  const list = unmountList(await readMounts(ctx.sys), dir, blockDevice !== undefined && !res.isBind);

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
  for (const sub of list) {
    ctx.log.info(`Trying to unmount ${sub}`);
    ok = await unmountOne(ctx, sub, sub === dir ? dirSettings : settings);
    if (!ok) ctx.log.err(`Couldn't unmount ${sub}, giving up!`);
  }
  if (blockDevice !== undefined) await flushbufs(ctx, blockDevice);
  if (!ok) throw new OcfError(OCF.ERR_GENERIC, `Couldn't unmount ${dir}, giving up!`);
  return OCF.SUCCESS;
}
