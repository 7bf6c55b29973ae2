// Each doctor check both ways, on a scripted node: files, /proc and the commands it runs.
import { describe, expect, it } from 'vitest';
import { ScriptedSystem, type ExpectedCall } from '../../../lib/system/scripted.ts';
import {
  checkBootServices, checkExports, checkFloatingName, checkInfodirBind, checkLastNotification, checkMonitorList, checkNfsdThreads,
  checkNsmState, checkStandbyDaemons, checkStatdNoNotify, statdNoNotify, type ClusterView, type StackView,
} from '../../../lib/tools/doctor/checks.ts';
import type { NfsConf } from '../../../lib/host/nfsconf.ts';

const NOCONF: NfsConf = new Map();
const BOOT_S = 1764750000;

const STACK: StackView = {
  group: 'nfsgroup',
  server: { id: 'nfsserver', params: { nfs_shared_infodir: '/mnt/nfsinfo', nfs_no_notify: 'true' } },
  filesystems: [
    { id: 'fs1', device: '/dev/vda1', directory: '/mnt/exports/export1' },
    { id: 'fs3', device: '/dev/vda3', directory: '/mnt/nfsinfo' },
  ],
  exports: [
    { id: 'export-root', directory: '/mnt/exports', clientspec: '192.168.122.0/24', fsid: '0' },
    { id: 'export1', directory: '/mnt/exports/export1', clientspec: '192.168.122.0/24', fsid: '1' },
  ],
  ips: [{ id: 'vip1', ip: '192.168.122.200' }],
  notify: { id: 'nfsnotify', sourceHost: '192.168.122.200' },
};

function stack(over: Partial<StackView>): StackView {
  return { ...STACK, ...over };
}

// A process in the fake /proc: comm, stat (start time in ticks after boot), cmdline, environ.
function proc(sys: ScriptedSystem, pid: number, argv: string[], startTicks = 500, environ: string[] = []): void {
  const comm = (argv[0] ?? '').slice((argv[0] ?? '').lastIndexOf('/') + 1).slice(0, 15);
  sys.file(`/proc/${String(pid)}/comm`, `${comm}\n`);
  sys.file(`/proc/${String(pid)}/stat`, `${String(pid)} (${comm}) S ${Array(18).fill('0').join(' ')} ${String(startTicks)} 0 0\n`);
  sys.file(`/proc/${String(pid)}/cmdline`, `${argv.join('\0')}\0`);
  sys.file(`/proc/${String(pid)}/environ`, environ.map((e) => `${e}\0`).join(''));
}

function node(): ScriptedSystem {
  const sys = new ScriptedSystem();
  sys.file('/proc', '', 'dir');
  sys.file('/proc/stat', `cpu 1 2 3\nbtime ${String(BOOT_S)}\n`);
  return sys;
}

const MOUNTS_BOUND = [
  '22 1 8:1 / / rw - ext4 /dev/sda1 rw',
  '40 22 253:3 / /mnt/nfsinfo rw - xfs /dev/vda3 rw',
  '41 22 253:1 / /mnt/exports/export1 rw - xfs /dev/vda1 rw',
  '42 22 253:3 / /var/lib/nfs rw - xfs /dev/vda3 rw',
].join('\n');

