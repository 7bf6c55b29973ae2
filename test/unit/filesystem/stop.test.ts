// stop against a modelled kernel: umount fails while a process holds the mount, processes
// exit on the signals they do not ignore, the clock is virtual (sleeps cost nothing real).
import { describe, expect, it } from 'vitest';
import { unmountList } from '../../../lib/filesystem/actions.ts';
import { MIN_ROUND_MS } from '../../../lib/filesystem/unmount.ts';
import { readMounts } from '../../../lib/host/mounts.ts';
import { asMachine, FsMachine, runFs } from './fake.ts';

const LOOP = '/dev/loop0';
const base = { device: LOOP, directory: '/mnt/a', fstype: 'ext4' };

function machine(): FsMachine {
  const m = new FsMachine([{ mountPoint: '/mnt/a', source: LOOP, fstype: 'ext4', majmin: '7:0' }]);
  m.blockDevice(LOOP).dir('/mnt/a');
  m.file('/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\n');
  m.modelUmount = true;
  return m;
}

async function stop(m: FsMachine, params: Record<string, string> = {}, env: Record<string, string> = {}) {
  const t0 = m.now();
  const r = await runFs(m, 'stop', { ...base, ...params }, env);
  return { ...r, elapsed: m.now() - t0 };
}

const signals = (m: FsMachine, pid: number): (string | number)[] => m.killed.filter((k) => k.pid === pid).map((k) => k.signal);

