import { describe, expect, it } from 'vitest';
import { FsMachine, runFs } from './fake.ts';

const LOOP = '/dev/loop0';
const base = { device: LOOP, directory: '/mnt/a', fstype: 'ext4' };
const recurring = { OCF_RESKEY_CRM_meta_interval: '20000' };

function running(extra: Parameters<FsMachine['mount']>[0][] = []): FsMachine {
  const m = new FsMachine([{ mountPoint: '/mnt/a', source: LOOP, fstype: 'ext4', majmin: '7:0' }, ...extra]);
  m.blockDevice(LOOP, 0x700).dir('/mnt/a');
  return m;
}

describe('by hand, at a terminal', () => {
  it('ends with the result in words and why', async () => {
    const up = running();
    up.tty = [2];
    expect((await runFs(up, 'monitor', base, recurring)).stderr).toBe('monitor: running (0): /dev/loop0 is mounted on /mnt/a\n');
    const down = new FsMachine();
    down.tty = true;
    const r = await runFs(down, 'monitor', { device: '/dev/nonexist', directory: '/mnt/x' });
    expect(r.code).toBe(7);
    expect(r.stderr.split('\n').filter(Boolean).at(-1)).toBe('monitor: not running (7): /mnt/x is not mounted');
    const quiet = new FsMachine();
    expect((await runFs(quiet, 'monitor', { device: '/dev/nonexist', directory: '/mnt/x' })).stderr).toBe('');
  });
});

describe('monitor depth 0', () => {
  it('reports running and stopped without running any program', async () => {
    const m = running();
    expect((await runFs(m, 'monitor', base, recurring)).code).toBe(0);
    m.unmount('/mnt/a');
    expect((await runFs(m, 'monitor', base, recurring)).code).toBe(7);
    expect(m.calls).toEqual([]);
  });

  it('matches the mount point exactly', async () => {
    const m = new FsMachine([{ mountPoint: '/mnt/ab', source: LOOP, fstype: 'ext4', majmin: '7:0' }, { mountPoint: '/mnt/a/b', source: LOOP, fstype: 'ext4', majmin: '7:0' }]);
    m.blockDevice(LOOP);
    expect((await runFs(m, 'monitor', base, recurring)).code).toBe(7);
  });

  it('accepts trailing slashes and a symlinked mount point', async () => {
    const m = running();
    m.link('/srv/link', '/mnt/a');
    expect((await runFs(m, 'monitor', { ...base, directory: '/mnt/a///' }, recurring)).code).toBe(0);
    expect((await runFs(m, 'monitor', { ...base, directory: '/srv/link/' }, recurring)).code).toBe(0);
  });

  it('compares devices canonically: symlinks and device nodes of the same device', async () => {
    const m = running();
    m.link('/dev/mapper/vg-data', LOOP);
    expect((await runFs(m, 'monitor', { ...base, device: '/dev/mapper/vg-data' }, recurring)).code).toBe(0);
    m.blockDevice('/srv/devnode', 0x700);
    expect((await runFs(m, 'monitor', { ...base, device: '/srv/devnode' }, recurring)).code).toBe(0);
    m.blockDevice('/dev/loop1', 0x701);
    const other = await runFs(m, 'monitor', { ...base, device: '/dev/loop1' }, recurring);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('ocf-exit-reason:Another device (/dev/loop0) is already mounted on /mnt/a');
  });

  it('compares a resolved tag with the mounted device', async () => {
    const m = running();
    m.link('/dev/disk/by-uuid/abcd', LOOP);
    expect((await runFs(m, 'monitor', { ...base, device: '-U abcd' }, recurring)).code).toBe(0);
    m.link('/dev/disk/by-uuid/ffff', '/dev/loop1');
    m.blockDevice('/dev/loop1', 0x701);
    expect((await runFs(m, 'monitor', { ...base, device: 'UUID=ffff' }, recurring)).code).toBe(1);
  });

  it('handles mount points with spaces', async () => {
    const m = new FsMachine([{ mountPoint: '/mnt/my data', source: '//srv/my share', fstype: 'cifs' }]);
    m.dir('/mnt/my data');
    expect((await runFs(m, 'monitor', { device: '//srv/my share', directory: '/mnt/my data', fstype: 'cifs' }, recurring)).code).toBe(0);
  });

  it('status logs the state', async () => {
    const m = running();
    const r = await runFs(m, 'status', base);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('INFO: /mnt/a is mounted (running)');
    m.unmount('/mnt/a');
    const s = await runFs(m, 'status', base);
    expect(s.code).toBe(7);
    expect(s.stderr).toContain('/mnt/a is unmounted (stopped)');
  });
});

