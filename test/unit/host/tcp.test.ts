// The /proc/net/tcp{,6} parser on tables captured from real sockets (test/fixtures/proc-net).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAddress, ipv6Text, parseProcNetTcp, TCP_ESTABLISHED, tcpActivity } from '../../../lib/host/tcp.ts';

const FIX = join(import.meta.dirname, '../../fixtures/proc-net');
const tcp = readFileSync(join(FIX, 'tcp'), 'utf8');
const tcp6 = readFileSync(join(FIX, 'tcp6'), 'utf8');

const brief = (rows: ReturnType<typeof parseProcNetTcp>): string[] => rows.map((r) => `${r.local}:${String(r.localPort)} ${r.remote}:${String(r.remotePort)} ${r.state.toString(16).padStart(2, '0')}`);

describe('/proc/net/tcp (IPv4)', () => {
  it('decodes every row: listening, established from both sides, time-wait', () => {
    expect(brief(parseProcNetTcp(tcp))).toEqual([
      '192.168.77.200:2049 0.0.0.0:0 0a',
      '192.168.77.21:60473 192.168.77.200:2049 01',
      '192.168.77.22:42947 192.168.77.200:20048 01',
      '192.168.77.200:2049 192.168.77.21:60473 01',
      '192.168.77.200:2049 192.168.77.23:37113 06',
    ]);
  });

  it('with a state, only its rows', () => {
    expect(brief(parseProcNetTcp(tcp, TCP_ESTABLISHED))).toEqual([
      '192.168.77.21:60473 192.168.77.200:2049 01',
      '192.168.77.22:42947 192.168.77.200:20048 01',
      '192.168.77.200:2049 192.168.77.21:60473 01',
    ]);
  });
});

describe('/proc/net/tcp6', () => {
  it('decodes IPv6 rows and reports v4-mapped ends as IPv4', () => {
    expect(brief(parseProcNetTcp(tcp6))).toEqual([
      'fd00:77::200:2049 :::0 0a',
      ':::20048 :::0 0a',
      'fd00:77::200:2049 fd00:77::23:43631 06',
      'fd00:77::200:2049 fd00:77::21:52959 01',
      '192.168.77.200:20048 192.168.77.22:42947 01',
      'fd00:77::21:52959 fd00:77::200:2049 01',
    ]);
  });
});

describe('malformed input', () => {
  it('skips the header, short lines and bad fields', () => {
    const text = [
      '  sl  local_address rem_address   st',
      '   0: C84DA8C0:0801 154DA8C0:EC39 01 00000000:00000000',
      '   1: C84DA8C0:801 154DA8C0:EC39 01',
      '   2: C84DA8C0 154DA8C0:EC39 01',
      '   3: C84DA8C0:0801 154DA8:EC39 01',
      '   4: C84DA8C0:0801 154DA8C0:EC39 zz',
      '   x: C84DA8C0:0801 154DA8C0:EC39 01',
      '   5: C84DA8C0:0801',
      '',
    ].join('\n');
    expect(brief(parseProcNetTcp(text))).toEqual(['192.168.77.200:2049 192.168.77.21:60473 01']);
  });
});

describe('addresses', () => {
  it('IPv4 words are in host byte order', () => {
    expect(decodeAddress('0100007F')).toBe('127.0.0.1');
    expect(decodeAddress('00000000')).toBe('0.0.0.0');
    expect(decodeAddress('0100007')).toBeUndefined();
    expect(decodeAddress('0100007G')).toBeUndefined();
  });

  it('IPv6 text is RFC 5952 (what the URL parser prints)', () => {
    const cases: number[][] = [
      [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1],
      [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
      [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x16, 0x3e, 0xff, 0xfe, 0x12, 0x34, 0x56],
      [0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1],
      [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1],
      [0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0],
    ];
    for (const b of cases) {
      const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
      const viaUrl = new URL(`http://[${hex.match(/.{4}/g)?.join(':') ?? ''}]/`).hostname.slice(1, -1);
      expect(ipv6Text(b)).toBe(viaUrl);
    }
  });
});

describe('/proc/net/snmp', () => {
  it('the TCP activity fingerprint: ActiveOpens PassiveOpens CurrEstab', () => {
    const snmp = readFileSync(join(FIX, 'snmp'), 'utf8');
    const tcpLines = snmp.split('\n').filter((l) => l.startsWith('Tcp:'));
    const names = tcpLines[0]!.split(/\s+/);
    const values = tcpLines[1]!.split(/\s+/);
    const want = ['ActiveOpens', 'PassiveOpens', 'CurrEstab'].map((n) => values[names.indexOf(n)]).join(' ');
    expect(tcpActivity(snmp)).toBe(want);
    expect(want).toMatch(/^[0-9]+ [0-9]+ [0-9]+$/);
  });

  it('undefined when the Tcp lines are missing or odd', () => {
    expect(tcpActivity('')).toBeUndefined();
    expect(tcpActivity('Tcp: ActiveOpens PassiveOpens\nTcp: 1 2\n')).toBeUndefined();
    expect(tcpActivity('Tcp: ActiveOpens PassiveOpens CurrEstab\nTcp: 1 x 3\n')).toBeUndefined();
    expect(tcpActivity('Tcp: CurrEstab PassiveOpens ActiveOpens\nTcp: 3 2 1\n')).toBe('1 2 3');
  });
});
