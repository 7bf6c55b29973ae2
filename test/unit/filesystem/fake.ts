// A scripted machine for the Filesystem agent: a mount table in /proc/self/mountinfo that the
// scripted mount/umount calls change, block devices in /dev, processes in /proc that die on
// the signals they do not ignore, and a helper to run an action through the real OCF runtime.
import { Filesystem } from '../../../agents/Filesystem.ts';
import { runAgent } from '../../../lib/ocf/run.ts';
import { ScriptedSystem, type ExpectedCall } from '../../../lib/system/scripted.ts';
import type { RunOptions, RunResult as SysResult } from '../../../lib/system/types.ts';

export interface FakeMount {
  readonly mountPoint: string;
  readonly source: string;
  readonly fstype: string;
  readonly majmin?: string;
  readonly options?: string;
  readonly root?: string;
}

// The mounts every fake machine has.
export const BASE_MOUNTS: FakeMount[] = [
  { mountPoint: '/', source: '/dev/vda', fstype: 'ext4', majmin: '254:0' },
  { mountPoint: '/proc', source: 'proc', fstype: 'proc', majmin: '0:21' },
  { mountPoint: '/dev', source: 'devtmpfs', fstype: 'devtmpfs', majmin: '0:6' },
];

const esc = (s: string): string => s.replace(/\\/g, '\\134').replace(/ /g, '\\040').replace(/\t/g, '\\011').replace(/\n/g, '\\012');

export function mountinfoText(mounts: readonly FakeMount[]): string {
  return mounts
    .map((m, i) => `${String(20 + i)} 1 ${m.majmin ?? `0:${String(90 + i)}`} ${esc(m.root ?? '/')} ${esc(m.mountPoint)} ${m.options ?? 'rw,relatime'} - ${m.fstype} ${esc(m.source)} rw`)
    .join('\n')
    .concat('\n');
}

export interface FakeProcess {
  readonly pid: number;
  readonly cwd?: string;
  readonly root?: string;
  readonly exe?: string;
  readonly fds?: readonly string[];
  readonly maps?: readonly string[];
  readonly name?: string;
  // Signals it ignores (it exits on any other).
  readonly ignores?: readonly number[];
  // Another mount namespace, and the st_dev its links' targets have.
  readonly otherNs?: { readonly dev: number };
}

