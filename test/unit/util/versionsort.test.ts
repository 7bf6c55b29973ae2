import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { versionCompare } from '../../../lib/util/versionsort.ts';
import { confDirOrder } from '../../../lib/host/nfsconf.ts';

// Pairs answered by glibc's strverscmp itself (test/fixtures/strverscmp.py regenerates them).
const rows = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/strverscmp.json'), 'utf8')) as [string, string, number][];

describe('versionCompare', () => {
  it("gives glibc's strverscmp answer on every captured pair", () => {
    const wrong = rows.filter(([a, b, r]) => versionCompare(a, b) !== r);
    expect(rows.length).toBeGreaterThan(3000);
    expect(wrong).toEqual([]);
  });

  it("orders the manual's example", () => {
    const want = ['000', '00', '01', '010', '09', '0', '1', '9', '10'];
    expect([...want].reverse().sort(versionCompare)).toEqual(want);
  });

  it('orders conf.d by version and by byte, not by locale', () => {
    expect(confDirOrder(['b.conf', 'B.conf', '10-x.conf', '9-x.conf', 'a.conf'])).toEqual(['9-x.conf', '10-x.conf', 'B.conf', 'a.conf', 'b.conf']);
  });
});