describe('infodir-bind', () => {
  it('passes when /var/lib/nfs is the bind of nfs_shared_infodir', async () => {
    const sys = node().file('/proc/self/mountinfo', MOUNTS_BOUND);
    const r = await checkInfodirBind({ sys, rsctmp: '/run/resource-agents' }, STACK);
    expect(r).toMatchObject({ status: 'pass', evidence: '/var/lib/nfs is a bind of /mnt/nfsinfo (device 253:3 /dev/vda3, directory /)' });
  });

  it('fails when the bind is of another directory of the same filesystem', async () => {
    const sys = node().file('/proc/self/mountinfo', MOUNTS_BOUND.replace('253:3 / /var/lib/nfs', '253:3 /old /var/lib/nfs'));
    const r = await checkInfodirBind({ sys, rsctmp: '/run/resource-agents' }, STACK);
    expect(r.status).toBe('fail');
    expect(r.evidence).toBe('/var/lib/nfs is mounted from /dev/vda3 [/old] (device 253:3), not from /mnt/nfsinfo (device 253:3 [/])');
  });

  it('fails when /var/lib/nfs is not a mount point', async () => {
    const sys = node().file('/proc/self/mountinfo', MOUNTS_BOUND.split('\n').slice(0, 3).join('\n'));
    const r = await checkInfodirBind({ sys, rsctmp: '/run/resource-agents' }, STACK);
    expect(r).toMatchObject({ status: 'fail', fix: 'pcs resource restart nfsgroup' });
  });

  it('accepts SUSE\'s layout: a filesystem of the stack mounted on /var/lib/nfs', async () => {
    const suse = stack({ server: { id: 'nfsserver', params: {} }, filesystems: [{ id: 'state', device: '/dev/drbd0', directory: '/var/lib/nfs' }] });
    const sys = node().file('/proc/self/mountinfo', '22 1 8:1 / / rw - ext4 /dev/sda1 rw\n42 22 147:0 / /var/lib/nfs rw - xfs /dev/drbd0 rw');
    expect((await checkInfodirBind({ sys, rsctmp: '' }, suse)).status).toBe('pass');
    const plain = stack({ server: { id: 'nfsserver', params: {} } });
    expect((await checkInfodirBind({ sys, rsctmp: '' }, plain)).status).toBe('fail');
  });
});

function cluster(start?: { atMs: number; execMs: number }, runs: readonly string[] = ['node1']): ClusterView {
  return { localNode: 'node1', runsOn: () => runs, lastStart: () => start };
}

describe('nsm-state', () => {
  const STARTED = (BOOT_S + 1000) * 1000;
  function withState(mtimeMs: number, statdTicks: number): ScriptedSystem {
    const sys = node();
    sys.file('/var/lib/nfs/sm', '', 'dir');
    sys.file('/var/lib/nfs/state', '', 'file', { bytes: new Uint8Array([0x2b, 0, 0, 0]), mtimeMs });
    proc(sys, 300, ['/usr/sbin/rpc.statd', '--no-notify'], statdTicks);
    return sys;
  }

  it('passes when the state file and rpc.statd are newer than the last start', async () => {
    const sys = withState(STARTED + 300, 100000 + 50);
    const r = await checkNsmState({ sys, rsctmp: '' }, STACK, cluster({ atMs: STARTED + 1000, execMs: 1000 }), NOCONF);
    expect(r.status).toBe('pass');
    expect(r.evidence).toContain('/var/lib/nfs/state = 43, written');
    expect(r.evidence).toContain('rpc.statd 300 started');
  });

  it('fails when the state file is older than the last start', async () => {
    const sys = withState(STARTED - 3600_000, 100000 + 50);
    const r = await checkNsmState({ sys, rsctmp: '' }, STACK, cluster({ atMs: STARTED + 1000, execMs: 1000 }), NOCONF);
    expect(r.status).toBe('fail');
    expect(r.evidence).toContain('the state number did not change at the last start');
  });

  it('fails when rpc.statd is older than the last start', async () => {
    const sys = withState(STARTED + 300, 500);
    const r = await checkNsmState({ sys, rsctmp: '' }, STACK, cluster({ atMs: STARTED + 1000, execMs: 1000 }), NOCONF);
    expect(r.status).toBe('fail');
    expect(r.evidence).toContain('rpc.statd was not restarted by the last start');
  });

  it('is skipped without a start in the CIB, and for NFSv4 only', async () => {
    const sys = withState(STARTED, 0);
    expect((await checkNsmState({ sys, rsctmp: '' }, STACK, cluster(undefined), NOCONF)).status).toBe('skipped');
    const v4 = stack({ server: { id: 'nfsserver', params: { nfsv4_only: 'true' } } });
    expect((await checkNsmState({ sys, rsctmp: '' }, v4, cluster({ atMs: STARTED, execMs: 1 }), NOCONF)).status).toBe('skipped');
  });
});

