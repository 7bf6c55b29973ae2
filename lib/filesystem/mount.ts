// The machine steps of Filesystem's start: kernel support for the type, waiting for a device,
// the mount command line, bind options, flushing buffers and the systemd drop-in.

import { OCF, OcfError } from '../ocf/codes.ts';
import { kernelHasFs } from '../host/filesystems.ts';
import type { MountEntry } from '../host/mounts.ts';
import { requirePrograms } from '../host/tools.ts';
import { kernelSupportName } from './fstypes.ts';
import type { FsContext, Resource } from './resource.ts';
import { optionWords } from './settings.ts';

const DROP_IN_DIR = '/run/systemd/system/resource-agents-deps.target.d';
const DROP_IN = `${DROP_IN_DIR}/99-Filesystem-remote.conf`;
const DROP_IN_LINE = 'After=remote-fs.target';

// After=remote-fs.target for resource-agents-deps.target, only where systemd runs the machine.
export async function systemdDropIn(ctx: FsContext): Promise<void> {
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

export async function flushbufs(ctx: FsContext, device: string): Promise<void> {
  if ((await ctx.sys.which('blockdev')) === null) return;
  const r = await ctx.sys.run(['blockdev', '--flushbufs', device]);
  if (r.exitCode !== 0) ctx.log.debug(`blockdev --flushbufs ${device}: ${r.stderr.trim()}`);
}

// Is the kernel able to mount this type? Loads the module when it is not listed yet.
export async function fstypeSupported(ctx: FsContext, fstype: string): Promise<void> {
  if (fstype === '' || fstype === 'none') return;
  const { name, helper } = kernelSupportName(fstype);
  // The helper follows from the fstype parameter: not one of the declared tools.
  if (helper !== undefined) await requirePrograms(ctx.sys, [helper]);
  if (name !== fstype) ctx.log.info(`Checking support for ${fstype} as "${name}"`);
  const listed = (): boolean => kernelHasFs(ctx.sys, name);
  if (listed()) return;
  const r = await ctx.sys.run(['modprobe', name]);
  if (r.exitCode !== 0) throw new OcfError(OCF.ERR_INSTALLED, `Couldn't find filesystem ${name} in /proc/filesystems and failed to load kernel module`);
  for (let i = 0; i < 5; i++) {
    if (listed()) return;
    ctx.log.debug(`Unable to find support for ${name} in /proc/filesystems after modprobe, trying again`);
    await ctx.sys.sleep(1000);
    ctx.deadline.check('waiting for the kernel module');
  }
  throw new OcfError(OCF.ERR_INSTALLED, `Couldn't find filesystem ${name} in /proc/filesystems`);
}

// A block device that does not exist yet may appear once udev has processed a fresh
// partition table (upstream's partprobe + udevadm settle).
export async function waitForDevice(ctx: FsContext, device: string): Promise<void> {
  if ((await ctx.sys.which('partprobe')) !== null) await ctx.sys.run(['partprobe']);
  if ((await ctx.sys.which('udevadm')) !== null) {
    const secs = Math.max(1, Math.floor(ctx.deadline.remaining() / 1000));
    await ctx.sys.run(['udevadm', 'settle', '-t', String(secs), `--exit-if-exists=${device}`]);
  }
}

// What to hand to mount as the source: the resolved device for tags we resolved, else the
// parameter as upstream passes it (-U/-L and their value as two words).
export function mountSource(res: Resource): string[] {
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

// A bind mount takes per-mount flags (ro, nosuid, ...) only through a remount of the bind
// itself. util-linux applies them with the bind; where it did not, remount the bind (never the
// superblock underneath).
export async function bindOptions(ctx: FsContext, res: Resource, entry: MountEntry): Promise<void> {
  const words = optionWords(res.options);
  if (!words.includes('ro') || entry.mountOptions.includes('ro')) return;
  const extra = words.filter((w) => w !== 'bind' && w !== 'rbind');
  const r = await ctx.sys.run(['mount', '-o', ['remount', 'bind', ...extra].join(','), res.dir]);
  if (r.exitCode !== 0) {
    ctx.log.err(`mount -o remount,bind,... ${res.dir}: ${r.stderr.trim()}`);
    throw new OcfError(OCF.ERR_GENERIC, `Couldn't make the bind mount ${res.dir} read-only`);
  }
}
