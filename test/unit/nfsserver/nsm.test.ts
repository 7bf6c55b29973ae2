// The NSM state refresh, the sm.ha round trip and the reboot notification.
import { describe, expect, it } from 'vitest';
import { decodeState, effectiveState, encodeState, looksLikeOld, refreshState, statdOwner } from '../../../lib/nfsserver/nsm.ts';
import { notifyAddresses, smNotifyArgv } from '../../../lib/nfsserver/notify.ts';
import { act, Machine, run, running } from './machine.ts';

describe('NSM state number', () => {
  it('decodes 4 bytes in host order and makes even values odd', () => {
    expect(decodeState(new Uint8Array([7, 0, 0, 0]))).toBe(7);
    expect(decodeState(new Uint8Array([0, 1, 0, 0]))).toBe(256);
    expect(decodeState(new Uint8Array([1, 2]))).toBeUndefined();
    expect(decodeState(null)).toBeUndefined();
    expect(Array.from(encodeState(0x01020304))).toEqual([4, 3, 2, 1]);
    expect(effectiveState(8)).toBe(9);
    expect(effectiveState(9)).toBe(9);
    expect(effectiveState(0xffffffff)).toBe(0xffffffff);
  });

  it('treats the old value, its odd twin and one sm-notify bump either way as the same', () => {
    expect(looksLikeOld(9, 9)).toBe(true);
    expect(looksLikeOld(8, 9)).toBe(true);
    expect(looksLikeOld(11, 9)).toBe(true);
    expect(looksLikeOld(7, 9)).toBe(true);
    expect(looksLikeOld(13, 9)).toBe(false);
    expect(looksLikeOld(13, undefined)).toBe(false);
  });

  it('draws again when the random value looks like the old state', async () => {
    const m = new Machine();
    m.file('/s', '', 'dir');
    await m.writeBytes('/s/state', new Uint8Array([9, 0, 0, 0]));
    m.random.push(new Uint8Array([8, 0, 0, 0]), new Uint8Array([11, 0, 0, 0]), new Uint8Array([0x41, 0, 0, 0]));
    expect(await refreshState(m, '/s', { user: 'statd', uid: 104, gid: 65534 })).toEqual({ old: 9, fresh: 0x41 });
    expect(m.bytes('/s/state')).toEqual([0x41, 0, 0, 0]);
    expect(m.files.get('/s/state')?.uid).toBe(104);
    expect(m.files.has('/s/state.nfsha-new')).toBe(false);
    // Durable on the shared disk before the clients are told (the other node reads it after a crash).
    expect(m.flushedWrites).toEqual(['/s/state.nfsha-new']);
    expect(m.syncedDirs).toEqual(['/s']);
  });

  it('never keeps the old state, even when randomness keeps failing', async () => {
    const m = new Machine();
    m.file('/s', '', 'dir');
    await m.writeBytes('/s/state', new Uint8Array([9, 0, 0, 0]));
    for (let i = 0; i < 20; i++) m.random.push(new Uint8Array([9, 0, 0, 0]));
    const r = await refreshState(m, '/s', undefined);
    expect(looksLikeOld(r.fresh, 9)).toBe(false);
  });

  it('finds the statd user: statd (Debian, SUSE), else rpcuser (Red Hat), else none', () => {
    expect(statdOwner('root:x:0:0::/:/bin/sh\nstatd:x:104:65534::/var/lib/nfs:/usr/sbin/nologin\n')).toEqual({ user: 'statd', uid: 104, gid: 65534 });
    expect(statdOwner('rpcuser:x:29:29::/var/lib/nfs:/sbin/nologin\n')).toEqual({ user: 'rpcuser', uid: 29, gid: 29 });
    expect(statdOwner('root:x:0:0::/:/bin/sh\n')).toBeUndefined();
    expect(statdOwner(null)).toBeUndefined();
  });
});

