// The init-script mode (nfs_init_script set, no systemd): the script controls nfsd; the agent
// makes sure rpcbind runs and starts rpc.statd itself, always with --no-notify.
import { describe, expect, it } from 'vitest';
import { act, Machine, run, running } from './machine.ts';

const SCRIPT = '/etc/init.d/nfs-kernel-server';
const P = { nfs_init_script: SCRIPT, nfs_shared_infodir: '/mnt/nfsinfo' };

function machine(): Machine {
  const m = new Machine();
  m.file(SCRIPT, '#!/bin/sh', 'file', { mode: 0o755 });
  return m;
}

describe('nfsserver, init-script mode', () => {
  it.each([
    [0, true, 0, undefined],
    [0, false, 1, 'NFS server is up, but the locking daemons are down'],
    [3, true, 7, undefined],
    [7, true, 7, undefined],
    [4, true, 1, `${SCRIPT} status failed (rc 4)`],
  ])('monitor: script status %i, statd up %s → %i', async (status, statdUp, code, reason) => {
    const m = running(machine());
    if (!statdUp) m.gone(60);
    m.expect({ argv: [SCRIPT, 'status'], exitCode: status });
    expect(await act(m, 'monitor', P)).toMatchObject({ code, reason });
    m.done();
  });

  it('monitor ignores statd with nfsv4_only', async () => {
    const m = running(machine()).gone(60);
    m.expect({ argv: [SCRIPT, 'status'] });
    expect((await act(m, 'monitor', { ...P, nfsv4_only: 'true' })).code).toBe(0);
  });

  it('start: status, bind, rpcbind, statd --no-notify, the script, threads, sm-notify', async () => {
    const m = machine();
    m.expect(
      { argv: [SCRIPT, 'status'], exitCode: 3 },
      run.bind(m),
      run.rpcbind(m),
      run.rpcinfo(),
      run.statd(m),
      { argv: [SCRIPT, 'start'], effect: () => m.threads(8) },
      { argv: ['/usr/sbin/sm-notify', '-f'] },
    );
    expect((await act(m, 'start', P)).code).toBe(0);
    m.done();
  });

  it('runs the script in a UTS namespace named after nfs_server_scope', async () => {
    const m = machine();
    const wrap = (verb: string) => ['unshare', '--uts', '--', '/bin/sh', '-c', 'hostname "$1" && shift && exec "$@"', 'nfsha-scope', 'scope.example', SCRIPT, verb];
    m.proc(50, ['rpcbind']);
    m.expect({ argv: wrap('status'), exitCode: 3 }, run.bind(m), run.statd(m), { argv: wrap('start'), effect: () => m.threads(8) });
    expect((await act(m, 'start', { ...P, nfs_no_notify: 'true', nfs_server_scope: 'scope.example' })).code).toBe(0);
    m.done();
  });

  it('start fails when the script starts no nfsd (Debian with an empty /etc/exports)', async () => {
    const m = machine();
    m.proc(50, ['rpcbind']);
    m.expect({ argv: [SCRIPT, 'status'], exitCode: 3 }, run.bind(m), run.statd(m), { argv: [SCRIPT, 'start'], stdout: 'Not starting NFS kernel daemon: no exports.' });
    expect(await act(m, 'start', P)).toMatchObject({ code: 1, reason: 'Failed to start NFS server: /proc/fs/nfsd/threads' });
  });

  it('start fails when the script fails', async () => {
    const m = machine();
    m.proc(50, ['rpcbind']);
    m.expect({ argv: [SCRIPT, 'status'], exitCode: 3 }, run.bind(m), run.statd(m), { argv: [SCRIPT, 'start'], exitCode: 1 });
    expect(await act(m, 'start', P)).toMatchObject({ code: 1, reason: 'Failed to start NFS server' });
  });

  it('stop: the script, then sm-notify and statd, then the bind', async () => {
    const m = running(machine());
    m.proc(75, ['sm-notify', '-f']);
    m.expect({ argv: [SCRIPT, 'stop'], effect: () => m.threads(0).gone(70) }, run.umountBind(m));
    expect((await act(m, 'stop', P)).code).toBe(0);
    m.done();
    expect(m.killed.map((k) => k.pid)).toEqual([75, 60]);
  });

  it('stop fails when the script fails, and leaves the rest as it is', async () => {
    const m = running(machine());
    m.expect({ argv: [SCRIPT, 'stop'], exitCode: 1 });
    expect(await act(m, 'stop', P)).toMatchObject({ code: 1, reason: 'Failed to stop NFS server' });
    m.done();
    expect(m.killed).toEqual([]);
  });

  it('is not used under systemd', async () => {
    const m = machine();
    m.file('/proc/1/comm', 'systemd\n').install('systemctl');
    m.expect({ argv: ['systemctl', '--no-legend', 'list-unit-files', 'nfs-*', 'rpc-*', 'nfsdcld*', 'fsidd*'], stdout: 'nfs-server.service disabled enabled\nrpc-statd.service static -\n' });
    expect((await act(m, 'validate-all', P)).code).toBe(0);
    m.done();
  });
});
