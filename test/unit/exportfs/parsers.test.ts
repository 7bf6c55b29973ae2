import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsidOption, parseEtab, parseExportfsListing, parseExportfsShort, splitClient, unescapeOctal } from '../../../lib/exportfs/table.ts';
import { joinLines, mergeRmtab, rmtabLinesFor } from '../../../lib/exportfs/rmtab.ts';
import { cachedFsids } from '../../../lib/exportfs/cache.ts';
import { exportStateDir, parseNfsConf } from '../../../lib/host/nfsconf.ts';
import { reportedClient } from '../../../lib/exportfs/clientspec.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../fixtures/exportfs', name), 'utf8');
const F = '/tmp/nfsha-fixture';
const LONG = `${F}/very/long/path/name/export1`;

// The same eleven exports, as every view of the table shows them (client as printed by plain exportfs).
const EXPECTED: [string, string][] = [
  [`${F}/with space`, '10.0.0.9'],
  [`${F}/a`, 'fd00::1'],
  [LONG, '127.0.0.1'],
  [`${F}/b`, 'nfsclient.example.test'],
  ['/srv/x', '10.1.2.3'],
  ['/srv/x', '192.0.2.0/255.255.255.0'],
  [`${F}/a`, '10.0.0.0/24'],
  [`${F}/a`, 'fe80::/64'],
  [`${F}/b`, '*.example.test'],
  [`${F}/b`, '@netgrp'],
  ['/srv/x', '<world>'],
];
const sorted = (pairs: [string, string][]) => [...pairs].sort((a, b) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`));
const world = (c: string) => (c === '<world>' ? '*' : c);

describe('exportfs listings (fixtures from nfs-utils 2.6.2)', () => {
  it('parses plain exportfs: wrapped long paths, padded short ones, <world>, IPv6, a path with a space', () => {
    const e = parseExportfsListing(fixture('exportfs.txt'));
    expect(e.map((x) => [x.path, x.client])).toEqual(EXPECTED);
    expect(e.every((x) => x.options.length === 0)).toBe(true);
  });

  it('parses exportfs -v with the options of each export', () => {
    const e = parseExportfsListing(fixture('exportfs-v.txt'));
    expect(e.map((x) => [x.path, x.client])).toEqual(EXPECTED);
    const long = e.find((x) => x.path === LONG);
    expect(long?.options).toEqual(['sync', 'wdelay', 'hide', 'no_subtree_check', 'fsid=2', 'sec=sys', 'rw', 'root_squash', 'no_all_squash']);
    expect(fsidOption(e.find((x) => x.client === '<world>')?.options ?? [])).toBe('1');
    expect(fsidOption(e.find((x) => x.client === '10.0.0.0/24')?.options ?? [])).toBeUndefined();
    expect(fsidOption(e.find((x) => x.client === '192.0.2.0/255.255.255.0')?.options ?? [])).toBe('9f6a3b6e-2c1f-4b7a-9e0e-1a2b3c4d5e6f');
  });

  it('parses exportfs -s (escaped paths, * instead of <world>)', () => {
    const e = parseExportfsShort(fixture('exportfs-s.txt'));
    expect(e.map((x) => [x.path, x.client])).toEqual(EXPECTED.map(([p, c]) => [p, world(c)]));
    expect(fsidOption(e.find((x) => x.client === '10.1.2.3')?.options ?? [])).toBe('0');
  });

  it('parses etab: the same exports in another order, full option lists, \\040 decoded', () => {
    const e = parseEtab(fixture('etab'));
    expect(sorted(e.map((x) => [x.path, x.client]))).toEqual(sorted(EXPECTED.map(([p, c]) => [p, world(c)])));
    const b = e.find((x) => x.client === 'nfsclient.example.test');
    expect(b?.options).toContain('fsid=5');
    expect(b?.options[0]).toBe('rw');
    expect(e.find((x) => x.client === '10.0.0.9')?.path).toBe(`${F}/with space`);
  });

  it('ignores blank and malformed lines', () => {
    expect(parseEtab('\n\ngarbage\n/a\t*(rw)\n')).toEqual([{ path: '/a', client: '*', options: ['rw'] }]);
    expect(parseExportfsListing('\n\t\torphan\n/a            \t<world>\n')).toEqual([{ path: '/a', client: '<world>', options: [] }]);
  });

  it('splits client and options, and unescapes octal', () => {
    expect(splitClient('host()')).toEqual({ client: 'host', options: [] });
    expect(splitClient('fe80::/64(rw,fsid=4)')).toEqual({ client: 'fe80::/64', options: ['rw', 'fsid=4'] });
    expect(unescapeOctal('/a\\040b\\011c\\134d')).toBe('/a b\tc\\d');
  });

  it('finds the client exportfs -v reports for an export, also for IPv6 and canonicalised names', () => {
    const out = fixture('exportfs-v-export.stdout');
    expect(reportedClient(out, 'exporting', LONG)).toBe('nfsclient.example.test');
    expect(reportedClient(out, 'exporting', `${F}/a`)).toBe('fd00::2');
    expect(reportedClient(fixture('exportfs-v-export.stderr'), 'exporting', `${F}/a`)).toBeUndefined();
    expect(reportedClient('unexporting 127.0.0.1:/x', 'unexporting', '/x')).toBe('127.0.0.1');
  });
});

describe('rmtab', () => {
  const rmtab = fixture('rmtab');
  it('selects the lines of exactly one directory (not a prefix, IPv6 clients included)', () => {
    expect(rmtabLinesFor(rmtab, '/mnt/exports/export1')).toEqual([
      '192.168.122.21:/mnt/exports/export1:0x00000002',
      'nfsclient.example.test:/mnt/exports/export1:0x00000001',
      'fe80::5054:ff:fe12:3456:/mnt/exports/export1:0x00000001',
    ]);
    expect(rmtabLinesFor(rmtab, '/mnt/exports')).toEqual(['192.168.122.21:/mnt/exports:0x00000001']);
    expect(rmtabLinesFor(rmtab, '/nope')).toEqual([]);
    expect(joinLines([])).toBe('');
  });

  it('merges like sort -u in the C locale', () => {
    expect(mergeRmtab('b:/x:0x1\na:/x:0x1\n', 'a:/x:0x1\nB:/x:0x1\n')).toBe('B:/x:0x1\na:/x:0x1\nb:/x:0x1\n');
    expect(mergeRmtab('', '')).toBe('');
  });
});

describe('export cache content', () => {
  it('lists the integer fsids, including expired entries, not UUIDs', () => {
    expect([...cachedFsids(fixture('nfsd.export.content'))].sort()).toEqual(['1', '12', '2']);
    expect(cachedFsids('/a\t*(rw,fsid=10)\n').has('1')).toBe(false);
  });
});

describe('nfs.conf state-directory-path', () => {
  const dir = (...texts: string[]): string => exportStateDir(parseNfsConf(texts.map((text, i) => ({ path: `/etc/nfs.conf.d/${String(i)}.conf`, text }))));
  it('uses [mountd], else [exportd], else /var/lib/nfs; later files win; [exportfs] is ignored', () => {
    expect(dir()).toBe('/var/lib/nfs');
    expect(dir('[exportfs]\nstate-directory-path=/x\n')).toBe('/var/lib/nfs');
    expect(dir('[exportd]\nstate-directory-path=/e\n')).toBe('/e');
    expect(dir('[exportd]\nstate-directory-path=/e\n', '[MountD]\n  State-Directory-Path = "/m"  \n')).toBe('/m');
    expect(dir('[mountd]\nstate-directory-path=/a\n', '[mountd]\nstate-directory-path=/b\n')).toBe('/b');
    expect(dir('[mountd]\nstate-directory-path=/a\n', '[mountd]\nstate-directory-path=\n')).toBe('/a');
    expect(dir('[mountd]\n# state-directory-path=/c\nmanage-gids=y\n')).toBe('/var/lib/nfs');
  });
});