describe('statd-no-notify', () => {
  it.each([
    [['rpc.statd', '--no-notify'], [], 'its command line has --no-notify'],
    [['rpc.statd', '-FL'], [], 'its command line has -FL'],
    [['rpc.statd', '--no-not'], [], 'its command line has --no-not'],
    [['rpc.statd', '-P', '/x'], ['RPC_STATD_NO_NOTIFY=1'], 'its environment has RPC_STATD_NO_NOTIFY=1'],
  ])('%j %j: %s', (argv, environ, why) => {
    expect(statdNoNotify(argv, environ, NOCONF)).toBe(why);
  });

  it('reads [statd] no-notify from nfs.conf, and not -L as the value of -P', () => {
    expect(statdNoNotify(['rpc.statd'], [], new Map([['statd', new Map([['no-notify', 'y']])]]))).toBe('nfs.conf has [statd] no-notify=y');
    expect(statdNoNotify(['rpc.statd', '-PL'], [], NOCONF)).toBeUndefined();
    expect(statdNoNotify(['rpc.statd', '--name', 'x'], [], NOCONF)).toBeUndefined();
  });

  it('passes and fails on the running statd', () => {
    const good = node();
    proc(good, 300, ['/usr/sbin/rpc.statd', '--no-notify']);
    expect(checkStatdNoNotify({ sys: good, rsctmp: '' }, STACK, NOCONF)).toMatchObject({ status: 'pass', evidence: 'rpc.statd 300 (/usr/sbin/rpc.statd --no-notify): its command line has --no-notify' });
    const bad = node();
    proc(bad, 301, ['/sbin/rpc.statd']);
    expect(checkStatdNoNotify({ sys: bad, rsctmp: '' }, STACK, NOCONF)).toMatchObject({ status: 'fail', fix: 'pcs resource update nfsserver nfs_no_notify=true && pcs resource restart nfsgroup' });
    expect(checkStatdNoNotify({ sys: node(), rsctmp: '' }, STACK, NOCONF).status).toBe('fail');
  });
});

describe('nfsd-threads', () => {
  it('passes with threads, fails with 0 or without the nfsd filesystem', () => {
    expect(checkNfsdThreads({ sys: node().file('/proc/fs/nfsd/threads', '8\n'), rsctmp: '' }, STACK)).toMatchObject({ status: 'pass', evidence: '/proc/fs/nfsd/threads = 8' });
    expect(checkNfsdThreads({ sys: node().file('/proc/fs/nfsd/threads', '0\n'), rsctmp: '' }, STACK).status).toBe('fail');
    expect(checkNfsdThreads({ sys: node(), rsctmp: '' }, STACK).status).toBe('fail');
  });
});

