// The nfsnotify agent through the OCF runtime, on a scripted machine: /proc entries for statd and
// sm-notify, the statd directory in memory, and every external command (getent, sm-notify) an
// expected call in order.
import { describe, expect, it } from 'vitest';
import { nfsnotify } from '../../../agents/nfsnotify.ts';
import { OCF } from '../../../lib/ocf/codes.ts';
import { runAgent } from '../../../lib/ocf/run.ts';
import { ScriptedSystem, type ExpectedCall } from '../../../lib/system/scripted.ts';

const STATD_UID = 104;
const NOGROUP = 65534;
const MARK = 'NFSHA_NFSNOTIFY_INSTANCE=n1';
const SMN = '/usr/sbin/sm-notify';
const RECORD = '0100007f 000186b5 00000004 00000010 0123456789abcdef0123456789abcdef nfsclient nodeA\n';

interface FakeProc {
  comm: string;
  argv?: string[];
  env?: string[];
  start?: string;
  state?: string;
  net?: string;
  ignoresTerm?: boolean;
}

// A machine whose processes live in /proc and die when signalled (unless they ignore SIGTERM).
class Machine extends ScriptedSystem {
  readonly stubborn = new Set<number>();
  nextPid = 300;

  constructor() {
    super();
    this.programs.add(SMN);
    this.addresses = ['127.0.0.1', '::1', '192.168.122.11', '192.168.122.200', '192.168.122.201'];
    this.file('/usr/lib/ocf', '', 'dir');
    this.file('/proc/self/ns/net', '', 'link', { target: 'net:[1]' });
    this.file('/var/lib/nfs', '', 'dir');
    this.file('/var/lib/nfs/sm', '', 'dir', { uid: STATD_UID, gid: NOGROUP, mode: 0o700 });
    this.file('/var/lib/nfs/sm/nfsclient', RECORD, 'file', { uid: STATD_UID, gid: NOGROUP });
    this.file('/var/lib/nfs/sm.bak', '', 'dir', { uid: STATD_UID, gid: NOGROUP });
    this.file('/var/lib/nfs/state', 'S-07', 'file', { uid: STATD_UID });
  }

  proc(pid: number, p: FakeProc): this {
    const start = p.start ?? '1000';
    this.file(`/proc/${String(pid)}/stat`, `${String(pid)} (${p.comm}) ${p.state ?? 'S'} 1 ${String(pid)} ${String(pid)} 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${start} 0 0\n`);
    this.file(`/proc/${String(pid)}/cmdline`, `${(p.argv ?? [p.comm]).join('\0')}\0`);
    this.file(`/proc/${String(pid)}/environ`, `${(p.env ?? ['PATH=/usr/bin']).join('\0')}\0`);
    this.file(`/proc/${String(pid)}/ns/net`, '', 'link', { target: p.net ?? 'net:[1]' });
    this.alive.add(pid);
    if (p.ignoresTerm) this.stubborn.add(pid);
    return this;
  }

  gone(pid: number): void {
    for (const k of [...this.files.keys()]) if (k.startsWith(`/proc/${String(pid)}/`) || k === `/proc/${String(pid)}`) this.files.delete(k);
    this.alive.delete(pid);
  }

  override kill(pid: number, signal: string | number): boolean {
    const r = super.kill(pid, signal);
    if (r && signal !== 0 && !(signal === 'SIGTERM' && this.stubborn.has(pid))) this.gone(pid);
    return r;
  }

  text(path: string): string | undefined {
    return this.files.get(path)?.data;
  }

  owner(path: string): [number | undefined, number | undefined] {
    const f = this.files.get(path);
    return [f?.uid, f?.gid];
  }

  under(dir: string): string[] {
    return [...this.files.keys()].filter((k) => k.startsWith(`${dir}/`)).map((k) => k.slice(dir.length + 1)).sort();
  }
}

