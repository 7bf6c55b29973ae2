// The systemd mode (systemd is PID 1): nfs-utils' units, every wait bounded by the deadline.
import { describe, expect, it } from 'vitest';
import type { ExpectedCall } from '../../../lib/system/scripted.ts';
import { scopeDropin, SCOPE_DROPIN, SCOPE_END, SCOPE_ENV_FILE } from '../../../lib/nfsserver/systemd.ts';
import { act, Machine, run, running } from './machine.ts';

const UNITS = 'nfs-server.service disabled enabled\nnfs-mountd.service static -\nnfs-idmapd.service static -\nrpc-statd.service static -\nnfsdcld.service static -\n';
const list = (stdout = UNITS): ExpectedCall => ({ argv: ['systemctl', '--no-legend', 'list-unit-files', 'nfs-*', 'rpc-*', 'nfsdcld*', 'fsidd*'], stdout });
const sc = (verb: string, unit: string, extra: Partial<ExpectedCall> = {}): ExpectedCall => ({ argv: ['systemctl', '-n0', verb, unit], ...extra });
const P = { nfs_shared_infodir: '/mnt/nfsinfo' };
const RECURRING = { OCF_RESKEY_CRM_meta_interval: '10000' };

function machine(): Machine {
  const m = new Machine();
  m.file('/proc/1/comm', 'systemd\n').install('systemctl');
  return m;
}

// The monitor's checks of a healthy server, in order.
function healthy(): ExpectedCall[] {
  return [
    { argv: ['rpcinfo'] },
    sc('status', 'nfs-idmapd.service'),
    { argv: ['rpcinfo', '-t', 'localhost', '100024'] },
    { argv: ['systemctl', 'show', '-p', 'ActiveState', '--value', 'nfsdcld.service'], stdout: 'active\n' },
    sc('status', 'nfsdcld.service'),
    sc('is-active', 'nfs-server.service'),
    sc('status', 'rpc-statd.service'),
  ];
}

// After rpcbind answers: the units from mountd to nfs-server, each waited for (statd unit already up).
function unitsUp(m: Machine): ExpectedCall[] {
  return [
    sc('start', 'nfs-mountd.service', { effect: () => m.proc(70, ['/usr/sbin/rpc.mountd']) }),
    sc('start', 'nfs-idmapd.service'),
    sc('status', 'nfs-idmapd.service'),
    sc('start', 'rpc-statd.service'),
    { argv: ['rpcinfo', '-t', 'localhost', '100024'] },
    sc('start', 'nfs-server.service', { effect: () => m.threads(8) }),
  ];
}

// stop after nfs-server.service: statd verified unregistered, idmapd, mountd, nfsdcld verified down, the lock unit.
function unitsDown(m: Machine, idmapdStays = false): ExpectedCall[] {
  return [
    sc('stop', 'rpc-statd.service', { effect: () => m.gone(60) }),
    { argv: ['rpcinfo', '-t', 'localhost', '100024'], exitCode: 1 },
    sc('stop', 'nfs-idmapd.service'),
    sc('status', 'nfs-idmapd.service', { exitCode: idmapdStays ? 0 : 3 }),
    sc('stop', 'nfs-mountd.service', { effect: () => m.gone(70) }),
    sc('stop', 'nfsdcld.service'),
    sc('status', 'nfsdcld.service', { exitCode: 3 }),
    sc('stop', 'rpc-statd.service'),
  ];
}

