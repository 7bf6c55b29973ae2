import { describe, expect, it } from 'vitest';
import { backupDir, isPrivateDir, parseNotifyArgs, parseSourceHosts, planNotification, privateDir, smNotifyArgv, sourceHostProblem, stateDir } from '../../../lib/nfsnotify/settings.ts';

describe('source_host', () => {
  it.each([
    ['', []],
    ['192.168.122.200', ['192.168.122.200']],
    ['192.168.122.200,nfshost', ['192.168.122.200', 'nfshost']],
    [' a , b,,c  d ', ['a', 'b', 'c', 'd']],
    ['fd00::200,nfshost.example.com.', ['fd00::200', 'nfshost.example.com.']],
  ])('%j splits into %j', (value, hosts) => {
    expect(parseSourceHosts(value)).toEqual(hosts);
  });

  it.each(['192.168.122.200', 'fd00::1', 'nfshost', 'nfs-host.example.com', 'n_1.local', 'a.b.'])('%s is acceptable', (h) => {
    expect(sourceHostProblem(h)).toBeUndefined();
  });

  it.each(['../etc', 'a/b', '$(reboot)', '-v', 'host;rm', '.lead', 'a..b', 'x'.repeat(64)])('%s is refused', (h) => {
    expect(sourceHostProblem(h)).toMatch(/neither an IP address nor a host name/);
  });
});

describe('notify_args', () => {
  it.each([
    ['', []],
    ['-d', ['-d']],
    ['-m 5 -d', ['-m', '5', '-d']],
    ['-m5', ['-m5']],
    ['-dn -p 4000', ['-dn', '-p', '4000']],
    ['-dm 1', ['-dm', '1']],
    ['  -f  ', ['-f']],
  ])('%j is split into %j and accepted', (value, args) => {
    expect(parseNotifyArgs(value)).toEqual({ args });
  });

  it.each([
    ['false', /'false' is not an sm-notify option/],
    ['-x', /no option -x/],
    ['-m', /-m needs a value/],
    ['-d -p', /-p needs a value/],
    ['--debug', /'--debug' is not an sm-notify option/],
    ['-d extra', /'extra' is not/],
  ])('%j is refused', (value, why) => {
    expect(parseNotifyArgs(value).problem).toMatch(why);
  });
});

describe('sm-notify command line', () => {
  const bin = '/usr/sbin/sm-notify';
  it('no source host: the node name, real directory', () => {
    expect(smNotifyArgv(bin, [], { host: undefined, dir: '/var/lib/nfs', keepState: false })).toEqual([bin, '-f', '-P', '/var/lib/nfs']);
  });
  it('one source host, notify_args before our options', () => {
    expect(smNotifyArgv(bin, ['-m', '5'], { host: '192.168.122.200', dir: '/var/lib/nfs', keepState: false })).toEqual([bin, '-f', '-m', '5', '-v', '192.168.122.200', '-P', '/var/lib/nfs']);
  });
  it('re-notification keeps the state number (-n)', () => {
    expect(smNotifyArgv(bin, [], { host: 'nfshost', dir: '/d', keepState: true })).toEqual([bin, '-f', '-n', '-v', 'nfshost', '-P', '/d']);
  });
});

describe('planNotification', () => {
  const base = { statdDir: '/var/lib/nfs', instance: 'notify1' };

  it('fresh, no source host: the real directory, state increased', () => {
    expect(planNotification({ ...base, hosts: [], renotify: false })).toEqual([{ host: undefined, dir: '/var/lib/nfs', keepState: false, source: 'real' }]);
  });

  it('fresh, two source hosts: the first consumes the real list, the second gets a private copy', () => {
    expect(planNotification({ ...base, hosts: ['192.168.122.200', 'nfshost'], renotify: false })).toEqual([
      { host: '192.168.122.200', dir: '/var/lib/nfs', keepState: false, source: 'real' },
      { host: 'nfshost', dir: '/var/lib/nfs/nfsnotify_notify1_nfshost', keepState: false, source: 'copy' },
    ]);
  });

  it('re-notification never hands the real directory to sm-notify', () => {
    const plan = planNotification({ ...base, hosts: ['192.168.122.200', 'nfshost'], renotify: true });
    expect(plan.map((s) => s.dir)).toEqual(['/var/lib/nfs/nfsnotify_notify1_192.168.122.200', '/var/lib/nfs/nfsnotify_notify1_nfshost']);
    expect(plan.every((s) => s.source === 'copy' && s.keepState)).toBe(true);
    expect(planNotification({ ...base, hosts: [], renotify: true })).toEqual([{ host: undefined, dir: '/var/lib/nfs/nfsnotify_notify1.renotify', keepState: true, source: 'copy' }]);
  });
});

describe('directory names', () => {
  it('are per instance, in the statd directory and in HA_RSCTMP', () => {
    expect(backupDir('/var/lib/nfs/statd', 'n1')).toBe('/var/lib/nfs/statd/nfsnotify_n1.bu');
    expect(privateDir('/var/lib/nfs', 'n1', 'fd00::1')).toBe('/var/lib/nfs/nfsnotify_n1_fd00::1');
    expect(stateDir('/run/resource-agents', 'n1:0')).toBe('/run/resource-agents/nfsnotify_n1:0');
    expect(stateDir('/run/resource-agents', 'a/b')).toBe('/run/resource-agents/nfsnotify_a_b');
  });

  it('recognise only this instance\'s private copies', () => {
    expect(isPrivateDir('/var/lib/nfs', 'n1', '/var/lib/nfs/nfsnotify_n1_nfshost')).toBe(true);
    expect(isPrivateDir('/var/lib/nfs', 'n1', '/var/lib/nfs/nfsnotify_n1.renotify')).toBe(true);
    expect(isPrivateDir('/var/lib/nfs', 'n1', '/var/lib/nfs/nfsnotify_n1.bu')).toBe(false);
    expect(isPrivateDir('/var/lib/nfs', 'n1', '/var/lib/nfs/nfsnotify_n1_')).toBe(false);
    expect(isPrivateDir('/var/lib/nfs', 'n1', '/var/lib/nfs/nfsnotify_n2_x')).toBe(false);
    expect(isPrivateDir('/var/lib/nfs', 'n1', '/var/lib/nfs/sm')).toBe(false);
    expect(isPrivateDir('/var/lib/nfs', 'n1', '/var/lib/nfs')).toBe(false);
  });
});