// sm-notify as it behaves: checks its marker, then on the directory it gets moves sm/* to sm.bak/
// and puts itself in the background (a process carrying our marker).
function smNotify(m: Machine, args: string[], opts: { exitCode?: number; stderr?: string } = {}): ExpectedCall {
  const dir = args[args.indexOf('-P') + 1] ?? '';
  return {
    argv: [SMN, ...args],
    exitCode: opts.exitCode ?? 0,
    stderr: opts.stderr ?? '',
    check: (o) => { expect(o.env).toEqual({ NFSHA_NFSNOTIFY_INSTANCE: 'n1' }); },
    effect: () => {
      if (opts.exitCode !== undefined && opts.exitCode !== 0) return;
      for (const name of m.under(`${dir}/sm`)) {
        const f = m.files.get(`${dir}/sm/${name}`);
        if (f) {
          m.files.delete(`${dir}/sm/${name}`);
          m.files.set(`${dir}/sm.bak/${name}`, f);
        }
      }
      m.proc(m.nextPid++, { comm: 'sm-notify', argv: [SMN, ...args], env: ['PATH=/usr/bin', MARK] });
    },
  };
}

const getentHosts = (ip: string, names: string): ExpectedCall => ({ argv: ['getent', 'hosts', ip], stdout: `${ip}  ${names}\n` });
const getentAhosts = (name: string, ip: string): ExpectedCall => ({ argv: ['getent', 'ahosts', name], stdout: `${ip} STREAM ${name}\n${ip} DGRAM\n${ip} RAW\n` });

async function act(m: Machine, action: string, params: Record<string, string> = {}, env: Record<string, string> = {}) {
  const before = m.stderr.length;
  const e: Record<string, string> = { OCF_ROOT: '/usr/lib/ocf', OCF_RESOURCE_INSTANCE: 'n1', HA_LOGFACILITY: 'none', ...env };
  for (const [k, v] of Object.entries(params)) e[`OCF_RESKEY_${k}`] = v;
  const code = await runAgent({ agent: nfsnotify, args: [action], env: e, sys: m, invokedAs: '/usr/lib/ocf/resource.d/nfsha/nfsnotify' });
  m.done();
  const err = m.stderr.slice(before);
  const reason = /ocf-exit-reason:(.*)/.exec(err)?.[1];
  return { code, err, reason };
}

const VIP = { source_host: '192.168.122.200' };
const TWO = { source_host: '192.168.122.200,nfshost2' };
const STATE = '/run/resource-agents/nfsnotify_n1';

function withStatd(): Machine {
  return new Machine().proc(22, { comm: 'rpc.statd', argv: ['rpc.statd', '--no-notify'] });
}

async function started(m: Machine, params: Record<string, string> = VIP): Promise<void> {
  m.expect(getentHosts('192.168.122.200', 'nfshost.hostrig.test nfshost'));
  if (params === TWO) m.expect(getentAhosts('nfshost2', '192.168.122.201'));
  m.expect(smNotify(m, ['-f', '-v', '192.168.122.200', '-P', '/var/lib/nfs']));
  if (params === TWO) m.expect(smNotify(m, ['-f', '-v', 'nfshost2', '-P', '/var/lib/nfs/nfsnotify_n1_nfshost2']));
  expect((await act(m, 'start', params)).code).toBe(OCF.SUCCESS);
}