describe('exports-in-table', () => {
  const ETAB = '/mnt/exports\t192.168.122.0/24(rw,sync,wdelay,crossmnt,fsid=0)\n/mnt/exports/export1\t192.168.122.0/24(rw,sync,fsid=1)\n';

  it('passes when every export is in etab with its fsid and mountd runs', async () => {
    const sys = node().file('/var/lib/nfs/etab', ETAB);
    proc(sys, 400, ['/usr/sbin/rpc.mountd']);
    const r = await checkExports({ sys, rsctmp: '' }, STACK, NOCONF);
    expect(r).toMatchObject({ status: 'pass', evidence: 'in /var/lib/nfs/etab: export-root /mnt/exports, export1 /mnt/exports/export1; rpc.mountd 400 serves them to the kernel' });
  });

  it('fails on a missing export, a wrong fsid, or no mountd', async () => {
    const missing = node().file('/var/lib/nfs/etab', ETAB.split('\n')[0] ?? '');
    proc(missing, 400, ['/usr/sbin/rpc.mountd']);
    expect(await checkExports({ sys: missing, rsctmp: '' }, STACK, NOCONF)).toMatchObject({ status: 'fail', evidence: 'not in /var/lib/nfs/etab: export1 (192.168.122.0/24:/mnt/exports/export1)', fix: 'pcs resource refresh export1' });
    const wrongFsid = node().file('/var/lib/nfs/etab', ETAB.replace('fsid=1', 'fsid=7'));
    proc(wrongFsid, 400, ['/usr/sbin/rpc.mountd']);
    expect((await checkExports({ sys: wrongFsid, rsctmp: '' }, STACK, NOCONF)).evidence).toContain('export1 (exported with fsid=7, configured 1)');
    const noMountd = node().file('/var/lib/nfs/etab', ETAB);
    expect((await checkExports({ sys: noMountd, rsctmp: '' }, STACK, NOCONF)).evidence).toContain('rpc.mountd is not running');
  });

  it('reads etab where nfs.conf puts it', async () => {
    const sys = node().file('/srv/state/etab', ETAB);
    proc(sys, 400, ['/usr/sbin/rpc.mountd']);
    const conf: NfsConf = new Map([['exportfs', new Map([['state-directory-path', '/srv/state']])]]);
    expect((await checkExports({ sys, rsctmp: '' }, STACK, conf)).status).toBe('pass');
  });
});

const getent = (db: string, key: string, stdout: string, exitCode = 0): ExpectedCall => ({ argv: ['getent', db, key], stdout, exitCode });
const AHOSTS_VIP = '192.168.122.200 STREAM nfshost\n192.168.122.200 DGRAM\n192.168.122.200 RAW\n';

describe('floating-name', () => {
  it('passes when the floating IP has a name that resolves back to it', async () => {
    const sys = node().expect(getent('hosts', '192.168.122.200', '192.168.122.200 nfshost nfshost.example.com\n'), getent('ahosts', 'nfshost', AHOSTS_VIP));
    expect(await checkFloatingName({ sys, rsctmp: '' }, STACK)).toMatchObject({ status: 'pass', evidence: '192.168.122.200 -> nfshost -> 192.168.122.200' });
    sys.done();
  });

  it('fails without a name, or with a name that leads elsewhere first', async () => {
    const none = node().expect(getent('hosts', '192.168.122.200', '', 2));
    expect((await checkFloatingName({ sys: none, rsctmp: '' }, STACK)).evidence).toBe('192.168.122.200 has no name here (getent hosts 192.168.122.200 finds nothing)');
    const other = node().expect(getent('hosts', '192.168.122.200', '192.168.122.200 nfshost\n'), getent('ahosts', 'nfshost', '192.168.122.10 STREAM nfshost\n192.168.122.200 STREAM\n'));
    expect((await checkFloatingName({ sys: other, rsctmp: '' }, STACK)).evidence).toBe('nfshost resolves first to 192.168.122.10, then 192.168.122.200: clients that mount nfshost may reach another server');
    const away = node().expect(getent('hosts', '192.168.122.200', '192.168.122.200 nfshost\n'), getent('ahosts', 'nfshost', '10.1.1.1 STREAM nfshost\n'));
    expect((await checkFloatingName({ sys: away, rsctmp: '' }, STACK)).status).toBe('fail');
  });

  it('checks a source_host given as a name', async () => {
    const named = stack({ notify: { id: 'nfsnotify', sourceHost: 'nfsold' } });
    const sys = node().expect(getent('hosts', '192.168.122.200', '192.168.122.200 nfshost\n'), getent('ahosts', 'nfshost', AHOSTS_VIP), getent('ahosts', 'nfsold', '192.168.122.9 STREAM nfsold\n'));
    expect(await checkFloatingName({ sys, rsctmp: '' }, named)).toMatchObject({ status: 'fail', fix: 'pcs resource update nfsnotify source_host=192.168.122.200' });
  });
});

