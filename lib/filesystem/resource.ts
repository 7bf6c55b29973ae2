// From parameters and environment to a resolved resource: device classification and
// resolution, mount point canonicalisation, and the status check every action starts from.

import { OCF, OcfError, type OcfStatus } from '../ocf/codes.ts';
import type { System } from '../system/types.ts';
import { deviceLabel, hasOuterWhitespace, isBindOptions, isNonBlockType, parseDevice, type DeviceSpec } from './settings.ts';
import { mountAt, mountsAt, readMounts, type MountEntry } from '../host/mounts.ts';
import type { FilesystemContext } from './params.ts';
import { stripTrailingSlashes } from '../host/paths.ts';
import { within } from '../util/within.ts';

// The handlers' context: typed by the parameter spec.
export type FsContext = FilesystemContext;

// Runs a file operation that may block on a dead device or server (O_DIRECT I/O, realpath on
// a network mount) but never past the operation deadline: an unanswered call becomes an error.
export async function bounded<T>(ctx: Pick<FsContext, 'deadline'>, what: string, op: Promise<T>): Promise<T> {
  const r = await within(op.then((value) => ({ value })), ctx.deadline.remaining());
  if (r === undefined) throw new OcfError(OCF.ERR_GENERIC, `${what}: no answer within the operation timeout`);
  return r.value;
}

// How the device was resolved for block handling.
export type DeviceState =
  // A block device path to fsck, read, flush and compare (it may not exist: `present` false).
  | { readonly block: true; readonly path: string; readonly present: boolean }
  // Not a block device: network source, bind source, tmpfs name, image file (loop), or a tag we
  // could not resolve for lack of tools (then mount resolves it and we compare mount points only).
  | { readonly block: false };

export interface Resource {
  readonly spec: DeviceSpec;
  // DEVICE as upstream names it in messages.
  readonly label: string;
  readonly fstype: string;
  readonly options: string;
  readonly isBind: boolean;
  readonly dev: DeviceState;
  // The directory parameter without trailing slashes (MOUNTPOINT), '' when not set.
  readonly mountPoint: string;
  // The canonical mount point (CANONICALIZED_MOUNTPOINT), '' when not set.
  readonly dir: string;
}

export type Prepared = { readonly done: OcfStatus } | { readonly res: Resource; readonly mounts: MountEntry[] };

// Resolves UUID/LABEL to a device: the udev link when there is one (no child process), else
// `blkid -l -o device -t TAG=value`. 'unknown' when neither can answer (no udev, no blkid).
export async function resolveTag(sys: System, tag: 'UUID' | 'LABEL', value: string): Promise<{ found: string } | 'absent' | 'unknown'> {
  const link = `/dev/disk/by-${tag.toLowerCase()}/${value}`;
  const viaUdev = await sys.realpath(link).catch(() => null);
  if (viaUdev !== null && (await sys.stat(viaUdev).catch(() => null))?.isBlockDevice) return { found: viaUdev };
  const r = await sys.run(['blkid', '-l', '-o', 'device', '-t', `${tag}=${value}`]);
  if (r.notFound || r.timedOut) return 'unknown';
  const dev = r.stdout.split('\n')[0]?.trim() ?? '';
  if (r.exitCode === 0 && dev !== '') return { found: dev };
  return r.exitCode === 2 || r.exitCode === 0 ? 'absent' : 'unknown';
}

// Which action we are in, as the decisions below need it.
interface Op {
  readonly action: string;
  readonly isProbe: boolean;
}

async function deviceState(ctx: FsContext, spec: DeviceSpec, op: Op): Promise<DeviceState> {
  switch (spec.kind) {
    case 'source':
      return { block: false };
    case 'tag':
    case 'fstab-tag': {
      // validate-all checks parameters only: no probing of devices.
      if (op.action === 'validate-all') return { block: false };
      const r = await resolveTag(ctx.sys, spec.tag, spec.value);
      if (r === 'unknown') {
        ctx.log.debug(`cannot resolve ${spec.tag}=${spec.value} (no udev link, no blkid): comparing mount points only`);
        return { block: false };
      }
      if (r === 'absent') return { block: true, path: deviceLabel(spec), present: false };
      return { block: true, path: r.found, present: true };
    }
    case 'path': {
      if (spec.path === '/dev/null') return { block: true, path: spec.path, present: true };
      const st = await bounded(ctx, `stat ${spec.path}`, ctx.sys.stat(spec.path).catch(() => null));
      if (st?.isDirectory) return { block: false };
      const present = st?.isBlockDevice ?? false;
      if (!present && op.action !== 'start' && !op.isProbe) ctx.log.warn(`Couldn't find device [${spec.path}]. Expected /dev/??? to exist`);
      return { block: true, path: spec.path, present };
    }
  }
}

