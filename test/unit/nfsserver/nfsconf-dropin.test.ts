// The Red Hat-only parameters on every distribution: nfs.conf keys for the init-script and
// systemd modes (the direct mode passes them as daemon arguments, see direct.test.ts).
import { describe, expect, it } from 'vitest';
import { confKeys, nfsdArgsToConf, NFSCONF_DROPIN, renderConf, type ConfKeys } from '../../../lib/nfsserver/nfsconf-dropin.ts';
import { parseNfsdArgs } from '../../../lib/nfsserver/nfsd-args.ts';
import type { NfsParams } from '../../../lib/nfsserver/types.ts';
import { act, Machine, run, running } from './machine.ts';

const none: NfsParams = {
  nfs_init_script: '', nfsv4_only: false, nfs_no_notify: false, nfs_notify_foreground: false, nfs_smnotify_retry_time: undefined,
  nfs_server_scope: '', nfs_ip: '', nfs_shared_infodir: '', rpcpipefs_dir: '/var/lib/nfs/rpc_pipefs', nfsd_args: '',
  lockd_udp_port: undefined, lockd_tcp_port: undefined, statd_outgoing_port: undefined, statd_port: undefined,
  mountd_port: undefined, rquotad_port: undefined, nfsv4_lease_time: undefined, nfsv4_grace_time: undefined,
};

const flat = (k: ConfKeys) => Object.fromEntries([...k].map(([s, kv]) => [s, Object.fromEntries(kv)]));

describe('nfsd_args', () => {
  it('splits options from the thread count (a number that is no option value)', () => {
    expect(parseNfsdArgs('-V 4.2 -N 3 16')).toEqual({ options: ['-V', '4.2', '-N', '3'], threads: 16 });
    expect(parseNfsdArgs('  -p 2049  ')).toEqual({ options: ['-p', '2049'], threads: undefined });
    expect(parseNfsdArgs('')).toEqual({ options: [], threads: undefined });
  });

  it('becomes nfs.conf [nfsd] keys', () => {
    const keys: ConfKeys = new Map();
    expect(nfsdArgsToConf('-V 4.2 -N 3 --no-nfs-version=2 -H 10.0.0.5 -p 2049 -T -u -L 45 -G 60 --rdma=20049 -s 12 --bogus', keys)).toEqual(['--bogus']);
    expect(flat(keys)).toEqual({ nfsd: { threads: '12', 'vers4.2': 'y', vers3: 'n', vers2: 'n', host: '10.0.0.5', port: '2049', tcp: 'n', udp: 'y', 'lease-time': '45', 'grace-time': '60', rdma: 'y', 'rdma-port': '20049' } });
  });
});

describe('nfs.conf drop-in', () => {
  it('carries the port parameters, the NFSv4 times, and statd no-notify always', () => {
    const { keys } = confKeys({ ...none, mountd_port: 20048, statd_port: 662, statd_outgoing_port: 2020, lockd_udp_port: 32769, lockd_tcp_port: 32803, nfsv4_lease_time: 30 });
    expect(flat(keys)).toEqual({
      nfsd: { 'lease-time': '30' },
      mountd: { port: '20048' },
      statd: { port: '662', 'outgoing-port': '2020', 'no-notify': '1' },
      'sm-notify': { 'outgoing-port': '2020' },
      lockd: { 'udp-port': '32769', port: '32803' },
    });
    expect(flat(confKeys(none).keys)).toEqual({ statd: { 'no-notify': '1' } });
    expect(renderConf(confKeys(none).keys, 'nfs1')).toBe('# Written by the nfsha nfsserver resource nfs1 at start, removed at stop.\n# Do not edit: change the resource parameters instead.\n\n[statd]\nno-notify = 1\n');
  });

  it('is written before the init script starts and removed at stop', async () => {
    const SCRIPT = '/etc/init.d/nfs-kernel-server';
    const m = new Machine();
    m.file(SCRIPT, '#!/bin/sh', 'file', { mode: 0o755 }).proc(50, ['rpcbind']);
    let seen = '';
    m.expect(
      { argv: [SCRIPT, 'status'], exitCode: 3 },
      run.statd(m, ['rpc.statd', '--no-notify', '-p', '662']),
      { argv: [SCRIPT, 'start'], check: () => { seen = m.files.get(NFSCONF_DROPIN)?.data ?? ''; }, effect: () => m.threads(8) },
    );
    const r = await act(m, 'start', { nfs_init_script: SCRIPT, nfs_no_notify: 'true', mountd_port: '20048', statd_port: '662', nfsd_args: '-V 4.2 --weird' });
    expect(r.code).toBe(0);
    m.done();
    expect(seen).toContain('[mountd]\nport = 20048\n');
    expect(seen).toContain('[nfsd]\nvers4.2 = y\n');
    expect(r.log).toContain('nfsd_args: --weird cannot be passed on through nfs.conf and is ignored');

    running(m);
    m.expect({ argv: [SCRIPT, 'stop'], effect: () => m.threads(0) });
    expect((await act(m, 'stop', { nfs_init_script: SCRIPT })).code).toBe(0);
    expect(m.files.has(NFSCONF_DROPIN)).toBe(false);
  });

  it('is not written in the direct mode (the daemons get arguments)', async () => {
    const m = new Machine();
    m.proc(50, ['rpcbind']);
    m.expect(run.statd(m), run.mountd(m, ['rpc.mountd', '-p', '20048']), run.nfsd(m));
    expect((await act(m, 'start', { nfs_no_notify: 'true', mountd_port: '20048' })).code).toBe(0);
    expect(m.files.has(NFSCONF_DROPIN)).toBe(false);
  });
});
