import { describe, expect, it } from 'vitest';
import { chooseStatdDir, detectStatdDir, statdDirFromArgv, statdDirFromConf } from '../../../lib/host/statd-dir.ts';
import { parseNfsConf } from '../../../lib/host/nfsconf.ts';
import { ScriptedSystem } from '../../../lib/system/scripted.ts';

describe('statdDirFromArgv', () => {
  it.each([
    [['rpc.statd'], undefined],
    [['/usr/sbin/rpc.statd', '-P', '/srv/statd'], '/srv/statd'],
    [['rpc.statd', '-P/srv/statd/'], '/srv/statd'],
    [['rpc.statd', '-FLP', '/srv/x'], '/srv/x'],
    [['rpc.statd', '-FLP/srv/y'], '/srv/y'],
    [['rpc.statd', '--state-directory-path', '/a'], '/a'],
    [['rpc.statd', '--state-directory-path=/b'], '/b'],
    [['rpc.statd', '--state=/c'], '/c'],
    [['rpc.statd', '-P', '/a', '--state-directory-path', '/last'], '/last'],
    // The argument of another option is not an option.
    [['rpc.statd', '-n', '-P', '-p', '662'], undefined],
    [['rpc.statd', '-H', '/usr/lib/callout', '-p', '662'], undefined],
    [['rpc.statd', '--ha-callout', '-P'], undefined],
    [['rpc.statd', '--', '-P', '/x'], undefined],
    [['rpc.statd', '-P'], undefined],
  ])('%j → %s', (argv, want) => {
    expect(statdDirFromArgv(argv)).toBe(want);
  });
});

describe('chooseStatdDir', () => {
  it('prefers statd\'s command line, then nfs.conf, then the layout', () => {
    expect(chooseStatdDir({ argvDir: '/x', confDir: '/y', subdirHasSm: true })).toEqual({ dir: '/x', source: 'statd command line' });
    expect(chooseStatdDir({ confDir: '/y', subdirHasSm: true })).toEqual({ dir: '/y', source: 'nfs.conf' });
    expect(chooseStatdDir({ subdirHasSm: true })).toEqual({ dir: '/var/lib/nfs/statd', source: 'layout' });
    expect(chooseStatdDir({ subdirHasSm: false })).toEqual({ dir: '/var/lib/nfs', source: 'layout' });
  });

  it('ignores an empty configured value and strips trailing slashes', () => {
    expect(statdDirFromConf(parseNfsConf([{ path: 'f', text: '[statd]\nstate-directory-path=\n' }]))).toBeUndefined();
    expect(statdDirFromConf(parseNfsConf([{ path: 'f', text: '[statd]\nstate-directory-path=/srv/nfs/statd//\n' }]))).toBe('/srv/nfs/statd');
  });
});

describe('detectStatdDir', () => {
  it('Debian layout: no statd/sm, nothing configured → /var/lib/nfs', async () => {
    const sys = new ScriptedSystem().file('/var/lib/nfs/sm', '', 'dir').file('/etc/nfs.conf', '[statd]\n# state-directory-path=/var/lib/nfs/statd\n');
    expect(await detectStatdDir(sys)).toEqual({ dir: '/var/lib/nfs', source: 'layout' });
  });

  it('an empty /var/lib/nfs/statd (left by upstream nfsnotify) does not switch the layout', async () => {
    const sys = new ScriptedSystem().file('/var/lib/nfs/sm', '', 'dir').file('/var/lib/nfs/statd/nfsnotify.bu', '', 'dir');
    expect(await detectStatdDir(sys)).toEqual({ dir: '/var/lib/nfs', source: 'layout' });
  });

  it('Red Hat layout: /var/lib/nfs/statd/sm → /var/lib/nfs/statd', async () => {
    const sys = new ScriptedSystem().file('/var/lib/nfs/statd/sm', '', 'dir');
    expect(await detectStatdDir(sys)).toEqual({ dir: '/var/lib/nfs/statd', source: 'layout' });
  });

  it('nfs.conf drop-in wins over the layout', async () => {
    const sys = new ScriptedSystem()
      .file('/var/lib/nfs/statd/sm', '', 'dir')
      .file('/etc/nfs.conf.d', '', 'dir')
      .file('/etc/nfs.conf.d/ha.conf', '[statd]\nstate-directory-path = /srv/nfsinfo/statd\n');
    expect(await detectStatdDir(sys)).toEqual({ dir: '/srv/nfsinfo/statd', source: 'nfs.conf' });
  });

  it("the running statd's -P wins over nfs.conf", async () => {
    const sys = new ScriptedSystem().file('/etc/nfs.conf', '[statd]\nstate-directory-path=/conf\n');
    expect(await detectStatdDir(sys, { statdArgv: ['rpc.statd', '--no-notify', '-P', '/argv'] })).toEqual({ dir: '/argv', source: 'statd command line' });
    expect(await detectStatdDir(sys, { statdArgv: ['rpc.statd', '--no-notify'] })).toEqual({ dir: '/conf', source: 'nfs.conf' });
  });
});