describe('nfsserver, systemd mode', () => {
  it('picks nfs-lock.service where it exists (mode 2), else rpc-statd.service (mode 3)', async () => {
    const m = running(machine());
    m.expect(list(`${UNITS}nfs-lock.service static -\n`), ...healthy().slice(0, -1), sc('status', 'nfs-lock.service'));
    expect((await act(m, 'monitor', P)).code).toBe(0);
    m.done();
  });

  it('monitor: 0 for a healthy server', async () => {
    const m = running(machine());
    m.expect(list(), ...healthy());
    expect((await act(m, 'monitor', P)).code).toBe(0);
    m.done();
  });

  it('monitor: a failed sub-check is 7, an exit reason in a recurring monitor, a log line in a probe', async () => {
    const m = running(machine());
    m.expect(list(), { argv: ['rpcinfo'], exitCode: 1 });
    expect(await act(m, 'monitor', P, RECURRING)).toMatchObject({ code: 7, reason: 'rpcbind is not running' });
    m.expect(list(), { argv: ['rpcinfo'], exitCode: 1 });
    const probe = await act(m, 'monitor', P);
    expect(probe).toMatchObject({ code: 7, reason: undefined });
    expect(probe.log).toContain('INFO: rpcbind is not running');
  });

  it('monitor: mountd is checked by process, also with nfsv4_only', async () => {
    const m = running(machine()).gone(70);
    m.expect(list());
    expect(await act(m, 'monitor', { ...P, nfsv4_only: 'true' }, RECURRING)).toMatchObject({ code: 7, reason: 'nfs-mountd is not running' });
  });

  it('monitor: nfsdcld inactive is 7; masked is skipped', async () => {
    const m = running(machine());
    m.expect(list(), ...healthy().slice(0, 3), { argv: ['systemctl', 'show', '-p', 'ActiveState', '--value', 'nfsdcld.service'], stdout: 'inactive\n' });
    expect(await act(m, 'monitor', P, RECURRING)).toMatchObject({ code: 7, reason: "nfsdcld service is in 'inactive' state" });
    m.expect(list(UNITS.replace('nfsdcld.service static', 'nfsdcld.service masked')), ...healthy().filter((c) => !c.argv.join(' ').includes('nfsdcld')));
    expect((await act(m, 'monitor', P)).code).toBe(0);
    m.done();
  });

  it('monitor: nfs-server active without threads is 7 "nfsd is not running"; inactive is 7; statd unit down is 1', async () => {
    const m = running(machine()).threads(0);
    m.expect(list(), ...healthy().slice(0, 6));
    expect(await act(m, 'monitor', P, RECURRING)).toMatchObject({ code: 7, reason: 'nfsd is not running' });
    m.expect(list(), ...healthy().slice(0, 5), sc('is-active', 'nfs-server.service', { exitCode: 3 }));
    expect((await act(m, 'monitor', P)).code).toBe(7);
    m.threads(8).expect(list(), ...healthy().slice(0, 6), sc('status', 'rpc-statd.service', { exitCode: 3 }));
    expect(await act(m, 'monitor', P)).toMatchObject({ code: 1, reason: 'NFS server is up, but the locking daemons are down' });
    m.done();
  });

  it('start: the units in order, each waited for, then nfs-server', async () => {
    const m = machine();
    m.random.push(new Uint8Array([5, 0, 0, 0]));
    m.expect(
      list(),
      { argv: ['rpcinfo'], exitCode: 1 }, // monitor: not running
      sc('status', 'var-lib-nfs-rpc_pipefs.mount', { exitCode: 3 }),
      run.bind(m),
      { argv: ['systemctl', '-q', 'is-enabled', 'var-lib-nfs-rpc_pipefs.mount'], exitCode: 1 },
      sc('start', 'rpcbind.service'),
      { argv: ['rpcinfo'], exitCode: 1 },
      { argv: ['rpcinfo'] },
      sc('status', 'rpc-statd.service', { exitCode: 3 }),
      sc('start', 'rpc-statd.service'),
      ...unitsUp(m),
    );
    expect((await act(m, 'start', { ...P, nfs_no_notify: 'true' })).code).toBe(0);
    m.done();
  });

  it('start: a unit that never comes up fails at the deadline, not at Pacemaker\'s kill', async () => {
    const m = machine();
    m.expect(
      list(),
      { argv: ['rpcinfo'], exitCode: 1 },
      { argv: ['systemctl', '-q', 'is-enabled', 'var-lib-nfs-rpc_pipefs.mount'], exitCode: 1 },
      sc('start', 'rpcbind.service'),
    );
    m.expect({ argv: ['rpcinfo'], exitCode: 1, repeat: 40 });
    const started = m.now();
    const r = await act(m, 'start', { nfs_no_notify: 'true' }, { OCF_RESKEY_CRM_meta_timeout: '10000' });
    expect(r).toMatchObject({ code: 1, reason: 'Failed to start NFS server: rpcbind did not come up' });
    expect(m.now() - started).toBeLessThanOrEqual(10000);
  });

  it('stop: nfs-server, threads, the helper units verified down, the lock unit, the bind', async () => {
    const m = running(machine());
    m.expect(
      list(),
      sc('stop', 'nfs-server.service', { effect: () => m.threads(0) }),
      ...unitsDown(m),
      run.umountBind(m),
    );
    expect((await act(m, 'stop', P)).code).toBe(0);
    m.done();
  });

  it('stop: a helper unit that stays up fails the stop with its name', async () => {
    const m = running(machine());
    m.expect(
      list(),
      sc('stop', 'nfs-server.service', { effect: () => m.threads(0) }),
      ...unitsDown(m, true),
      run.umountBind(m),
    );
    expect(await act(m, 'stop', P)).toMatchObject({ code: 1, reason: 'Failed to stop nfs-idmapd' });
    m.done();
  });

  it('stop: waiting for nfsd threads ends at the deadline', async () => {
    const m = running(machine());
    m.expect(list(), sc('stop', 'nfs-server.service'));
    const started = m.now();
    const r = await act(m, 'stop', P, { OCF_RESKEY_CRM_meta_timeout: '5000' });
    expect(r.code).toBe(1);
    expect(r.reason).toContain('NFS server failed to stop: /proc/fs/nfsd/threads');
    expect(m.now() - started).toBeLessThanOrEqual(5000);
  });
});