describe('monitor', () => {
  it('7 before any notification, without an exit reason', async () => {
    const r = await act(withStatd(), 'monitor');
    expect(r.code).toBe(OCF.NOT_RUNNING);
    expect(r.reason).toBeUndefined();
  });

  it('0 while the recorded statd runs', async () => {
    const m = withStatd();
    await started(m);
    expect((await act(m, 'monitor')).code).toBe(OCF.SUCCESS);
    expect((await act(m, 'monitor', {}, { OCF_RESKEY_CRM_meta_interval: '0' })).code).toBe(OCF.SUCCESS);
  });

  it('1 with the re-notify reason when statd is gone or restarted', async () => {
    const m = withStatd();
    await started(m);
    m.gone(22);
    expect(await act(m, 'monitor')).toMatchObject({ code: OCF.ERR_GENERIC, reason: '22 for rpc.statd is no longer running, sm-notify needs to re-notify clients' });
    m.proc(40, { comm: 'rpc.statd' });
    expect((await act(m, 'monitor')).code).toBe(OCF.ERR_GENERIC);
  });

  it('1 when another statd got the same pid (start time differs) or the pid is a zombie', async () => {
    const m = withStatd();
    await started(m);
    m.gone(22);
    m.proc(22, { comm: 'rpc.statd', start: '5000' });
    expect((await act(m, 'monitor')).code).toBe(OCF.ERR_GENERIC);
    m.gone(22);
    m.proc(22, { comm: 'rpc.statd', state: 'Z' });
    expect((await act(m, 'monitor')).code).toBe(OCF.ERR_GENERIC);
  });

  it('1 when the pid now belongs to another program; a pid-only file (upstream) is honoured', async () => {
    const m = new Machine().proc(22, { comm: 'bash' });
    m.file(`${STATE}/rpc.statd_n1.pid`, '22\n');
    expect((await act(m, 'monitor')).code).toBe(OCF.ERR_GENERIC);
    m.gone(22);
    m.proc(22, { comm: 'rpc.statd' });
    expect((await act(m, 'monitor')).code).toBe(OCF.SUCCESS);
  });
});

