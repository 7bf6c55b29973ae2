// Filesystem, ours vs upstream, on an ext4 loop device. The mounts live in a sandbox (private
// mount and PID namespaces) kept alive for the case; the launcher joins its namespaces before it
// forks each measured run. The loop device is the case's own, detached in teardown.
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { BenchCase } from '../types.ts';

const SANDBOX = resolve(import.meta.dirname, '../../test/lib/sandbox.sh');
const PATH = '/usr/sbin:/usr/bin:/sbin:/bin';
const holders = new Map<string, { init: number; loop: string }>();

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function must(argv: string[]): string {
  const r = spawnSync(argv[0] ?? 'false', argv.slice(1), { encoding: 'utf8', env: { PATH } });
  if (r.status !== 0) throw new Error(`bench: ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function inNs(dir: string, argv: string[], check = true): void {
  const h = holders.get(dir);
  if (h === undefined) throw new Error('bench: no Filesystem sandbox');
  const r = spawnSync('nsenter', ['-t', String(h.init), '-m', '-p', '--', ...argv], { encoding: 'utf8', env: { PATH } });
  if (check && r.status !== 0) throw new Error(`bench: ${argv.join(' ')}: ${r.stderr}`);
}

// The image, its loop device and the sandbox holder; `params` gets the device and directory.
function up(dir: string, params: Record<string, string>): void {
  const img = join(dir, 'fs.img');
  must(['truncate', '-s', '64M', img]);
  must(['mkfs.ext4', '-q', '-F', img]);
  const loop = must(['losetup', '--find', '--show', img]).trim();
  const child = spawn('bash', [SANDBOX, join(dir, 'sbx'), '--', 'sleep', 'infinity'], { detached: true, stdio: 'ignore', env: { PATH } });
  child.unref();
  for (let i = 0; i < 200; i++) {
    const init = Number(spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.trim().split('\n')[0]);
    if (init > 0 && spawnSync('pgrep', ['-P', String(init), 'sleep']).status === 0) {
      holders.set(dir, { init, loop });
      params.device = loop;
      params.directory = join(dir, 'mnt');
      inNs(dir, ['mkdir', '-p', params.directory]);
      return;
    }
    pause(25);
  }
  spawnSync('losetup', ['-d', loop]);
  throw new Error('bench: the Filesystem sandbox did not come up');
}

function down(dir: string): void {
  const h = holders.get(dir);
  if (h === undefined) return;
  process.kill(h.init, 'SIGKILL');
  // The namespace (and the mount in it) is gone once its init is: then the device is free.
  for (let i = 0; i < 100 && spawnSync('kill', ['-0', String(h.init)]).status === 0; i++) pause(20);
  spawnSync('losetup', ['-d', h.loop]);
  holders.delete(dir);
}

const mounted = (dir: string): boolean => {
  const h = holders.get(dir);
  return h !== undefined && spawnSync('nsenter', ['-t', String(h.init), '-m', '-p', '--', 'findmnt', '-n', join(dir, 'mnt')]).status === 0;
};
const ensureMounted = (dir: string, loop: string): void => { if (!mounted(dir)) inNs(dir, ['mount', '-t', 'ext4', loop, join(dir, 'mnt')]); };
const ensureUnmounted = (dir: string): void => { if (mounted(dir)) inNs(dir, ['umount', join(dir, 'mnt')]); };

function fsCase(name: string, action: string, env: Record<string, string>, state: 'mounted' | 'unmounted' | 'busy', extra: Partial<BenchCase> = {}): BenchCase {
  const params: Record<string, string> = { device: '', directory: '', fstype: 'ext4' };
  const prepare = (dir: string): void => {
    const loop = holders.get(dir)?.loop ?? '';
    if (state === 'unmounted') ensureUnmounted(dir);
    else ensureMounted(dir, loop);
    if (state === 'busy') {
      // A holder that exits on TERM, in the sandbox's PID namespace.
      const h = holders.get(dir);
      const p = spawn('nsenter', ['-t', String(h?.init ?? 0), '-m', '-p', '--', 'sh', '-c', `cd '${join(dir, 'mnt')}' && exec sleep 1000`], { detached: true, stdio: 'ignore', env: { PATH } });
      p.unref();
      pause(50);
    }
  };
  return {
    name,
    agent: 'Filesystem',
    action,
    params,
    env,
    expect: 0,
    setup: (dir) => {
      up(dir, params);
      prepare(dir);
    },
    before: (dir) => { prepare(dir); },
    sandbox: (dir) => holders.get(dir)?.init ?? 0,
    teardown: down,
    ...extra,
  };
}

const recurring = { OCF_RESKEY_CRM_meta_interval: '20000' };

export const cases: BenchCase[] = [
  fsCase('Filesystem monitor depth 0', 'monitor', recurring, 'mounted'),
  fsCase('Filesystem monitor depth 10', 'monitor', { ...recurring, OCF_CHECK_LEVEL: '10' }, 'mounted'),
  fsCase('Filesystem monitor depth 20', 'monitor', { ...recurring, OCF_CHECK_LEVEL: '20' }, 'mounted'),
  fsCase('Filesystem probe (mounted)', 'monitor', {}, 'mounted'),
  fsCase('Filesystem validate-all', 'validate-all', {}, 'mounted'),
  fsCase('Filesystem start', 'start', {}, 'unmounted', { runs: 15 }),
  fsCase('Filesystem stop (idle)', 'stop', {}, 'mounted', { runs: 15 }),
  fsCase('Filesystem stop (busy, holder dies on TERM)', 'stop', {}, 'busy', { runs: 11 }),
];