const under = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`);

export class FsMachine extends ScriptedSystem {
  mounts: FakeMount[];
  readonly procs = new Map<number, FakeProcess>();
  // Mount points a model umount never frees (kernel users: nfsd exports, loop devices).
  readonly stuck = new Set<string>();
  // When true, umount is answered by the model below instead of the script.
  modelUmount = false;
  constructor(mounts: FakeMount[] = [], script: ExpectedCall[] = []) {
    super(script);
    this.mounts = [...BASE_MOUNTS, ...mounts];
    this.file('/usr/lib/ocf', '', 'dir');
    this.file('/proc/filesystems', 'nodev\ttmpfs\n\text4\n\txfs\n\tbtrfs\nnodev\toverlay\n');
    this.file('/proc/1/comm', 'init\n');
    for (const p of ['mount', 'umount', 'fsck', 'modprobe', 'blockdev', 'blkid']) this.programs.add(p);
    this.sync();
  }

  // Writes the mount table into /proc/self/mountinfo.
  sync(): this {
    this.file('/proc/self/mountinfo', mountinfoText(this.mounts));
    return this;
  }

  mount(m: FakeMount): void {
    this.mounts.push(m);
    this.sync();
  }

  // Removes the top mount on a point (what umount does).
  unmount(mountPoint: string): void {
    const i = this.mounts.map((m) => m.mountPoint).lastIndexOf(mountPoint);
    if (i >= 0) this.mounts.splice(i, 1);
    this.sync();
  }

  isMounted(mountPoint: string): boolean {
    return this.mounts.some((m) => m.mountPoint === mountPoint);
  }

  blockDevice(path: string, rdev = 0x700): this {
    this.file(path, '', 'block', { rdev });
    return this;
  }

  link(path: string, target: string): this {
    this.file(path, '', 'link', { target });
    return this;
  }

  dir(path: string): this {
    this.file(path, '', 'dir');
    return this;
  }

  proc(p: FakeProcess): this {
    this.procs.set(p.pid, p);
    this.alive.add(p.pid);
    const base = `/proc/${String(p.pid)}`;
    const dev = p.otherNs?.dev;
    const link = (path: string, target: string): void => {
      this.file(path, '', 'link', { target });
      if (dev !== undefined) this.file(target, '', 'file', { dev });
    };
    this.file(`${base}/stat`, `${String(p.pid)} (${p.name ?? 'proc'}) S 1 1 1`);
    this.file(`${base}/status`, `Name:\t${p.name ?? 'proc'}\nPPid:\t1\nUid:\t0\t0\t0\t0\n`);
    this.file(`${base}/cmdline`, `${p.name ?? 'proc'}\0arg\0`);
    this.dir(`${base}/fd`);
    if (p.otherNs !== undefined) this.link(`${base}/ns/mnt`, 'mnt:[999]');
    if (p.cwd !== undefined) link(`${base}/cwd`, p.cwd);
    if (p.root !== undefined) link(`${base}/root`, p.root);
    if (p.exe !== undefined) link(`${base}/exe`, p.exe);
    (p.fds ?? []).forEach((t, i) => link(`${base}/fd/${String(i + 3)}`, t));
    if (p.maps !== undefined) this.file(`${base}/maps`, p.maps.map((m) => `7f00-7f01 r--p 00000000 07:00 12 ${m}`).join('\n'));
    return this;
  }

  // Whether a process keeps a mount point busy (the kernel's view, by path).
  holds(mountPoint: string): boolean {
    for (const p of this.procs.values()) {
      const refs = [p.cwd, p.root, p.exe, ...(p.fds ?? []), ...(p.maps ?? [])];
      if (refs.some((r) => r !== undefined && under(r, mountPoint))) return true;
    }
    return false;
  }

  // umount as the kernel would answer it; every call is recorded like a scripted one.
  override async run(argv: readonly string[], opts: RunOptions = {}): Promise<SysResult> {
    if (!this.modelUmount || argv[0] !== 'umount') return super.run(argv, opts);
    await Promise.resolve();
    const mp = argv[argv.length - 1] ?? '';
    this.advance(3);
    let exitCode = 0;
    let stderr = '';
    if (!this.isMounted(mp)) {
      exitCode = 32;
      stderr = `umount: ${mp}: not mounted.\n`;
    } else if (this.stuck.has(mp) || this.holds(mp) || this.mounts.some((m) => m.mountPoint !== mp && under(m.mountPoint, mp))) {
      exitCode = 32;
      stderr = `umount: ${mp}: target is busy.\n`;
    } else this.unmount(mp);
    const r: SysResult = { argv: [...argv], exitCode, signal: null, stdout: '', stderr, timedOut: false, notFound: false, durationMs: 3 };
    this.calls.push(r);
    return r;
  }

  // The umount calls made so far.
  umounts(): string[][] {
    return this.calls.filter((c) => c.argv[0] === 'umount').map((c) => [...c.argv]);
  }

  // Signals: a process exits unless it ignores the signal (then its /proc entry goes away).
  override kill(pid: number, signal: string | number): boolean {
    const p = this.procs.get(pid);
    if (p === undefined) return false;
    if (signal === 0) return true;
    this.killed.push({ pid, signal });
    if (typeof signal === 'number' && !(p.ignores ?? []).includes(signal)) {
      this.procs.delete(pid);
      this.alive.delete(pid);
      for (const k of [...this.files.keys()]) if (k === `/proc/${String(pid)}` || k.startsWith(`/proc/${String(pid)}/`)) this.files.delete(k);
    }
    return true;
  }
}

export interface RunResult {
  readonly code: number;
  readonly stderr: string;
  readonly stdout: string;
}

// Runs one Filesystem action the way Pacemaker does: parameters and meta attributes in env.
export async function runFs(sys: FsMachine, action: string, params: Record<string, string>, env: Record<string, string> = {}): Promise<RunResult> {
  const full: Record<string, string> = { OCF_ROOT: '/usr/lib/ocf', OCF_RESOURCE_INSTANCE: 'fs', ...env };
  for (const [k, v] of Object.entries(params)) full[`OCF_RESKEY_${k}`] = v;
  const code = await runAgent({ agent: Filesystem, args: [action], env: full, sys, invokedAs: '/usr/lib/ocf/resource.d/nfsha/Filesystem' });
  return { code, stderr: sys.stderr, stdout: sys.stdout };
}

// Expected calls for a umount that succeeds (removes the top mount) or fails busy.
export function umountOk(mp: string, force = false): ExpectedCall {
  return { argv: force ? ['umount', '-f', mp] : ['umount', mp], effect: (s) => { asMachine(s).unmount(mp); } };
}

export function umountBusy(mp: string, force = false): ExpectedCall {
  return { argv: force ? ['umount', '-f', mp] : ['umount', mp], exitCode: 32, stderr: `umount: ${mp}: target is busy.\n` };
}

// A umount that succeeds only once no process of `pids` is left.
export function umountWhenFree(mp: string, force = false): ExpectedCall {
  return {
    argv: force ? ['umount', '-f', mp] : ['umount', mp],
    effect: (s) => {
      const m = asMachine(s);
      if (m.procs.size === 0) m.unmount(mp);
    },
  };
}

// The machine a scripted effect runs on.
export function asMachine(s: unknown): FsMachine {
  if (!(s instanceof FsMachine)) throw new Error('effect ran on something other than an FsMachine');
  return s;
}
