// nfsnotify side by side with the upstream shell agent, in one sandboxed "server node" (private
// mount, PID and network namespaces): rpcbind and rpc.statd running as nfsserver leaves them,
// the floating IP on the sandbox's loopback with a name, one client in the monitor list (its
// address leads nowhere: sm-notify retries in the background, as with a client that is down).
// The launcher joins that node's namespaces before it forks each measured run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BenchCase } from '../types.ts';

const SANDBOX = resolve(import.meta.dirname, '../../test/lib/sandbox.sh');
const PATH = '/usr/sbin:/usr/bin:/sbin:/bin';
const VIP = '192.168.122.200';
const INSTANCE = 'bench';
const OURS = process.env.NFSHA_BIN ?? resolve(import.meta.dirname, '../../dist/nfsha');
const UPSTREAM = '/usr/lib/ocf/resource.d/heartbeat/nfsnotify';

const NODE_SCRIPT = (ready: string): string => `
ip addr add ${VIP}/32 dev lo
echo '${VIP} nfshost.bench.test nfshost' >> /etc/hosts
echo '10.255.255.21 nfsclient' >> /etc/hosts
rpcbind -w
printf '0100007f 000186b5 00000004 00000010 0123456789abcdef0123456789abcdef nfsclient node1\\n' > /var/lib/nfs/sm/nfsclient
chown statd:nogroup /var/lib/nfs/sm/nfsclient
rpc.statd -L
: > ${ready}
while :; do sleep 3600 & wait $!; done`;

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function initOf(dir: string): string {
  return readFileSync(join(dir, 'init'), 'utf8').trim();
}

function inNode(dir: string, argv: string[]): string {
  const r = spawnSync('nsenter', ['-t', initOf(dir), '-m', '-u', '-n', '-p', '--', ...argv], { encoding: 'utf8', env: { PATH } });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// Starts the node and waits until statd runs; leaves its PID namespace init in DIR/init.
function nodeUp(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const ready = join(dir, 'ready');
  const holder = spawn('bash', [SANDBOX, '--net', join(dir, 'sbx'), '--', 'bash', '-c', NODE_SCRIPT(ready)], { detached: true, stdio: 'ignore', env: { PATH } });
  holder.unref();
  const pid = String(holder.pid ?? 0);
  const until = Date.now() + 10000;
  while (Date.now() < until) {
    const children = `/proc/${pid}/task/${pid}/children`;
    const child = existsSync(children) ? readFileSync(children, 'utf8').trim().split(/\s+/)[0] : '';
    if (child !== undefined && child !== '' && existsSync(ready)) {
      writeFileSync(join(dir, 'init'), child);
      writeFileSync(join(dir, 'holder'), pid);
      return;
    }
    sleepMs(20);
  }
  throw new Error('nfsnotify bench node did not come up');
}

function nodeDown(dir: string): void {
  for (const f of ['init', 'holder']) {
    if (existsSync(join(dir, f))) spawnSync('kill', ['-KILL', readFileSync(join(dir, f), 'utf8').trim()]);
  }
}

// The state both agents read in monitor: upstream the pid file, ours also statd.id (pid and
// start time), as a start of either leaves it.
function markNotified(dir: string): void {
  const statd = inNode(dir, ['pidof', 'rpc.statd']).trim();
  const stat = inNode(dir, ['cat', `/proc/${statd}/stat`]);
  const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  const d = join(dir, 'sbx/run/resource-agents', `nfsnotify_${INSTANCE}`);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, `rpc.statd_${INSTANCE}.pid`), `${statd}\n`);
  writeFileSync(join(d, 'statd.id'), `${statd} ${startTime}\n`);
}

const sandbox = (dir: string): number => Number(initOf(dir));
// Recording for tickle ACKs (issue 15): as start leaves it when tickle=true, with CONNS client
// connections to the floating address held by one process in the node (a server and its
// clients, so the tables hold both sides: 2 × CONNS established rows, plus the listener).
const CONNS = 64;
const HOLDER = `
const net = require('node:net');
const srv = net.createServer((s) => s.on('error', () => {}));
srv.listen({ host: '${VIP}', port: 2049 }, () => {
  let n = 0;
  for (let i = 0; i < ${String(CONNS)}; i++) net.connect({ host: '${VIP}', port: 2049 }, () => { if (++n === ${String(CONNS)}) require('node:fs').writeFileSync(process.argv[2], ''); });
});`;
const NODE = resolve(import.meta.dirname, '../../node_modules/.bin/node');

