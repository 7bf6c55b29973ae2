// The export seen over the wire: a server network namespace runs rpcbind, the exportfs agent
// (compiled binary, real exportfs) and a real rpc.mountd inside the sandbox; a client network
// namespace asks `showmount -e` while the resource is started, and again after stop.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINARY, SANDBOX, cannotSandbox, needBinary, scratch } from '../../lib/sandbox.ts';

function missingTool(): string | undefined {
  for (const t of ['ip', 'rpcbind', 'rpc.mountd', 'showmount', 'rpcinfo']) {
    if (spawnSync('sh', ['-c', `command -v ${t}`], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } }).status !== 0) return `${t} is not installed`;
  }
  return undefined;
}

const skip = cannotSandbox() ?? needBinary() ?? missingTool();
if (skip !== undefined) console.warn(`exportfs showmount test skipped: ${skip}`);

const ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
const id = `nx${String(process.pid % 100000)}`;
const NS_SRV = `nfsha-${id}-srv`;
const NS_CLI = `nfsha-${id}-cli`;
const SRV_IP = '192.0.2.1';

function sh(cmd: string): { code: number | null; out: string } {
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', env: ENV, timeout: 30000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function must(cmd: string): void {
  const r = sh(cmd);
  if (r.code !== 0) throw new Error(`${cmd}: ${r.out}`);
}

// Waits (bounded: a hung step must fail the test, not hang it) until `file` exists.
async function waitFor(file: string, what: string, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (existsSync(file)) return;
    if (server.exitCode !== null) throw new Error(`server ended (${String(server.exitCode)}) before ${what}: ${readLog()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${what} after 30 s: ${readLog()}`);
}

let dir = '';
let readLog = () => '';

describe.skipIf(skip !== undefined)('exportfs agent over the wire (rpc.mountd, showmount -e)', () => {
  let cleanup = (): void => undefined;
  let server: ChildProcess | undefined;

  beforeAll(() => {
    ({ dir, cleanup } = scratch('nfsha-exportfs-wire-'));
    readLog = () => { try { return readFileSync(join(dir, 'server.log'), 'utf8'); } catch { return ''; } };
    must(`ip netns add ${NS_SRV} && ip netns add ${NS_CLI}`);
    must(`ip link add ${id}s type veth peer name ${id}c && ip link set ${id}s netns ${NS_SRV} && ip link set ${id}c netns ${NS_CLI}`);
    must(`ip -n ${NS_SRV} addr add ${SRV_IP}/24 dev ${id}s && ip -n ${NS_SRV} link set ${id}s up && ip -n ${NS_SRV} link set lo up`);
    must(`ip -n ${NS_CLI} addr add 192.0.2.2/24 dev ${id}c && ip -n ${NS_CLI} link set ${id}c up && ip -n ${NS_CLI} link set lo up`);
  });

  afterAll(() => {
    if (server?.pid !== undefined && server.exitCode === null) {
      try { process.kill(-server.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    sh(`ip netns del ${NS_SRV}; ip netns del ${NS_CLI}`);
    cleanup();
  });

  it('lists the export while started and not after stop', async () => {
    const data = join(dir, 'data/export1');
    mkdirSync(data, { recursive: true });
    const agent = join(dir, 'exportfs');
    symlinkSync(BINARY, agent);
    const agentEnv = `env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=wire HA_LOGFACILITY=none OCF_RESKEY_clientspec=192.0.2.0/24 OCF_RESKEY_directory=${data} OCF_RESKEY_fsid=1 OCF_RESKEY_options=rw,no_root_squash`;
    const script = join(dir, 'server.sh');
    writeFileSync(script, [
      'exec >> ' + join(dir, 'server.log') + ' 2>&1',
      'rpcbind -w',
      `${agentEnv} ${agent} start; echo $? > ${dir}/start.rc`,
      'rpc.mountd',
      'for i in $(seq 200); do rpcinfo -p 127.0.0.1 | grep -q mountd && break; sleep 0.05; done',
      `touch ${dir}/started`,
      `while [ ! -e ${dir}/stop ]; do sleep 0.05; done`,
      `${agentEnv} ${agent} stop; echo $? > ${dir}/stop.rc`,
      `touch ${dir}/stopped`,
      `while [ ! -e ${dir}/exit ]; do sleep 0.05; done`,
      '',
    ].join('\n'));
    server = spawn('ip', ['netns', 'exec', NS_SRV, 'bash', SANDBOX, '--fake-nfsd', join(dir, 'sbx'), '--', 'bash', script], { env: ENV, detached: true, stdio: 'ignore' });

    await waitFor(join(dir, 'started'), 'start', server);
    expect(readFileSync(join(dir, 'start.rc'), 'utf8').trim()).toBe('0');
    const during = sh(`ip netns exec ${NS_CLI} showmount -e ${SRV_IP}`);
    expect(during.code).toBe(0);
    expect(during.out).toContain(`Export list for ${SRV_IP}:`);
    expect(during.out).toMatch(new RegExp(`^${data} +192\\.0\\.2\\.0/24$`, 'm'));

    writeFileSync(join(dir, 'stop'), '');
    await waitFor(join(dir, 'stopped'), 'stop', server);
    expect(readFileSync(join(dir, 'stop.rc'), 'utf8').trim()).toBe('0');
    const after = sh(`ip netns exec ${NS_CLI} showmount -e ${SRV_IP}`);
    expect(after.code).toBe(0);
    expect(after.out).toContain(`Export list for ${SRV_IP}:`);
    expect(after.out).not.toContain(data);

    writeFileSync(join(dir, 'exit'), '');
    await new Promise<void>((resolve) => { if (server?.exitCode !== null) resolve(); else server.once('exit', () => { resolve(); }); });
  });
});
