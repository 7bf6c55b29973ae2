// The exit-code matrix), one row per situation, each action against a scripted machine.
import { describe, expect, it } from 'vitest';
import type { ExpectedCall } from '../../../lib/system/scripted.ts';
import { asMachine, FsMachine, runFs } from './fake.ts';

type Action = 'probe' | 'monitor' | 'start' | 'stop' | 'validate-all';

interface Row {
  readonly name: string;
  readonly params: Record<string, string>;
  readonly setup?: (m: FsMachine) => void;
  readonly expect: Readonly<Record<Action, number>>;
  // Expected external commands per action (default: none).
  readonly calls?: Partial<Record<Action, ExpectedCall[]>>;
  // Text the exit reason must contain, per action.
  readonly reason?: Partial<Record<Action, string>>;
}

const LOOP = '/dev/loop0';
const base = { device: LOOP, directory: '/mnt/a', fstype: 'ext4' };
const withLoop = (m: FsMachine): void => { m.blockDevice(LOOP); };
const mountCall = (dir: string, device = LOOP, fstype = 'ext4'): ExpectedCall => ({
  argv: ['mount', '-t', fstype, device, dir],
  effect: (s) => { asMachine(s).mount({ mountPoint: dir, source: device, fstype, majmin: '7:0' }); },
});
const flush: ExpectedCall = { argv: ['blockdev', '--flushbufs', LOOP] };

const ROWS: Row[] = [
  {
    name: 'device path absent',
    params: { ...base, device: '/dev/nonexistent' },
    expect: { probe: 7, monitor: 7, start: 5, stop: 0, 'validate-all': 0 },
    reason: { start: "Couldn't find device [/dev/nonexistent]. Expected /dev/??? to exist" },
  },
  {
    name: 'device empty',
    params: { ...base, device: '' },
    expect: { probe: 6, monitor: 6, start: 6, stop: 6, 'validate-all': 6 },
    reason: { stop: 'Please set OCF_RESKEY_device to the device to be managed' },
  },
  {
    name: 'UUID= of a device that is not here',
    params: { ...base, device: 'UUID=0000-dead' },
    expect: { probe: 7, monitor: 7, start: 5, stop: 0, 'validate-all': 0 },
    calls: Object.fromEntries((['probe', 'monitor', 'start', 'stop'] as const).map((a) => [a, [{ argv: ['blkid', '-l', '-o', 'device', '-t', 'UUID=0000-dead'], exitCode: 2 }]])),
    reason: { start: "Couldn't find device [UUID=0000-dead]" },
  },
  {
    name: 'directory absent, parents too',
    params: { ...base, directory: '/srv/new/deep/dir' },
    setup: withLoop,
    expect: { probe: 7, monitor: 7, start: 0, stop: 0, 'validate-all': 0 },
    calls: { start: [flush, mountCall('/srv/new/deep/dir')] },
  },
  {
    name: 'directory empty, block device',
    params: { ...base, directory: '' },
    setup: withLoop,
    expect: { probe: 7, monitor: 7, start: 6, stop: 0, 'validate-all': 0 },
    reason: { start: 'Please specify the directory' },
  },
  {
    name: 'directory empty, nfs',
    params: { device: 'srv:/export', directory: '', fstype: 'nfs' },
    expect: { probe: 6, monitor: 6, start: 6, stop: 6, 'validate-all': 6 },
  },
  {
    name: 'directory is a regular file',
    params: { ...base, directory: '/srv/file' },
    setup: (m) => { withLoop(m); m.file('/srv/file', 'x'); },
    expect: { probe: 7, monitor: 7, start: 5, stop: 0, 'validate-all': 0 },
    reason: { start: "Couldn't find directory  [/srv/file] to use as a mount point" },
  },
  {
    name: 'directory is /',
    params: { ...base, directory: '/' },
    setup: withLoop,
    expect: { probe: 7, monitor: 6, start: 6, stop: 0, 'validate-all': 6 },
    reason: { start: '/ cannot be managed in a cluster', monitor: '/ cannot be managed in a cluster' },
  },
  {
    name: 'directory is //',
    params: { ...base, directory: '//' },
    setup: withLoop,
    expect: { probe: 7, monitor: 6, start: 6, stop: 0, 'validate-all': 6 },
  },
  {
    name: 'directory is a symlink to /',
    params: { ...base, directory: '/srv/rootlink' },
    setup: (m) => { withLoop(m); m.link('/srv/rootlink', '/'); },
    expect: { probe: 7, monitor: 6, start: 6, stop: 0, 'validate-all': 6 },
  },
  {
    name: 'whitespace-padded device',
    params: { ...base, device: ` ${LOOP}` },
    setup: withLoop,
    expect: { probe: 6, monitor: 6, start: 6, stop: 0, 'validate-all': 6 },
    reason: { start: 'device parameter does not accept leading or trailing whitespace characters' },
  },
  {
    name: 'whitespace-padded directory',
    params: { ...base, directory: '/mnt/a ' },
    setup: withLoop,
    expect: { probe: 6, monitor: 6, start: 6, stop: 0, 'validate-all': 6 },
    reason: { monitor: 'directory parameter does not accept leading or trailing whitespace characters' },
  },
  {
    name: 'fstype not in the kernel and no module',
    params: { ...base, fstype: 'hostrigfs' },
    setup: withLoop,
    expect: { probe: 7, monitor: 7, start: 5, stop: 0, 'validate-all': 0 },
    calls: { start: [{ argv: ['modprobe', 'hostrigfs'], exitCode: 1, stderr: 'modprobe: FATAL: Module hostrigfs not found\n' }] },
    reason: { start: "Couldn't find filesystem hostrigfs in /proc/filesystems and failed to load kernel module" },
  },
  {
    name: 'fstype wrong for the device',
    params: { ...base, fstype: 'xfs' },
    setup: withLoop,
    expect: { probe: 7, monitor: 7, start: 1, stop: 0, 'validate-all': 0 },
    calls: { start: [flush, { argv: ['mount', '-t', 'xfs', LOOP, '/mnt/a'], exitCode: 32, stderr: 'mount: /mnt/a: wrong fs type, bad option, bad superblock on /dev/loop0.\n' }] },
    reason: { start: "Couldn't mount device [/dev/loop0] as /mnt/a" },
  },
  {
    name: 'another device already mounted on the directory',
    params: base,
    setup: (m) => { withLoop(m); m.blockDevice('/dev/loop9', 0x709); m.mount({ mountPoint: '/mnt/a', source: '/dev/loop9', fstype: 'ext4', majmin: '7:9' }); },
    expect: { probe: 7, monitor: 1, start: 6, stop: 0, 'validate-all': 0 },
    reason: { monitor: 'Another device (/dev/loop9) is already mounted on /mnt/a', start: 'Another device (/dev/loop9) is already mounted on /mnt/a' },
  },
  {
    name: 'required binaries missing (resource stopped)',
    params: base,
    setup: (m) => { withLoop(m); m.programs.clear(); },
    expect: { probe: 7, monitor: 5, start: 5, stop: 0, 'validate-all': 5 },
    reason: { start: "Setup problem: couldn't find command: mount" },
  },
];

