// The validate-all matrix and validation on every action.
import { describe, expect, it } from 'vitest';
import { act, Machine } from './machine.ts';

describe('nfsserver validation', () => {
  it('validate-all is 0 on a complete installation', async () => {
    expect(await act(new Machine(), 'validate-all')).toMatchObject({ code: 0, reason: undefined });
  });

  it.each([
    ['clone with a shared infodir', { nfs_shared_infodir: '/mnt/nfsinfo' }, { OCF_RESKEY_CRM_meta_clone: '0' }, 6, 'This RA does not support clone mode when a shared info directory is in use.'],
    ['non-decimal retry time', { nfs_smnotify_retry_time: '5m' }, {}, 6, 'Invalid nfs_smnotify_retry_time [5m]'],
    ['negative retry time', { nfs_smnotify_retry_time: '-5' }, {}, 6, 'Invalid nfs_smnotify_retry_time [-5]'],
    ['notify command missing', {}, { OCF_RESKEY_nfs_notify_cmd: '/nonexistent/sm-notify' }, 5, "Setup problem: couldn't find command: /nonexistent/sm-notify"],
    ['notify command of the wrong name', {}, { OCF_RESKEY_nfs_notify_cmd: '/usr/sbin/rpcinfo' }, 6, 'Invalid nfs_notify_cmd [/usr/sbin/rpcinfo]'],
    ['non-integer port', { statd_port: 'abc' }, {}, 6, "statd_port must be an integer, got 'abc'"],
    ['port out of range', { mountd_port: '70000' }, {}, 6, 'Invalid mountd_port [70000]: not a port number'],
    ['lease time too short', { nfsv4_lease_time: '5' }, {}, 6, 'Invalid nfsv4_lease_time [5]: must be 10 to 3600 seconds'],
    ['grace time too long', { nfsv4_grace_time: '4000' }, {}, 6, 'Invalid nfsv4_grace_time [4000]: must be 10 to 3600 seconds'],
    ['server scope with a blank', { nfs_server_scope: 'a b' }, {}, 6, 'Invalid nfs_server_scope [a b]: must be a host name of at most 64 characters'],
    ['relative infodir', { nfs_shared_infodir: 'nfsinfo' }, {}, 6, 'Invalid nfs_shared_infodir [nfsinfo]: not an absolute path'],
    ['zero threads in nfsd_args', { nfsd_args: '-V 4.2 0' }, {}, 6, 'Invalid nfsd_args [-V 4.2 0]: a thread count of 0 stops nfsd'],
  ])('%s', async (_name, params, env, code, reason) => {
    expect(await act(new Machine(), 'validate-all', params, env)).toMatchObject({ code, reason });
    // The same for start and monitor (and a probe); nothing runs.
    for (const action of ['start', 'monitor']) {
      const m = new Machine();
      expect(await act(m, action, params, env)).toMatchObject({ code, reason });
      expect(m.calls).toEqual([]);
    }
  });

  it('5 without nfs-utils, for a probe too', async () => {
    const m = new Machine().uninstall();
    expect(await act(m, 'monitor')).toMatchObject({ code: 5, reason: "Setup problem: couldn't find command: rpc.nfsd" });
    expect(await act(m, 'validate-all')).toMatchObject({ code: 5 });
  });

  it('5 when rpc.statd is missing, unless nfsv4_only', async () => {
    const m = new Machine();
    m.programs.delete('rpc.statd');
    expect(await act(m, 'validate-all')).toMatchObject({ code: 5, reason: "Setup problem: couldn't find command: rpc.statd" });
    expect((await act(m, 'validate-all', { nfsv4_only: 'true' })).code).toBe(0);
  });

  it('5 when the configured init script does not exist', async () => {
    expect(await act(new Machine(), 'validate-all', { nfs_init_script: '/etc/init.d/nope' })).toMatchObject({ code: 5, reason: "Setup problem: couldn't find command: /etc/init.d/nope" });
  });

  it('5 under systemd without the NFS server units', async () => {
    const m = new Machine();
    m.file('/proc/1/comm', 'systemd\n').install('systemctl');
    m.expect({ argv: ['systemctl', '--no-legend', 'list-unit-files', 'nfs-*', 'rpc-*', 'nfsdcld*', 'fsidd*'], stdout: 'rpcbind.service enabled enabled\n' });
    expect(await act(m, 'validate-all')).toMatchObject({ code: 5, reason: 'No init script or systemd unit file detected for nfs server' });
  });

  it('the hidden nfs_notify_cmd may name rpc.statd (as upstream allows)', async () => {
    expect((await act(new Machine(), 'validate-all', {}, { OCF_RESKEY_nfs_notify_cmd: 'rpc.statd' })).code).toBe(0);
  });

  it('status and unknown actions are 3, no action is 2', async () => {
    expect((await act(new Machine(), 'status')).code).toBe(3);
    expect((await act(new Machine(), 'reload')).code).toBe(3);
    expect((await act(new Machine(), '')).code).toBe(2);
  });
});
