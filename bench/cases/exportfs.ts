// exportfs monitor, ours vs upstream, on a live export made with the real exportfs. The export
// lives in a sandbox (private mount/PID/net namespaces: its own /var/lib/nfs, /etc, /run) kept
// alive for the whole case; the launcher joins its namespaces before it forks each measured run.
// Both agents see the same state: the export in etab and the
// state file /run/resource-agents/bench, which upstream's ha_pseudo_resource and ours share.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BenchCase } from '../types.ts';

const SANDBOX = resolve(import.meta.dirname, '../../test/lib/sandbox.sh');
const UPSTREAM = '/usr/lib/ocf/resource.d/heartbeat/exportfs';
const holders = new Map<string, number>();

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// Starts the sandbox holder and returns the host PID of its namespace init.
function holder(dir: string): number {
  const child = spawn('bash', [SANDBOX, '--net', '--fake-nfsd', join(dir, 'sbx'), '--', 'sleep', 'infinity'], { detached: true, stdio: 'ignore' });
  child.unref();
  for (let i = 0; i < 200; i++) {
    const init = Number(spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.trim().split('\n')[0]);
    if (init > 0 && spawnSync('pgrep', ['-P', String(init), 'sleep']).status === 0) return init;
    pause(25);
  }
  throw new Error('bench: the exportfs sandbox did not come up');
}

function exportCase(name: string, dirs: string[], interval: string): BenchCase {
  const params: Record<string, string> = { clientspec: '127.0.0.1', fsid: '1', options: 'rw,no_root_squash', directory: '' };
  return {
    name,
    agent: 'exportfs',
    action: 'monitor',
    params,
    env: { OCF_RESKEY_CRM_meta_interval: interval },
    expect: 0,
    setup: (dir) => {
      params.directory = dirs.map((d) => join(dir, 'data', d)).join(' ');
      for (const d of dirs) mkdirSync(join(dir, 'data', d), { recursive: true });
      const init = holder(dir);
      holders.set(dir, init);
      const env: Record<string, string> = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', OCF_ROOT: '/usr/lib/ocf', OCF_RESOURCE_INSTANCE: 'bench', HA_LOGFACILITY: 'none' };
      for (const [k, v] of Object.entries(params)) env[`OCF_RESKEY_${k}`] = v;
      // Exported by upstream's agent, so that neither side benefits from its own start.
      const r = spawnSync('nsenter', ['-t', String(init), '-m', '--', UPSTREAM, 'start'], { env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`bench: upstream exportfs start failed: ${r.stderr}`);
    },
    sandbox: (dir) => holders.get(dir) ?? 0,
    teardown: (dir) => {
      const init = holders.get(dir);
      if (init !== undefined) process.kill(init, 'SIGKILL');
      holders.delete(dir);
    },
  };
}

export const cases: BenchCase[] = [
  exportCase('exportfs monitor', ['export1'], '10000'),
  exportCase('exportfs monitor, 3 directories', ['export1', 'export2', 'export3'], '10000'),
  exportCase('exportfs probe (exported)', ['export1'], '0'),
];