describe('nfs_server_scope under systemd', () => {
  it('wraps the effective ExecStart lines (after a reset) in a UTS namespace', () => {
    const cat = [
      '# /lib/systemd/system/nfs-server.service',
      '[Service]',
      'ExecStart=/usr/sbin/rpc.nfsd 4',
      '# /etc/systemd/system/nfs-server.service.d/override.conf',
      '[Service]',
      'ExecStart=',
      'ExecStart=-/usr/sbin/exportfs -r',
      'ExecStart=/usr/sbin/rpc.nfsd',
    ].join('\n');
    expect(scopeDropin(cat)).toBe([
      '[Service]',
      `EnvironmentFile=${SCOPE_ENV_FILE}`,
      '# reset the ExecStart list, then run each in its own UTS namespace',
      'ExecStart=',
      'ExecStart=-/usr/bin/unshare --uts /bin/sh -c \'hostname "$${NFS_SERVER_SCOPE}"; exec "$$@"\' -- /usr/sbin/exportfs -r',
      'ExecStart=/usr/bin/unshare --uts /bin/sh -c \'hostname "$${NFS_SERVER_SCOPE}"; exec "$$@"\' -- /usr/sbin/rpc.nfsd',
      SCOPE_END,
      '',
    ].join('\n'));
  });

  it('start installs the drop-in and the scope file and reloads systemd; stop removes them', async () => {
    const m = machine();
    m.expect(
      list(),
      { argv: ['rpcinfo'], exitCode: 1 },
      { argv: ['systemctl', 'cat', 'nfs-server.service'], stdout: '[Service]\nExecStart=/usr/sbin/rpc.nfsd\n' },
      { argv: ['systemctl', 'daemon-reload'] },
      { argv: ['systemctl', '-q', 'is-enabled', 'var-lib-nfs-rpc_pipefs.mount'], exitCode: 1 },
      sc('start', 'rpcbind.service'),
      { argv: ['rpcinfo'] },
      sc('status', 'rpc-statd.service'),
      ...unitsUp(m),
    );
    expect((await act(m, 'start', { nfs_no_notify: 'true', nfs_server_scope: 'nfs.example' })).code).toBe(0);
    m.done();
    expect(await m.readFile(SCOPE_ENV_FILE)).toBe('NFS_SERVER_SCOPE=nfs.example\n');
    expect(await m.readFile(SCOPE_DROPIN)).toContain(SCOPE_END);

    m.expect(
      list(),
      sc('stop', 'nfs-server.service', { effect: () => m.threads(0) }),
      ...unitsDown(m),
      { argv: ['systemctl', 'daemon-reload'] },
    );
    expect((await act(m, 'stop', { nfs_server_scope: 'nfs.example' })).code).toBe(0);
    m.done();
    expect(m.files.has(SCOPE_DROPIN)).toBe(false);
    expect(m.files.has(SCOPE_ENV_FILE)).toBe(false);
  });
});