function tickleState(dir: string, last?: string): void {
  const d = join(dir, 'sbx/run/resource-agents', `nfsnotify_${INSTANCE}`);
  writeFileSync(join(d, 'tickle.json'), `${JSON.stringify({ record: `/var/lib/nfs/nfsnotify_${INSTANCE}.connections`, addresses: [VIP], ...(last === undefined ? {} : { last }) })}\n`);
}

function recordingUp(dir: string): void {
  nodeUp(dir);
  markNotified(dir);
  const ready = join(dir, 'conns.ready');
  writeFileSync(join(dir, 'holder.js'), HOLDER);
  inNode(dir, ['bash', '-c', `(setsid ${NODE} ${join(dir, 'holder.js')} ${ready} > /dev/null 2>&1 &)`]);
  const until = Date.now() + 10000;
  while (!existsSync(ready) && Date.now() < until) sleepMs(20);
  if (!existsSync(ready)) throw new Error('the connections for the recording bench did not come up');
  tickleState(dir);
}

// NFSHA_BENCH_BASE: an `nfsnotify` link to an earlier build, run in upstream's place in the
// recording cases (our monitor with and without the recording, side by side).
const base = process.env.NFSHA_BENCH_BASE;
const againstBase = base === undefined ? {} : { paths: { upstream: base } };

const env = { OCF_RESOURCE_INSTANCE: INSTANCE, HA_LOGFACILITY: 'none' };

// The recording cases: our monitor of a notified resource whose recording start set up.
const recording = {
  agent: 'nfsnotify',
  action: 'monitor',
  params: { source_host: VIP },
  env: { ...env, OCF_RESKEY_CRM_meta_interval: '30000' },
  setup: recordingUp,
  teardown: nodeDown,
  sandbox,
  expect: 0,
  ...againstBase,
} as const;

export const cases: BenchCase[] = [
  {
    name: 'nfsnotify monitor (recurring, notified)',
    agent: 'nfsnotify',
    action: 'monitor',
    params: { source_host: VIP },
    env: { ...env, OCF_RESKEY_CRM_meta_interval: '30000' },
    setup: (dir) => { nodeUp(dir); markNotified(dir); },
    teardown: nodeDown,
    sandbox,
    expect: 0,
  },
  {
    // Steady state: the connections are those written last, nothing is written.
    ...recording,
    name: `nfsnotify monitor (recording ${String(CONNS)} connections, unchanged)`,
  },
  {
    // Every run finds the connections changed and writes the record (temp file, fsync, rename).
    ...recording,
    name: `nfsnotify monitor (recording ${String(CONNS)} connections, rewritten)`,
    before: (dir) => { tickleState(dir); },
  },
  {
    name: 'nfsnotify probe (not started)',
    agent: 'nfsnotify',
    action: 'monitor',
    params: { source_host: VIP },
    env: { ...env, OCF_RESKEY_CRM_meta_interval: '0', OCF_RESOURCE_INSTANCE: 'never-started' },
    setup: nodeUp,
    teardown: nodeDown,
    sandbox,
    expect: 7,
  },
  {
    // Each start follows a stop of the same agent, so every measured start does the work of
    // notifying again (a re-notification for the same statd).
    name: 'nfsnotify start (after stop)',
    agent: 'nfsnotify',
    action: 'start',
    params: { source_host: VIP },
    env,
    setup: nodeUp,
    teardown: nodeDown,
    // Every side's stop, whichever runs next: the pid file they share is then always retired.
    before: (dir, _side, agent) => {
      for (const argv of [[OURS, 'nfsnotify', 'stop'], [UPSTREAM, 'stop'], [agent, 'stop']]) {
        spawnSync('nsenter', ['-t', initOf(dir), '-m', '-u', '-n', '-p', '--', ...argv], { env: { PATH, OCF_ROOT: '/usr/lib/ocf', ...env } });
      }
    },
    sandbox,
    runs: 20,
    expect: 0,
  },
];

// The same start logging to syslog as well, as under Pacemaker with its default log facility
// (execd sets HA_LOGFACILITY=daemon): upstream forks one `logger` per line, ours one per action.
// The node has no syslog daemon: each logger starts, finds no /dev/log and exits.
const start = cases[cases.length - 1];
if (start !== undefined) cases.push({ ...start, name: 'nfsnotify start (after stop, syslog)', env: { ...env, HA_LOGFACILITY: 'daemon' } });
