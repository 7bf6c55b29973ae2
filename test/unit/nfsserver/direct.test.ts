// The direct mode (no systemd, no init script): the agent runs the daemons itself.
import { describe, expect, it } from 'vitest';
import { act, Machine, run, running } from './machine.ts';

const INFO = { nfs_shared_infodir: '/mnt/nfsinfo' };

describe('nfsserver start, direct mode', () => {
  it('binds the infodir, refreshes the state, starts rpcbind, statd, mountd, nfsd, then notifies', async () => {
    const m = new Machine();
    m.random.push(new Uint8Array([9, 0, 0, 0]));
    m.expect(run.bind(m), run.rpcbind(m), run.rpcinfo(), run.statd(m), run.mountd(m), run.nfsd(m), { argv: ['/usr/sbin/sm-notify', '-f'] });
    const r = await act(m, 'start', INFO);
    expect(r.code).toBe(0);
    m.done();
    // Fresh NSM state, in the shared directory, owned by the statd user.
    expect(m.bytes('/var/lib/nfs/state')).toEqual([9, 0, 0, 0]);
    expect(m.files.get('/var/lib/nfs/state')?.uid).toBe(104);
    expect(m.tree('/var/lib/nfs')).toEqual(expect.arrayContaining(['etab', 'rmtab', 'xtab', 'v4recovery', 'sm', 'sm.bak', 'sm.ha', 'sm.ha/state', 'state', 'rpc_pipefs']));
    expect(m.bytes('/var/lib/nfs/sm.ha/state')).toEqual([9, 0, 0, 0]);
    expect(m.files.get('/var/lib/nfs/sm')?.uid).toBe(104);
    expect(await m.readFile('/run/resource-agents/nfsserver-nfs1.bind')).toBe('253:3 /\n');
    expect(r.log).toContain('The kernel has no rpc_pipefs');
  });

  it('passes the port parameters to the daemons and keeps rpcbind running when it already is', async () => {
    const m = new Machine();
    m.proc(50, ['rpcbind']);
    m.random.push(new Uint8Array([3, 0, 0, 0]));
    m.expect(
      run.statd(m, ['rpc.statd', '--no-notify', '-p', '662', '-o', '2020']),
      run.mountd(m, ['rpc.mountd', '-p', '20048']),
      run.nfsd(m, ['rpc.nfsd', '-V', '4.2', '-N', '3', '16'], 16),
    );
    const r = await act(m, 'start', { nfs_no_notify: 'true', statd_port: '662', statd_outgoing_port: '2020', mountd_port: '20048', nfsd_args: '-V 4.2 -N 3 16' });
    expect(r.code).toBe(0);
    m.done();
    expect(r.log).toContain('nfs_no_notify is set: not sending reboot notifications');
  });

  it('takes the thread count from nfs.conf [nfsd] threads', async () => {
    const m = new Machine();
    m.proc(50, ['rpcbind']).file('/etc/nfs.conf', '[nfsd]\n threads = 32\n');
    m.expect(run.statd(m), run.mountd(m), run.nfsd(m, ['rpc.nfsd', '32'], 32));
    expect((await act(m, 'start', { nfs_no_notify: 'true' })).code).toBe(0);
    m.done();
  });

  it('starts nfsd in a UTS namespace named after nfs_server_scope', async () => {
    const m = new Machine();
    m.proc(50, ['rpcbind']);
    m.expect(run.statd(m), run.mountd(m), run.nfsd(m, ['unshare', '--uts', '--', '/bin/sh', '-c', 'hostname "$1" && shift && exec "$@"', 'nfsha-scope', 'nfs.example.com', 'rpc.nfsd', '8']));
    expect((await act(m, 'start', { nfs_no_notify: 'true', nfs_server_scope: 'nfs.example.com' })).code).toBe(0);
    m.done();
  });

  it('writes the NFSv4 lease and grace times before nfsd starts', async () => {
    const m = new Machine();
    m.proc(50, ['rpcbind']).file('/proc/fs/nfsd/nfsv4leasetime', '90\n').file('/proc/fs/nfsd/nfsv4gracetime', '90\n');
    const seen: string[] = [];
    m.expect(run.statd(m), run.mountd(m), { ...run.nfsd(m), check: () => { seen.push(m.files.get('/proc/fs/nfsd/nfsv4leasetime')?.data ?? '', m.files.get('/proc/fs/nfsd/nfsv4gracetime')?.data ?? ''); } });
    expect((await act(m, 'start', { nfs_no_notify: 'true', nfsv4_lease_time: '30', nfsv4_grace_time: '45' })).code).toBe(0);
    expect(seen).toEqual(['30\n', '45\n']);
  });

  it('nfsv4_only: no rpcbind, no statd, mountd without NFSv2/3', async () => {
    const m = new Machine();
    m.expect(run.mountd(m, ['rpc.mountd', '-N', '2', '-N', '3']), run.nfsd(m));
    expect((await act(m, 'start', { nfs_no_notify: 'true', nfsv4_only: 'true' })).code).toBe(0);
    m.done();
  });

  it('is a no-op when the server already runs: no bind, no state refresh, no notification', async () => {
    const m = running(new Machine());
    m.file('/var/lib/nfs/state', '\x05\x00\x00\x00');
    const r = await act(m, 'start', INFO);
    expect(r.code).toBe(0);
    expect(m.calls).toEqual([]);
    expect(m.bytes('/var/lib/nfs/state')).toEqual([5, 0, 0, 0]);
    expect(r.log).toContain('already started');
  });

  it('fails with the upstream reason when nfsd has no threads after rpc.nfsd', async () => {
    const m = new Machine();
    m.proc(50, ['rpcbind']);
    m.expect(run.statd(m), run.mountd(m), run.nfsd(m, ['rpc.nfsd', '8'], 0));
    const r = await act(m, 'start', { nfs_no_notify: 'true' });
    expect(r).toMatchObject({ code: 1, reason: 'Failed to start NFS server: /proc/fs/nfsd/threads' });
  });

  it('fails when rpc.statd does not start', async () => {
    const m = new Machine();
    m.proc(50, ['rpcbind']);
    m.expect({ argv: ['rpc.statd', '--no-notify'], exitCode: 1, stderr: 'failed to create RPC listeners' });
    expect(await act(m, 'start', {})).toMatchObject({ code: 1, reason: 'Failed to start NFS server locking daemons' });
  });

  it('fails when rpc.nfsd fails', async () => {
    const m = new Machine();
    m.proc(50, ['rpcbind']);
    m.expect(run.statd(m), run.mountd(m), { argv: ['rpc.nfsd', '8'], exitCode: 1 });
    expect(await act(m, 'start', {})).toMatchObject({ code: 1, reason: 'Failed to start NFS server' });
  });

  it('refuses to bind over a foreign mount on /var/lib/nfs', async () => {
    const m = new Machine();
    m.mount('/var/lib/nfs', 'ext4', '/dev/vdc1', '253:9');
    const r = await act(m, 'start', INFO);
    expect(r.code).toBe(1);
    expect(r.reason).toContain('/var/lib/nfs is already a mount point (/dev/vdc1)');
    expect(m.calls).toEqual([]);
  });

  it('does not bind again when the infodir is already bound (by filesystem and directory)', async () => {
    const m = new Machine();
    m.mount('/var/lib/nfs', 'xfs', '/dev/vdb3', '253:3').proc(50, ['rpcbind']);
    m.expect(run.statd(m), run.mountd(m), run.nfsd(m));
    expect((await act(m, 'start', { ...INFO, nfs_no_notify: 'true' })).code).toBe(0);
    m.done();
  });

  it('mounts rpc_pipefs where the kernel has it and starts nfsdcld and rpc.idmapd on it', async () => {
    const m = new Machine();
    m.file('/proc/filesystems', 'nodev\tproc\nnodev\trpc_pipefs\nnodev\tnfsd\n');
    m.install('nfsdcld').install('rpc.idmapd');
    m.proc(50, ['rpcbind']);
    m.expect(
      { argv: ['mount', '-t', 'rpc_pipefs', 'sunrpc', '/srv/pipefs'], effect: () => m.mount('/srv/pipefs', 'rpc_pipefs', 'sunrpc') },
      run.statd(m),
      { argv: ['nfsdcld', '-p', '/srv/pipefs'], effect: () => m.proc(80, ['nfsdcld']) },
      { argv: ['rpc.idmapd', '-p', '/srv/pipefs'], effect: () => m.proc(81, ['rpc.idmapd']) },
      run.mountd(m),
      run.nfsd(m),
    );
    expect((await act(m, 'start', { nfs_no_notify: 'true', rpcpipefs_dir: '/srv/pipefs/' })).code).toBe(0);
    m.done();
  });

  it('loads nfsd and mounts its filesystem when /proc/fs/nfsd is not there', async () => {
    const m = new Machine();
    m.threads(null).proc(50, ['rpcbind']);
    m.expect(
      { argv: ['modprobe', 'nfsd'], effect: () => m.file('/proc/filesystems', 'nodev\tproc\nnodev\tnfsd\n') },
      { argv: ['mount', '-t', 'nfsd', 'nfsd', '/proc/fs/nfsd'], effect: () => { m.mount('/proc/fs/nfsd', 'nfsd', 'nfsd'); m.threads(0); } },
      run.statd(m), run.mountd(m), run.nfsd(m),
    );
    expect((await act(m, 'start', { nfs_no_notify: 'true' })).code).toBe(0);
    m.done();
  });

  it('stops waiting for rpcbind at the operation deadline', async () => {
    const m = new Machine();
    m.expect(run.rpcbind(m));
    m.expect({ argv: ['rpcinfo', '-p'], exitCode: 1, takesMs: 10, repeat: 200 });
    const r = await act(m, 'start', {}, { OCF_RESKEY_CRM_meta_timeout: '5000' });
    expect(r.code).toBe(1);
    expect(r.reason).toBe('waiting for rpcbind: operation timeout reached');
    expect(m.now() - m.calls[0]!.durationMs).toBeLessThanOrEqual(Date.UTC(2026, 10, 25, 12, 0, 5));
  });
});

