import { describe, expect, it } from 'vitest';
import { parseProcStat, splitNul } from '../../../lib/host/procs.ts';
import { bindAddressFor, canonicalAddress, checkSourceHost, isLocal, parseGetentAhosts, parseGetentHosts } from '../../../lib/nfsnotify/resolve.ts';
import { ScriptedSystem } from '../../../lib/system/scripted.ts';
import { OcfError } from '../../../lib/ocf/codes.ts';

describe('/proc/<pid>/stat', () => {
  it('reads pid, comm, state and start time', () => {
    const text = '22 (rpc.statd) S 1 22 22 0 -1 4194624 179 0 0 0 0 0 0 0 20 0 1 0 113560 4554752 316 18446744073709551615 1 1 0 0 0 0 0 4096 1 0 0 0 17 0 0 0 0 0 0\n';
    expect(parseProcStat(text)).toEqual({ pid: 22, comm: 'rpc.statd', state: 'S', startTime: '113560' });
  });

  it('takes comm up to the last ")" (a name may hold spaces and parentheses)', () => {
    const text = '7 (a) b (c) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0';
    expect(parseProcStat(text)).toEqual({ pid: 7, comm: 'a) b (c', state: 'Z', startTime: '99' });
  });

  it('refuses what is not a stat line', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('1 (x) S 1')).toBeUndefined();
  });

  it('splits NUL-separated cmdline and environ', () => {
    expect(splitNul('rpc.statd\0-P\0/srv\0')).toEqual(['rpc.statd', '-P', '/srv']);
    expect(splitNul('')).toEqual([]);
  });
});

describe('addresses', () => {
  it('compares addresses in canonical form', () => {
    expect(canonicalAddress('FD00:0:0::0001')).toBe('fd00::1');
    expect(canonicalAddress('::ffff:192.168.122.200')).toBe('192.168.122.200');
    expect(canonicalAddress('fe80::1%eth0')).toBe('fe80::1');
    expect(isLocal('fd00::1', ['127.0.0.1', 'fd00:0::1'])).toBe(true);
    expect(isLocal('192.168.122.201', ['192.168.122.200'])).toBe(false);
  });

  it('parses getent output', () => {
    expect(parseGetentHosts('192.168.122.200  nfshost.hostrig.test nfshost\n')).toBe('nfshost.hostrig.test');
    expect(parseGetentHosts('')).toBeUndefined();
    expect(parseGetentAhosts('fd00::200       STREAM nfshost\nfd00::200       DGRAM  \n192.168.122.200 STREAM \n')).toEqual(['fd00::200', '192.168.122.200']);
  });

  it('picks the address sm-notify binds for a name', () => {
    expect(bindAddressFor(['192.168.122.200', 'fd00::200'], true)).toBe('fd00::200');
    expect(bindAddressFor(['192.168.122.200', 'fd00::200'], false)).toBe('192.168.122.200');
    expect(bindAddressFor(['192.168.122.200'], true)).toBe('192.168.122.200');
    expect(bindAddressFor([], true)).toBeUndefined();
  });
});

describe('checkSourceHost', () => {
  const sys = () => {
    const s = new ScriptedSystem();
    s.addresses = ['127.0.0.1', '::1', '192.168.122.11', '192.168.122.200'];
    return s;
  };
  const reason = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
    } catch (e) {
      if (e instanceof OcfError) return `${String(e.code)} ${e.message}`;
      throw e;
    }
    return 'no error';
  };

  it('a local address that reverse-resolves: its name becomes the mon_name', async () => {
    const s = sys().expect({ argv: ['getent', 'hosts', '192.168.122.200'], stdout: '192.168.122.200 nfshost.hostrig.test nfshost\n' });
    expect(await checkSourceHost(s, '192.168.122.200')).toEqual({ host: '192.168.122.200', monName: 'nfshost.hostrig.test', address: '192.168.122.200' });
    s.done();
  });

  it('an address not configured here is refused without a look-up', async () => {
    expect(await reason(checkSourceHost(sys(), '192.168.122.201'))).toBe('1 source_host 192.168.122.201 is not configured on this node (start nfsnotify after the floating IP)');
  });

  it('a local address without a name is refused (sm-notify would exit 1)', async () => {
    const s = sys().expect({ argv: ['getent', 'hosts', '192.168.122.11'], exitCode: 2 });
    expect(await reason(checkSourceHost(s, '192.168.122.11'))).toMatch(/^1 source_host 192.168.122.11 does not reverse-resolve/);
  });

  it('a name is used as it is when it resolves to a local address', async () => {
    const s = sys().expect({ argv: ['getent', 'ahosts', 'nfshost'], stdout: '192.168.122.200 STREAM nfshost.hostrig.test\n192.168.122.200 DGRAM\n' });
    expect(await checkSourceHost(s, 'nfshost')).toEqual({ host: 'nfshost', monName: 'nfshost', address: '192.168.122.200' });
  });

  it('a name of another machine is refused (sm-notify would fail in the background)', async () => {
    const s = sys().expect({ argv: ['getent', 'ahosts', 'nfsclient'], stdout: '192.168.122.21 STREAM nfsclient\n' });
    expect(await reason(checkSourceHost(s, 'nfsclient'))).toBe('1 source_host nfsclient resolves to 192.168.122.21, which is not configured on this node (start nfsnotify after the floating IP)');
  });

  it('a name that does not resolve is refused', async () => {
    const s = sys().expect({ argv: ['getent', 'ahosts', 'nohost'], exitCode: 2 });
    expect(await reason(checkSourceHost(s, 'nohost'))).toBe('1 source_host nohost does not resolve');
  });

  it('a look-up that hangs is cut and reported', async () => {
    const s = sys().expect({ argv: ['getent', 'ahosts', 'slow'], timedOut: true });
    expect(await reason(checkSourceHost(s, 'slow'))).toBe('1 source_host slow does not resolve: the look-up timed out');
  });

  it('no getent: not installed', async () => {
    const s = sys().expect({ argv: ['getent', 'hosts', '192.168.122.200'], notFound: true });
    expect(await reason(checkSourceHost(s, '192.168.122.200'))).toMatch(/^5 Setup problem: couldn't find command: getent/);
  });
});
