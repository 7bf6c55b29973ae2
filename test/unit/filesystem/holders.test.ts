import { describe, expect, it } from 'vitest';
import { describeProcess, devNumber, findHolders, mappedPaths, parsePasswd, processGone, type HolderPolicy } from '../../../lib/filesystem/holders.ts';
import { mountAt, readMounts } from '../../../lib/host/mounts.ts';
import { FsMachine } from './fake.ts';

// /mnt/a: ext4 on loop0 (7:0), also bind-mounted at /srv/b; /mnt/a/sub: tmpfs; /mnt/ab: sibling.
function machine(): FsMachine {
  return new FsMachine([
    { mountPoint: '/mnt/a', source: '/dev/loop0', fstype: 'ext4', majmin: '7:0' },
    { mountPoint: '/srv/b', source: '/dev/loop0', fstype: 'ext4', majmin: '7:0', root: '/data' },
    { mountPoint: '/mnt/a/sub', source: 'tmpfs', fstype: 'tmpfs', majmin: '0:60' },
    { mountPoint: '/mnt/ab', source: 'tmpfs', fstype: 'tmpfs', majmin: '0:61' },
  ])
    .proc({ pid: 10, cwd: '/mnt/a/dir', exe: '/usr/bin/sleep' })
    .proc({ pid: 11, cwd: '/', fds: ['/dev/null', 'socket:[123]', '/mnt/a/open.log (deleted)'] })
    .proc({ pid: 12, cwd: '/mnt', exe: '/usr/bin/sh' })
    .proc({ pid: 13, cwd: '/mnt/ab/x' })
    .proc({ pid: 14, cwd: '/', maps: ['/usr/lib/libc.so.6', '/mnt/a/lib/mapped.so'] })
    .proc({ pid: 15, cwd: '/srv/b/x' })
    .proc({ pid: 16, cwd: '/mnt/a/sub/deeper' })
    .proc({ pid: 1, cwd: '/mnt/a' })
    .proc({ pid: 4242, cwd: '/mnt/a' });
}

async function holders(sys: FsMachine, policy: HolderPolicy, mp: string): Promise<number[]> {
  const mounts = readMounts(sys);
  const entry = mountAt(mounts, mp);
  if (entry === undefined) throw new Error(`${mp} not mounted`);
  return findHolders(sys, { policy, mountPoint: mp, entry, mounts, selfPid: sys.pid });
}

describe('findHolders', () => {
  it('fuser policy: every user of the filesystem, through any of its mounts, and nothing else', async () => {
    // 10 cwd, 11 deleted open file, 14 mapping, 15 via the bind mount of the same fs.
    expect(await holders(machine(), 'fuser', '/mnt/a')).toEqual([10, 11, 14, 15]);
  });

  it('safe policy: only users of paths at or below the mount point', async () => {
    expect(await holders(machine(), 'safe', '/mnt/a')).toEqual([10, 11, 14, 16]);
  });

  it('never reports users of the parent filesystem or of a prefix sibling', async () => {
    for (const policy of ['fuser', 'safe'] as const) {
      const found = await holders(machine(), policy, '/mnt/a');
      expect(found).not.toContain(12);
      expect(found).not.toContain(13);
    }
  });

  it('never reports PID 1 or the agent itself', async () => {
    const found = await holders(machine(), 'safe', '/mnt/a');
    expect(found).not.toContain(1);
    expect(found).not.toContain(4242);
  });

  it('finds the users of a submount by its own mount', async () => {
    expect(await holders(machine(), 'fuser', '/mnt/a/sub')).toEqual([16]);
  });

  it('decides by device number for processes in another mount namespace', async () => {
    const sys = machine()
      .link('/proc/self/ns/mnt', 'mnt:[4026531840]')
      .proc({ pid: 20, cwd: '/container/data', otherNs: { dev: devNumber('7:0') } })
      .proc({ pid: 21, cwd: '/mnt/a', otherNs: { dev: devNumber('254:0') } });
    const found = await holders(sys, 'fuser', '/mnt/a');
    expect(found).toContain(20);
    expect(found).not.toContain(21);
    // Never stat'ed on a network filesystem (a dead server would block the stat).
    const mounts = readMounts(sys);
    const entry = mountAt(mounts, '/mnt/a');
    if (entry === undefined) throw new Error('not mounted');
    expect(await findHolders(sys, { policy: 'fuser', mountPoint: '/mnt/a', entry, mounts, selfPid: sys.pid, statOtherNs: false })).not.toContain(20);
  });

  it('falls back to /proc/<pid>/maps when map_files is not readable', () => {
    expect(mappedPaths('7f-7f r--p 0 08:01 5 /usr/lib/a b.so\n7f-7f rw-p 0 00:00 0 [heap]\n7f-7f r--p 0 00:00 0 \n')).toEqual(['/usr/lib/a b.so']);
  });

  it('encodes device numbers as stat does', () => {
    expect(devNumber('7:0')).toBe(0x700);
    expect(devNumber('254:1')).toBe(0xfe01);
    expect(devNumber('259:1048575')).toBe(0xfff103ff);
  });
});

describe('process helpers', () => {
  it('treats a vanished or zombie process as gone', async () => {
    const sys = machine();
    expect(await processGone(sys, 10)).toBe(false);
    expect(await processGone(sys, 999)).toBe(true);
    sys.file('/proc/10/stat', '10 (a b) c) Z 1 1');
    expect(await processGone(sys, 10)).toBe(true);
  });

  it('describes a process like ps -f', async () => {
    const sys = machine();
    expect(await describeProcess(sys, 10, parsePasswd('root:x:0:0::/root:/bin/sh\n'))).toBe('root 10 1 proc arg');
    expect(await describeProcess(sys, 10, new Map())).toBe('0 10 1 proc arg');
  });
});