describe('start', () => {
  it('one source host: snapshot, then sm-notify -f -v VIP -P <real statd dir>, statd recorded', async () => {
    const m = withStatd();
    await started(m);
    expect(m.text(`${STATE}/rpc.statd_n1.pid`)).toBe('22\n');
    expect(m.text(`${STATE}/statd.id`)).toBe('22 1000\n');
    // The snapshot holds the list as it was before sm-notify consumed it, owners kept.
    const bu = '/var/lib/nfs/nfsnotify_n1.bu';
    expect(m.under(bu)).toEqual(['sm', 'sm.bak', 'sm/nfsclient', 'state']);
    expect(m.text(`${bu}/sm/nfsclient`)).toBe(RECORD);
    expect(m.text(`${bu}/state`)).toBe('S-07');
    expect(m.owner(`${bu}/sm`)).toEqual([STATD_UID, NOGROUP]);
    expect(m.owner(`${bu}/sm/nfsclient`)).toEqual([STATD_UID, NOGROUP]);
    expect(m.files.get(`${bu}/sm`)?.mode).toBe(0o700);
    // sm-notify got the real directory.
    expect(m.under('/var/lib/nfs/sm.bak')).toEqual(['nfsclient']);
  });

  it('two source hosts: the second works on a private copy of the snapshot', async () => {
    const m = withStatd();
    await started(m, TWO);
    const priv = '/var/lib/nfs/nfsnotify_n1_nfshost2';
    expect(m.text(`${priv}/state`)).toBe('S-07');
    expect(m.owner(`${priv}/sm.bak/nfsclient`)).toEqual([STATD_UID, NOGROUP]);
    expect(m.text(`${STATE}/private-dirs`)).toBe(`${priv}\n`);
  });

  it('no source host: sm-notify -f -P <dir> with notify_args', async () => {
    const m = withStatd();
    m.expect(smNotify(m, ['-f', '-m', '5', '-P', '/var/lib/nfs']));
    expect((await act(m, 'start', { notify_args: '-m 5' })).code).toBe(OCF.SUCCESS);
  });

  it('uses the directory statd was started with (-P), then nfs.conf, not a hard-coded path', async () => {
    const m = new Machine().proc(22, { comm: 'rpc.statd', argv: ['/usr/sbin/rpc.statd', '-P', '/srv/nfsinfo/statd'] });
    m.file('/srv/nfsinfo/statd/sm', '', 'dir', { uid: STATD_UID, gid: NOGROUP });
    m.file('/etc/nfs.conf', '[statd]\nstate-directory-path=/elsewhere\n');
    m.expect(smNotify(m, ['-f', '-P', '/srv/nfsinfo/statd']));
    expect((await act(m, 'start')).code).toBe(OCF.SUCCESS);

    const c = withStatd();
    c.file('/srv/other/sm', '', 'dir');
    c.file('/etc/nfs.conf.d/ha.conf', '[statd]\nstate-directory-path = /srv/other\n');
    c.file('/etc/nfs.conf.d', '', 'dir');
    c.expect(smNotify(c, ['-f', '-P', '/srv/other']));
    expect((await act(c, 'start')).code).toBe(OCF.SUCCESS);
  });

  it('Debian layout with an empty /var/lib/nfs/statd: the real /var/lib/nfs, never the empty one', async () => {
    const m = withStatd();
    m.file('/var/lib/nfs/statd/nfsnotify.bu', '', 'dir');
    m.expect(smNotify(m, ['-f', '-P', '/var/lib/nfs']));
    expect((await act(m, 'start')).code).toBe(OCF.SUCCESS);
  });

  it('a configured statd directory without sm/ is an error, not a silent success', async () => {
    const m = withStatd();
    m.file('/etc/nfs.conf', '[statd]\nstate-directory-path=/var/lib/nfs/statd\n');
    const r = await act(m, 'start');
    expect(r).toMatchObject({ code: OCF.ERR_GENERIC, reason: 'statd directory /var/lib/nfs/statd (from the nfs.conf) has no sm/: sm-notify would notify nobody' });
    expect(m.text(`${STATE}/rpc.statd_n1.pid`)).toBeUndefined();
  });

  it('without statd: 1 with a reason, nothing recorded', async () => {
    const m = new Machine().proc(9, { comm: 'sm-notify' });
    const r = await act(m, 'start', VIP);
    expect(r).toMatchObject({ code: OCF.ERR_GENERIC, reason: 'rpc.statd is not running: start the NFS server (nfsserver) before nfsnotify' });
    expect(m.under(STATE)).toEqual([]);
  });

  it('a statd of another network namespace is not ours; two of ours is an error', async () => {
    const m = new Machine().proc(22, { comm: 'rpc.statd', net: 'net:[2]' });
    expect((await act(m, 'start')).reason).toMatch(/^rpc.statd is not running/);
    m.proc(23, { comm: 'rpc.statd' }).proc(24, { comm: 'rpc.statd' });
    expect((await act(m, 'start')).reason).toBe('several rpc.statd processes run (pid 23 24): cannot tell whose clients to notify');
  });

  it('a source host that cannot be used: 1, and the real list is untouched', async () => {
    const m = withStatd();
    m.expect({ argv: ['getent', 'hosts', '192.168.122.200'], exitCode: 2 });
    const r = await act(m, 'start', VIP);
    expect(r.code).toBe(OCF.ERR_GENERIC);
    expect(r.reason).toMatch(/^source_host 192.168.122.200 does not reverse-resolve/);
    expect(m.under('/var/lib/nfs/sm')).toEqual(['nfsclient']);
    expect(m.text(`${STATE}/rpc.statd_n1.pid`)).toBeUndefined();

    // Every host is checked before the first sm-notify runs.
    const n = withStatd();
    n.expect(getentHosts('192.168.122.200', 'nfshost'));
    const second = await act(n, 'start', { source_host: '192.168.122.200,192.168.122.99' });
    expect(second.reason).toBe('source_host 192.168.122.99 is not configured on this node (start nfsnotify after the floating IP)');
    expect(n.under('/var/lib/nfs/sm')).toEqual(['nfsclient']);
  });

  it('a failing sm-notify fails start with its message', async () => {
    const m = withStatd();
    m.expect(getentHosts('192.168.122.200', 'nfshost'), smNotify(m, ['-f', '-v', '192.168.122.200', '-P', '/var/lib/nfs'], { exitCode: 1, stderr: 'sm-notify: Failed to open sm\n' }));
    expect(await act(m, 'start', VIP)).toMatchObject({ code: OCF.ERR_GENERIC, reason: 'sm-notify with source host set to [ 192.168.122.200 ] failed: sm-notify: Failed to open sm' });
    // Nothing was notified: no record, monitor 7, and the next start notifies afresh.
    expect((await act(m, 'monitor')).code).toBe(OCF.NOT_RUNNING);
    await started(m);
  });

  it('a failure of a later source host keeps the record: the real list was consumed', async () => {
    const m = withStatd();
    m.expect(
      getentHosts('192.168.122.200', 'nfshost'),
      getentAhosts('nfshost2', '192.168.122.201'),
      smNotify(m, ['-f', '-v', '192.168.122.200', '-P', '/var/lib/nfs']),
      smNotify(m, ['-f', '-v', 'nfshost2', '-P', '/var/lib/nfs/nfsnotify_n1_nfshost2'], { exitCode: 1 }),
    );
    expect(await act(m, 'start', TWO)).toMatchObject({ code: OCF.ERR_GENERIC, reason: 'sm-notify with source host set to [ nfshost2 ] failed: exit code 1' });
    await act(m, 'stop');
    m.expect(
      getentHosts('192.168.122.200', 'nfshost'),
      getentAhosts('nfshost2', '192.168.122.201'),
      smNotify(m, ['-f', '-n', '-v', '192.168.122.200', '-P', '/var/lib/nfs/nfsnotify_n1_192.168.122.200']),
      smNotify(m, ['-f', '-n', '-v', 'nfshost2', '-P', '/var/lib/nfs/nfsnotify_n1_nfshost2']),
    );
    expect((await act(m, 'start', TWO)).code).toBe(OCF.SUCCESS);
  });

  it('is idempotent for the same statd: no new notification', async () => {
    const m = withStatd();
    await started(m);
    expect((await act(m, 'start', VIP)).code).toBe(OCF.SUCCESS);
  });
});