// nfs-utils' monitor record: address, program, version, procedure, cookie, mon_name, my_name.
const record = (client: string): string => `0a00000a 000186b5 00000004 00000010 0123456789abcdef0123456789abcdef ${client} nfshost\n`;

describe('nsm-monitor-list', () => {
  it('names the clients to notify when each resolves', async () => {
    const sys = node().file('/var/lib/nfs/sm/client1', record('client1.example.com')).file('/var/lib/nfs/sm/10.0.0.9', record('10.0.0.9'));
    sys.expect(getent('ahosts', 'client1.example.com', '10.0.0.10 STREAM client1.example.com\n'));
    expect(await checkMonitorList({ sys, rsctmp: '' }, STACK, NOCONF)).toMatchObject({ status: 'pass', evidence: '/var/lib/nfs/sm names 2 client(s) to notify: 10.0.0.9, client1.example.com' });
    sys.done();
  });

  it('fails on a name sm-notify cannot resolve, or without sm/', async () => {
    const sys = node().file('/var/lib/nfs/sm/ghost', record('ghost'));
    sys.expect(getent('ahosts', 'ghost', '', 2));
    expect((await checkMonitorList({ sys, rsctmp: '' }, STACK, NOCONF)).evidence).toBe('/var/lib/nfs/sm names ghost; ghost does not resolve here: sm-notify cannot reach it');
    expect((await checkMonitorList({ sys: node(), rsctmp: '' }, STACK, NOCONF)).status).toBe('fail');
  });

  it('passes, saying so, when no client holds a lock', async () => {
    const sys = node().file('/var/lib/nfs/sm', '', 'dir');
    expect((await checkMonitorList({ sys, rsctmp: '' }, STACK, NOCONF)).evidence).toBe('/var/lib/nfs/sm is empty: no NFSv3 client holds a lock now, nobody to notify');
  });

  it('finds the Red Hat layout (statd/ with sm/)', async () => {
    const sys = node().file('/var/lib/nfs/statd/sm/c', record('10.0.0.9'));
    expect((await checkMonitorList({ sys, rsctmp: '' }, STACK, NOCONF)).evidence).toContain('/var/lib/nfs/statd/sm names 1 client(s)');
  });
});

