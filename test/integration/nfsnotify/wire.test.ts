// nfsnotify between two network namespaces: the server node runs rpcbind,
// rpc.statd (Debian layout, /var/lib/nfs) and our agent; the client node runs rpcbind, rpc.statd
// with a monitor record for the floating name, an HA callout that logs every SM_NOTIFY, and a
// stand-in lockd that logs statd's callback (the call that makes a real client reclaim its
// locks). tshark captures on the client's interface. Assertions are on the wire, on the client
// and on the server's state file; never on timing.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentRoot, cannotSandbox, needBinary, ROOT } from '../../lib/sandbox.ts';
import { Capture, CLIENT_IP, NAMELESS_IP, NsmRig, nsmRecord, SERVER_IP, VIP, waitFor, type NsmNode } from '../../lib/nsm-rig.ts';

function missingTools(): string | undefined {
  for (const t of ['tshark', 'rpcbind', 'rpc.statd', 'sm-notify', 'nsenter', 'ip', 'ocf-tester']) {
    if (spawnSync('which', [t], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } }).status !== 0) return `${t} is not installed`;
  }
  return undefined;
}

const skip = cannotSandbox() ?? needBinary() ?? missingTools();
if (skip !== undefined) console.warn(`nfsnotify wire tests skipped: ${skip}`);

const NODE = join(ROOT, 'node_modules/.bin/node');
const FAKE_NLM = join(ROOT, 'test/lib/fake-nlm.mjs');
const CLIENT_PRIV = 'c0ffee00c0ffee00c0ffee00c0ffee00';

// The settle time for "nothing more arrives": statd sends its callback milliseconds after the
// notification it acts on; this only bounds how long a negative check looks.
const SETTLE_MS = 1500;
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, SETTLE_MS));