describe('stop', () => {
  it('ends only this instance\'s sm-notify, removes private copies, keeps the snapshot', async () => {
    const m = withStatd();
    m.proc(50, { comm: 'sm-notify', env: ['NFSHA_NFSNOTIFY_INSTANCE=other'] });
    m.proc(51, { comm: 'sm-notify' });
    await started(m, TWO);
    expect(m.alive.has(300) && m.alive.has(301)).toBe(true);
    const r = await act(m, 'stop');
    expect(r.code).toBe(OCF.SUCCESS);
    expect(m.killed).toEqual([{ pid: 300, signal: 'SIGTERM' }, { pid: 301, signal: 'SIGTERM' }]);
    expect(m.alive.has(50) && m.alive.has(51)).toBe(true);
    expect(m.under('/var/lib/nfs/nfsnotify_n1_nfshost2')).toEqual([]);
    expect(m.files.has('/var/lib/nfs/nfsnotify_n1_nfshost2')).toBe(false);
    expect(m.files.has('/var/lib/nfs/nfsnotify_n1.bu/sm/nfsclient')).toBe(true);
    expect(m.text(`${STATE}/rpc.statd_n1.pid.prev`)).toBe('22\n');
    expect(m.text(`${STATE}/rpc.statd_n1.pid`)).toBeUndefined();
    expect((await act(m, 'monitor')).code).toBe(OCF.NOT_RUNNING);
    expect((await act(m, 'stop')).code).toBe(OCF.SUCCESS);
  });

  it('kills an sm-notify of ours that ignores SIGTERM', async () => {
    const m = withStatd();
    m.proc(60, { comm: 'sm-notify', env: [MARK], ignoresTerm: true });
    expect((await act(m, 'stop')).code).toBe(OCF.SUCCESS);
    expect(m.killed).toEqual([{ pid: 60, signal: 'SIGTERM' }, { pid: 60, signal: 'SIGKILL' }]);
  });

  it('succeeds when nothing was started, even without sm-notify installed', async () => {
    const m = new Machine();
    m.programs.clear();
    expect((await act(m, 'stop')).code).toBe(OCF.SUCCESS);
  });
});

