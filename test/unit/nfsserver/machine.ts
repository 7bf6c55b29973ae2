// A scripted machine for nfsserver unit tests: the ScriptedSystem (expected commands in order,
// in-memory files, virtual clock) plus what the agent reads from the kernel: /proc/<pid>
// entries for processes, /proc/self/mountinfo, /proc/fs/nfsd/threads. Signals remove a
// process unless it is marked to survive them.
import { nfsserver } from '../../../agents/nfsserver.ts';
import { runAgent } from '../../../lib/ocf/run.ts';
import { ScriptedSystem, type ExpectedCall } from '../../../lib/system/scripted.ts';

export interface Mount {
  readonly mp: string;
  readonly fstype: string;
  readonly source: string;
  readonly dev: string;
  readonly root: string;
}

const NS = 'mnt:[4026531840]';

export class Machine extends ScriptedSystem {
  mounts: Mount[] = [];
  // pid → signals it survives ('TERM': needs KILL; 'ALL': never dies).
  readonly survives = new Map<number, 'TERM' | 'ALL'>();
  #id = 1;

  constructor(script: ExpectedCall[] = []) {
    super(script);
    this.file('/proc/1/comm', 'process_api\n');
    this.file('/proc/self/ns/mnt', '', 'link', { target: NS });
    this.file('/proc/filesystems', 'nodev\tsysfs\nnodev\tproc\nnodev\ttmpfs\n\text4\n');
    this.file('/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\nstatd:x:104:65534::/var/lib/nfs:/usr/sbin/nologin\n');
    this.file('/proc/fs/nfsd/threads', '0\n');
    this.file('/var/lib/nfs', '', 'dir');
    this.file('/run', '', 'dir');
    this.file('/run/resource-agents', '', 'dir');
    this.file('/usr/lib/ocf', '', 'dir');
    this.file('/mnt/nfsinfo', '', 'dir');
    for (const p of ['rpc.nfsd', 'rpc.mountd', 'rpc.statd', 'sm-notify', 'rpcbind', 'rpcinfo']) this.install(p);
    this.mount('/', 'ext4', '/dev/vda', '254:0');
    this.mount('/mnt/nfsinfo', 'xfs', '/dev/vdb3', '253:3');
  }

  install(program: string): this {
    this.programs.add(program);
    this.file(`/usr/sbin/${program}`, '#!', 'file', { mode: 0o755 });
    return this;
  }

  uninstall(): this {
    for (const p of this.programs) this.files.delete(`/usr/sbin/${p}`);
    this.programs.clear();
    return this;
  }

  mount(mp: string, fstype: string, source: string, dev = `0:${String(40 + this.#id++)}`, root = '/'): this {
    this.mounts.push({ mp, fstype, source, dev, root });
    this.#writeMountinfo();
    return this;
  }

  unmount(mp: string): this {
    const i = this.mounts.map((m) => m.mp).lastIndexOf(mp);
    if (i >= 0) this.mounts.splice(i, 1);
    this.#writeMountinfo();
    return this;
  }

  #writeMountinfo(): void {
    const text = this.mounts.map((m, i) => `${String(20 + i)} 1 ${m.dev} ${m.root.replace(/ /g, '\\040')} ${m.mp.replace(/ /g, '\\040')} rw,relatime - ${m.fstype} ${m.source} rw\n`).join('');
    this.file('/proc/self/mountinfo', text);
  }

  threads(n: number | null): this {
    if (n === null) this.files.delete('/proc/fs/nfsd/threads');
    else this.file('/proc/fs/nfsd/threads', `${String(n)}\n`);
    return this;
  }

  proc(pid: number, argv: string[], opts: { survives?: 'TERM' | 'ALL'; ns?: string } = {}): this {
    const comm = (argv[0] ?? '').slice((argv[0] ?? '').lastIndexOf('/') + 1).slice(0, 15);
    this.file(`/proc/${String(pid)}/comm`, `${comm}\n`);
    this.file(`/proc/${String(pid)}/stat`, `${String(pid)} (${comm}) S 1 ${String(pid)} ${String(pid)} 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${String(1000 + pid)} 0 0\n`);
    this.file(`/proc/${String(pid)}/cmdline`, `${argv.join('\0')}\0`);
    this.file(`/proc/${String(pid)}/ns/mnt`, '', 'link', { target: opts.ns ?? NS });
    if (opts.survives !== undefined) this.survives.set(pid, opts.survives);
    return this;
  }

  gone(pid: number): this {
    for (const k of [...this.files.keys()]) if (k === `/proc/${String(pid)}` || k.startsWith(`/proc/${String(pid)}/`)) this.files.delete(k);
    return this;
  }

  hasProc(pid: number): boolean {
    return this.files.has(`/proc/${String(pid)}/comm`);
  }

  override kill(pid: number, signal: string | number): boolean {
    if (!this.hasProc(pid)) return false;
    if (signal === 0) return true;
    this.killed.push({ pid, signal });
    const s = this.survives.get(pid);
    if (s === 'ALL' || (s === 'TERM' && signal === 'SIGTERM')) return true;
    this.gone(pid);
    return true;
  }

  bytes(path: string): number[] {
    const f = this.files.get(path);
    return f === undefined ? [] : Array.from(f.data, (c) => c.charCodeAt(0));
  }

  tree(prefix: string): string[] {
    return [...this.files.keys()].filter((k) => k.startsWith(`${prefix}/`)).map((k) => k.slice(prefix.length + 1)).sort();
  }
}

