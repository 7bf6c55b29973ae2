// Side by side: the same scenario against Debian's shell agent (resource-agents 4.12, which
// behaves like upstream HEAD in every case listed here) and against ours; the exit codes must be
// equal. Cases where we differ on purpose (docs/compat/Filesystem.md) are not in this list.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cannotRun, detach, makeLoop, newScenario, runScenario, UPSTREAM_AGENT, type Loop, type Scenario } from './rig.ts';

const skip = cannotRun() ?? (existsSync(UPSTREAM_AGENT) ? undefined : `${UPSTREAM_AGENT} is not installed (resource-agents)`);

interface Case {
  readonly name: string;
  // Steps with $RUN standing for the agent under test; $DEV is an ext4 loop device.
  readonly script: string;
}

const CASES: Case[] = [
  {
    name: 'lifecycle with deep monitors',
    script: `
      export OCF_RESKEY_device=$DEV OCF_RESKEY_directory="$T/mnt" OCF_RESKEY_fstype=ext4
      $RUN validate validate-all
      $RUN probe monitor
      $RUN start start
      $RUN mon monitor OCF_RESKEY_CRM_meta_interval=20000
      $RUN mon10 monitor OCF_RESKEY_CRM_meta_interval=20000 OCF_CHECK_LEVEL=10
      $RUN mon20 monitor OCF_RESKEY_CRM_meta_interval=20000 OCF_CHECK_LEVEL=20
      $RUN mon30 monitor OCF_RESKEY_CRM_meta_interval=20000 OCF_CHECK_LEVEL=30
      $RUN start2 start
      $RUN notify notify
      $RUN stop stop
      $RUN mon7 monitor OCF_RESKEY_CRM_meta_interval=20000
      $RUN mon30stopped monitor OCF_RESKEY_CRM_meta_interval=20000 OCF_CHECK_LEVEL=30
      $RUN stop2 stop
      $RUN metadata meta-data
      $RUN usage usage`,
  },
  {
    name: 'missing device',
    script: `
      export OCF_RESKEY_device=/dev/nfsha-nonexistent OCF_RESKEY_directory="$T/mnt" OCF_RESKEY_fstype=ext4
      $RUN probe monitor
      $RUN mon monitor OCF_RESKEY_CRM_meta_interval=20000
      $RUN start start
      $RUN stop stop
      $RUN validate validate-all`,
  },
  {
    name: 'empty device',
    script: `
      export OCF_RESKEY_device= OCF_RESKEY_directory="$T/mnt" OCF_RESKEY_fstype=ext4
      $RUN probe monitor
      $RUN start start
      $RUN stop stop
      $RUN validate validate-all`,
  },
  {
    name: 'empty directory',
    script: `
      export OCF_RESKEY_device=$DEV OCF_RESKEY_directory= OCF_RESKEY_fstype=ext4
      $RUN probe monitor
      $RUN start start
      $RUN stop stop
      $RUN validate validate-all
      $RUN nfsstart start OCF_RESKEY_device=srv:/e OCF_RESKEY_fstype=nfs
      $RUN nfsstop stop OCF_RESKEY_device=srv:/e OCF_RESKEY_fstype=nfs`,
  },
  {
    name: 'mount point missing, a regular file, or nested',
    script: `
      export OCF_RESKEY_device=$DEV OCF_RESKEY_fstype=ext4
      touch "$T/file"
      $RUN file start OCF_RESKEY_directory="$T/file"
      $RUN deep start OCF_RESKEY_directory="$T/x/y/z"
      mkdir -p "$T/x/y/z/n"; mount -t tmpfs n "$T/x/y/z/n"
      $RUN nested start OCF_RESKEY_directory="$T/x/y/z"
      $RUN deepstop stop OCF_RESKEY_directory="$T/x/y/z"`,
  },
  {
    name: 'unknown and wrong filesystem types',
    script: `
      export OCF_RESKEY_device=$DEV OCF_RESKEY_directory="$T/mnt"
      $RUN unknown start OCF_RESKEY_fstype=nfshafs
      $RUN wrong start OCF_RESKEY_fstype=xfs
      $RUN wrongprobe monitor OCF_RESKEY_fstype=xfs`,
  },
  {
    name: 'read-only filesystem at depth 20',
    script: `
      export OCF_RESKEY_device=$DEV OCF_RESKEY_directory="$T/mnt" OCF_RESKEY_fstype=ext4 OCF_RESKEY_options=ro
      $RUN start start
      $RUN mon20 monitor OCF_RESKEY_CRM_meta_interval=20000 OCF_CHECK_LEVEL=20
      $RUN stop stop`,
  },
  {
    name: 'busy stop, default and force_unmount=false',
    script: `
      export OCF_RESKEY_device=$DEV OCF_RESKEY_directory="$T/mnt" OCF_RESKEY_fstype=ext4
      $RUN start start
      (cd "$T/mnt" && exec sleep 1000) & H=$!; sleep 0.2
      $RUN stopfalse stop OCF_RESKEY_force_unmount=false OCF_RESKEY_CRM_meta_timeout=2000
      $RUN stop stop
      wait $H; echo "RC holder $?"`,
  },
  {
    name: 'tmpfs and bind resources',
    script: `
      $RUN tstart start OCF_RESKEY_device=t OCF_RESKEY_fstype=tmpfs OCF_RESKEY_directory="$T/t"
      $RUN tmon monitor OCF_RESKEY_device=t OCF_RESKEY_fstype=tmpfs OCF_RESKEY_directory="$T/t" OCF_RESKEY_CRM_meta_interval=1000
      $RUN tstop stop OCF_RESKEY_device=t OCF_RESKEY_fstype=tmpfs OCF_RESKEY_directory="$T/t"
      # The shell agent reads bind mounts from /etc/mtab; the sandbox has a static copy of it
      # (inside its /etc overlay): give it back the link a real system has.
      rm -f /etc/mtab; ln -s ../proc/self/mounts /etc/mtab
      mkdir -p "$T/src"
      export OCF_RESKEY_device="$T/src" OCF_RESKEY_fstype=none OCF_RESKEY_options=bind OCF_RESKEY_directory="$T/b"
      $RUN bstart start
      $RUN bmon monitor OCF_RESKEY_CRM_meta_interval=1000
      $RUN bstop stop
      $RUN bmon7 monitor OCF_RESKEY_CRM_meta_interval=1000`,
  },
];

let sc: Scenario;
let l: Loop | undefined;
beforeAll(() => {
  sc = newScenario();
  if (skip === undefined) l = makeLoop(sc.dir, 'ext4');
});
afterAll(() => {
  detach(l);
  sc.cleanup();
});

describe.skipIf(skip)('parity with the shell agent', () => {
  it.each(CASES)('$name', (c) => {
    const run = (runner: string) => runScenario(sc, `DEV=${l?.dev ?? ''}; RUN=${runner}\n${c.script}`).rc;
    const theirs = run('upstream');
    const ours = run('agent');
    expect(Object.keys(theirs).length).toBeGreaterThan(0);
    expect(ours).toEqual(theirs);
  });
});