describe('re-notification', () => {
  it('stop then start for the same statd: private copies with the current state, -n, real list untouched', async () => {
    const m = withStatd();
    await started(m, TWO);
    await act(m, 'stop');
    // sm-notify increased the real state meanwhile; the real list was consumed.
    m.file('/var/lib/nfs/state', 'S-09', 'file', { uid: STATD_UID });
    m.expect(
      getentHosts('192.168.122.200', 'nfshost'),
      getentAhosts('nfshost2', '192.168.122.201'),
      smNotify(m, ['-f', '-n', '-v', '192.168.122.200', '-P', '/var/lib/nfs/nfsnotify_n1_192.168.122.200']),
      smNotify(m, ['-f', '-n', '-v', 'nfshost2', '-P', '/var/lib/nfs/nfsnotify_n1_nfshost2']),
    );
    const r = await act(m, 'start', TWO);
    expect(r.code).toBe(OCF.SUCCESS);
    expect(r.err).toContain('Renotifying clients');
    for (const h of ['192.168.122.200', 'nfshost2']) {
      expect(m.text(`/var/lib/nfs/nfsnotify_n1_${h}/state`)).toBe('S-09');
      expect(m.under(`/var/lib/nfs/nfsnotify_n1_${h}`)).toEqual(['sm', 'sm.bak', 'sm.bak/nfsclient', 'state']);
    }
    expect(m.text('/var/lib/nfs/nfsnotify_n1.bu/state')).toBe('S-07');
  });

  it('a restarted statd gets a fresh notification from the real directory and a new snapshot', async () => {
    const m = withStatd();
    await started(m);
    await act(m, 'stop');
    m.gone(22);
    m.proc(23, { comm: 'rpc.statd' });
    m.file('/var/lib/nfs/sm/another', RECORD, 'file', { uid: STATD_UID, gid: NOGROUP });
    m.file('/var/lib/nfs/state', 'S-11');
    await started(m);
    expect(m.under('/var/lib/nfs/nfsnotify_n1.bu')).toEqual(['sm', 'sm.bak', 'sm.bak/nfsclient', 'sm/another', 'state']);
    expect(m.text('/var/lib/nfs/nfsnotify_n1.bu/state')).toBe('S-11');
  });

  it('reload re-sends for a started resource and answers 7 for a stopped one', async () => {
    const m = withStatd();
    expect((await act(m, 'reload', VIP)).code).toBe(OCF.NOT_RUNNING);
    await started(m);
    m.expect(getentHosts('192.168.122.200', 'nfshost'), smNotify(m, ['-f', '-n', '-v', '192.168.122.200', '-P', '/var/lib/nfs/nfsnotify_n1_192.168.122.200']));
    const r = await act(m, 'reload', VIP);
    expect(r.code).toBe(OCF.SUCCESS);
    // The sm-notify of the first round was ended first.
    expect(m.killed).toEqual([{ pid: 300, signal: 'SIGTERM' }]);
  });

  it('a reload that cannot proceed leaves the running sm-notify alone', async () => {
    const m = withStatd();
    await started(m);
    const r = await act(m, 'reload', { source_host: '192.168.122.99' });
    expect(r.code).toBe(OCF.ERR_GENERIC);
    expect(m.killed).toEqual([]);
  });
});

describe('validate-all', () => {
  it('0 with sm-notify installed and sane parameters', async () => {
    expect((await act(new Machine(), 'validate-all', { source_host: '192.168.122.200,nfshost', notify_args: '-m 5' })).code).toBe(OCF.SUCCESS);
  });

  it('5 without sm-notify', async () => {
    const m = new Machine();
    m.programs.clear();
    expect(await act(m, 'validate-all')).toMatchObject({ code: OCF.ERR_INSTALLED, reason: "Setup problem: couldn't find command: /usr/sbin/sm-notify" });
  });

  it('6 for parameters sm-notify would refuse', async () => {
    expect((await act(new Machine(), 'validate-all', { notify_args: 'false' })).code).toBe(OCF.ERR_CONFIGURED);
    expect((await act(new Machine(), 'validate-all', { source_host: '10.0.0.1,$(reboot)' })).code).toBe(OCF.ERR_CONFIGURED);
  });

  it('honours HA_SBIN_DIR', async () => {
    const m = new Machine();
    m.programs.clear();
    m.programs.add('/opt/sbin/sm-notify');
    expect((await act(m, 'validate-all', {}, { HA_SBIN_DIR: '/opt/sbin' })).code).toBe(OCF.SUCCESS);
  });
});