export const BASE_ENV = {
  OCF_ROOT: '/usr/lib/ocf',
  OCF_RESOURCE_INSTANCE: 'nfs1',
};

// Runs an nfsserver action on the machine, with OCF_RESKEY_<k> for each parameter.
export async function act(m: Machine, action: string, params: Record<string, string> = {}, env: Record<string, string> = {}) {
  const full: Record<string, string> = { ...BASE_ENV, ...env };
  for (const [k, v] of Object.entries(params)) full[`OCF_RESKEY_${k}`] = v;
  const before = m.stderr.length;
  const code = await runAgent({ agent: nfsserver, args: [action], env: full, sys: m, invokedAs: '/usr/lib/ocf/resource.d/nfsha/nfsserver' });
  const err = m.stderr.slice(before);
  const reason = /ocf-exit-reason:(.*)/.exec(err)?.[1];
  return { code, reason, log: err };
}

// Expected commands that start and stop things on the machine.
export const run = {
  bind: (m: Machine, dir = '/mnt/nfsinfo'): ExpectedCall => ({ argv: ['mount', '--bind', dir, '/var/lib/nfs'], effect: () => m.mount('/var/lib/nfs', 'xfs', '/dev/vdb3', '253:3') }),
  rpcbind: (m: Machine): ExpectedCall => ({ argv: ['rpcbind', '-w'], effect: () => m.proc(50, ['rpcbind', '-w']) }),
  rpcinfo: (): ExpectedCall => ({ argv: ['rpcinfo', '-p'] }),
  statd: (m: Machine, argv: string[] = ['rpc.statd', '--no-notify']): ExpectedCall => ({
    argv,
    effect: () => {
      m.proc(60, argv);
      m.file('/run/rpc.statd.pid', '60\n');
    },
  }),
  mountd: (m: Machine, argv: string[] = ['rpc.mountd']): ExpectedCall => ({ argv, effect: () => m.proc(70, argv) }),
  nfsd: (m: Machine, argv: string[] = ['rpc.nfsd', '8'], threads = 8): ExpectedCall => ({ argv, effect: () => m.threads(threads) }),
  nfsdStop: (m: Machine): ExpectedCall => ({ argv: ['rpc.nfsd', '0'], effect: () => m.threads(0) }),
  umountBind: (m: Machine): ExpectedCall => ({ argv: ['umount', '/var/lib/nfs'], effect: () => m.unmount('/var/lib/nfs') }),
};

// A running server: bound infodir, rpcbind, statd, mountd, nfsd with 8 threads.
export function running(m: Machine): Machine {
  m.mount('/var/lib/nfs', 'xfs', '/dev/vdb3', '253:3');
  m.proc(50, ['rpcbind', '-w']).proc(60, ['rpc.statd', '--no-notify']).proc(70, ['rpc.mountd']).threads(8);
  m.file('/run/rpc.statd.pid', '60\n');
  for (const d of ['sm', 'sm.bak', 'sm.ha']) m.file(`/var/lib/nfs/${d}`, '', 'dir');
  return m;
}
