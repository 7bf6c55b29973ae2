import { describe, expect, it } from 'vitest';
import { clientMatches, commandLineClient, isHostName, normaliseSpec } from '../../../lib/exportfs/clientspec.ts';
import { canonicalFsid, effectiveFsid, exportArgv, exportOptions, fsidFor, fsidProblem, unexportArgv } from '../../../lib/exportfs/fsid.ts';
import { splitDirectories } from '../../../lib/exportfs/validate.ts';

// The exportfs argv for each directory, as start builds it.
function startArgv(p: { directory: string; clientspec: string; options?: string; fsid?: string }): string[][] {
  const dirs = splitDirectories(p.directory);
  const start = effectiveFsid(p.fsid ?? '', p.options ?? '');
  return dirs.map((d, i) => exportArgv(exportOptions(p.options ?? '', p.fsid ?? '', fsidFor(start, i, dirs.length)), p.clientspec, d));
}

describe('exportfs command lines', () => {
  it('appends the fsid parameter to the options, incremented per directory, trailing slashes stripped', () => {
    expect(startArgv({ directory: '/a/ /b', clientspec: '10.0.0.0/24', fsid: '7', options: 'rw,no_root_squash' })).toEqual([
      ['exportfs', '-v', '-o', 'rw,no_root_squash,fsid=7', '10.0.0.0/24:/a'],
      ['exportfs', '-v', '-o', 'rw,no_root_squash,fsid=8', '10.0.0.0/24:/b'],
    ]);
  });

  it('replaces an fsid inside options by the parameter, keeping IPv6 brackets', () => {
    expect(startArgv({ directory: '/a', clientspec: '[fe80::]/64', fsid: '9', options: 'rw,fsid=3,sync' })).toEqual([['exportfs', '-v', '-o', 'rw,fsid=9,sync', '[fe80::]/64:/a']]);
  });

  it('takes the fsid from options when the parameter is empty, and increments it', () => {
    expect(startArgv({ directory: '/a /b', clientspec: '*', options: 'rw,fsid=3' })).toEqual([
      ['exportfs', '-v', '-o', 'rw,fsid=3', '*:/a'],
      ['exportfs', '-v', '-o', 'rw,fsid=4', '*:/b'],
    ]);
  });

  it('exports without -o when there are neither options nor fsid (upstream swallows the client:dir)', () => {
    expect(startArgv({ directory: '/a', clientspec: '*' })).toEqual([['exportfs', '-v', '*:/a']]);
  });

  it('gives only the fsid when there are no options, and does not increment a single directory', () => {
    expect(startArgv({ directory: '///', clientspec: 'h', fsid: 'root' })).toEqual([['exportfs', '-v', '-o', 'fsid=root', 'h:/']]);
    expect(startArgv({ directory: '  /a\t/b\n/c ', clientspec: 'h', fsid: '010' })).toEqual([
      ['exportfs', '-v', '-o', 'fsid=010', 'h:/a'],
      ['exportfs', '-v', '-o', 'fsid=11', 'h:/b'],
      ['exportfs', '-v', '-o', 'fsid=12', 'h:/c'],
    ]);
  });

  it('builds the stop command line with the clientspec as given', () => {
    expect(unexportArgv('[fd00::1]', '/a')).toEqual(['exportfs', '-v', '-u', '[fd00::1]:/a']);
  });
});

describe('fsid validation', () => {
  it.each([
    ['1,2', '', 1, '1,2 cannot contain a comma'],
    ['root', '', 2, 'use integer fsid when exporting multiple directories'],
    ['', 'rw,fsid=root', 2, 'use integer fsid when exporting multiple directories'],
    ['9f6a3b6e-2c1f-4b7a-9e0e-1a2b3c4d5e6f', '', 3, 'use integer fsid when exporting multiple directories'],
    ['root', '', 1, undefined],
    ['9f6a3b6e-2c1f-4b7a-9e0e-1a2b3c4d5e6f', '', 1, undefined],
    ['', '', 5, undefined],
    ['4', 'fsid=root', 2, undefined],
  ])('fsid=%j options=%j with %i directories → %j', (fsid, options, n, problem) => {
    expect(fsidProblem(fsid, options, n)).toBe(problem);
  });

  it('canonicalises fsids as the kernel shows them', () => {
    expect(canonicalFsid('root')).toBe('0');
    expect(canonicalFsid('007')).toBe('7');
    expect(canonicalFsid('9F6A')).toBe('9f6a');
  });
});

describe('client matching', () => {
  it('strips the brackets of IPv6 specs only', () => {
    expect(normaliseSpec('[fe80::]/64')).toBe('fe80::/64');
    expect(normaliseSpec('[fd00::1]')).toBe('fd00::1');
    expect(normaliseSpec('[ab]-host')).toBe('[ab]-host');
  });

  it.each([
    ['127.0.0.1', '127.0.0.1', undefined, true],
    ['<world>', '*', undefined, true],
    ['*', '*', undefined, true],
    ['fe80::/64', '[fe80::]/64', undefined, true],
    ['fd00::1', '[fd00::1]', undefined, true],
    ['nfsclient.example.test', 'nfsclient', undefined, true],
    ['nfsclient', 'nfsclient.example.test', undefined, true],
    ['NFSclient.Example.test', 'nfsclient', undefined, true],
    ['host42.example.com', 'nfs-clients', 'host42.example.com', true],
    ['host42.example.com', 'nfs-clients', undefined, false],
    ['127.0.0.2', '127.0.0.1', undefined, false],
    ['127.0.0.1', '127.0.0', undefined, false],
    ['10.0.0.0/24', '10.0.0.0/16', undefined, false],
    ['nfsclient2.example.test', 'nfsclient', undefined, false],
    ['*.example.test', '*', undefined, false],
    ['@netgrp', '@netgrp', undefined, true],
  ])('listed %j vs clientspec %j (recorded %j) → %j', (listed, spec, recorded, want) => {
    expect(clientMatches(listed, spec, recorded)).toBe(want);
  });

  it('tells host names from addresses', () => {
    expect(isHostName('a.b')).toBe(true);
    expect(isHostName('10.1.2.3')).toBe(false);
    expect(isHostName('*.b')).toBe(false);
  });

  it('puts IPv6 clients back in brackets for the command line', () => {
    expect(commandLineClient('fe80::/64')).toBe('[fe80::]/64');
    expect(commandLineClient('fd00::1')).toBe('[fd00::1]');
    expect(commandLineClient('host.example')).toBe('host.example');
    expect(commandLineClient('*')).toBe('*');
  });
});