describe('tickle ACKs (issue 15)', () => {
  const TICKLE = '/usr/libexec/heartbeat/tickle_tcp';
  const CONNS = '/var/lib/nfs/nfsnotify_n1.connections';
  // The floating address's connection of a client, and one of the node's own address.
  const TCP = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: C87AA8C0:0801 157AA8C0:0367 01 00000000:00000000 00:00000000 00000000     0        0 35341 2 00000000598a7114 20 0 0 10 -1',
    '   1: 0B7AA8C0:0801 167AA8C0:0368 01 00000000:00000000 00:00000000 00000000     0        0 35342 2 00000000598a7114 20 0 0 10 -1',
    '   2: C87AA8C0:0801 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 35338 1 0000000060231fe8 100 0 0 10 0',
    '',
  ].join('\n');
  const RECORDED = '# nfsha nfsnotify connections 1\n192.168.122.200:2049 192.168.122.21:871\n192.168.122.201:2049 192.168.122.22:872\n';
  const tickleCall: ExpectedCall = { argv: [TICKLE, '-n', '1'], check: (o) => { expect(o.input).toBe('192.168.122.200:2049 192.168.122.21:871\n'); } };

  it('start: three rounds of tickle_tcp for the recorded connections of source_host (an IP of this node: before its reverse lookup), then sm-notify; monitor records', async () => {
    const m = withStatd();
    m.programs.add(TICKLE);
    m.file(CONNS, RECORDED);
    m.expect(tickleCall, tickleCall, tickleCall, getentHosts('192.168.122.200', 'nfshost'), smNotify(m, ['-f', '-v', '192.168.122.200', '-P', '/var/lib/nfs']));
    const r = await act(m, 'start', VIP);
    expect(r.code).toBe(OCF.SUCCESS);
    expect(r.err).toContain('tickle ACKs sent to 1 recorded connection(s) in 3 round(s)');
    expect(JSON.parse(m.text(`${STATE}/tickle.json`) ?? '')).toEqual({ record: CONNS, addresses: ['192.168.122.200'] });
    // The first monitor writes this node's connections of the floating address.
    m.file('/proc/net/tcp', TCP);
    expect((await act(m, 'monitor')).code).toBe(OCF.SUCCESS);
    expect(m.text(CONNS)?.split('\n').filter((l) => !l.startsWith('#'))).toEqual(['192.168.122.200:2049 192.168.122.21:871', '']);
    // stop records too, while the address is still up.
    m.file('/proc/net/tcp', TCP.replace('157AA8C0:0367', '157AA8C0:0369'));
    expect((await act(m, 'stop')).code).toBe(OCF.SUCCESS);
    expect(m.text(CONNS)).toContain('192.168.122.200:2049 192.168.122.21:873\n');
  });

  it('start tickles before it saves statd\'s state: nothing the ACKs need waits for the copies', async () => {
    const m = withStatd();
    m.programs.add(TICKLE);
    m.file(CONNS, RECORDED);
    let savedFirst: boolean | undefined;
    const first: ExpectedCall = { ...tickleCall, effect: (s) => { savedFirst ??= s.files.has('/var/lib/nfs/nfsnotify_n1.bu'); } };
    m.expect(first, tickleCall, tickleCall, getentHosts('192.168.122.200', 'nfshost'), smNotify(m, ['-f', '-v', '192.168.122.200', '-P', '/var/lib/nfs']));
    expect((await act(m, 'start', VIP)).code).toBe(OCF.SUCCESS);
    expect(savedFirst).toBe(false);
    expect(m.files.has('/var/lib/nfs/nfsnotify_n1.bu')).toBe(true);
  });

  it('a source_host name is resolved (and proven local) before its connections are tickled', async () => {
    const m = withStatd();
    m.programs.add(TICKLE);
    m.file(CONNS, RECORDED);
    m.expect(getentAhosts('nfshost', '192.168.122.200'), tickleCall, smNotify(m, ['-f', '-v', 'nfshost', '-P', '/var/lib/nfs']));
    expect((await act(m, 'start', { source_host: 'nfshost', tickle_rounds: '1' })).code).toBe(OCF.SUCCESS);
  });

  it('tickle_rounds sets the rounds; reload never tickles', async () => {
    const m = withStatd();
    m.programs.add(TICKLE);
    m.file(CONNS, RECORDED);
    m.expect(tickleCall, getentHosts('192.168.122.200', 'nfshost'), smNotify(m, ['-f', '-v', '192.168.122.200', '-P', '/var/lib/nfs']));
    expect((await act(m, 'start', { ...VIP, tickle_rounds: '1' })).code).toBe(OCF.SUCCESS);
    m.expect(getentHosts('192.168.122.200', 'nfshost'), smNotify(m, ['-f', '-n', '-v', '192.168.122.200', '-P', '/var/lib/nfs/nfsnotify_n1_192.168.122.200']));
    expect((await act(m, 'reload', VIP)).code).toBe(OCF.SUCCESS);
  });

  it('tickle=false: no tickle_tcp, nothing recorded', async () => {
    const m = withStatd();
    m.programs.add(TICKLE);
    m.file(CONNS, RECORDED);
    m.expect(getentHosts('192.168.122.200', 'nfshost'), smNotify(m, ['-f', '-v', '192.168.122.200', '-P', '/var/lib/nfs']));
    expect((await act(m, 'start', { ...VIP, tickle: 'false' })).code).toBe(OCF.SUCCESS);
    expect(m.files.has(`${STATE}/tickle.json`)).toBe(false);
    m.file('/proc/net/tcp', TCP);
    expect((await act(m, 'monitor')).code).toBe(OCF.SUCCESS);
    expect(m.text(CONNS)).toBe(RECORDED);
  });

  it('no tickle_tcp, or no record: a warning, and start notifies as before', async () => {
    const m = withStatd();
    m.file(CONNS, RECORDED);
    await started(m);
    expect(m.stderr).toContain(`WARNING: tickle_tcp not found at ${TICKLE}`);
    const n = withStatd();
    n.programs.add(TICKLE);
    await started(n);
    expect(n.stderr).toContain(`WARNING: no connection record ${CONNS}`);
  });

  it('without source_host there is no floating address: nothing tickled or recorded', async () => {
    const m = withStatd();
    m.programs.add(TICKLE);
    m.file(CONNS, RECORDED);
    m.expect(smNotify(m, ['-f', '-P', '/var/lib/nfs']));
    const r = await act(m, 'start');
    expect(r.code).toBe(OCF.SUCCESS);
    expect(r.err).toContain('no source_host: no floating address whose connections could be tickled');
    expect(m.files.has(`${STATE}/tickle.json`)).toBe(false);
  });

  it('validate-all: tickle_rounds from 1 to 10 (6 otherwise); a missing tickle_tcp is a warning', async () => {
    for (const bad of ['0', '11', 'abc', '']) {
      expect(await act(new Machine(), 'validate-all', { tickle_rounds: bad })).toMatchObject({ code: OCF.ERR_CONFIGURED, reason: `tickle_rounds must be a whole number from 1 to 10, got '${bad}'` });
    }
    const r = await act(new Machine(), 'validate-all', { tickle_rounds: '10' });
    expect(r.code).toBe(OCF.SUCCESS);
    expect(r.err).toContain(`WARNING: tickle_tcp not found at ${TICKLE} (resource-agents): start will send no tickle ACKs`);
    const m = new Machine();
    m.programs.add('/opt/ha/tickle_tcp');
    const ok = await act(m, 'validate-all', {}, { HA_BIN: '/opt/ha' });
    expect(ok.code).toBe(OCF.SUCCESS);
    expect(ok.err).not.toContain('tickle_tcp');
    expect((await act(new Machine(), 'validate-all', { tickle: 'no' })).err).not.toContain('tickle_tcp');
  });
});
