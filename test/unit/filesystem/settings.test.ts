import { describe, expect, it } from 'vitest';
import {
  deviceLabel, hasOptionWord, isNonBlockType, isRootDir, movedMountPoint, parseDevice, parseForceUnmount, parseRunFsck,
  parseSignalDelay, parseSignals,
} from '../../../lib/filesystem/settings.ts';
import { cloneVerdict, kernelSupportName, needsAutoFsck } from '../../../lib/filesystem/fstypes.ts';
import { listsFs } from '../../../lib/host/filesystems.ts';
import { stripTrailingSlashes } from '../../../lib/host/paths.ts';

describe('parseDevice', () => {
  it.each([
    ['/dev/sdb1', { kind: 'path', path: '/dev/sdb1' }],
    ['-U 1234-abcd', { kind: 'tag', tag: 'UUID', value: '1234-abcd', option: '-U' }],
    ['-U1234', { kind: 'tag', tag: 'UUID', value: '1234', option: '-U' }],
    ['-L data', { kind: 'tag', tag: 'LABEL', value: 'data', option: '-L' }],
    ['--uuid=1234', { kind: 'tag', tag: 'UUID', value: '1234', option: '--uuid' }],
    ['--uuid 1234', { kind: 'tag', tag: 'UUID', value: '1234', option: '--uuid' }],
    ['--label=my data', { kind: 'tag', tag: 'LABEL', value: 'my data', option: '--label' }],
    ['--label x', { kind: 'tag', tag: 'LABEL', value: 'x', option: '--label' }],
    ['UUID=1234', { kind: 'fstab-tag', tag: 'UUID', value: '1234' }],
    ['LABEL="my data"', { kind: 'fstab-tag', tag: 'LABEL', value: 'my data' }],
  ])('classifies %s', (device, spec) => {
    expect(parseDevice(device, false)).toEqual(spec);
  });

  it('does not interpret the device of a non-block type', () => {
    expect(parseDevice('srv:/export', true)).toEqual({ kind: 'source', source: 'srv:/export' });
    expect(parseDevice('-U x', true)).toEqual({ kind: 'source', source: '-U x' });
  });

  it('names -U/-L devices by their bare value, as upstream logs them', () => {
    expect(deviceLabel(parseDevice('-U 1234', false))).toBe('1234');
    expect(deviceLabel(parseDevice('UUID=1234', false))).toBe('UUID=1234');
  });

  it('treats network, virtual and loop-option types as non-block', () => {
    for (const t of ['nfs', 'nfs4', 'cifs', 'smbfs', 'efs', 'aznfs', 'glusterfs', 'ceph', 'tmpfs', 'overlay', 'none']) expect(isNonBlockType(t, '')).toBe(true);
    expect(isNonBlockType('ext4', 'loop,ro')).toBe(true);
    expect(isNonBlockType('ext4', 'noloopx')).toBe(false);
    expect(isNonBlockType('ext4', '')).toBe(false);
  });
});

describe('options and directories', () => {
  it('matches option words like grep -w', () => {
    expect(hasOptionWord('rw,bind', 'bind')).toBe(true);
    expect(hasOptionWord('rbind', 'bind')).toBe(false);
    expect(hasOptionWord('errors=remount-ro', 'ro')).toBe(true);
    expect(hasOptionWord('rom', 'ro')).toBe(false);
  });

  it('strips trailing slashes', () => {
    expect(stripTrailingSlashes('/mnt/a///')).toBe('/mnt/a');
    expect(stripTrailingSlashes('///')).toBe('/');
    expect(stripTrailingSlashes('/mnt/a')).toBe('/mnt/a');
    expect(stripTrailingSlashes('')).toBe('');
    expect(isRootDir('//')).toBe(true);
    expect(isRootDir('/mnt')).toBe(false);
  });

  it('derives the move target', () => {
    expect(movedMountPoint('/srv/data')).toBe('/srv/.data');
    expect(movedMountPoint('/data')).toBe('/.data');
  });
});

