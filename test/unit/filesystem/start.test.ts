import { describe, expect, it } from 'vitest';
import type { ExpectedCall } from '../../../lib/system/scripted.ts';
import { asMachine, FsMachine, runFs } from './fake.ts';

const LOOP = '/dev/loop0';
const base = { device: LOOP, directory: '/mnt/a', fstype: 'ext4' };
const flush: ExpectedCall = { argv: ['blockdev', '--flushbufs', LOOP] };
const mounted = (dir: string, source = LOOP, fstype = 'ext4', options?: string): ((s: unknown) => void) => (s) => {
  asMachine(s).mount({ mountPoint: dir, source, fstype, majmin: source.startsWith('/dev/loop') ? '7:0' : '0:77', options });
};
const mountCall = (argv: string[], source = LOOP, fstype = 'ext4'): ExpectedCall => ({ argv, effect: mounted(argv[argv.length - 1] ?? '', source, fstype) });

function machine(script: ExpectedCall[] = []): FsMachine {
  const m = new FsMachine([], script);
  m.blockDevice(LOOP).dir('/mnt/a');
  return m;
}

describe('start', () => {
  it('mounts a block device: flush, mount, and logs the operation', async () => {
    const m = machine([flush, mountCall(['mount', '-t', 'ext4', LOOP, '/mnt/a'])]);
    const r = await runFs(m, 'start', base);
    expect(r.code).toBe(0);
    m.done();
    expect(r.stderr).toContain('INFO: Running start for /dev/loop0 on /mnt/a');
  });

  it('is idempotent: an already mounted filesystem is not mounted again', async () => {
    const m = machine();
    m.mount({ mountPoint: '/mnt/a', source: LOOP, fstype: 'ext4', majmin: '7:0' });
    const r = await runFs(m, 'start', base);
    expect(r.code).toBe(0);
    expect(m.calls).toEqual([]);
    expect(r.stderr).toContain('Filesystem /mnt/a is already mounted.');
  });

  it('refuses to start with something mounted below the directory, even when running', async () => {
    for (const sub of ['/mnt/a/b', '/mnt/a/.snap']) {
      const m = machine();
      m.mount({ mountPoint: '/mnt/a', source: LOOP, fstype: 'ext4', majmin: '7:0' });
      m.mount({ mountPoint: sub, source: 'tmpfs', fstype: 'tmpfs' });
      const r = await runFs(m, 'start', base);
      expect(r.code).toBe(6);
      expect(r.stderr).toContain('ocf-exit-reason:There is one or more mounts mounted under /mnt/a.');
    }
    const sibling = machine([flush, mountCall(['mount', '-t', 'ext4', LOOP, '/mnt/a'])]);
    sibling.mount({ mountPoint: '/mnt/ab', source: 'tmpfs', fstype: 'tmpfs' });
    expect((await runFs(sibling, 'start', base)).code).toBe(0);
  });

  it('passes the options as one -o argument, never split by a shell', async () => {
    const m = machine([flush, mountCall(['mount', '-t', 'ext4', '-o', 'noatime,user_xattr', LOOP, '/mnt/a'])]);
    expect((await runFs(m, 'start', { ...base, options: 'noatime,user_xattr' })).code).toBe(0);
    m.done();
  });

  it('leaves out -t for an empty fstype', async () => {
    const m = machine([{ argv: ['fsck', '-p', LOOP] }, flush, mountCall(['mount', LOOP, '/mnt/a'])]);
    expect((await runFs(m, 'start', { ...base, fstype: '' })).code).toBe(0);
    m.done();
  });

  it('mounts through a symlinked mount point at its target', async () => {
    const m = machine([flush, mountCall(['mount', '-t', 'ext4', LOOP, '/mnt/a'])]);
    m.link('/srv/link', '/mnt/a');
    expect((await runFs(m, 'start', { ...base, directory: '/srv/link/' })).code).toBe(0);
    m.done();
  });

  it('mounts a directory it had to create at its canonical path (a parent is a link)', async () => {
    // ocft's first case: the mount point under /var/run (→ /run) does not exist yet.
    const m = machine([flush, mountCall(['mount', '-t', 'ext4', LOOP, '/run/ra/mnt'])]);
    m.dir('/run/ra').link('/var/run', '/run');
    const r = await runFs(m, 'start', { ...base, directory: '/var/run/ra/mnt' });
    expect(r.stderr).not.toContain('ocf-exit-reason');
    expect(r.code).toBe(0);
    m.done();
    expect((await runFs(m, 'monitor', { ...base, directory: '/var/run/ra/mnt' })).code).toBe(0);
  });

  it('fails when mount says yes but nothing of ours is mounted', async () => {
    const m = machine([flush, { argv: ['mount', '-t', 'ext4', LOOP, '/mnt/a'] }]);
    const r = await runFs(m, 'start', base);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ocf-exit-reason:Couldn't mount device [/dev/loop0] as /mnt/a");
  });
});

