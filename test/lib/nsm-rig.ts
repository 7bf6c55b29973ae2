// Two "nodes" for NSM tests: network namespaces joined by a veth pair, with
// addresses that exist only inside them, each node in its own sandbox (mount, PID and UTS
// namespaces: private /etc, /var/lib, /run). Names carry the test process id, so parallel runs
// do not collide; down() removes everything (killing a node's PID namespace init ends all its
// daemons; deleting the namespaces removes the veth pair).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SANDBOX } from './sandbox.ts';

export const SERVER_IP = '192.168.122.11';
export const VIP = '192.168.122.200';
export const CLIENT_IP = '192.168.122.21';
// A local address of the server without a name: sm-notify cannot use it as -v.
export const NAMELESS_IP = '192.168.122.12';

export const HOSTS = [
  '127.0.0.1 localhost',
  '::1 localhost ip6-localhost ip6-loopback',
  `${SERVER_IP} hostrig-node1`,
  `${VIP} nfshost.hostrig.test nfshost`,
  `${CLIENT_IP} nfsclient.hostrig.test nfsclient`,
  '',
].join('\n');

const PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function must(argv: string[]): void {
  const r = spawnSync(argv[0] ?? '', argv.slice(1), { encoding: 'utf8', env: { PATH } });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr || String(r.status)}`);
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// Polls `fn` until it returns a value other than undefined, at most `ms`.
export async function waitFor<T>(what: string, fn: () => T | undefined, ms = 10000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class NsmNode {
  init = 0;
  holder: ChildProcess | undefined;
  readonly name: string;
  readonly netns: string;
  readonly dir: string;
  readonly hostname: string;
  constructor(name: string, netns: string, dir: string, hostname: string) {
    this.name = name;
    this.netns = netns;
    this.dir = dir;
    this.hostname = hostname;
  }

  // Runs a command inside the node (cwd becomes /, so use absolute paths).
  exec(argv: string[], opts: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): RunResult {
    const r = spawnSync('nsenter', ['-t', String(this.init), '-m', '-u', '-n', '-p', '--', ...argv], {
      encoding: 'utf8',
      env: { PATH, ...opts.env },
      input: opts.input,
      timeout: opts.timeoutMs ?? 60000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  sh(script: string, env: Record<string, string> = {}): RunResult {
    return this.exec(['bash', '-c', script], { env });
  }

  mustSh(script: string): string {
    const r = this.sh(script);
    if (r.code !== 0) throw new Error(`${this.name}: ${script}: rc=${String(r.code)} ${r.stderr}`);
    return r.stdout;
  }
}

export class NsmRig {
  readonly id: string;
  readonly server: NsmNode;
  readonly client: NsmNode;
  readonly serverIf: string;
  readonly clientIf: string;
  readonly #netns: string[];
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    this.id = String(process.pid % 100000);
    const srv = `nfsha-${this.id}-srv`;
    const cli = `nfsha-${this.id}-cli`;
    this.#netns = [srv, cli];
    this.serverIf = `nh${this.id}s`;
    this.clientIf = `nh${this.id}c`;
    this.server = new NsmNode('server', srv, join(dir, 'srv'), 'hostrig-node1');
    this.client = new NsmNode('client', cli, join(dir, 'cli'), 'nfsclient');
  }

  up(): void {
    chmodSync(this.dir, 0o755);
    const [srv, cli] = this.#netns as [string, string];
    must(['ip', 'netns', 'add', srv]);
    must(['ip', 'netns', 'add', cli]);
    must(['ip', 'link', 'add', this.serverIf, 'type', 'veth', 'peer', 'name', this.clientIf]);
    must(['ip', 'link', 'set', this.serverIf, 'netns', srv]);
    must(['ip', 'link', 'set', this.clientIf, 'netns', cli]);
    for (const a of [`${SERVER_IP}/24`, `${VIP}/24`, `${NAMELESS_IP}/24`]) must(['ip', '-n', srv, 'addr', 'add', a, 'dev', this.serverIf]);
    must(['ip', '-n', cli, 'addr', 'add', `${CLIENT_IP}/24`, 'dev', this.clientIf]);
    for (const [ns, ifc] of [[srv, this.serverIf], [cli, this.clientIf]] as const) {
      must(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      must(['ip', '-n', ns, 'link', 'set', ifc, 'up']);
    }
    writeFileSync(join(this.dir, 'hosts'), HOSTS);
    for (const node of [this.server, this.client]) this.#start(node);
  }

  #start(node: NsmNode): void {
    mkdirSync(node.dir, { recursive: true });
    chmodSync(node.dir, 0o755);
    const ready = join(node.dir, 'ready');
    const script = `hostname ${node.hostname}; cp ${join(this.dir, 'hosts')} /etc/hosts; : > ${ready}; while :; do sleep 3600 & wait $!; done`;
    // ip netns exec execs bash, which execs unshare: the pid we get is unshare's; its only child
    // is the init of the node's PID namespace.
    node.holder = spawn('ip', ['netns', 'exec', node.netns, 'bash', SANDBOX, '--uts', join(node.dir, 'sbx'), '--', 'bash', '-c', script], { detached: true, stdio: 'ignore', env: { PATH } });
    const pid = node.holder.pid ?? 0;
    const until = Date.now() + 10000;
    while (Date.now() < until) {
      const children = join('/proc', String(pid), 'task', String(pid), 'children');
      const child = existsSync(children) ? readFileSync(children, 'utf8').trim().split(/\s+/)[0] : undefined;
      if (child !== undefined && child !== '' && existsSync(ready)) {
        node.init = Number(child);
        return;
      }
      sleepMs(20);
    }
    throw new Error(`${node.name}: the node did not come up`);
  }

  down(): void {
    for (const node of [this.server, this.client]) {
      if (node.init > 0) spawnSync('kill', ['-KILL', String(node.init)]);
      if (node.holder?.pid !== undefined) spawnSync('kill', ['-KILL', String(node.holder.pid)]);
    }
    for (const ns of this.#netns) spawnSync('ip', ['netns', 'del', ns], { env: { PATH } });
  }
}

// The on-disk monitor record statd keeps for a peer (nfs-utils support/nsm/file.c): NLM
// callback address 127.0.0.1, program 100021 v4 procedure 16, 16 private bytes, the peer's name
// (mon_name) and the name this host uses towards it (my_name).
export function nsmRecord(monName: string, myName: string, priv = '0123456789abcdef0123456789abcdef'): string {
  return `0100007f 000186b5 00000004 00000010 ${priv} ${monName} ${myName}\n`;
}

export interface NotifyRow {
  readonly src: string;
  readonly port: number;
  readonly monName: string;
  readonly state: number;
}

// A packet capture on an interface inside a network namespace (tshark), stopped with SIGINT.
export class Capture {
  readonly proc: ChildProcess;
  readonly file: string;
  #stderr = '';
  constructor(netns: string, ifname: string, file: string) {
    this.file = file;
    this.proc = spawn('ip', ['netns', 'exec', netns, 'tshark', '-i', ifname, '-f', 'udp', '-w', file, '-q'], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH } });
    this.proc.stderr?.on('data', (d: Buffer) => { this.#stderr += d.toString(); });
  }

  async ready(): Promise<void> {
    await waitFor('tshark to capture', () => (this.#stderr.includes('Capturing on') ? true : undefined), 20000);
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const done = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGINT');
    await Promise.race([done, new Promise((r) => setTimeout(r, 10000))]);
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }

  // Waits until the capture file holds a row `want` accepts. dumpcap hands packets over in
  // blocks (with a timeout), so the last ones reach the file a little after they crossed the
  // wire, and stopping it at once could lose them.
  async holds(what: string, want: (row: NotifyRow) => boolean): Promise<void> {
    await waitFor(`the capture to hold ${what}`, () => (this.notifies(true).some(want) ? true : undefined), 20000);
  }

  // One row per SM_NOTIFY call: source address, source port, mon_name, state. `growing`: the file
  // is still being written (its last record may be incomplete).
  notifies(growing = false): NotifyRow[] {
    const r = spawnSync('tshark', ['-r', this.file, '-Y', 'stat && rpc.msgtyp == 0 && stat.procedure_v1 == 6', '-T', 'fields', '-e', 'ip.src', '-e', 'udp.srcport', '-e', 'stat.mon_id.name', '-e', 'stat.state'], { encoding: 'utf8', env: { PATH } });
    if (r.status !== 0 && !growing) throw new Error(`tshark -r: ${r.stderr}`);
    return r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => {
      const [src = '', port = '0', monName = '', state = '0'] = l.split('\t');
      return { src, port: Number(port), monName, state: Number(state) };
    });
  }
}