describe('stop', () => {
  it('unmounts an idle filesystem with one umount, then flushes the device', async () => {
    const m = machine();
    m.expect({ argv: ['blockdev', '--flushbufs', LOOP] });
    const r = await stop(m);
    expect(r.code).toBe(0);
    expect(m.umounts()).toEqual([['umount', '/mnt/a']]);
    m.done();
    expect(r.stderr).toContain('unmounted /mnt/a successfully');
  });

  it('is idempotent: stopping a stopped resource does nothing', async () => {
    const m = machine();
    m.unmount('/mnt/a');
    const r = await stop(m);
    expect(r.code).toBe(0);
    expect(m.calls).toEqual([]);
  });

  it('sends TERM to holders (cwd, open file, mapping) and unmounts as soon as they exit', async () => {
    const m = machine()
      .proc({ pid: 100, cwd: '/mnt/a', name: 'sleep' })
      .proc({ pid: 101, cwd: '/', fds: ['/mnt/a/log'] })
      .proc({ pid: 102, cwd: '/', maps: ['/mnt/a/lib.so'] });
    m.expect({ argv: ['blockdev', '--flushbufs', LOOP] });
    const r = await stop(m);
    expect(r.code).toBe(0);
    for (const pid of [100, 101, 102]) expect(signals(m, pid)).toEqual([15]);
    expect(m.isMounted('/mnt/a')).toBe(false);
    expect(r.elapsed).toBeLessThan(500);
    expect(r.stderr).toContain('sending signal TERM to: root 100 1 sleep arg');
  });

  it('never signals a process that only uses the parent filesystem or a prefix sibling', async () => {
    const m = machine()
      .proc({ pid: 100, cwd: '/mnt/a' })
      .proc({ pid: 200, cwd: '/mnt' })
      .proc({ pid: 201, cwd: '/mnt/ab' });
    m.mount({ mountPoint: '/mnt/ab', source: 'tmpfs', fstype: 'tmpfs' });
    for (const [i, force] of ['true', 'safe'].entries()) {
      if (i > 0) m.mount({ mountPoint: '/mnt/a', source: LOOP, fstype: 'ext4', majmin: '7:0' });
      m.expect({ argv: ['blockdev', '--flushbufs', LOOP] });
      expect((await stop(m, { force_unmount: force })).code).toBe(0);
      expect(signals(m, 200)).toEqual([]);
      expect(signals(m, 201)).toEqual([]);
      expect(m.isMounted('/mnt/ab')).toBe(true);
      m.done();
    }
  });

  it('goes on to KILL after half of the budget when TERM is ignored, and ends within the timeout', async () => {
    const m = machine().proc({ pid: 100, cwd: '/mnt/a', ignores: [15] });
    m.expect({ argv: ['blockdev', '--flushbufs', LOOP] });
    const r = await stop(m, {}, { OCF_RESKEY_CRM_meta_timeout: '6000' });
    expect(r.code).toBe(0);
    const sent = signals(m, 100);
    expect(sent.at(-1)).toBe(9);
    expect(sent.filter((s) => s === 15).length).toBeGreaterThanOrEqual(2);
    expect(sent.filter((s) => s === 9)).toHaveLength(1);
    // TERM rounds for half of (6000 - reserve), then KILL at once.
    expect(r.elapsed).toBeGreaterThanOrEqual(2700);
    expect(r.elapsed).toBeLessThan(6000);
  });

  it('with fast_stop the whole stop gets 6 s, whatever the operation timeout', async () => {
    const m = machine().proc({ pid: 100, cwd: '/mnt/a', ignores: [15, 9] });
    const r = await stop(m, { fast_stop: 'yes' }, { OCF_RESKEY_CRM_meta_timeout: '60000' });
    expect(r.code).toBe(1);
    // The budget ends at 6 s; only the umount attempt already under way may finish after it.
    expect(r.elapsed).toBeLessThanOrEqual(6100);
    expect(r.elapsed).toBeGreaterThanOrEqual(5900);
  });

  it('with force_unmount=false signals nobody, retries at signal_delay pace and fails within the timeout', async () => {
    const m = machine().proc({ pid: 100, cwd: '/mnt/a' });
    // The budget is spent when the unmounts give up: no command is started after it, so no
    // final flush either.
    const r = await stop(m, { force_unmount: 'false' }, { OCF_RESKEY_CRM_meta_timeout: '4000' });
    expect(r.code).toBe(1);
    expect(m.killed).toEqual([]);
    expect(m.isMounted('/mnt/a')).toBe(true);
    expect(r.stderr).toContain("ocf-exit-reason:Couldn't unmount /mnt/a, giving up!");
    expect(r.stderr).toContain("No processes on /mnt/a were signalled. force_unmount is set to 'false'");
    // No busy loop: one attempt per signal_delay (1 s) at most, and the message once per phase.
    expect(m.umounts().length).toBeLessThanOrEqual(6);
    expect(r.stderr.match(/No processes on/g)?.length).toBeLessThanOrEqual(2);
    expect(r.elapsed).toBeLessThanOrEqual(4000);
  });

  it('never spins when signal_delay is 0 and nothing can be signalled', async () => {
    const m = machine();
    m.stuck.add('/mnt/a');
    // The budget is spent when the unmounts give up: no command is started after it, so no
    // final flush either.
    const r = await stop(m, { signal_delay: '0' }, { OCF_RESKEY_CRM_meta_timeout: '3000' });
    expect(r.code).toBe(1);
    expect(m.umounts().length).toBeLessThanOrEqual(Math.ceil(3000 / MIN_ROUND_MS) + 2);
  });

  it('names a loop device whose backing file is on the filesystem, never detaches it, and fails within the timeout', async () => {
    for (const timeout of ['20000', '120000']) {
      const m = machine();
      m.stuck.add('/mnt/a');
      m.file('/sys/block/loop7/loop/backing_file', '/mnt/a/.holder.img\n');
      // Other loop devices: one backed by a file on the parent filesystem, one without a file.
      m.file('/sys/block/loop8/loop/backing_file', '/srv/images/other.img\n');
      m.dir('/sys/block/loop9');
      m.dir('/sys/block/vda');
      const r = await stop(m, {}, { OCF_RESKEY_CRM_meta_timeout: timeout });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("ocf-exit-reason:Couldn't unmount /mnt/a, held by loop device /dev/loop7 (backing file /mnt/a/.holder.img)\n");
      expect(r.stderr.match(/ocf-exit-reason:/g)).toHaveLength(1);
      // Once in the log (the exit reason says "held by").
      expect(r.stderr.match(/is held by loop device/g)).toHaveLength(1);
      expect(r.stderr).not.toContain('loop8');
      expect(m.killed).toEqual([]);
      expect(m.calls.filter((c) => c.argv[0] !== 'umount')).toEqual([]);
      expect(m.isMounted('/mnt/a')).toBe(true);
      // Before Pacemaker's timeout, with the reserve left for the exit.
      expect(r.elapsed).toBeLessThanOrEqual(Number(timeout) - 2000);
    }
  });

  it('finds the loop device by the filesystem, through another mount of it', async () => {
    const m = machine();
    m.stuck.add('/mnt/a');
    m.mount({ mountPoint: '/srv/again', source: LOOP, fstype: 'ext4', majmin: '7:0' });
    m.stuck.add('/srv/again');
    m.file('/sys/block/loop3/loop/backing_file', '/srv/again/img (deleted)\n');
    const r = await stop(m, {}, { OCF_RESKEY_CRM_meta_timeout: '4000' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ocf-exit-reason:Couldn't unmount /mnt/a, held by loop device /dev/loop3 (backing file /srv/again/img)\n");
  });

  it('says nothing of loop devices when none holds the filesystem', async () => {
    const m = machine();
    m.stuck.add('/mnt/a');
    m.file('/sys/block/loop8/loop/backing_file', '/srv/images/other.img\n');
    const r = await stop(m, {}, { OCF_RESKEY_CRM_meta_timeout: '4000' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ocf-exit-reason:Couldn't unmount /mnt/a, giving up!\n");
    expect(r.stderr).not.toContain('loop device');
  });

  it('ends within its budget even when the scan of /proc never answers', async () => {
    class Hung extends FsMachine {
      override async readdir(path: string): Promise<string[]> {
        if (path === '/proc') return new Promise<string[]>(() => undefined);
        return super.readdir(path);
      }
    }
    const m = new Hung([{ mountPoint: '/mnt/a', source: LOOP, fstype: 'ext4', majmin: '7:0' }]);
    m.blockDevice(LOOP).dir('/mnt/a');
    m.modelUmount = true;
    m.stuck.add('/mnt/a');
    // A short budget: the abandoned scans wait in real time, the rest of the stop in virtual time.
    const r = await stop(m, {}, { OCF_RESKEY_CRM_meta_timeout: '1000' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ocf-exit-reason:Couldn't unmount /mnt/a, giving up!");
  });

  it('uses umount -f for network filesystems in the forceful phase only', async () => {
    const m = new FsMachine([{ mountPoint: '/mnt/n', source: 'srv:/e', fstype: 'nfs4' }]);
    m.dir('/mnt/n');
    m.modelUmount = true;
    m.stuck.add('/mnt/n');
    const r = await runFs(m, 'stop', { device: 'srv:/e', directory: '/mnt/n', fstype: 'nfs4' }, { OCF_RESKEY_CRM_meta_timeout: '4000' });
    expect(r.code).toBe(1);
    const forced = m.umounts().map((a) => a.includes('-f'));
    const firstForced = forced.indexOf(true);
    expect(firstForced).toBeGreaterThan(1);
    expect(forced.slice(0, firstForced).every((f) => !f)).toBe(true);
    expect(forced.slice(firstForced).every((f) => f)).toBe(true);
  });

  it('sends each of term_signals, then kill_signals', async () => {
    const m = machine().proc({ pid: 100, cwd: '/mnt/a', ignores: [1, 15, 10] });
    m.expect({ argv: ['blockdev', '--flushbufs', LOOP] });
    const r = await stop(m, { term_signals: 'HUP TERM', kill_signals: 'USR1 KILL', signal_delay: '0.5' }, { OCF_RESKEY_CRM_meta_timeout: '4000' });
    expect(r.code).toBe(0);
    const sent = signals(m, 100);
    expect(sent.slice(0, 2)).toEqual([1, 15]);
    expect(sent.slice(-2)).toEqual([10, 9]);
  });

  it('reports signals per process or in one line (xargs), with or without ps lines', async () => {
    const nops = machine().proc({ pid: 100, cwd: '/mnt/a' });
    nops.expect({ argv: ['blockdev', '--flushbufs', LOOP] });
    expect((await stop(nops, { force_unmount: 'true,nops' })).stderr).toContain('sending signal TERM to 100');
    const xargs = machine().proc({ pid: 100, cwd: '/mnt/a' }).proc({ pid: 101, cwd: '/mnt/a/x' });
    xargs.expect({ argv: ['blockdev', '--flushbufs', LOOP] });
    expect((await stop(xargs, { force_unmount: 'xargs,nops' })).stderr).toContain('sent signal TERM to 2 processes [100 101]');
  });

  it('unmounts submounts deepest first, then other mounts of the device, then the directory', async () => {
    const m = machine();
    m.mount({ mountPoint: '/mnt/a/b', source: 'tmpfs', fstype: 'tmpfs' });
    m.mount({ mountPoint: '/mnt/a/b/c', source: 'tmpfs', fstype: 'tmpfs' });
    m.mount({ mountPoint: '/srv/other', source: LOOP, fstype: 'ext4', majmin: '7:0', root: '/x' });
    m.mount({ mountPoint: '/mnt/ab', source: 'tmpfs', fstype: 'tmpfs' });
    m.expect({ argv: ['blockdev', '--flushbufs', LOOP] });
    expect((await stop(m)).code).toBe(0);
    expect(m.umounts()).toEqual([['umount', '/mnt/a/b/c'], ['umount', '/mnt/a/b'], ['umount', '/srv/other'], ['umount', '/mnt/a']]);
    expect(m.isMounted('/mnt/ab')).toBe(true);
  });

  it('gives all busy submounts one budget, not one each', async () => {
    const m = machine();
    for (const s of ['/mnt/a/b', '/mnt/a/c', '/mnt/a/d']) {
      m.mount({ mountPoint: s, source: 'tmpfs', fstype: 'tmpfs' });
      m.stuck.add(s);
    }
    // The budget is spent when the unmounts give up: no command is started after it, so no
    // final flush either.
    const r = await stop(m, {}, { OCF_RESKEY_CRM_meta_timeout: '5000' });
    expect(r.code).toBe(1);
    expect(r.elapsed).toBeLessThanOrEqual(5000);
  });

  it('for a bind resource: leaves the source filesystem alone and looks only at the bind', async () => {
    const m = new FsMachine([
      { mountPoint: '/srv/data', source: LOOP, fstype: 'ext4', majmin: '7:0' },
      { mountPoint: '/mnt/a', source: LOOP, fstype: 'ext4', majmin: '7:0', root: '/export' },
    ]);
    m.dir('/srv/data/export').dir('/mnt/a');
    m.modelUmount = true;
    m.proc({ pid: 100, cwd: '/mnt/a' }).proc({ pid: 300, cwd: '/srv/data' });
    const r = await runFs(m, 'stop', { device: '/srv/data/export', directory: '/mnt/a', fstype: 'none', options: 'bind' });
    expect(r.code).toBe(0);
    expect(signals(m, 100)).toEqual([15]);
    expect(signals(m, 300)).toEqual([]);
    expect(m.isMounted('/srv/data')).toBe(true);
    expect(m.umounts().every((a) => a.includes('/mnt/a'))).toBe(true);
  });

  it('removes what is ours from a stack and leaves a foreign mount underneath', async () => {
    const m = new FsMachine([
      { mountPoint: '/mnt/a', source: '/dev/loop9', fstype: 'ext4', majmin: '7:9' },
      { mountPoint: '/mnt/a', source: LOOP, fstype: 'ext4', majmin: '7:0' },
    ]);
    m.blockDevice(LOOP).blockDevice('/dev/loop9', 0x709).dir('/mnt/a');
    m.modelUmount = true;
    m.expect({ argv: ['blockdev', '--flushbufs', LOOP] });
    expect((await stop(m)).code).toBe(0);
    expect(m.mounts.filter((x) => x.mountPoint === '/mnt/a').map((x) => x.source)).toEqual(['/dev/loop9']);
  });

  it('reaches our mount under a foreign one stacked on top', async () => {
    const m = new FsMachine([
      { mountPoint: '/mnt/a', source: LOOP, fstype: 'ext4', majmin: '7:0' },
      { mountPoint: '/mnt/a', source: '/dev/loop9', fstype: 'ext4', majmin: '7:9' },
    ]);
    m.blockDevice(LOOP).blockDevice('/dev/loop9', 0x709).dir('/mnt/a');
    m.modelUmount = true;
    m.expect({ argv: ['blockdev', '--flushbufs', LOOP] });
    expect((await stop(m)).code).toBe(0);
    expect(m.isMounted('/mnt/a')).toBe(false);
  });

  it('removes the status file only when the stop runs at check level 20', async () => {
    const m = machine();
    m.file('/mnt/a/.Filesystem_status/fs_node1', 'fs\n');
    m.expect({ argv: ['blockdev', '--flushbufs', LOOP] });
    expect((await stop(m, {}, { OCF_CHECK_LEVEL: '20' })).code).toBe(0);
    expect(m.files.has('/mnt/a/.Filesystem_status/fs_node1')).toBe(false);
  });

  it('with move: moves the mount aside and unmounts it there', async () => {
    const m = machine().dir('/mnt/.a');
    m.expect(
      { argv: ['mount', '--move', '/mnt/a', '/mnt/.a'], effect: (s) => { const f = asMachine(s); f.unmount('/mnt/a'); f.mount({ mountPoint: '/mnt/.a', source: LOOP, fstype: 'ext4', majmin: '7:0' }); } },
      { argv: ['blockdev', '--flushbufs', LOOP] },
    );
    const r = await stop(m, { force_unmount: 'move' });
    expect(r.code, r.stderr).toBe(0);
    m.done();
    expect(r.stderr).toContain('Moved /mnt/a to /mnt/.a');
    expect(m.umounts()).toEqual([['umount', '/mnt/.a']]);
  });
});

describe('unmountList', () => {
  it('skips other mounts of the device for bind resources and non-block types', async () => {
    const m = machine();
    m.mount({ mountPoint: '/srv/other', source: LOOP, fstype: 'ext4', majmin: '7:0' });
    const mounts = readMounts(m);
    expect(unmountList(mounts, '/mnt/a', true)).toEqual(['/srv/other', '/mnt/a']);
    expect(unmountList(mounts, '/mnt/a', false)).toEqual(['/mnt/a']);
  });
});