describe('start: fsck', () => {
  const cases: [string, string, string[] | null][] = [
    ['auto', 'ext2', ['fsck', '-t', 'ext2', '-p', LOOP]],
    ['auto', 'btrfs', ['fsck', '-t', 'btrfs', '-p', LOOP]],
    ['auto', 'ext4', null],
    ['auto', 'xfs', null],
    ['force', 'ext4', ['fsck', '-t', 'ext4', '-p', LOOP]],
    ['no', 'ext2', null],
    ['bogus', 'ext2', ['fsck', '-t', 'ext2', '-p', LOOP]],
  ];
  it.each(cases)('run_fsck=%s fstype=%s', async (runFsck, fstype, fsck) => {
    const script: ExpectedCall[] = fsck === null ? [] : [{ argv: fsck, stdout: 'clean\n' }];
    const m = machine([...script, flush, mountCall(['mount', '-t', fstype, LOOP, '/mnt/a'], LOOP, fstype)]);
    m.file('/proc/filesystems', '\text2\n\text4\n\txfs\n\tbtrfs\n');
    const r = await runFs(m, 'start', { ...base, fstype, run_fsck: runFsck });
    expect(r.code).toBe(0);
    m.done();
    if (runFsck === 'bogus') expect(r.stderr).toContain("Invalid parameter value for fsck: 'bogus'; setting to 'auto'");
  });

  it('fails on fsck status 4 or more, accepts corrected errors', async () => {
    const bad = machine([{ argv: ['fsck', '-t', 'ext4', '-p', LOOP], exitCode: 4 }]);
    const r = await runFs(bad, 'start', { ...base, run_fsck: 'force' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ocf-exit-reason:Couldn't successfully fsck filesystem for /dev/loop0");
    const fixed = machine([{ argv: ['fsck', '-t', 'ext4', '-p', LOOP], exitCode: 1 }, flush, mountCall(['mount', '-t', 'ext4', LOOP, '/mnt/a'])]);
    expect((await runFs(fixed, 'start', { ...base, run_fsck: 'force' })).code).toBe(0);
  });

  it('needs fsck only when it checks', async () => {
    const m = machine();
    m.programs.delete('fsck');
    const r = await runFs(m, 'start', { ...base, run_fsck: 'force' });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("couldn't find command: fsck");
  });
});

describe('start: kernel support', () => {
  it('loads the module and waits for the type to appear', async () => {
    const m = machine([
      { argv: ['modprobe', 'jfs'], effect: (s) => { s.file('/proc/filesystems', '\text4\n\tjfs\n'); } },
      flush,
      mountCall(['mount', '-t', 'jfs', LOOP, '/mnt/a'], LOOP, 'jfs'),
    ]);
    expect((await runFs(m, 'start', { ...base, fstype: 'jfs' })).code).toBe(0);
    m.done();
  });

  it('gives up with 5 when the module loads but the type never appears', async () => {
    const m = machine([{ argv: ['modprobe', 'jfs'] }]);
    const r = await runFs(m, 'start', { ...base, fstype: 'jfs' });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("ocf-exit-reason:Couldn't find filesystem jfs in /proc/filesystems");
  });

  it('checks efs as nfs4 and needs mount.efs', async () => {
    const m = machine();
    const r = await runFs(m, 'start', { device: 'fs-1:/', directory: '/mnt/a', fstype: 'efs' });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("couldn't find command: mount.efs");
  });
});

describe('start: devices', () => {
  it('resolves -U through blkid and mounts the device it found', async () => {
    const m = machine([
      { argv: ['blkid', '-l', '-o', 'device', '-t', 'UUID=abcd'], stdout: `${LOOP}\n` },
      flush,
      mountCall(['mount', '-t', 'ext4', LOOP, '/mnt/a']),
    ]);
    const r = await runFs(m, 'start', { ...base, device: '-U abcd' });
    expect(r.code).toBe(0);
    m.done();
    expect(r.stderr).toContain('Running start for abcd on /mnt/a');
  });

  it('resolves LABEL= through the udev link without running blkid, and fscks it', async () => {
    const m = machine([{ argv: ['fsck', '-t', 'ext2', '-p', LOOP] }, flush, mountCall(['mount', '-t', 'ext2', LOOP, '/mnt/a'], LOOP, 'ext2')]);
    m.file('/proc/filesystems', '\text2\n');
    m.link('/dev/disk/by-label/data', LOOP);
    expect((await runFs(m, 'start', { ...base, device: 'LABEL=data', fstype: 'ext2' })).code).toBe(0);
    m.done();
  });

  it('hands tags to mount as configured when they cannot be resolved here (no blkid)', async () => {
    const m = machine([
      { argv: ['blkid', '-l', '-o', 'device', '-t', 'UUID=abcd'], notFound: true },
      mountCall(['mount', '-t', 'ext4', '--uuid', 'abcd', '/mnt/a']),
    ]);
    expect((await runFs(m, 'start', { ...base, device: '--uuid=abcd' })).code).toBe(0);
    m.done();
  });

  it('waits for udev when the device is not there yet', async () => {
    const m = machine([
      { argv: ['partprobe'] },
      { argv: ['udevadm', 'settle', '-t', '17', '--exit-if-exists=/dev/loop5'], effect: (s) => { s.file('/dev/loop5', '', 'block', { rdev: 0x705 }); } },
      { argv: ['blockdev', '--flushbufs', '/dev/loop5'] },
      mountCall(['mount', '-t', 'ext4', '/dev/loop5', '/mnt/a'], '/dev/loop5'),
    ]);
    m.programs.add('partprobe');
    m.programs.add('udevadm');
    const r = await runFs(m, 'start', { ...base, device: '/dev/loop5' }, { OCF_RESKEY_CRM_meta_timeout: '20000' });
    expect(r.code, r.stderr).toBe(0);
    m.done();
  });

  it('mounts network filesystems without device checks, fsck or flush', async () => {
    const m = machine([mountCall(['mount', '-t', 'nfs4', '-o', 'vers=4.2', 'srv:/export', '/mnt/a'], 'srv:/export', 'nfs4')]);
    m.file('/proc/filesystems', 'nodev\tnfs4\n');
    expect((await runFs(m, 'start', { device: 'srv:/export', directory: '/mnt/a', fstype: 'nfs4', options: 'vers=4.2' })).code).toBe(0);
    m.done();
  });

  it('mounts tmpfs and keeps -t', async () => {
    const m = machine([mountCall(['mount', '-t', 'tmpfs', '-o', 'size=1m', 'mytmp', '/mnt/a'], 'mytmp', 'tmpfs')]);
    expect((await runFs(m, 'start', { device: 'mytmp', directory: '/mnt/a', fstype: 'tmpfs', options: 'size=1m' })).code).toBe(0);
    m.done();
  });
});

describe('start: bind mounts', () => {
  it('binds without -t and without a remount when the flags are already right', async () => {
    const m = machine([mountCall(['mount', '-o', 'bind', '/srv/src', '/mnt/a'], '/dev/vda', 'ext4')]);
    m.dir('/srv/src');
    expect((await runFs(m, 'start', { device: '/srv/src', directory: '/mnt/a', fstype: 'none', options: 'bind' })).code).toBe(0);
    m.done();
  });

  it('makes a bind read-only by remounting the bind, never the superblock', async () => {
    const m = machine([
      mountCall(['mount', '-o', 'bind,ro', '/srv/src', '/mnt/a'], '/dev/vda', 'ext4'),
      { argv: ['mount', '-o', 'remount,bind,ro', '/mnt/a'] },
    ]);
    m.dir('/srv/src');
    expect((await runFs(m, 'start', { device: '/srv/src', directory: '/mnt/a', fstype: 'none', options: 'bind,ro' })).code).toBe(0);
    m.done();
  });

  it('skips the remount when mount already made the bind read-only', async () => {
    const m = machine([{ argv: ['mount', '-o', 'bind,ro', '/srv/src', '/mnt/a'], effect: mounted('/mnt/a', '/dev/vda', 'ext4', 'ro,relatime') }]);
    m.dir('/srv/src');
    expect((await runFs(m, 'start', { device: '/srv/src', directory: '/mnt/a', fstype: 'none', options: 'bind,ro' })).code).toBe(0);
    m.done();
  });
});

describe('start: clones', () => {
  const clone = { OCF_RESKEY_CRM_meta_clone_max: '2', OCF_RESKEY_CRM_meta_clone: '1' };

  it('refuses a local filesystem as a clone', async () => {
    const r = await runFs(machine(), 'start', base, clone);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('ocf-exit-reason:DANGER! ext4 on /dev/loop0 is NOT cluster-aware!');
    expect(r.stderr).toContain('Politely refusing to proceed to avoid data corruption.');
  });

  it('lets force_clones through with warnings', async () => {
    const m = machine([flush, mountCall(['mount', '-t', 'ext4', LOOP, '/mnt/a'])]);
    const r = await runFs(m, 'start', { ...base, force_clones: 'true' }, clone);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("But we'll let it run because we trust _YOU_ verified it's safe to do so.");
  });

  it('lets other local types through read-only', async () => {
    const m = machine([{ argv: ['fsck', '-t', 'btrfs', '-p', LOOP] }, flush, mountCall(['mount', '-t', 'btrfs', '-o', 'ro', LOOP, '/mnt/a'], LOOP, 'btrfs')]);
    const r = await runFs(m, 'start', { ...base, fstype: 'btrfs', options: 'ro' }, clone);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("But we'll let it run because it is mounted read-only.");
  });

  it('writes the remote-fs drop-in for network filesystems only where systemd is init', async () => {
    const call = mountCall(['mount', '-t', 'nfs', 'srv:/e', '/mnt/a'], 'srv:/e', 'nfs');
    const params = { device: 'srv:/e', directory: '/mnt/a', fstype: 'nfs' };
    const plain = machine([call]);
    plain.file('/proc/filesystems', 'nodev\tnfs\n');
    expect((await runFs(plain, 'start', params)).code).toBe(0);
    expect(plain.files.has('/run/systemd/system/resource-agents-deps.target.d/99-Filesystem-remote.conf')).toBe(false);

    const sd = machine([{ argv: ['systemctl', 'daemon-reload'] }, mountCall(['mount', '-t', 'nfs', 'srv:/e', '/mnt/a'], 'srv:/e', 'nfs')]);
    sd.file('/proc/filesystems', 'nodev\tnfs\n');
    sd.file('/proc/1/comm', 'systemd\n');
    expect((await runFs(sd, 'start', params)).code).toBe(0);
    sd.done();
    expect(await sd.readFile('/run/systemd/system/resource-agents-deps.target.d/99-Filesystem-remote.conf')).toBe('[Unit]\nAfter=remote-fs.target\n');
  });
});