describe('last-notification', () => {
  const RUN = '/run/resource-agents';
  function notified(recordPid: number, statdPid: number, statdTicks = 777, recordTicks = 777): ScriptedSystem {
    const sys = node();
    sys.addresses = ['127.0.0.1', '192.168.122.11', '192.168.122.200'];
    proc(sys, statdPid, ['/usr/sbin/rpc.statd', '--no-notify'], statdTicks);
    sys.file(`${RUN}/nfsnotify_nfsnotify/statd.id`, `${String(recordPid)} ${String(recordTicks)}\n`);
    sys.file('/var/lib/nfs/sm.bak', '', 'dir');
    return sys;
  }

  it('passes when nfsnotify notified for the running statd from the floating IP', async () => {
    const sys = notified(300, 300);
    expect(await checkLastNotification({ sys, rsctmp: RUN }, STACK, NOCONF)).toMatchObject({ status: 'pass', evidence: 'nfsnotify notified for rpc.statd 300 (the one running) from 192.168.122.200; every client answered' });
  });

  it('names the clients that have not answered', async () => {
    const sys = notified(300, 300).file('/var/lib/nfs/sm.bak/c2', record('client2'));
    expect((await checkLastNotification({ sys, rsctmp: RUN }, STACK, NOCONF)).evidence).toContain('not answered yet: client2');
  });

  it('fails when statd restarted since, or nothing was recorded', async () => {
    expect((await checkLastNotification({ sys: notified(300, 301), rsctmp: RUN }, STACK, NOCONF)).evidence).toBe('nfsnotify last notified for rpc.statd 300, but rpc.statd 301 runs now: its clients were not told of that restart');
    expect((await checkLastNotification({ sys: notified(300, 300, 778), rsctmp: RUN }, STACK, NOCONF)).status).toBe('fail');
    const none = node();
    proc(none, 300, ['/usr/sbin/rpc.statd', '--no-notify']);
    expect((await checkLastNotification({ sys: none, rsctmp: RUN }, STACK, NOCONF)).evidence).toBe('/run/resource-agents/nfsnotify_nfsnotify/statd.id does not exist: nfsnotify has not notified on this node since it started');
  });

  it('fails when the source is not the floating IP or not configured here', async () => {
    const wrong = stack({ notify: { id: 'nfsnotify', sourceHost: '192.168.122.11' } });
    expect((await checkLastNotification({ sys: notified(300, 300), rsctmp: RUN }, wrong, NOCONF)).evidence).toBe('nfsnotify notifies from 192.168.122.11, which is not the floating IP 192.168.122.200');
    const away = notified(300, 300);
    away.addresses = ['127.0.0.1'];
    expect((await checkLastNotification({ sys: away, rsctmp: RUN }, STACK, NOCONF)).evidence).toBe('nfsnotify notifies from 192.168.122.200, which is not configured on this node');
    const empty = stack({ notify: { id: 'nfsnotify', sourceHost: '' } });
    expect((await checkLastNotification({ sys: notified(300, 300), rsctmp: RUN }, empty, NOCONF)).status).toBe('fail');
  });

  it('is skipped without nfsnotify', async () => {
    expect((await checkLastNotification({ sys: node(), rsctmp: RUN }, stack({ notify: undefined }), NOCONF)).status).toBe('skipped');
  });
});

describe('standby-daemons', () => {
  it('passes on a quiet standby, fails when NFS daemons run outside the cluster', () => {
    const quiet = node().file('/proc/fs/nfsd/threads', '0\n');
    expect(checkStandbyDaemons({ sys: quiet, rsctmp: '' }, STACK, ['node2'])).toMatchObject({ status: 'pass', evidence: 'the stack runs on node2; here no nfsd thread, no rpc.mountd, rpc.statd or nfsdcld' });
    const busy = node().file('/proc/fs/nfsd/threads', '8\n');
    proc(busy, 500, ['/usr/sbin/rpc.mountd']);
    expect(checkStandbyDaemons({ sys: busy, rsctmp: '' }, STACK, ['node2'])).toMatchObject({ status: 'fail', evidence: 'the stack runs on node2, yet here run: nfsd (8 threads), rpc.mountd 500' });
  });
});

describe('boot-services', () => {
  const LIST = ['systemctl', '--no-legend', 'list-unit-files', 'nfs-server.service', 'nfs-mountd.service', 'rpc-statd.service', 'nfsdcld.service'];
  it('fails when an NFS server unit starts at boot, passes when none does', async () => {
    const on = node().file('/proc/1/comm', 'systemd\n').expect({ argv: LIST, stdout: 'nfs-mountd.service static -\nnfs-server.service enabled disabled\nrpc-statd.service static -\n' });
    expect(await checkBootServices({ sys: on, rsctmp: '' })).toMatchObject({ status: 'fail', evidence: 'enabled at boot: nfs-server.service: after a reboot NFS is served outside the cluster', fix: 'systemctl disable nfs-server.service' });
    const off = node().file('/proc/1/comm', 'systemd\n').expect({ argv: LIST, stdout: 'nfs-server.service disabled disabled\n' });
    expect(await checkBootServices({ sys: off, rsctmp: '' })).toMatchObject({ status: 'pass', evidence: 'not enabled at boot: nfs-server.service disabled' });
    off.done();
  });

  it('is skipped without systemd', async () => {
    expect((await checkBootServices({ sys: node().file('/proc/1/comm', 'init\n'), rsctmp: '' })).status).toBe('skipped');
  });
});