describe('nfsserver monitor, direct mode', () => {
  it('0 when nfsd, mountd and statd run', async () => {
    expect((await act(running(new Machine()), 'monitor', INFO, { OCF_RESKEY_CRM_meta_interval: '10000' })).code).toBe(0);
  });

  it('7 when nfsd has no threads, for a probe too, without an exit reason', async () => {
    const m = new Machine();
    expect(await act(m, 'monitor', INFO)).toMatchObject({ code: 7, reason: undefined });
    m.threads(null);
    expect(await act(m, 'monitor', INFO, { OCF_RESKEY_CRM_meta_interval: '10000' })).toMatchObject({ code: 7, reason: undefined });
  });

  it('1 when statd is down (also in a probe); nfsv4_only ignores statd', async () => {
    const m = running(new Machine()).gone(60);
    expect(await act(m, 'monitor', INFO)).toMatchObject({ code: 1, reason: 'NFS server is up, but the locking daemons are down' });
    expect((await act(m, 'monitor', { ...INFO, nfsv4_only: 'true' })).code).toBe(0);
  });

  it('finds statd without its pid file, and ignores a stale pid file', async () => {
    const m = running(new Machine());
    m.file('/run/rpc.statd.pid', '4711\n');
    expect((await act(m, 'monitor', INFO)).code).toBe(0);
    m.gone(60).proc(61, ['rpc.statd', '--no-notify']).file('/run/rpc.statd.pid', '61\n').gone(61).proc(61, ['sleep', '100']);
    expect((await act(m, 'monitor', INFO)).code).toBe(1);
  });

  it('does not count a statd of another mount namespace (a container)', async () => {
    const m = running(new Machine()).gone(60);
    m.files.delete('/run/rpc.statd.pid');
    m.proc(90, ['rpc.statd'], { ns: 'mnt:[4026532999]' });
    expect((await act(m, 'monitor', INFO)).code).toBe(1);
  });

  it('1 when mountd is down', async () => {
    const m = running(new Machine()).gone(70);
    expect(await act(m, 'monitor', INFO)).toMatchObject({ code: 1, reason: 'NFS server is up, but rpc.mountd is down' });
  });

  it('does not count zombies', async () => {
    const m = running(new Machine());
    m.file('/proc/70/stat', '70 (rpc.mountd) Z 1 70');
    expect((await act(m, 'monitor', INFO)).code).toBe(1);
  });
});

