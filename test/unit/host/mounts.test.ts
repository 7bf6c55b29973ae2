import { describe, expect, it } from 'vitest';
import {
  coveringMount, deeperFirst, isUnder, mountAt, mountsAt, otherMountsOf, parseMountinfo, readMounts, submountsOf, unescapeOctal,
} from '../../../lib/host/mounts.ts';
import { mountinfoText } from '../filesystem/fake.ts';

const SAMPLE = `22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
54 27 7:0 / /mnt/a rw,relatime shared:5 master:1 - ext4 /dev/loop0 rw
55 27 7:0 /sub /srv/bind\\040me ro,relatime - ext4 /dev/loop0 rw
56 54 0:50 / /mnt/a/b rw - tmpfs tmp\\011fs rw,size=10k
57 27 0:51 / /mnt/ab rw - tmpfs tmpfs rw
`;

describe('parseMountinfo', () => {
  const mounts = parseMountinfo(SAMPLE);

  it('reads every field, optional fields included', () => {
    expect(mounts).toHaveLength(6);
    expect(mounts[2]).toEqual({
      id: 54, parentId: 27, majmin: '7:0', root: '/', mountPoint: '/mnt/a', mountOptions: ['rw', 'relatime'],
      fstype: 'ext4', source: '/dev/loop0', superOptions: ['rw'],
    });
  });

  it('decodes octal escapes in mount point, root and source', () => {
    expect(mounts[3]?.mountPoint).toBe('/srv/bind me');
    expect(mounts[3]?.root).toBe('/sub');
    expect(mounts[4]?.source).toBe('tmp\tfs');
    expect(unescapeOctal('a\\134b\\012c\\x')).toBe('a\\b\nc\\x');
  });

  it('skips malformed lines', () => {
    expect(parseMountinfo('garbage\n1 2 3\n')).toEqual([]);
  });

  it('round-trips paths with spaces, tabs, newlines and backslashes', () => {
    const weird = '/mnt/we ird\tdir\nx\\y';
    const m = parseMountinfo(mountinfoText([{ mountPoint: weird, source: '//srv/my share', fstype: 'cifs' }]));
    expect(m[0]?.mountPoint).toBe(weird);
    expect(m[0]?.source).toBe('//srv/my share');
  });
});

describe('mount point matching', () => {
  const mounts = parseMountinfo(SAMPLE);

  it('matches exactly: /mnt/a is neither /mnt/ab nor /mnt/a/b', () => {
    expect(mountAt(mounts, '/mnt/a')?.id).toBe(54);
    expect(mountAt(mounts, '/mnt')).toBeUndefined();
    expect(mountAt(mounts, '/mnt/a/')).toBeUndefined();
    expect(isUnder('/mnt/ab', '/mnt/a')).toBe(false);
    expect(isUnder('/mnt/a/b', '/mnt/a')).toBe(true);
    expect(isUnder('/anything', '/')).toBe(true);
  });

  it('returns the top of a stack of mounts on one point', () => {
    const stacked = parseMountinfo(`${SAMPLE}60 54 7:1 / /mnt/a rw - xfs /dev/loop1 rw\n`);
    expect(mountAt(stacked, '/mnt/a')?.source).toBe('/dev/loop1');
    expect(mountsAt(stacked, '/mnt/a').map((m) => m.source)).toEqual(['/dev/loop0', '/dev/loop1']);
  });

  it('lists submounts deepest first, never prefix siblings', () => {
    const more = parseMountinfo(`${SAMPLE}61 56 0:52 / /mnt/a/b/c rw - tmpfs t rw\n62 54 0:53 / /mnt/a/z rw - tmpfs t rw\n`);
    expect(submountsOf(more, '/mnt/a')).toEqual(['/mnt/a/b/c', '/mnt/a/z', '/mnt/a/b']);
    expect(submountsOf(more, '/mnt/ab')).toEqual([]);
  });

  it('lists other mounts of the same filesystem outside the directory', () => {
    const top = mountAt(mounts, '/mnt/a');
    expect(otherMountsOf(mounts, '/mnt/a', (m) => m.majmin === top?.majmin)).toEqual(['/srv/bind me']);
  });

  it('finds the mount a path lies on', () => {
    expect(coveringMount(mounts, '/mnt/a/b/file')?.id).toBe(56);
    expect(coveringMount(mounts, '/mnt/a/bfile')?.id).toBe(54);
    expect(coveringMount(mounts, '/mnt/abc')?.id).toBe(27);
    expect(coveringMount(mounts, '/mnt/ab/x')?.id).toBe(57);
  });

  it('orders deeper paths first', () => {
    expect(['/a', '/a/b/c', '/a/b'].sort(deeperFirst)).toEqual(['/a/b/c', '/a/b', '/a']);
  });
});

describe('readMounts', () => {
  it('re-reads until two consecutive reads agree', async () => {
    const reads = [SAMPLE.split('\n').slice(0, 2).join('\n'), SAMPLE, SAMPLE];
    let n = 0;
    const sys = { readProcFile: () => reads[Math.min(n++, reads.length - 1)] ?? '' };
    const mounts = readMounts(sys);
    expect(n).toBe(3);
    expect(mounts).toHaveLength(6);
  });

  it('reads twice when the table is stable', async () => {
    let n = 0;
    const sys = { readProcFile: () => { n++; return SAMPLE; } };
    readMounts(sys);
    expect(n).toBe(2);
  });

  it('gives up comparing after a bounded number of reads', async () => {
    let n = 0;
    const sys = { readProcFile: () => `${SAMPLE}${String(n++)} 1 0:1 / /x${String(n)} rw - tmpfs t rw\n` };
    const mounts = readMounts(sys, 4);
    expect(n).toBe(4);
    expect(mounts.length).toBe(7);
  });
});
