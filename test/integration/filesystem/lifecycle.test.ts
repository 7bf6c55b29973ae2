// The Filesystem agent binary on real loop devices (ext4, xfs, btrfs), tmpfs and bind mounts,
// run as root inside a sandbox.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cannotRun, detach, makeLoop, newScenario, runScenario, type FsType, type Loop, type Scenario } from './rig.ts';

const skip = cannotRun();
if (skip !== undefined) console.warn(`Filesystem integration tests skipped: ${skip}`);

let sc: Scenario;
const loops: Loop[] = [];
beforeEach(() => { sc = newScenario(); });
afterEach(() => {
  for (const l of loops.splice(0)) detach(l);
  sc.cleanup();
});
const loop = (fstype: FsType, name?: string): Loop => {
  const l = makeLoop(sc.dir, fstype, name);
  loops.push(l);
  return l;
};

describe.skipIf(skip)('lifecycle on real filesystems', () => {
  it.each(['ext4', 'xfs', 'btrfs'] as const)('%s: probe, start, monitors at every depth, restart, stop, stop again', (fstype) => {
    const l = loop(fstype);
    const r = runScenario(sc, `
      export OCF_RESKEY_device=${l.dev} OCF_RESKEY_directory=$T/mnt OCF_RESKEY_fstype=${fstype}
      agent probe0 monitor
      agent start start
      say mounted "$(findmnt -n -o SOURCE,FSTYPE "$T/mnt")"
      agent probe monitor
      agent mon monitor OCF_RESKEY_CRM_meta_interval=20000
      agent mon10 monitor OCF_RESKEY_CRM_meta_interval=20000 OCF_CHECK_LEVEL=10
      agent mon20 monitor OCF_RESKEY_CRM_meta_interval=20000 OCF_RESKEY_OCF_CHECK_LEVEL=20
      say status "$(stat -c %s "$T/mnt/.Filesystem_status/fs_$(uname -n)")"
      agent start2 start
      agent stop stop
      say after "$(findmnt -n "$T/mnt" | wc -l)"
      agent mon7 monitor OCF_RESKEY_CRM_meta_interval=20000
      agent stop2 stop
    `);
    expect(r.rc, r.stderr).toEqual({ probe0: 7, start: 0, probe: 0, mon: 0, mon10: 0, mon20: 0, start2: 0, stop: 0, mon7: 7, stop2: 0 });
    expect(r.said.mounted).toBe(`${l.dev} ${fstype}`);
    expect(r.said.status).toBe('4096');
    expect(r.said.after).toBe('0');
    expect(r.err('start2')).toContain('is already mounted.');
  });

  it('ext2 is checked with fsck -p before mounting (run_fsck=auto)', () => {
    const l = loop('ext2');
    const r = runScenario(sc, `
      export OCF_RESKEY_device=${l.dev} OCF_RESKEY_directory=$T/mnt OCF_RESKEY_fstype=ext2
      agent start start
      agent stop stop
    `);
    expect(r.rc).toEqual({ start: 0, stop: 0 });
    expect(r.err('start')).toContain(`Starting filesystem check on ${l.dev}`);
  });

  it('mounts by -U, -L, --uuid=, --label=, UUID= and LABEL=, resolving them for depth 10', () => {
    const l = loop('ext4');
    const forms = [`-U ${l.uuid}`, `-L ${l.label}`, `--uuid=${l.uuid}`, `--label ${l.label}`, `UUID=${l.uuid}`, `LABEL=${l.label}`];
    const steps = forms.map((f, i) => `
      export OCF_RESKEY_device=${JSON.stringify(f)}
      agent start${String(i)} start
      say src${String(i)} "$(findmnt -n -o SOURCE "$T/mnt")"
      agent mon${String(i)} monitor OCF_RESKEY_CRM_meta_interval=1000 OCF_CHECK_LEVEL=10
      agent stop${String(i)} stop
    `).join('\n');
    const r = runScenario(sc, `export OCF_RESKEY_directory=$T/mnt OCF_RESKEY_fstype=ext4\n${steps}`);
    forms.forEach((f, i) => {
      expect({ form: f, start: r.rc[`start${String(i)}`], mon: r.rc[`mon${String(i)}`], stop: r.rc[`stop${String(i)}`] }).toEqual({ form: f, start: 0, mon: 0, stop: 0 });
      expect(r.said[`src${String(i)}`]).toBe(l.dev);
      expect(r.err(`mon${String(i)}`)).not.toContain('monitor 10 is noop');
    });
  });

  it('an unknown UUID is a missing device: probe 7, start 5, stop 0', () => {
    const r = runScenario(sc, `
      export OCF_RESKEY_device=UUID=00000000-0000-4000-8000-000000000000 OCF_RESKEY_directory=$T/mnt OCF_RESKEY_fstype=ext4
      agent probe monitor
      agent start start
      agent stop stop
    `);
    expect(r.rc).toEqual({ probe: 7, start: 5, stop: 0 });
  });

  it('mount points: missing parents, trailing slashes, a symlink, spaces, exact matching', () => {
    const l = loop('ext4');
    const r = runScenario(sc, `
      export OCF_RESKEY_device=${l.dev} OCF_RESKEY_fstype=ext4
      agent deep start OCF_RESKEY_directory="$T/a/b/c///"
      say deep "$(findmnt -n -o TARGET "$T/a/b/c")"
      agent deepmon monitor OCF_RESKEY_directory="$T/a/b/c" OCF_RESKEY_CRM_meta_interval=1000
      agent deepstop stop OCF_RESKEY_directory="$T/a/b/c/"
      mkdir -p "$T/real dir"; ln -s "$T/real dir" "$T/link"
      agent link start OCF_RESKEY_directory="$T/link"
      say link "$(findmnt -n -o TARGET "$T/real dir")"
      agent linkmon monitor OCF_RESKEY_directory="$T/real dir" OCF_RESKEY_CRM_meta_interval=1000
      agent linkmon20 monitor OCF_RESKEY_directory="$T/link/" OCF_RESKEY_CRM_meta_interval=1000 OCF_CHECK_LEVEL=20
      agent prefix monitor OCF_RESKEY_directory="$T/real" OCF_RESKEY_CRM_meta_interval=1000
      agent linkstop stop OCF_RESKEY_directory="$T/link"
      touch "$T/file"
      agent file start OCF_RESKEY_directory="$T/file"
    `);
    expect(r.rc).toEqual({ deep: 0, deepmon: 0, deepstop: 0, link: 0, linkmon: 0, linkmon20: 0, prefix: 7, linkstop: 0, file: 5 });
    expect(r.said.deep).toBe(`${sc.dir}/a/b/c`);
    expect(r.said.link).toBe(`${sc.dir}/real dir`);
    expect(r.err('file')).toContain(`Couldn't find directory  [${sc.dir}/file] to use as a mount point`);
  });

  it('refuses / without touching anything', () => {
    const l = loop('ext4');
    const r = runScenario(sc, `
      export OCF_RESKEY_device=${l.dev} OCF_RESKEY_fstype=ext4 OCF_RESKEY_directory=//
      before=$(md5sum < /proc/self/mountinfo)
      agent probe monitor
      agent mon monitor OCF_RESKEY_CRM_meta_interval=1000
      agent start start
      agent stop stop
      [ "$before" = "$(md5sum < /proc/self/mountinfo)" ] && say same yes
    `);
    expect(r.rc).toEqual({ probe: 7, mon: 6, start: 6, stop: 0 });
    expect(r.said.same).toBe('yes');
    expect(r.err('start')).toContain('ocf-exit-reason:/ cannot be managed in a cluster');
  });

  it('leaves prefix-sibling mounts alone and matches /mnt/a exactly', () => {
    const l = loop('ext4');
    const r = runScenario(sc, `
      mkdir -p "$T/m/ab" "$T/m/a"; mount -t tmpfs sib "$T/m/ab"
      export OCF_RESKEY_device=${l.dev} OCF_RESKEY_fstype=ext4 OCF_RESKEY_directory="$T/m/a"
      agent probe monitor
      agent start start
      agent stop stop
      say ab "$(findmnt -n -o SOURCE "$T/m/ab")"
      say a "$(findmnt -n "$T/m/a" | wc -l)"
    `);
    expect(r.rc).toEqual({ probe: 7, start: 0, stop: 0 });
    expect(r.said).toEqual({ ab: 'sib', a: '0' });
  });

  it('a foreign device on the mount point: probe 7, monitor 1, start 6, stop 0 leaving it mounted', () => {
    const ours = loop('ext4', 'ours');
    const foreign = loop('ext4', 'foreign');
    const r = runScenario(sc, `
      mkdir -p "$T/mnt"; mount ${foreign.dev} "$T/mnt"
      export OCF_RESKEY_device=${ours.dev} OCF_RESKEY_fstype=ext4 OCF_RESKEY_directory="$T/mnt"
      agent probe monitor
      agent mon monitor OCF_RESKEY_CRM_meta_interval=1000
      agent start start
      agent stop stop
      say src "$(findmnt -n -o SOURCE "$T/mnt")"
    `);
    expect(r.rc).toEqual({ probe: 7, mon: 1, start: 6, stop: 0 });
    expect(r.said.src).toBe(foreign.dev);
    expect(r.err('mon')).toContain(`ocf-exit-reason:Another device (${foreign.dev}) is already mounted on ${sc.dir}/mnt`);
  });

  it('read-only filesystem: depth 20 fails with 1, depth 10 still succeeds', () => {
    const l = loop('ext4');
    const r = runScenario(sc, `
      export OCF_RESKEY_device=${l.dev} OCF_RESKEY_fstype=ext4 OCF_RESKEY_directory="$T/mnt" OCF_RESKEY_options=ro
      agent start start
      agent mon20 monitor OCF_RESKEY_CRM_meta_interval=1000 OCF_CHECK_LEVEL=20
      agent mon10 monitor OCF_RESKEY_CRM_meta_interval=1000 OCF_CHECK_LEVEL=10
      agent stop stop
    `);
    expect(r.rc).toEqual({ start: 0, mon20: 1, mon10: 0, stop: 0 });
    expect(r.err('mon20')).toContain('ocf-exit-reason:Failed to write status file');
  });

  it('nested mounts: start refuses, stop unmounts deepest first', () => {
    const l = loop('ext4');
    const r = runScenario(sc, `
      export OCF_RESKEY_device=${l.dev} OCF_RESKEY_fstype=ext4 OCF_RESKEY_directory="$T/mnt"
      agent start start
      mkdir -p "$T/mnt/sub"; mount -t tmpfs inner "$T/mnt/sub"; mkdir -p "$T/mnt/sub/deeper"; mount -t tmpfs deeper "$T/mnt/sub/deeper"
      agent again start
      agent stop stop
      say left "$(findmnt -n -R "$T/mnt" | wc -l)"
    `);
    expect(r.rc).toEqual({ start: 0, again: 6, stop: 0 });
    expect(r.said.left).toBe('0');
    const order = [...r.err('stop').matchAll(/Trying to unmount (\S+)/g)].map((m) => m[1]);
    expect(order).toEqual([`${sc.dir}/mnt/sub/deeper`, `${sc.dir}/mnt/sub`, `${sc.dir}/mnt`]);
  });

  it('stop also unmounts other mounts of the same block device, so that the device is free', () => {
    const l = loop('ext4');
    const r = runScenario(sc, `
      export OCF_RESKEY_device=${l.dev} OCF_RESKEY_fstype=ext4 OCF_RESKEY_directory="$T/mnt"
      agent start start
      mkdir -p "$T/other"; mount ${l.dev} "$T/other"
      agent stop stop
      say left "$(findmnt -n -S ${l.dev} | wc -l)"
    `);
    expect(r.rc).toEqual({ start: 0, stop: 0 });
    expect(r.said.left).toBe('0');
  });

  it('tmpfs resource', () => {
    const r = runScenario(sc, `
      export OCF_RESKEY_device=nfshatmp OCF_RESKEY_fstype=tmpfs OCF_RESKEY_directory="$T/t" OCF_RESKEY_options=size=1m
      agent start start
      agent mon20 monitor OCF_RESKEY_CRM_meta_interval=1000 OCF_CHECK_LEVEL=20
      agent mon10 monitor OCF_RESKEY_CRM_meta_interval=1000 OCF_CHECK_LEVEL=10
      agent stop stop
      agent mon monitor OCF_RESKEY_CRM_meta_interval=1000
    `);
    expect(r.rc).toEqual({ start: 0, mon20: 0, mon10: 0, stop: 0, mon: 7 });
    expect(r.err('mon10')).toContain('nfshatmp is not a block device, monitor 10 is noop');
  });

  it('bind mounts: plain and read-only, the source filesystem stays mounted and writable', () => {
    const l = loop('ext4');
    const r = runScenario(sc, `
      mkdir -p "$T/src"; mount ${l.dev} "$T/src"; mkdir -p "$T/src/export"
      export OCF_RESKEY_device="$T/src/export" OCF_RESKEY_fstype=none OCF_RESKEY_directory="$T/bind"
      agent start start OCF_RESKEY_options=bind
      agent mon monitor OCF_RESKEY_options=bind OCF_RESKEY_CRM_meta_interval=1000
      agent stop stop OCF_RESKEY_options=bind
      agent startro start OCF_RESKEY_options=bind,ro
      say bindopts "$(findmnt -n -o OPTIONS "$T/bind" | cut -d, -f1)"
      say srcopts "$(findmnt -n -o OPTIONS "$T/src" | cut -d, -f1)"
      agent stopro stop OCF_RESKEY_options=bind,ro
      say src "$(findmnt -n -o SOURCE "$T/src")"
      umount "$T/src"
    `);
    expect(r.rc).toEqual({ start: 0, mon: 0, stop: 0, startro: 0, stopro: 0 });
    expect(r.said).toEqual({ bindopts: 'ro', srcopts: 'rw', src: l.dev });
  });

  it('missing tools: validate-all 5, probe 7', () => {
    const l = loop('ext4');
    const r = runScenario(sc, `
      export OCF_RESKEY_device=${l.dev} OCF_RESKEY_fstype=ext4 OCF_RESKEY_directory="$T/mnt" OCF_TESTER_FAIL_HAVE_BINARY=1
      agent validate validate-all
      agent probe monitor
      agent start start
    `);
    expect(r.rc).toEqual({ validate: 5, probe: 7, start: 5 });
    expect(r.err('validate')).toContain("Setup problem: couldn't find command: mount");
  });
});