describe('nfsserver stop, direct mode', () => {
  it('backs up sm into sm.ha, stops nfsd and the daemons (not rpcbind), unmounts the bind', async () => {
    const m = running(new Machine());
    m.file('/run/resource-agents/nfsserver-nfs1.bind', '253:3 /\n');
    m.file('/var/lib/nfs/sm/client-a', 'rec a').file('/var/lib/nfs/sm.bak/client-b', 'rec b').file('/var/lib/nfs/state', '\x07\x00\x00\x00');
    m.file('/var/lib/nfs/sm.ha/sm/stale', 'old');
    m.proc(75, ['sm-notify', '-f']).proc(76, ['/usr/sbin/sm-notify', '-f', '-v', '10.0.0.1', '-P', '/var/lib/nfs/nfsnotify_x']);
    m.expect(run.nfsdStop(m), run.umountBind(m));
    const r = await act(m, 'stop', INFO);
    expect(r.code).toBe(0);
    m.done();
    expect(m.tree('/var/lib/nfs/sm.ha')).toEqual(['sm', 'sm.bak', 'sm.bak/client-b', 'sm/client-a', 'state']);
    expect(m.killed.map((k) => k.pid).sort()).toEqual([60, 70, 75]);
    expect(m.hasProc(50)).toBe(true);
    expect(m.hasProc(76)).toBe(true);
    expect(m.files.has('/run/resource-agents/nfsserver-nfs1.bind')).toBe(false);
  });

  it('is idempotent: a stopped server stops with no command at all', async () => {
    const m = new Machine();
    expect((await act(m, 'stop', INFO)).code).toBe(0);
    expect(m.calls).toEqual([]);
  });

  it('escalates to SIGKILL for a daemon that ignores SIGTERM', async () => {
    const m = running(new Machine());
    m.survives.set(60, 'TERM');
    m.expect(run.nfsdStop(m), run.umountBind(m));
    expect((await act(m, 'stop', INFO)).code).toBe(0);
    expect(m.killed.filter((k) => k.pid === 60).map((k) => k.signal)).toEqual(['SIGTERM', 'SIGKILL']);
  });

  it('fails when statd survives SIGKILL, within the deadline', async () => {
    const m = running(new Machine());
    m.survives.set(60, 'ALL');
    m.expect(run.nfsdStop(m), run.umountBind(m));
    const started = m.now();
    const r = await act(m, 'stop', INFO, { OCF_RESKEY_CRM_meta_timeout: '20000' });
    expect(r).toMatchObject({ code: 1, reason: 'Failed to stop NFS locking daemons' });
    expect(m.killed.filter((k) => k.pid === 60).map((k) => k.signal)).toEqual(['SIGTERM', 'SIGKILL']);
    expect(m.now() - started).toBeLessThan(20000);
  });

  it('waits for nfsd threads to end, at most until the deadline', async () => {
    const m = running(new Machine());
    m.expect({ argv: ['rpc.nfsd', '0'] });
    const started = m.now();
    const r = await act(m, 'stop', INFO, { OCF_RESKEY_CRM_meta_timeout: '6000' });
    // Out of time: the unmount is not even tried, and the cause is named.
    expect(r).toMatchObject({ code: 1, reason: 'Failed to unmount a bind mount (NFS server failed to stop: /proc/fs/nfsd/threads)' });
    expect(m.now() - started).toBeLessThanOrEqual(6000);
    m.done();
  });

  it('fails with "Failed to unmount a bind mount" when /var/lib/nfs is busy', async () => {
    const m = running(new Machine());
    m.expect(run.nfsdStop(m), { argv: ['umount', '/var/lib/nfs'], exitCode: 32, stderr: 'umount: /var/lib/nfs: target is busy.' });
    expect(await act(m, 'stop', INFO)).toMatchObject({ code: 1, reason: 'Failed to unmount a bind mount' });
  });

  it('unmounts rpc_pipefs, retrying up to 10 times, and fails when it stays busy', async () => {
    const m = running(new Machine());
    m.mount('/var/lib/nfs/rpc_pipefs', 'rpc_pipefs', 'sunrpc');
    m.expect(run.nfsdStop(m));
    for (let i = 0; i < 10; i++) m.expect({ argv: ['umount', '-t', 'rpc_pipefs', '/var/lib/nfs/rpc_pipefs'], exitCode: 32 });
    m.expect(run.umountBind(m));
    const r = await act(m, 'stop', INFO, { OCF_RESKEY_CRM_meta_timeout: '60000' });
    expect(r).toMatchObject({ code: 1, reason: 'Failed to unmount a bind mount' });
    m.done();
  });

  it('leaves a mount on /var/lib/nfs alone that is not its bind (no infodir)', async () => {
    const m = running(new Machine());
    m.expect(run.nfsdStop(m));
    expect((await act(m, 'stop', {})).code).toBe(0);
    m.done();
    expect(m.mounts.some((x) => x.mp === '/var/lib/nfs')).toBe(true);
  });

  it('still stops (and releases the bind) when nfs-utils is gone', async () => {
    const m = running(new Machine());
    m.uninstall();
    m.expect(run.nfsdStop(m), run.umountBind(m));
    expect((await act(m, 'stop', INFO)).code).toBe(0);
    m.done();
  });
});

describe('nfsserver rpc_pipefs on a fresh boot', () => {
  it('loads sunrpc when rpc_pipefs is not registered yet and the kernel has modules', async () => {
    const m = new Machine();
    m.random.push(new Uint8Array([5, 0, 0, 0]));
    m.file('/proc/sys/kernel/osrelease', '6.1.0-40-amd64\n');
    m.file('/lib/modules/6.1.0-40-amd64', '', 'dir');
    m.expect(
      run.bind(m),
      { argv: ['modprobe', 'sunrpc'], effect: () => m.file('/proc/filesystems', 'nodev\tproc\nnodev\trpc_pipefs\n') },
      { argv: ['mount', '-t', 'rpc_pipefs', 'sunrpc', '/var/lib/nfs/rpc_pipefs'], effect: () => m.mount('/var/lib/nfs/rpc_pipefs', 'rpc_pipefs', 'sunrpc') },
      run.rpcbind(m), run.rpcinfo(), run.statd(m), run.mountd(m), run.nfsd(m),
    );
    const r = await act(m, 'start', { ...INFO, nfs_no_notify: 'true' });
    expect(r.code).toBe(0);
    m.done();
    expect(r.log).not.toContain('The kernel has no rpc_pipefs');
  });
});