describe('parseForceUnmount', () => {
  it.each([
    ['true', 'fuser', false, false, true],
    ['yes', 'fuser', false, false, true],
    ['1', 'fuser', false, false, true],
    ['safe', 'safe', false, false, true],
    ['false', 'none', false, false, true],
    ['no', 'none', false, false, true],
    ['', 'none', false, false, true],
    ['move', 'fuser', true, true, false],
    ['safe,move', 'safe', true, true, false],
    ['safe,xargs', 'safe', false, true, true],
    ['true,nops', 'fuser', false, false, false],
    ['move,noxargs,ps', 'fuser', true, false, true],
    ['bogus', 'none', false, false, true],
  ] as const)('%s → mode %s move %s xargs %s ps %s', (value, mode, move, xargs, ps) => {
    const f = parseForceUnmount(value);
    expect({ mode: f.mode, move: f.move, xargs: f.xargs, ps: f.ps }).toEqual({ mode, move, xargs, ps });
  });

  it('reports unknown words and ignores empty ones', () => {
    expect(parseForceUnmount('safe,,frob').unknown).toEqual(['frob']);
    expect(parseForceUnmount('safe,,frob').mode).toBe('safe');
  });
});

describe('signals, delay, fsck', () => {
  it('parses names, SIG names and numbers', () => {
    expect(parseSignals('TERM sigHUP 9  USR1')).toEqual({
      signals: [{ name: 'TERM', number: 15 }, { name: 'HUP', number: 1 }, { name: '9', number: 9 }, { name: 'USR1', number: 10 }],
      invalid: [],
    });
    expect(parseSignals('TERM BOGUS 0 99').invalid).toEqual(['BOGUS', '0', '99']);
    expect(parseSignals('').signals).toEqual([]);
  });

  it('accepts fractional delays', () => {
    expect(parseSignalDelay('1')).toBe(1000);
    expect(parseSignalDelay('0.25')).toBe(250);
    expect(parseSignalDelay('.5')).toBe(500);
    expect(parseSignalDelay('0')).toBe(0);
    expect(parseSignalDelay('-1')).toBeUndefined();
    expect(parseSignalDelay('1s')).toBeUndefined();
  });

  it('falls back to auto for an invalid run_fsck', () => {
    expect(parseRunFsck('force')).toEqual({ policy: 'force', invalid: false });
    expect(parseRunFsck('')).toEqual({ policy: 'auto', invalid: false });
    expect(parseRunFsck('bogus')).toEqual({ policy: 'auto', invalid: true });
  });

  it('checks ext2, btrfs, unknown and empty types under auto, not journaling or network ones', () => {
    for (const t of ['ext2', 'btrfs', '', 'msdos']) expect(needsAutoFsck(t)).toBe(true);
    for (const t of ['ext4', 'ext3', 'xfs', 'nfs', 'tmpfs', 'none', 'gfs2']) expect(needsAutoFsck(t)).toBe(false);
  });
});

describe('fstype rules', () => {
  it('decides clone safety per type', () => {
    expect(cloneVerdict('ext4', false, false, true)).toEqual({ allowed: false });
    expect(cloneVerdict('ext4', false, true, true)).toEqual({ allowed: false });
    expect(cloneVerdict('ext4', true, false, true)).toEqual({ allowed: true, warn: 'forced', dropIn: true });
    expect(cloneVerdict('btrfs', true, false, true)).toEqual({ allowed: false });
    expect(cloneVerdict('btrfs', false, true, true)).toEqual({ allowed: true, warn: 'read-only', dropIn: false });
    expect(cloneVerdict('nfs', false, false, true)).toEqual({ allowed: true, dropIn: true });
    expect(cloneVerdict('tmpfs', false, false, true)).toEqual({ allowed: true, dropIn: false });
    expect(cloneVerdict('ext4', false, false, false)).toEqual({ allowed: true, dropIn: false });
    expect(cloneVerdict('gfs2', false, false, false)).toEqual({ allowed: true, dropIn: true });
  });

  it('maps types to the kernel support they need', () => {
    expect(kernelSupportName('fuse.sshfs')).toEqual({ name: 'fuse' });
    expect(kernelSupportName('glusterfs')).toEqual({ name: 'fuse' });
    expect(kernelSupportName('efs')).toEqual({ name: 'nfs4', helper: 'mount.efs' });
    expect(kernelSupportName('aznfs')).toEqual({ name: 'nfs4', helper: 'mount.aznfs' });
    expect(kernelSupportName('xfs')).toEqual({ name: 'xfs' });
    expect(listsFs('nodev\ttmpfs\n\text4\n', 'ext4')).toBe(true);
    expect(listsFs('nodev\ttmpfs\n\text4\n', 'ext')).toBe(false);
  });
});