describe.skipIf(skip !== undefined)('nfsnotify on the wire (two network namespaces, real statd and sm-notify)', () => {
  let dir = '';
  let rig: NsmRig | undefined;
  let cap: Capture | undefined;
  let agent = '';
  const states: { noV?: number; vip?: number; restarted?: number } = {};

  const file = (name: string): string => join(dir, name);
  const node = (): NsmNode => {
    if (rig === undefined) throw new Error('the rig is not up');
    return rig.server;
  };
  const lines = (name: string): string[] => (existsSync(file(name)) ? readFileSync(file(name), 'utf8').split('\n').filter((l) => l !== '') : []);
  const callouts = (): string[] => lines('callout.log');
  const nlmCalls = (): { mon_name: string; state: number; priv: string }[] => lines('nlm.log').map((l) => JSON.parse(l) as { mon_name: string; state: number; priv: string });

  const run = (action: string, instance: string, params: Record<string, string> = {}) => {
    const env: Record<string, string> = { OCF_ROOT: '/usr/lib/ocf', OCF_RESOURCE_INSTANCE: instance, HA_LOGFACILITY: 'none' };
    for (const [k, v] of Object.entries(params)) env[`OCF_RESKEY_${k}`] = v;
    const r = node().exec([agent, action], { env });
    return { ...r, reason: /ocf-exit-reason:(.*)/.exec(r.stderr)?.[1] };
  };

  // The server's NSM state number (4 bytes, host order).
  const serverState = (): number => Number(node().mustSh('od -An -tu4 /var/lib/nfs/state').trim());

  // What the server's lockd records when the client takes a lock: a record for the client whose
  // my_name is the node's own name (that is what sm-notify sends without -v).
  const serverMonitorsClient = (): void => {
    node().mustSh(`printf '%s' '${nsmRecord('nfsclient.hostrig.test', 'hostrig-node1')}' > /var/lib/nfs/sm/nfsclient.hostrig.test && chown statd:nogroup /var/lib/nfs/sm/nfsclient.hostrig.test`);
  };

  beforeAll(async () => {
    dir = mkdtempSync('/tmp/nfsha-nsm-');
    chmodSync(dir, 0o755);
    const r = new NsmRig(dir);
    rig = r;
    r.up();
    agent = join(agentRoot(dir), 'resource.d/nfsha/nfsnotify');
    const c = new Capture(r.client.netns, r.clientIf, file('client.pcapng'));
    cap = c;
    await c.ready();

    // statd runs the callout as user statd: the script and its log must be reachable by it.
    writeFileSync(file('callout.sh'), `#!/bin/sh\necho "$@" >> ${file('callout.log')}\n`, { mode: 0o755 });
    writeFileSync(file('callout.log'), '');
    chmodSync(file('callout.log'), 0o666);
    r.client.mustSh([
      'rpcbind -w',
      `printf '%s' '${nsmRecord('nfshost.hostrig.test', 'nfsclient', CLIENT_PRIV)}' > /var/lib/nfs/sm/nfshost.hostrig.test`,
      'chown statd:nogroup /var/lib/nfs/sm/nfshost.hostrig.test',
      `(setsid ${NODE} ${FAKE_NLM} ${file('nlm.log')} ${file('nlm.ready')} > ${file('nlm.out')} 2>&1 &)`,
      `(setsid rpc.statd -F -d -L -H ${file('callout.sh')} > ${file('client-statd.log')} 2>&1 &)`,
    ].join('; '));
    await waitFor('the stand-in lockd to register', () => (existsSync(file('nlm.ready')) ? true : undefined));
    await waitFor('the client statd', () => (readFileSync(file('client-statd.log'), 'utf8').includes('Waiting for client connections') ? true : undefined));
    // The server as nfsserver leaves it with nfs_no_notify: statd up, no notification sent.
    r.server.mustSh('rpcbind -w && rpc.statd -L');
  });

  // Runs even when beforeAll failed half-way: whatever exists is taken down.
  afterAll(async () => {
    try {
      await cap?.stop();
    } finally {
      rig?.down();
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without source_host the notification carries the node name, and the client ignores it', async () => {
    serverMonitorsClient();
    const before = serverState();
    const r = run('start', 'nov');
    expect(r.code, r.stderr).toBe(0);
    const line = await waitFor('the client to receive SM_NOTIFY', () => callouts().find((l) => l.startsWith('sm-notify hostrig-node1 ')));
    expect(line.split(' ')[2]).toBe(SERVER_IP);
    states.noV = Number(line.split(' ')[3]);
    expect(states.noV).toBe(serverState());
    expect(states.noV).not.toBe(before);
    await waitFor('the client statd to compare names', () => (readFileSync(file('client-statd.log'), 'utf8').includes('hostnames hostrig-node1 and nfshost.hostrig.test did not match') ? true : undefined));
    await settle();
    expect(nlmCalls()).toEqual([]);
    expect(run('stop', 'nov').code).toBe(0);
  });

  it('a source host that is not local, or has no name, is an error before anything is sent', async () => {
    serverMonitorsClient();
    const before = serverState();
    const heard = callouts().length;
    const nameless = run('start', 'bad', { source_host: NAMELESS_IP });
    expect(nameless.code).toBe(1);
    expect(nameless.reason).toMatch(/^source_host 192\.168\.122\.12 does not reverse-resolve/);
    const foreign = run('start', 'bad', { source_host: 'nfsclient' });
    expect(foreign.code).toBe(1);
    expect(foreign.reason).toBe(`source_host nfsclient resolves to ${CLIENT_IP}, which is not configured on this node (start nfsnotify after the floating IP)`);
    const unknown = run('start', 'bad', { source_host: '192.168.122.250' });
    expect(unknown.reason).toBe('source_host 192.168.122.250 is not configured on this node (start nfsnotify after the floating IP)');
    // Nothing consumed, nothing increased, nothing recorded, nothing sent.
    expect(node().mustSh('ls /var/lib/nfs/sm').trim()).toBe('nfsclient.hostrig.test');
    expect(serverState()).toBe(before);
    expect(run('monitor', 'bad').code).toBe(7);
    await settle();
    expect(callouts()).toHaveLength(heard);
  });

  it('with source_host = the floating IP, the client matches the name and calls its lockd (it would reclaim)', async () => {
    const before = serverState();
    const r = run('start', 'vip', { source_host: VIP });
    expect(r.code, r.stderr).toBe(0);
    states.vip = serverState();
    expect(states.vip).not.toBe(before);
    expect(states.vip).not.toBe(states.noV);
    const call = await waitFor('the lockd callback', () => nlmCalls().find((c) => c.state === states.vip));
    expect(call).toMatchObject({ mon_name: 'nfshost.hostrig.test', priv: CLIENT_PRIV });
    expect(callouts()).toContain(`sm-notify nfshost.hostrig.test ${VIP} ${String(states.vip)}`);
    expect(run('monitor', 'vip').code).toBe(0);
  });

  it('reload sends the same state again, which the client ignores', async () => {
    const heardLine = `sm-notify nfshost.hostrig.test ${VIP} ${String(states.vip)}`;
    const r = run('reload', 'vip', { source_host: VIP });
    expect(r.code, r.stderr).toBe(0);
    await waitFor('the repeated notification', () => (callouts().filter((l) => l === heardLine).length === 2 ? true : undefined));
    await settle();
    expect(nlmCalls().filter((c) => c.state === states.vip)).toHaveLength(1);
    // A re-notification never increases the real state nor consumes the real list.
    expect(serverState()).toBe(states.vip);
  });

  it('a statd restart: monitor says so, and the restarted resource notifies with a new state', async () => {
    node().mustSh('kill $(pidof rpc.statd); while pidof rpc.statd >/dev/null; do sleep 0.05; done; rpc.statd -L');
    const mon = run('monitor', 'vip');
    expect(mon.code).toBe(1);
    expect(mon.reason).toMatch(/for rpc\.statd is no longer running, sm-notify needs to re-notify clients$/);
    expect(run('stop', 'vip').code).toBe(0);
    serverMonitorsClient();
    const r = run('start', 'vip', { source_host: VIP });
    expect(r.code, r.stderr).toBe(0);
    states.restarted = serverState();
    expect(states.restarted).not.toBe(states.vip);
    const call = await waitFor('the lockd callback', () => nlmCalls().find((c) => c.state === states.restarted));
    expect(call.mon_name).toBe('nfshost.hostrig.test');
    expect(run('stop', 'vip').code).toBe(0);
    expect(run('monitor', 'vip').code).toBe(7);
  });

  it('on the wire: the mon_name and source address are the floating ones, with the new state', async () => {
    if (cap === undefined) throw new Error('no capture');
    await cap.holds(`state ${String(states.restarted)}`, (r) => r.state === states.restarted);
    await cap.stop();
    const rows = cap.notifies();
    const floating = rows.filter((r) => r.monName.startsWith('nfshost'));
    const node = rows.filter((r) => r.monName === 'hostrig-node1');
    // Without -v: the node's name from its own address.
    expect(node.length).toBeGreaterThan(0);
    expect(node.every((r) => r.src === SERVER_IP && r.state === states.noV)).toBe(true);
    // With -v VIP: FQDN first, then the short name, from the VIP, never from the node address.
    expect(floating.every((r) => r.src === VIP)).toBe(true);
    expect(floating).toContainEqual(expect.objectContaining({ monName: 'nfshost.hostrig.test', state: states.vip }));
    expect(floating).toContainEqual(expect.objectContaining({ monName: 'nfshost', state: states.vip }));
    expect(floating).toContainEqual(expect.objectContaining({ monName: 'nfshost.hostrig.test', state: states.restarted }));
    // sm-notify sends from a privileged port (bindresvport).
    expect(rows.every((r) => r.port < 1024)).toBe(true);
  });

  it('the compiled binary passes ocf-tester in the rig', () => {
    serverMonitorsClient();
    const r = node().exec(['ocf-tester', '-n', 'ocftest', '-o', `source_host=${VIP}`, agent], { timeoutMs: 120000 });
    expect(r.stdout + r.stderr).toContain('passed all tests');
    expect(r.code).toBe(0);
  });
});