const ACTIONS: Action[] = ['probe', 'monitor', 'start', 'stop', 'validate-all'];

describe.each(ROWS)('exit-code matrix: $name', (row) => {
  it.each(ACTIONS)('%s', async (action) => {
    const m = new FsMachine([], row.calls?.[action] ?? []);
    row.setup?.(m);
    const env: Record<string, string> = action === 'monitor' ? { OCF_RESKEY_CRM_meta_interval: '20000' } : {};
    const r = await runFs(m, action === 'probe' ? 'monitor' : action, row.params, env);
    expect(r.code, r.stderr).toBe(row.expect[action]);
    m.done();
    const reason = row.reason?.[action];
    if (reason !== undefined) expect(r.stderr).toContain(`ocf-exit-reason:${reason}`);
    if (r.code === 0 || r.code === 7) expect(r.stderr).not.toContain('ocf-exit-reason:');
  });
});

describe('matrix side effects', () => {
  it('stop of / touches nothing', async () => {
    const m = new FsMachine();
    withLoop(m);
    const r = await runFs(m, 'stop', { ...base, directory: '/' });
    expect(r.code).toBe(0);
    expect(m.calls).toEqual([]);
    expect(m.isMounted('/')).toBe(true);
  });

  it('stop leaves a foreign device mounted', async () => {
    const m = new FsMachine();
    withLoop(m);
    m.blockDevice('/dev/loop9', 0x709);
    m.mount({ mountPoint: '/mnt/a', source: '/dev/loop9', fstype: 'ext4', majmin: '7:9' });
    expect((await runFs(m, 'stop', base)).code).toBe(0);
    expect(m.calls).toEqual([]);
    expect(m.isMounted('/mnt/a')).toBe(true);
  });

  it('warns about a missing device on a recurring monitor, not on a probe', async () => {
    const params = { ...base, device: '/dev/nonexistent' };
    const probe = await runFs(new FsMachine(), 'monitor', params);
    expect(probe.stderr).toBe('');
    const mon = await runFs(new FsMachine(), 'monitor', params, { OCF_RESKEY_CRM_meta_interval: '1000' });
    expect(mon.stderr).toContain("WARNING: Couldn't find device [/dev/nonexistent]. Expected /dev/??? to exist");
  });

  it('passes mount errors through and creates missing mount points', async () => {
    const m = new FsMachine([], [flush, mountCall('/srv/new/deep/dir')]);
    withLoop(m);
    expect((await runFs(m, 'start', { ...base, directory: '/srv/new/deep/dir' })).code).toBe(0);
    expect((await m.stat('/srv/new/deep/dir'))?.isDirectory).toBe(true);
    const bad = new FsMachine([], ROWS.find((r) => r.name === 'fstype wrong for the device')?.calls?.start ?? []);
    withLoop(bad);
    const r = await runFs(bad, 'start', { ...base, fstype: 'xfs' });
    expect(r.stderr).toContain('wrong fs type, bad option');
  });
});
