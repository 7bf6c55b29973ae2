// nfsserver monitor, start and stop, ours and upstream's shell agent in the same sandbox (a
// private mount + PID + network namespace held open for the case; the kernel's nfsd is the
// sandbox's fake /proc/fs/nfsd). Needs root; without it the cases are left out.
//
// - monitor of a running server: ours in the direct mode (reads /proc) against upstream on Debian
//   without systemd (its init-script mode: /etc/init.d/nfs-kernel-server status = pidof nfsd,
//   then pgrep rpc.statd); a process named nfsd stands in for the kernel threads pidof finds.
// - monitor, start and stop with the same init script on both sides
//   (test/integration/nfsserver/fake-nfs-init), a shared infodir, real rpc.statd and rpc.mountd.
import { copyFileSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Holder } from '../../test/integration/nfsserver/holder.ts';
import type { BenchCase } from '../types.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const INIT = join(ROOT, 'test/integration/nfsserver/fake-nfs-init');
const FAKE_BIN = join(ROOT, 'test/integration/nfsserver/fake-bin');
const PATH = `${FAKE_BIN}:/usr/sbin:/usr/bin:/sbin:/bin`;
const holders = new Map<string, Holder>();

function holder(dir: string): Holder {
  const h = holders.get(dir);
  if (h === undefined) throw new Error(`no sandbox for ${dir}`);
  return h;
}

function open(dir: string, threads: number, script: string): void {
  const h = Holder.open(dir, { threads });
  holders.set(dir, h);
  const r = h.sh(script);
  if (r.code !== 0) throw new Error(`bench setup failed: ${r.stderr}`);
}

function close(dir: string): void {
  holders.get(dir)?.close();
  holders.delete(dir);
}

// Runs an action of one agent inside the case's sandbox (not measured).
function action(dir: string, agent: string, name: string, params: Record<string, string>): void {
  const env: Record<string, string> = { PATH, OCF_ROOT: '/usr/lib/ocf', OCF_RESOURCE_INSTANCE: 'bench', HA_LOGFACILITY: 'none' };
  for (const [k, v] of Object.entries(params)) env[`OCF_RESKEY_${k}`] = v;
  const r = holder(dir).exec([agent, name], env);
  if (r.code !== 0) throw new Error(`${agent} ${name} failed (${String(r.code)}): ${r.stderr}`);
}

const isRoot = process.getuid?.() === 0;
const daemons = 'rpcbind -w && rpc.statd --no-notify && rpc.mountd';
const initParams = (dir: string): Record<string, string> => ({ nfs_init_script: INIT, nfs_shared_infodir: join(dir, 'info'), nfs_no_notify: 'true' });

const all: BenchCase[] = [
  {
    name: 'nfsserver monitor (running)',
    agent: 'nfsserver',
    action: 'monitor',
    env: { OCF_RESKEY_CRM_meta_interval: '10000', PATH },
    expect: 0,
    setup: (dir) => {
      mkdirSync(join(dir, 'kthreads'), { recursive: true });
      copyFileSync('/bin/sleep', join(dir, 'kthreads/nfsd'));
      spawnSync('chmod', ['755', join(dir, 'kthreads/nfsd')]);
      open(dir, 8, `${daemons} && (setsid ${join(dir, 'kthreads/nfsd')} 100000 >/dev/null 2>&1 &)`);
    },
    teardown: close,
    sandbox: (dir) => holder(dir).pid,
  },
  {
    name: 'nfsserver probe (stopped)',
    agent: 'nfsserver',
    action: 'monitor',
    env: { PATH },
    expect: 7,
    setup: (dir) => { open(dir, 0, 'true'); },
    teardown: close,
    sandbox: (dir) => holder(dir).pid,
  },
];

function initCase(name: string, act: string, expect: number, before?: (dir: string, agent: string) => void): BenchCase {
  let params: Record<string, string> = {};
  return {
    name,
    agent: 'nfsserver',
    action: act,
    get params() {
      return params;
    },
    env: { OCF_RESKEY_CRM_meta_interval: act === 'monitor' ? '10000' : '0', PATH },
    expect,
    runs: act === 'monitor' ? 21 : 11,
    setup: (dir) => {
      params = initParams(dir);
      mkdirSync(join(dir, 'info'), { recursive: true });
      open(dir, 0, 'rpcbind -w');
      if (act === 'monitor') action(dir, join(dir, 'ocf/resource.d/nfsha/nfsserver'), 'start', params);
    },
    teardown: close,
    before: before === undefined ? undefined : (dir, _side, agent) => { before(dir, agent); },
    sandbox: (dir) => holder(dir).pid,
  };
}

all.push(
  initCase('nfsserver monitor (init script)', 'monitor', 0),
  initCase('nfsserver start (init script)', 'start', 0, (dir, agent) => { action(dir, agent, 'stop', initParams(dir)); }),
  initCase('nfsserver stop (init script)', 'stop', 0, (dir, agent) => { action(dir, agent, 'start', initParams(dir)); }),
);

export const cases: BenchCase[] = isRoot ? all : [];
