// Real loop devices and sandboxed scenarios for the Filesystem agent's integration tests.
// Loop devices are global: each test creates its own on an image in its scratch directory and
// detaches exactly that device afterwards. Everything else (mounts, processes) lives in the
// sandbox's private mount and PID namespaces and disappears with it, even when a test fails.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentRoot, BINARY, cannotSandbox, needBinary, sandboxed, scratch } from '../../lib/sandbox.ts';

export const UPSTREAM_AGENT = '/usr/lib/ocf/resource.d/heartbeat/Filesystem';

// Why these tests cannot run here, or undefined.
export function cannotRun(): string | undefined {
  return cannotSandbox() ?? needBinary() ?? (spawnSync('losetup', ['--version']).status === 0 ? undefined : 'losetup is not installed');
}

export type FsType = 'ext4' | 'xfs' | 'btrfs' | 'ext2';

export interface Loop {
  readonly dev: string;
  readonly image: string;
  readonly uuid: string;
  readonly label: string;
}

function sh(argv: string[]): string {
  const r = spawnSync(argv[0] ?? 'false', argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${String(r.status)}): ${r.stderr}`);
  return r.stdout;
}

// A fresh filesystem on a new loop device.
export function makeLoop(dir: string, fstype: FsType, name = 'img'): Loop {
  const image = join(dir, `${name}.${fstype}`);
  const label = `nfsha${String(process.pid % 10000)}${name}`.slice(0, 12);
  sh(['truncate', '-s', fstype === 'xfs' ? '300M' : fstype === 'btrfs' ? '128M' : '64M', image]);
  if (fstype === 'xfs') sh(['mkfs.xfs', '-q', '-f', '-L', label, image]);
  else if (fstype === 'btrfs') sh(['mkfs.btrfs', '-q', '-f', '-L', label, image]);
  else sh([`mkfs.${fstype}`, '-q', '-F', '-L', label, image]);
  const dev = sh(['losetup', '--find', '--show', image]).trim();
  const uuid = sh(['blkid', '-o', 'value', '-s', 'UUID', image]).trim();
  return { dev, image, uuid, label };
}

export function detach(loop: Loop | undefined): void {
  if (loop !== undefined) detachDevice(loop.dev);
}

// Only our own device, by name; a device still busy is auto-cleared once released.
export function detachDevice(dev: string): void {
  spawnSync('losetup', ['-d', dev]);
}

export interface Scenario {
  readonly dir: string;
  readonly ocfRoot: string;
  cleanup(): void;
}

// A scratch directory (world-traversable: ocf-tester runs meta-data as nobody) with an OCF root
// where our binary is installed as nfsha/Filesystem.
export function newScenario(prefix = 'nfsha-fs-'): Scenario {
  const s = scratch(prefix);
  chmodSync(s.dir, 0o755);
  return { dir: s.dir, ocfRoot: agentRoot(s.dir), cleanup: s.cleanup };
}

export interface ScenarioResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  // Exit status of every `agent NAME ACTION` step, by NAME.
  readonly rc: Readonly<Record<string, number>>;
  // Values printed with `say KEY VALUE`.
  readonly said: Readonly<Record<string, string>>;
  // The agent's stderr of step NAME.
  err(name: string): string;
}

// Runs a bash script inside a sandbox. The script gets:
//   $T (scratch dir), $OURS and $UPSTREAM (agent paths), $OCF_ROOT_OURS;
//   agent NAME ACTION [VAR=value...]   runs our agent with the exported OCF_RESKEY_* plus VARs;
//   upstream NAME ACTION [VAR=value...] the same with Debian's shell agent;
//   say KEY VALUE                       reports a value to the test.
export function runScenario(sc: Scenario, script: string, opts: { timeoutMs?: number; net?: boolean } = {}): ScenarioResult {
  const prelude = `
set -u
T=${JSON.stringify(sc.dir)}
OURS=${JSON.stringify(join(sc.ocfRoot, 'resource.d/nfsha/Filesystem'))}
UPSTREAM=${JSON.stringify(UPSTREAM_AGENT)}
OCF_ROOT_OURS=${JSON.stringify(sc.ocfRoot)}
export OCF_RESOURCE_INSTANCE=fs HA_LOGFACILITY=none PATH=/usr/sbin:/usr/bin:/sbin:/bin
agent() { local n=$1 a=$2; shift 2; env OCF_ROOT="$OCF_ROOT_OURS" "$@" "$OURS" "$a" >"$T/$n.out" 2>"$T/$n.err" </dev/null; echo "RC $n $?"; }
upstream() { local n=$1 a=$2; shift 2; env OCF_ROOT=/usr/lib/ocf "$@" "$UPSTREAM" "$a" >"$T/$n.out" 2>"$T/$n.err" </dev/null; echo "RC $n $?"; }
say() { echo "SAY $1 $2"; }
`;
  const r = sandboxed(join(sc.dir, 'sbx'), ['bash', '-c', `${prelude}\n${script}`], { timeoutMs: opts.timeoutMs ?? 90000, net: opts.net });
  const rc: Record<string, number> = {};
  const said: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^RC (\S+) (\d+)$/.exec(line);
    if (m?.[1] !== undefined) rc[m[1]] = Number(m[2]);
    const s = /^SAY (\S+) ?(.*)$/.exec(line);
    if (s?.[1] !== undefined) said[s[1]] = s[2] ?? '';
  }
  return {
    ...r,
    rc,
    said,
    err: (name) => {
      const f = join(sc.dir, `${name}.err`);
      return existsSync(f) ? readFileSync(f, 'utf8') : '';
    },
  };
}

export { BINARY };