describe('sm.ha round trip', () => {
  it('stop snapshots sm, sm.bak and state; a later start merges them back before statd starts, keeping the fresh state', async () => {
    // Node 1 runs and has two clients; it stops.
    const m = running(new Machine());
    m.file('/run/resource-agents/nfsserver-nfs1.bind', '253:3 /\n');
    m.file('/var/lib/nfs/sm/client-a', 'A').file('/var/lib/nfs/sm/client-b', 'B');
    await m.writeBytes('/var/lib/nfs/state', new Uint8Array([21, 0, 0, 0]));
    m.expect(run.nfsdStop(m), run.umountBind(m));
    expect((await act(m, 'stop', { nfs_shared_infodir: '/mnt/nfsinfo' })).code).toBe(0);
    expect(m.tree('/var/lib/nfs/sm.ha')).toEqual(['sm', 'sm.bak', 'sm/client-a', 'sm/client-b', 'state']);

    // An sm-notify consumed the list meanwhile (it moves sm/* to sm.bak and drops notified hosts).
    m.files.delete('/var/lib/nfs/sm/client-a');
    m.files.delete('/var/lib/nfs/sm/client-b');
    m.gone(70);
    m.random.push(new Uint8Array([0x51, 0, 0, 0]));
    const sm = () => m.tree('/var/lib/nfs/sm');
    const seen: Record<string, unknown> = {};
    const consume = () => {
      m.files.delete('/var/lib/nfs/sm/client-a');
      m.files.delete('/var/lib/nfs/sm/client-b');
    };
    m.expect(
      run.bind(m),
      { ...run.statd(m), check: () => { seen.atStatd = sm(); seen.state = m.bytes('/var/lib/nfs/state'); } },
      run.mountd(m),
      run.nfsd(m),
      { argv: ['/usr/sbin/sm-notify', '-f', '-v', '10.0.0.5'], check: () => { seen.atFirst = sm(); }, effect: consume },
      { argv: ['/usr/sbin/sm-notify', '-f', '-v', '10.0.0.6'], check: () => { seen.atSecond = sm(); }, effect: consume },
    );
    expect((await act(m, 'start', { nfs_shared_infodir: '/mnt/nfsinfo', nfs_ip: '10.0.0.5,10.0.0.6' })).code).toBe(0);
    m.done();
    expect(seen).toEqual({ atStatd: ['client-a', 'client-b'], state: [0x51, 0, 0, 0], atFirst: ['client-a', 'client-b'], atSecond: ['client-a', 'client-b'] });
    // sm.ha was re-taken at start, with the fresh state.
    expect(m.bytes('/var/lib/nfs/sm.ha/state')).toEqual([0x51, 0, 0, 0]);
    expect(m.tree('/var/lib/nfs/sm.ha')).toEqual(['sm', 'sm.bak', 'sm/client-a', 'sm/client-b', 'state']);
  });

  it('stop does not touch the local /var/lib/nfs when the infodir is not bound', async () => {
    const m = new Machine();
    m.file('/var/lib/nfs/sm/local', 'L');
    expect((await act(m, 'stop', { nfs_shared_infodir: '/mnt/nfsinfo' })).code).toBe(0);
    expect(m.tree('/var/lib/nfs')).toEqual(['sm', 'sm/local']);
  });
});

describe('sm-notify command line', () => {
  it('is -d -m N -p P -f [-v ip], in that order', () => {
    const p = { nfs_notify_foreground: true, nfs_smnotify_retry_time: 5, statd_outgoing_port: 4000 };
    expect(smNotifyArgv('sm-notify', p)).toEqual(['sm-notify', '-d', '-m', '5', '-p', '4000', '-f']);
    expect(smNotifyArgv('sm-notify', p, '10.0.0.5')).toEqual(['sm-notify', '-d', '-m', '5', '-p', '4000', '-f', '-v', '10.0.0.5']);
    expect(smNotifyArgv('/usr/sbin/sm-notify', { nfs_notify_foreground: false, nfs_smnotify_retry_time: undefined, statd_outgoing_port: undefined })).toEqual(['/usr/sbin/sm-notify', '-f']);
    expect(smNotifyArgv('sm-notify', { nfs_notify_foreground: false, nfs_smnotify_retry_time: 0, statd_outgoing_port: undefined })).toEqual(['sm-notify', '-m', '0', '-f']);
  });

  it('splits nfs_ip on commas and blanks', () => {
    expect(notifyAddresses('10.0.0.5, 10.0.0.6,,fe80::1')).toEqual(['10.0.0.5', '10.0.0.6', 'fe80::1']);
    expect(notifyAddresses('')).toEqual([]);
  });
});