describe('monitor depth 10', () => {
  it('reads one block of the device directly', async () => {
    const m = running();
    expect((await runFs(m, 'monitor', base, { ...recurring, OCF_CHECK_LEVEL: '10' })).code).toBe(0);
    m.ioErrors.set(LOOP, 'EIO');
    const r = await runFs(m, 'monitor', base, { ...recurring, OCF_RESKEY_OCF_CHECK_LEVEL: '10' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ocf-exit-reason:Failed to read device /dev/loop0');
  });

  it('reads the device a UUID resolves to', async () => {
    const m = running();
    m.link('/dev/disk/by-uuid/abcd', LOOP);
    m.ioErrors.set(LOOP, 'EIO');
    expect((await runFs(m, 'monitor', { ...base, device: 'UUID=abcd' }, { ...recurring, OCF_CHECK_LEVEL: '10' })).code).toBe(1);
  });

  it('is a no-op with a warning for non-block filesystems', async () => {
    const m = new FsMachine([{ mountPoint: '/mnt/t', source: 'tmp', fstype: 'tmpfs' }]);
    const r = await runFs(m, 'monitor', { device: 'tmp', directory: '/mnt/t', fstype: 'tmpfs' }, { ...recurring, OCF_CHECK_LEVEL: '10' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('tmp is not a block device, monitor 10 is noop');
  });
});

describe('monitor depth 20', () => {
  it('writes, syncs, stats and reads back the status file (O_DIRECT on block devices)', async () => {
    const m = running();
    expect((await runFs(m, 'monitor', base, { ...recurring, OCF_CHECK_LEVEL: '20' })).code).toBe(0);
    expect(m.durableWrites).toEqual([{ path: '/mnt/a/.Filesystem_status/fs_node1', direct: true }]);
    const data = await m.readFile('/mnt/a/.Filesystem_status/fs_node1');
    expect(data.length).toBe(4096);
    expect(data.startsWith('fs\n\0')).toBe(true);
  });

  it('names the file after the clone number and honours statusfile_prefix', async () => {
    const m = running();
    const env = { ...recurring, OCF_CHECK_LEVEL: '20', OCF_RESKEY_CRM_meta_clone: '3', OCF_RESKEY_CRM_meta_clone_max: '4' };
    expect((await runFs(m, 'monitor', { ...base, statusfile_prefix: 'mystatus-' }, env)).code).toBe(0);
    expect(m.durableWrites[0]?.path).toBe('/mnt/a/mystatus-fs_3_node1');
  });

  it('fails with 1 on a read-only filesystem', async () => {
    const m = running();
    m.ioErrors.set('/mnt/a/.Filesystem_status/fs_node1', 'EROFS');
    const r = await runFs(m, 'monitor', base, { ...recurring, OCF_CHECK_LEVEL: '20' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ocf-exit-reason:Failed to write status file /mnt/a/.Filesystem_status/fs_node1');
  });

  it('writes without O_DIRECT on non-block filesystems', async () => {
    const m = new FsMachine([{ mountPoint: '/mnt/t', source: 'tmp', fstype: 'tmpfs' }]);
    m.dir('/mnt/t');
    expect((await runFs(m, 'monitor', { device: 'tmp', directory: '/mnt/t', fstype: 'tmpfs' }, { ...recurring, OCF_CHECK_LEVEL: '20' })).code).toBe(0);
    expect(m.durableWrites).toEqual([{ path: '/mnt/t/.Filesystem_status/fs_node1', direct: false }]);
  });

  it('refuses a prefix that leaves the mount point', async () => {
    const r = await runFs(running(), 'monitor', { ...base, statusfile_prefix: '../../etc/' }, { ...recurring, OCF_CHECK_LEVEL: '20' });
    expect(r.code).toBe(6);
  });
});

describe('other levels', () => {
  it('answers 6 for an unsupported level while mounted and 7 while stopped', async () => {
    const m = running();
    const r = await runFs(m, 'monitor', base, { ...recurring, OCF_CHECK_LEVEL: '30' });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('ocf-exit-reason:unsupported monitor level 30');
    m.unmount('/mnt/a');
    expect((await runFs(m, 'monitor', base, { ...recurring, OCF_CHECK_LEVEL: '30' })).code).toBe(7);
  });

  it('with move: something left on the moved-aside point is a failure', async () => {
    const m = running([{ mountPoint: '/mnt/.a', source: LOOP, fstype: 'ext4', majmin: '7:0' }]);
    const r = await runFs(m, 'monitor', { ...base, force_unmount: 'move' }, recurring);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('move_before_umount=true and something is mounted on /mnt/.a');
    // A leftover directory alone (an earlier stop made it) changes nothing (upstream F2).
    m.unmount('/mnt/.a');
    m.dir('/mnt/.a');
    expect((await runFs(m, 'monitor', { ...base, force_unmount: 'move' }, recurring)).code).toBe(0);
  });
});

describe('validate-all', () => {
  it('checks parameters only: no mount, no mkdir, no program run', async () => {
    const m = new FsMachine();
    const r = await runFs(m, 'validate-all', { device: '/dev/sdz9', directory: '/srv/missing', fstype: 'ext4' });
    expect(r.code).toBe(0);
    expect(m.calls).toEqual([]);
    expect(m.files.has('/srv/missing')).toBe(false);
  });

  it.each([
    [{ term_signals: 'TERM BOGUS' }, 'term_signals: unknown signal BOGUS'],
    [{ kill_signals: '99' }, 'kill_signals: unknown signal 99'],
    [{ signal_delay: 'soon' }, "signal_delay must be a number of seconds, got 'soon'"],
  ])('rejects %o', async (extra, reason) => {
    const m = new FsMachine();
    m.blockDevice(LOOP);
    const r = await runFs(m, 'validate-all', { ...base, ...extra });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain(`ocf-exit-reason:${reason}`);
  });

  it('warns about unknown force_unmount words but accepts them', async () => {
    const m = new FsMachine();
    const r = await runFs(m, 'validate-all', { ...base, force_unmount: 'safe,frob' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('force_unmount: unknown modifier frob ignored');
  });

  it('refuses a clone of a local filesystem', async () => {
    const r = await runFs(new FsMachine(), 'validate-all', base, { OCF_RESKEY_CRM_meta_clone_max: '2' });
    expect(r.code).toBe(6);
  });
});

describe('unresponsive storage', () => {
  // A device or server that never answers: the I/O calls never resolve.
  class Hung extends FsMachine {
    override readDirect(): Promise<Uint8Array> {
      return new Promise(() => undefined);
    }
    override writeDurable(): Promise<void> {
      return new Promise(() => undefined);
    }
  }

  it.each(['10', '20'])('depth %s answers 1 when the operation deadline comes, instead of hanging', async (level) => {
    const m = new Hung([{ mountPoint: '/mnt/a', source: LOOP, fstype: 'ext4', majmin: '7:0' }]);
    m.blockDevice(LOOP).dir('/mnt/a');
    const r = await runFs(m, 'monitor', base, { ...recurring, OCF_CHECK_LEVEL: level, OCF_RESKEY_CRM_meta_timeout: '400' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no answer within the operation timeout');
  });

  it('depth 0 never touches the mounted filesystem (a dead NFS server cannot stall it)', async () => {
    class Untouchable extends FsMachine {
      override stat(path: string) {
        if (path.startsWith('/mnt/n')) throw new Error(`touched ${path}`);
        return super.stat(path);
      }
      override realpath(path: string) {
        if (path.startsWith('/mnt/n')) throw new Error(`touched ${path}`);
        return super.realpath(path);
      }
    }
    const m = new Untouchable([{ mountPoint: '/mnt/n', source: 'srv:/e', fstype: 'nfs4' }]);
    expect((await runFs(m, 'monitor', { device: 'srv:/e', directory: '/mnt/n/', fstype: 'nfs4' }, recurring)).code).toBe(0);
  });
});
