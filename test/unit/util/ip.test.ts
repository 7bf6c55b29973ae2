import { isIP as netIsIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isIP } from '../../../lib/util/ip.ts';

// lib/util/ip.ts must answer exactly as node:net does (it exists only to avoid loading node:net).
const TABLE = [
  '0.0.0.0', '127.0.0.1', '192.168.122.200', '255.255.255.255', '256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.04',
  '1.2.3.4 ', ' 1.2.3.4', '1..2.3', '0x7f.0.0.1', '127.1', '1.2.3.-4', '+1.2.3.4', '1.2.3.4/24', '',
  '::', '::1', '1::', 'fe80::1', 'fe80::1%eth0', 'fe80::1%2', 'fe80::1%', 'fe80::1%eth0%1', '2001:db8::ff00:42:8329',
  '2001:0db8:0000:0000:0000:ff00:0042:8329', '2001:db8::g', '2001:db8:::1', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7', '::ffff:10.0.0.1', '::ffff:10.0.0.01', '::ffff:256.0.0.1', '::10.0.0.1', '1::2::3', ':1', '1:',
  '[::1]', 'FE80::ABCD', '12345::1', '::ffff:1.2.3', 'nfsvip.lab.test', 'localhost', '*', 'a:b', '1.2.3.4%eth0',
  '::ffff:1.2.3.4%eth0', 'fe80::1%en0.5', 'fe80::1%a b',
];

describe('isIP', () => {
  it.each(TABLE)('%j as node:net says', (text) => {
    expect(isIP(text)).toBe(netIsIP(text));
  });

  it('agrees with node:net on random strings of address characters', () => {
    const chars = '0123456789abcdefABCDEF::..%gxn- ';
    let seed = 42;
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    // One assertion over all disagreements: 100000 expect() calls took longer than the test
    // timeout on a loaded machine.
    const disagree: [string, number, number][] = [];
    for (let i = 0; i < 100000; i++) {
      let s = '';
      const len = 1 + rnd(24);
      for (let j = 0; j < len; j++) s += chars.charAt(rnd(chars.length));
      const ours = isIP(s);
      const theirs = netIsIP(s);
      if (ours !== theirs) disagree.push([s, ours, theirs]);
    }
    expect(disagree).toEqual([]);
  });
});