// The top-level checks of upstream's script, in its order. Returns the resource, or the exit
// status when the action is already decided (stop of a misconfigured resource is a success).
export async function prepare(ctx: FsContext, op: Op): Promise<Prepared> {
  const stop = op.action === 'stop';
  const { device, fstype, options, directory } = ctx.params;
  if (hasOuterWhitespace(device)) {
    if (stop) return { done: OCF.SUCCESS };
    throw new OcfError(OCF.ERR_CONFIGURED, 'device parameter does not accept leading or trailing whitespace characters');
  }
  if (device === '') throw new OcfError(OCF.ERR_CONFIGURED, 'Please set OCF_RESKEY_device to the device to be managed');

  const spec = parseDevice(device, isNonBlockType(fstype, options));
  const dev = await deviceState(ctx, spec, op);

  const mounts = readMounts(ctx.sys);
  const base = { spec, label: deviceLabel(spec), fstype, options, isBind: isBindOptions(options), dev };
  if (directory === '') {
    if (op.action === 'start' || spec.kind !== 'path' || !dev.block) throw new OcfError(OCF.ERR_CONFIGURED, 'Please specify the directory');
    return { res: { ...base, mountPoint: '', dir: '' }, mounts };
  }
  const mountPoint = stripTrailingSlashes(directory);
  if (hasOuterWhitespace(mountPoint)) {
    if (stop) return { done: OCF.SUCCESS };
    throw new OcfError(OCF.ERR_CONFIGURED, 'directory parameter does not accept leading or trailing whitespace characters');
  }
  const dir = await canonicalDir(ctx, mountPoint, mounts);
  if (dir === '/') {
    if (op.isProbe) {
      ctx.log.debug('/ cannot be managed in a cluster');
      return { done: OCF.NOT_RUNNING };
    }
    if (stop) return { done: OCF.SUCCESS };
    throw new OcfError(OCF.ERR_CONFIGURED, '/ cannot be managed in a cluster');
  }
  return { res: { ...base, mountPoint, dir }, mounts };
}

// The mount point with symbolic links resolved when it exists, verbatim when it does not. A
// path the mount table lists is canonical already (the kernel records resolved paths): then the
// mounted filesystem is not touched at all, so a dead NFS server cannot stall a monitor here.
export async function canonicalDir(ctx: FsContext, mountPoint: string, mounts: readonly MountEntry[]): Promise<string> {
  if (mountAt(mounts, mountPoint) !== undefined) return mountPoint;
  let real: string | null;
  try {
    real = await bounded(ctx, `canonicalize ${mountPoint}`, ctx.sys.realpath(mountPoint));
  } catch (e) {
    if (e instanceof OcfError) throw e;
    throw new OcfError(OCF.ERR_GENERIC, `Could not canonicalize ${mountPoint} because readlink failed`);
  }
  return real ?? mountPoint;
}

export type Status =
  | { readonly state: 'unmounted' }
  | { readonly state: 'mounted'; readonly entry: MountEntry }
  // A different block device is mounted on the directory.
  | { readonly state: 'foreign'; readonly entry: MountEntry };

async function canonicalDevice(ctx: FsContext, path: string): Promise<string> {
  return (await bounded(ctx, `canonicalize ${path}`, ctx.sys.realpath(path).catch(() => null))) ?? path;
}

// Whether the mounted source is the configured block device: same canonical path, or two
// device nodes for the same device number.
export async function sameDevice(ctx: FsContext, configured: string, mounted: string): Promise<boolean> {
  if (configured === mounted) return true;
  const [a, b] = await Promise.all([canonicalDevice(ctx, configured), canonicalDevice(ctx, mounted)]);
  if (a === b) return true;
  const [sa, sb] = await Promise.all([ctx.sys.stat(a).catch(() => null), ctx.sys.stat(b).catch(() => null)]);
  return sa !== null && sb !== null && sa.isBlockDevice && sb.isBlockDevice && sa.rdev === sb.rdev;
}

// Is the resource's filesystem mounted on dir (exact mount point match)?
export async function statusAt(ctx: FsContext, res: Resource, mounts: readonly MountEntry[], dir = res.dir): Promise<Status> {
  if (dir === '') return { state: 'unmounted' };
  const entry = mountAt(mounts, dir);
  if (entry === undefined) return { state: 'unmounted' };
  if (!res.dev.block) return { state: 'mounted', entry };
  if (!res.dev.present && res.spec.kind !== 'path') return { state: 'foreign', entry };
  return (await sameDevice(ctx, res.dev.path, entry.source)) ? { state: 'mounted', entry } : { state: 'foreign', entry };
}

// Whether any of the mounts stacked on dir is the resource's own (stop must find ours even
// when something else was mounted on top of it).
export async function ownMountAt(ctx: FsContext, res: Resource, mounts: readonly MountEntry[], dir: string): Promise<boolean> {
  for (const entry of mountsAt(mounts, dir)) {
    if (!res.dev.block) return true;
    if (!res.dev.present && res.spec.kind !== 'path') continue;
    if (await sameDevice(ctx, res.dev.path, entry.source)) return true;
  }
  return false;
}

export function foreignMessage(entry: MountEntry, res: Resource): string {
  return `Another device (${entry.source}) is already mounted on ${res.mountPoint}`;
}
