// The scenarios of one provider's run, in order, on one set of VMs:
//   start     the group comes up on node1, in order (Pacemaker's history), kernel facts checked
//   client    NFSv3 and NFSv4.2 mounts by the floating name, flocks held, writes running
//   crash     node1's qemu is killed: group moves to node2, locks reclaimed, writes resume
//   rejoin    node1 boots again and rejoins the cluster
//   move      planned move back to node1: clean stops, no journal recovery, locks reclaimed
//   nfsd      nfsd stopped behind the cluster's back: monitor notices, group recovers in place
//   umount    an exported filesystem unmounted behind its back: monitor notices, recovery
//   verify    every file the client finished writing is intact on the shared disk
//   holder    the Filesystem agent asked to stop a filesystem nfsd still exports (cluster in
//             maintenance mode, agent run by hand): it must not claim success while mounted
//   doctor    (ours) nfsha doctor against a deliberately broken configuration names the fault
//   notickle  (ours) the crash again, node1 → node2, with nfsnotify's tickle ACKs turned off:
//             the client waits for its own retransmission (issue 15's comparison)
// nfsha doctor also runs on both nodes after the group started and on node2 after the crash.
//   fenced-stop   (ours; LAB_FENCED_STOP) a move whose stop fails for real (export1's filesystem
//             held by a loop device): the node is fenced, the group recovers on the other node
//   fenced-rejoin the fenced node (rebooted by the fence device) rejoins, the group stays
// Fencing is on (fence.ts): the crash's survivor fences the dead node before it starts the group.

import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GRACE_S, GROUP, RESOURCES, SCOPE, VIP, type Provider } from './cib.ts';
import * as client from './client.ts';
import { EventLog, type Ev } from './events.ts';
import { sleep } from './guest.ts';
import { Guest, NODE_WATCH, clusterState, describeGroup, groupOn, loadConfig, opHistory, startClusterNode, stopWatch, type ClusterState } from './guests.ts';
import { fmtS, type Record as Rec } from './record.ts';
import { MACHINES, type Flavour, type Lab } from './vm.ts';
import { Fencer } from './fence.ts';
import * as sd from './systemd.ts';

export interface Failover {
  scenario: string;
  from: string;
  to: string;
  t0: number; // the crash, the move command, the fault
  t0Label: string;
  detected?: number; // node loss seen / monitor failure seen
  fenced?: number; // the fencing of the lost node confirmed
  starts: { rsc: string; t0: number; t1: number; ok: boolean }[];
  stops: { rsc: string; t0: number; t1: number; ok: boolean }[];
  groupStarted?: number;
  notifyStart?: number;
  notifyDone?: number;
  ipUp?: number; // the first ARP from the floating address the client saw after t0
  reset?: number; // the first TCP reset from the floating address the client saw after ipUp
  tickle?: boolean; // ours: nfsnotify's tickle parameter during this failover
  killed?: boolean; // the old node's qemu was killed (crash, notickle): no stops, a node loss
  ports?: Partial<Record<client.Tag, number>>; // each mount's TCP source port before the fault
  lock: Partial<Record<client.Tag, number>>;
  lastWriteBefore: Partial<Record<client.Tag, number>>;
  firstWriteAfter: Partial<Record<client.Tag, number>>;
  writes: Partial<Record<client.Tag, number[]>>; // completed client writes around the failover
}

export interface ProviderResult {
  flavour: Flavour;
  provider: Provider;
  failovers: Failover[];
  aborted?: string;
}

const BOOT_TIMEOUT = 300_000;
const CLUSTER_TIMEOUT = 300_000;
const GROUP_TIMEOUT = 900_000;
const RECLAIM_TIMEOUT = 240_000;
const FENCE_GRACE = 180_000;
const NFSHA = '/usr/libexec/nfsha-agents/nfsha';
// nfsnotify's record of the client's connections (statd directory on the shared /var/lib/nfs).
const RECORD = '/var/lib/nfs/nfsnotify_nfsnotify.connections';

export class Run {
  readonly lab: Lab;
  readonly rec: Rec;
  readonly provider: Provider;
  readonly flavour: Flavour;
  readonly log = new EventLog();
  readonly out: string;
  readonly g: { node1: Guest; node2: Guest; client: Guest };
  lockIds: Partial<Record<client.Tag, string>> = {};
  readonly result: ProviderResult;
  readonly fencer: Fencer;

  constructor(lab: Lab, rec: Rec, provider: Provider, out: string) {
    this.lab = lab;
    this.rec = rec;
    this.provider = provider;
    this.flavour = lab.boot.flavour;
    this.out = out;
    this.g = { node1: new Guest(MACHINES.node1), node2: new Guest(MACHINES.node2), client: new Guest(MACHINES.client) };
    this.result = { flavour: this.flavour, provider, failovers: [] };
    this.fencer = new Fencer(lab, this.log, this.g);
    this.fencer.onPowerOff = (n) => this.node(n).closeStreams();
  }

  // systemd flavour: the NFS units active at boot on each node, before the cluster started anything.
  private unitBaseline: Record<string, Map<string, string>> = {};

  // Upstream defects this project documents (docs/compat/), by check name: a failure of
  // upstream's agents there is shown as KNOWN. Only where upstream runs unmodified (systemd
  // flavour; the plain flavour's workaround avoids them).
  private known(check: string): string | undefined {
    if (this.provider !== 'heartbeat' || this.flavour !== 'systemd') return undefined;
    const statdDir = 'nfsnotify: statd directory hard-coded to /var/lib/nfs/statd, Debian\'s monitor list is in /var/lib/nfs (docs/compat/nfsnotify.md)';
    if (/^NFSv3 lock reclaimed|^NFSv3 reclaim follows nfsnotify|^the notification came from the floating address/.test(check)) return statdDir;
    const statdItself = 'nfsserver (Debian 12\'s resource-agents 4.12) starts rpc.statd itself, without no-notify, even under systemd: rpc-statd.service then fails ("already running") and statd notifies from the node\'s own address (docs/compat/nfsserver.md)';
    if (/^systemd mode: nfs-utils' units run the server|^statd runs with no-notify|^no SM_NOTIFY reached the client before nfsnotify/.test(check)) return statdItself;
    if (/^nfsha doctor on .*: exit 0/.test(check)) return `doctor reports that defect (statd-no-notify): ${statdItself}`;
    return undefined;
  }

  // A scenario of upstream's that ended early for a documented reason (systemd flavour only).
  private knownAbort(scenario: string): string | undefined {
    if (this.provider !== 'heartbeat' || this.flavour !== 'systemd') return undefined;
    const stop = this.log.find('done', 0, (d) => d.rsc === 'nfsserver' && d.action === 'stop' && d.status !== 0);
    return scenario === 'move' && stop
      ? `nfsserver (Debian 12's resource-agents 4.12) stop fails under systemd ("Failed to unmount a bind mount": /var/lib/nfs busy) and the node is fenced in a planned move (docs/compat/nfsserver.md)`
      : undefined;
  }

  private node(name: string): Guest {
    return name === 'node1' ? this.g.node1 : this.g.node2;
  }

  // A start or stop that failed anywhere: no point waiting for the group any longer. A failed
  // stop is given FENCE_GRACE to be answered by fencing its node (then recovery goes on).
  private failedStart(since: number): () => string | undefined {
    return () => {
      const fenceDue = (d: { host: string; t: number }) => this.fencer.fencedAt(d.host, d.t) !== undefined || Date.now() - d.t < FENCE_GRACE;
      const e = this.log.find('done', since, (d) => (d.action === 'start' || (d.action === 'stop' && !fenceDue(d))) && d.status !== 0);
      return e ? `${e.rsc} ${e.action} failed on ${e.host} (status ${e.status})` : undefined;
    };
  }

  async all(): Promise<ProviderResult> {
    const scenarios: [string, () => Promise<void>][] = [
      ['start', () => this.start()],
      ['client', () => this.clientSetup()],
      ['crash', () => this.crash()],
      ['rejoin', () => this.rejoin()],
      ['move', () => this.move()],
      ['nfsd', () => this.faultNfsd()],
      ['umount', () => this.faultUmount()],
      ...(this.flavour === 'systemd' ? [['unit', () => this.faultUnit()] as [string, () => Promise<void>]] : []),
      ['verify', () => this.verify('verify', 'node1')],
      ['holder', () => this.filesystemUnderNfsd()],
      ...(this.provider === 'nfsha' ? [['doctor', () => this.doctorBroken()], ['notickle', () => this.crashNoTickle()]] as [string, () => Promise<void>][] : []),
      ...(fencedStopFor(this.provider) ? [['fenced-stop', () => this.fencedStop()], ['fenced-rejoin', () => this.fencedRejoin()]] as [string, () => Promise<void>][] : []),
    ];
    // LAB_UPSTREAM=compare (CI): upstream's agents run only what the side-by-side comparison
    // needs (start, client, crash, rejoin, move); their fault and holder findings are documented
    // (docs/compat/) and `LAB_UPSTREAM=all`, the default, runs them too.
    const upstreamOnly = ['start', 'client', 'crash', 'rejoin', 'move'];
    const skip = this.provider === 'heartbeat' && process.env.LAB_UPSTREAM === 'compare';
    // LAB_SCENARIOS=start,client,fenced-stop,…: only those (a developer's shortcut; start and
    // client are what every other scenario needs).
    const only = process.env.LAB_SCENARIOS?.split(',').filter(Boolean);
    for (const [name, fn] of scenarios.filter(([n]) => (!skip || upstreamOnly.includes(n)) && (!only || only.includes(n)))) {
      try {
        await fn();
      } catch (e) {
        const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
        if (e instanceof Error && e.message.includes('\n')) this.rec.log(`${name}: ${e.message}`);
        this.rec.check(name, 'scenario ran to its end', false, msg, this.knownAbort(name));
        this.result.aborted = `${name}: ${msg}`;
        break;
      }
    }
    // How late the guests' 1 s timers fired (fence.ts): what a watchdog would have had to survive.
    this.rec.log(`timer probe (1 s sleeps): ${this.fencer.tickSummary(5000)}`);
    await this.collectLogs();
    return this.result;
  }

  // ---- start ---------------------------------------------------------------------------------
  async start(): Promise<void> {
    const { node1, node2, client: c } = this.g;
    await this.rec.step('shared disk (3 ext4 partitions)', async () => this.lab.makeSharedDisk());
    await this.rec.step('boot node1, node2, client', async () => {
      for (const m of Object.values(MACHINES)) this.lab.start(m);
      await Promise.all([node1, node2, c].map((g) => g.waitUp(BOOT_TIMEOUT)));
    });
    await this.rec.step('cluster services (rpcbind, corosync, pacemaker) + client daemons', async () => {
      if (this.flavour === 'systemd') {
        this.unitBaseline.node1 = await sd.units(node1);
        this.unitBaseline.node2 = await sd.units(node2);
      }
      await Promise.all([startClusterNode(node1, this.provider, this.flavour), startClusterNode(node2, this.provider, this.flavour), client.prepare(c, this.flavour)]);
      node1.stream(NODE_WATCH, this.log);
      node2.stream(NODE_WATCH, this.log);
      this.fencer.watch(node1);
      this.fencer.watch(node2);
      c.stream(client.CLIENT_WATCH, this.log);
    });
    await this.rec.step('cluster formed (both nodes online, DC elected)', () => this.waitCluster(node1, ['node1', 'node2']), (s) => `DC ${s.dc ?? '?'}`);
    const t0 = Date.now();
    await this.rec.step('group configured (cibadmin)', () => loadConfig(node1, this.provider));
    const done = await this.rec.step('group started on node1', async () => {
      const e = await this.log.wait('done', t0, GROUP_TIMEOUT, (d) => d.rsc === 'nfsnotify' && d.action === 'start' && d.status === 0, this.failedStart(t0));
      if (!e) throw new Error(this.failedStart(t0)() ?? 'timed out');
      return e;
    }, (e) => `on ${e.host}`);
    const s = await clusterState(node1);
    this.rec.check('start', 'all nine resources started on node1', groupOn(s, 'node1'), describeGroup(s));
    // Pacemaker's history: the start operations on node1, ordered by call id, are the group's order.
    const hist = (await opHistory(node1)).filter((o) => o.node === 'node1' && o.op === 'start' && inGroup(o.rsc));
    const order = hist.sort((a, b) => a.call - b.call).map((o) => o.rsc);
    const expected = RESOURCES.map((r) => r.id);
    this.rec.check('start', 'start order in Pacemaker history = group order', order.join(',') === expected.join(','), order.join(' → '));
    this.rec.check('start', 'every start returned 0', hist.length === expected.length && hist.every((o) => o.rc === 0), hist.map((o) => `${o.rsc}=${o.rc}/${fmtS(o.execMs)}`).join(' '));
    this.rec.check('start', 'no failed actions', s.failures.length === 0, s.failures.join('; '));
    await this.kernelFacts('start', done.host);
    if (this.flavour === 'systemd') await this.systemdFacts('start', done.host);
    await this.doctor('start', 'node1');
    await this.doctor('start', 'node2');
  }

  // ---- nfsha doctor (issue 14) -----------------------------------------------------------------
  // Runs `nfsha doctor --format json` on a node. Expected: exit 0 and no failing check (the
  // active node runs every check; a standby only boot-services, floating-name, standby-daemons),
  // or, against a broken configuration, exit 1 with the named checks failing.
  private async doctor(scenario: string, host: string, broken?: string[]): Promise<void> {
    const r = await this.node(host).sh(`${NFSHA} doctor --format json`, 180_000);
    let checks: { id: string; status: string; evidence?: string }[] = [];
    let where = '';
    try {
      const j = JSON.parse(r.out) as { checks?: { id: string; status: string; evidence?: string }[]; stacks?: { runsOn?: string[] | string; here?: boolean }[] };
      checks = j.checks ?? [];
      where = (j.stacks ?? []).map((st) => `runs on ${[st.runsOn ?? '?'].flat().join('+') || 'no node'}${st.here ? ' (here)' : ''}`).join(', ');
    } catch {
      // not JSON: reported below
    }
    const failing = checks.filter((c) => c.status === 'fail');
    const failed = failing.map((c) => c.id);
    const summary = checks.length ? `${where}; ${checks.map((c) => `${c.id}=${c.status}`).join(' ')}` : `exit ${r.rc}, no JSON: ${r.out.slice(0, 200)}`;
    if (broken === undefined) {
      this.rec.check(scenario, `nfsha doctor on ${host}: exit 0, every check passes or is skipped`, r.rc === 0 && checks.length > 0 && failed.length === 0,
        `exit ${r.rc}; ${summary}${failed.length ? `; failing: ${failing.map((c) => `${c.id}: ${c.evidence ?? ''}`).join(' | ')}` : ''}`,
        failed.length > 0 && failed.every((id) => id === 'statd-no-notify') ? this.known(`nfsha doctor on ${host}: exit 0`) : undefined);
    } else {
      this.rec.check(scenario, `nfsha doctor on ${host} names the broken configuration: exit 1, ${broken.join(' and ')} fail`, r.rc === 1 && broken.every((id) => failed.includes(id)),
        `exit ${r.rc}; failing: ${failing.map((c) => `${c.id}: ${c.evidence ?? ''}`).join(' | ') || 'none'}`);
    }
  }

  // Changes one parameter of nfsnotify and waits until Pacemaker has applied it (the resource's
  // restart or reload done on host).
  private async setNotifyParam(host: string, name: string, value: string): Promise<void> {
    const t = this.log.mark(`nfsnotify ${name}=${value}`);
    await this.node(host).ok(`crm_resource --resource nfsnotify --set-parameter ${name} --parameter-value ${value}`);
    const d = await this.log.wait('done', t, 180_000, (e) => e.host === host && e.rsc === 'nfsnotify' && /^(start|reload|reload-agent)$/.test(e.action));
    if (!d || d.status !== 0) throw new Error(`nfsnotify did not come back after ${name}=${value}: ${d ? `${d.action} status ${d.status}` : 'timed out'}`);
  }

  // The seed's troubleshooting case: notifications sent from the node's own address instead of
  // the floating one. doctor on the active node must fail the configuration (nfsha check's
  // notify-source) and the last notification (nfsnotify's record names a node address).
  async doctorBroken(): Promise<void> {
    await this.setNotifyParam('node1', 'source_host', MACHINES.node1.ip);
    await this.doctor('doctor', 'node1', ['config', 'last-notification']);
    await this.setNotifyParam('node1', 'source_host', VIP);
    await this.doctor('doctor', 'node1');
  }

  // Issue 15's comparison: the same crash with tickle ACKs off.
  async crashNoTickle(): Promise<void> {
    await this.setNotifyParam('node1', 'tickle', 'false');
    await this.crashOnce('notickle', false);
  }

  // Before a crash with tickling on: nfsnotify records the client's connections at its monitor
  // (every 60 s in the seed's group), so a client that mounted since the last monitor is not in
  // the record yet. Waits until the record on `host` names every connection the client has
  // established to the floating address's port 2049 (its TCP watch): a record written between
  // the two mounts would name one of them only, and the other's tickle would not come.
  async waitRecorded(host: string, scenario = 'crash'): Promise<void> {
    const end = Date.now() + 100_000;
    let recorded: number[] = [];
    let missing: number[] = [];
    let text = '';
    const prefix = `${VIP}:2049 ${MACHINES.client.ip}:`;
    while (Date.now() < end) {
      text = (await this.node(host).sh(`cat ${RECORD} 2>/dev/null`)).out;
      recorded = text.split('\n').filter((l) => l.startsWith(prefix)).map((l) => Number(l.slice(prefix.length).split(/\s/)[0]));
      missing = client.establishedPorts(this.log.last('tcp', Date.now())?.conns ?? []).filter((p) => !recorded.includes(p));
      if (recorded.length >= 1 && missing.length === 0) break;
      await sleep(3000);
    }
    this.rec.check(scenario, 'nfsnotify recorded the client\'s NFS connections before the crash (monitor)', recorded.length >= 1 && missing.length === 0,
      `client port(s) ${recorded.join(', ') || 'none'} to ${VIP}:2049 in ${RECORD}${missing.length ? `; established but not recorded: ${missing.join(', ')}` : ''}${recorded.length ? '' : `: ${text.trim().split('\n').slice(-3).join(' | ') || 'no record'}`}`);
  }

  // systemd flavour: the agent's systemd mode as the node shows it (see systemd.ts).
  private async systemdFacts(scenario: string, host: string): Promise<void> {
    const f = await sd.facts(this.node(host));
    const notActive = sd.SERVER_UNITS.filter((u) => f.active[u] !== 'active');
    this.rec.check(scenario, 'systemd mode: nfs-utils\' units run the server (nfs-server, nfs-mountd, nfs-idmapd, rpc-statd, nfsdcld, proc-fs-nfsd.mount, var-lib-nfs-rpc_pipefs.mount active)',
      notActive.length === 0, notActive.length ? `not active: ${notActive.map((u) => `${u}=${f.active[u] || '?'}`).join(' ')}` : `on ${host}`, this.known('systemd mode: nfs-utils\' units run the server'));
    this.rec.check(scenario, 'statd runs with no-notify', f.statdNoNotify !== '', f.statdNoNotify || 'statd without RPC_STATD_NO_NOTIFY, --no-notify or nfs.conf no-notify', this.known('statd runs with no-notify'));
    this.rec.check(scenario, 'nfs_server_scope reaches rpc.nfsd through a drop-in of nfs-server.service (ExecStart in a UTS namespace named after the scope)',
      f.scopeDropin !== '' && f.scopeExec && f.scopeEnv === 'nfsvip.lab.test', `drop-ins: ${f.scopeDropin || 'none'}; unshare in ExecStart: ${f.scopeExec}; scope: ${f.scopeEnv || 'none'}`);
    this.rec.check(scenario, 'var-lib-nfs-rpc_pipefs.mount mounted on top of the shared /var/lib/nfs (fs3)', f.pipefsOnBind && f.varlibnfs === '/dev/vdb3', `rpc_pipefs on the bind: ${f.pipefsOnBind}; /var/lib/nfs from ${f.varlibnfs || 'nothing'}`);
    this.rec.check(scenario, 'nfsdcld keeps its database on the shared /var/lib/nfs and the kernel uses it', f.cldDb && /nfsdcld/i.test(f.tracking), `main.sqlite there: ${f.cldDb}; kernel: ${f.tracking || 'nothing logged'}`);
  }

  private async waitCluster(g: Guest, nodes: string[]): Promise<ClusterState> {
    const end = Date.now() + CLUSTER_TIMEOUT;
    for (;;) {
      try {
        const s = await clusterState(g);
        if (s.dc && nodes.every((n) => s.online.includes(n))) return s;
      } catch {
        // Pacemaker not answering yet
      }
      if (Date.now() > end) throw new Error(`cluster not formed within ${CLUSTER_TIMEOUT / 1000} s`);
      await sleep(3000);
    }
  }

  // What only a real kernel shows: nfsd threads, rpc_pipefs, grace and lease times in effect.
  private async kernelFacts(scenario: string, host: string): Promise<void> {
    const g = this.node(host);
    const out = await g.sh(`echo threads=$(cat /proc/fs/nfsd/threads)
echo grace=$(cat /proc/fs/nfsd/nfsv4gracetime) lease=$(cat /proc/fs/nfsd/nfsv4leasetime) nlm=$(cat /proc/sys/fs/nfs/nlm_grace_period)
echo pipefs=$(awk '$3 == "rpc_pipefs" {print $2}' /proc/mounts | tr '\\n' ,)
echo varlibnfs=$(awk '$2 == "/var/lib/nfs" {print $1}' /proc/mounts)
echo versions=$(cat /proc/fs/nfsd/versions)`);
    const kv = Object.fromEntries([...out.out.matchAll(/(\w+)=(\S*)/g)].map((m) => [m[1]!, m[2]!]));
    this.rec.check(scenario, 'nfsd threads running (/proc/fs/nfsd/threads > 0)', Number(kv.threads) > 0, `threads=${kv.threads}`);
    this.rec.check(scenario, `grace/lease in effect (nfsv4gracetime=${GRACE_S}, nlm_grace_period=${GRACE_S}, lease=20)`,
      kv.grace === String(GRACE_S) && kv.nlm === String(GRACE_S) && kv.lease === '20', `grace=${kv.grace} nlm=${kv.nlm} lease=${kv.lease}`);
    this.rec.check(scenario, 'rpc_pipefs mounted', (kv.pipefs ?? '') !== '', `at ${kv.pipefs}`);
    this.rec.check(scenario, '/var/lib/nfs is the shared infodir (fs3)', kv.varlibnfs === '/dev/vdb3', `source ${kv.varlibnfs || 'none'}`);
  }

  // ---- client --------------------------------------------------------------------------------
  async clientSetup(): Promise<void> {
    const c = this.g.client;
    await this.rec.step('client mounts (vers=3 export1, vers=4.2 export2, by floating name)', () => client.mountAll(c));
    const t0 = Date.now();
    await this.rec.step('client flocks granted (after the grace period)', async () => {
      await client.takeLocks(c);
      const end = Date.now() + (GRACE_S + 180) * 1000;
      while (!(await client.locksGranted(c))) {
        if (Date.now() > end) throw new Error('flock not granted');
        await sleep(1000);
      }
    });
    const ino = await client.lockInodes(c);
    const devs = await this.g.node1.ok(`for d in ${client.MOUNTS.v3.serverDir} ${client.MOUNTS.v4.serverDir}; do printf '%02x:%02x\\n' $(mountpoint -d $d | tr : ' '); done`);
    const [d3, d4] = devs.trim().split('\n');
    this.lockIds = { v3: `${d3}:${ino.v3}`, v4: `${d4}:${ino.v4}` };
    const seen = await this.log.wait('locks', t0, 10_000, (e) => e.host === 'node1' && e.ids.includes(this.lockIds.v3!) && e.ids.includes(this.lockIds.v4!));
    this.rec.check('client', 'both client locks in node1\'s /proc/locks', seen !== undefined, `ids ${this.lockIds.v3}, ${this.lockIds.v4}`);
    client.startWriters(c, this.log);
    const t1 = Date.now();
    await this.rec.step('client writes running on both mounts', async () => {
      for (const t of client.TAGS) {
        if (!(await this.log.wait('write', t1, 120_000, (e) => e.tag === t))) throw new Error(`no ${t} write`);
      }
    });
  }

  // ---- failover measurement (common to crash, move, faults) ------------------------------------
  async followFailover(f: Failover, abortIf?: () => string | undefined): Promise<void> {
    const to = f.to;
    const abort = () => abortIf?.() ?? this.failedStart(f.t0)();
    const done = await this.log.wait('done', f.t0, GROUP_TIMEOUT, (d) => d.host === to && d.rsc === 'nfsnotify' && d.action === 'start' && d.status === 0, abort);
    this.fillTimeline(f);
    if (!done) throw new Error(`group did not start on ${to}: ${abort() ?? 'timed out'}`);
    f.groupStarted = done.t;
    // Locks and writes come back after the group (grace period, client backoff): wait for them.
    // Both protocols at once: a lock that never comes back costs one timeout, not one each.
    await Promise.all(client.TAGS.map(async (t) => {
      const id = this.lockIds[t];
      if (id !== undefined) f.lock[t] = await this.lockBack(to, id, f.t0, RECLAIM_TIMEOUT);
    }));
    await Promise.all(client.TAGS.map(async (t) => {
      const after = await this.log.wait('write', done.t, RECLAIM_TIMEOUT, (w) => w.tag === t);
      // The write stall: the longest gap between two completed writes that ends after t0.
      const ws = this.log.all('write', f.t0 - 60_000, after?.t ?? Date.now(), (w) => w.tag === t).map((w) => w.t);
      let best: [number, number] | undefined;
      for (let i = 1; i < ws.length; i++) {
        const [a, b] = [ws[i - 1]!, ws[i]!];
        if (b > f.t0 && (!best || b - a > best[1] - best[0])) best = [a, b];
      }
      if (after && best) {
        f.lastWriteBefore[t] = best[0];
        f.firstWriteAfter[t] = best[1];
      }
    }));
    this.fillTimeline(f);
  }

  // When a lock (dev:ino) is back in host's /proc/locks after `since`: it must have been absent
  // there at some point from `since` on (a node that never had it, or lost it), then present.
  private async lockBack(host: string, id: string, since: number, timeoutMs: number): Promise<number | undefined> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const absent = this.log.locksAt(host, since).includes(id) ? this.log.find('locks', since, (e) => e.host === host && !e.ids.includes(id))?.t : since;
      if (absent !== undefined) {
        const p = this.log.find('locks', absent, (e) => e.host === host && e.ids.includes(id));
        if (p) return p.t;
      }
      if (Date.now() > end) return undefined;
      await sleep(200);
    }
  }

  private fillTimeline(f: Failover): void {
    const on = (host: string, action: string) => {
      const list: { rsc: string; t0: number; t1: number; ok: boolean }[] = [];
      for (const x of this.log.all('exec', f.t0, Infinity, (e) => e.host === host && e.action === action && inGroup(e.rsc))) {
        const d = this.log.find('done', x.t, (e) => e.host === host && e.call === x.call);
        if (d) list.push({ rsc: x.rsc, t0: x.t, t1: d.t, ok: d.status === 0 });
      }
      return list;
    };
    f.starts = on(f.to, 'start');
    f.stops = f.killed === true ? [] : on(f.from, 'stop');
    const n = this.log.find('exec', f.t0, (e) => e.host === f.to && e.rsc === 'nfsnotify' && e.action === 'start');
    f.notifyStart = n?.t;
    f.notifyDone = n ? this.log.find('done', n.t, (e) => e.host === f.to && e.call === n.call)?.t : undefined;
    // The floating address is up on the new node when its first ARP reaches the client (after
    // the node loss or the fault was seen; for a move, after the old node's vip1 stop).
    const vipStop = f.stops.find((s) => s.rsc === 'vip1')?.t1;
    f.ipUp = this.log.find('vipup', vipStop ?? f.detected ?? f.t0)?.t;
    f.reset = f.ipUp !== undefined ? this.log.find('rst', f.ipUp)?.t : undefined;
    const until = Math.max(f.groupStarted ?? 0, ...Object.values(f.firstWriteAfter), ...Object.values(f.lock)) + 5000;
    for (const t of client.TAGS) f.writes[t] = this.log.all('write', f.t0 - 5000, until, (w) => w.tag === t).map((w) => w.t);
  }

  // Kills `from`'s qemu and opens the failover to `to` (crash, notickle, each soak round). Each
  // mount's TCP port is read just before (the tickle check's; the client keeps it across failovers).
  async killNode(scenario: string, from: 'node1' | 'node2', to: 'node1' | 'node2', mark: string): Promise<Failover> {
    const ports = await client.mountPorts(this.g.client, this.log.last('tcp', Date.now())?.conns ?? []);
    const t0 = this.lab.crash(from);
    this.log.mark(mark, t0);
    this.node(from).closeStreams();
    const f = this.newFailover(scenario, from, to, t0, 'the kill');
    f.killed = true;
    f.ports = ports;
    return f;
  }

  newFailover(scenario: string, from: string, to: string, t0: number, t0Label: string): Failover {
    const f: Failover = { scenario, from, to, t0, t0Label, starts: [], stops: [], lock: {}, lastWriteBefore: {}, firstWriteAfter: {}, writes: {} };
    this.result.failovers.push(f);
    return f;
  }

  failoverChecks(f: Failover): void {
    const sc = f.scenario;
    this.rec.check(sc, `group started on ${f.to}`, f.groupStarted !== undefined, f.groupStarted ? `${fmtS(f.groupStarted - f.t0)} after ${f.t0Label}` : '');
    const v3 = f.lock.v3;
    const ns = f.notifyStart;
    this.rec.check(sc, `NFSv3 lock reclaimed on ${f.to}`, v3 !== undefined, v3 ? `${fmtS(v3 - f.t0)} after ${f.t0Label}` : `not within ${RECLAIM_TIMEOUT / 1000} s`, this.known('NFSv3 lock reclaimed'));
    if (v3 !== undefined && ns !== undefined) {
      // Proof that nfsnotify's notification caused the reclaim (not the client's own retry a
      // minute later): the reclaim follows the first SM_NOTIFY from the floating address that the
      // client's tcpdump saw. Counted from that packet, not from nfsnotify's start: how long the
      // start takes to send it is a measurement (its detail, the timelines), not the causal proof.
      const n = this.log.find('notify', ns, (e) => e.src === VIP);
      this.rec.check(sc, 'NFSv3 reclaim follows nfsnotify\'s notification (from the floating address) within 15 s', n !== undefined && v3 >= n.t && v3 - n.t <= 15_000,
        n ? `${fmtS(v3 - n.t)} after the SM_NOTIFY, which left ${fmtS(n.t - ns)} after nfsnotify's start began` : 'no SM_NOTIFY from the floating address seen by the client', this.known('NFSv3 reclaim follows nfsnotify'));
    }
    const v4 = f.lock.v4;
    const nfsd = f.starts.find((s) => s.rsc === 'nfsserver');
    this.rec.check(sc, `NFSv4.2 lock reclaimed on ${f.to} within the grace period`, v4 !== undefined && (nfsd === undefined || v4 - nfsd.t0 <= GRACE_S * 1000),
      v4 ? `${fmtS(v4 - f.t0)} after ${f.t0Label}${nfsd ? `, ${fmtS(v4 - nfsd.t0)} after nfsserver start began` : ''}` : 'not reclaimed');
    // The seed's troubleshooting: no notification before nfsnotify's, from the node's own name or
    // address (rpc-statd-notify.service, statd's own sm-notify); nfsnotify's comes from the VIP.
    if (ns !== undefined) {
      const early = this.log.all('notify', f.t0, ns);
      const first = this.log.find('notify', ns);
      this.rec.check(sc, 'no SM_NOTIFY reached the client before nfsnotify started', early.length === 0,
        early.length ? early.map((e) => `from ${e.src} at ${fmtS(e.t - f.t0)}`).join(', ') : `${this.log.all('notify', f.t0).length} after it`, this.known('no SM_NOTIFY reached the client before nfsnotify'));
      this.rec.check(sc, 'the notification came from the floating address', first?.src === VIP, first ? `from ${first.src}, ${fmtS(first.t - ns)} after nfsnotify start` : 'none seen by the client', this.known('the notification came from the floating address'));
    }
    for (const t of client.TAGS) {
      const a = f.lastWriteBefore[t];
      const b = f.firstWriteAfter[t];
      this.rec.check(sc, `client ${t} writes resume`, b !== undefined, b && a ? `longest stall ${fmtS(b - a)} (last write before → first after)` : 'no write after the group started');
    }
    // Issue 15: with tickling on, no client that still holds its dead connection waits for its own
    // retransmission once nfsnotify has started: the tickle ACK makes the new node reset that
    // connection (the client answers it, the kernel has no such connection) and the client
    // reconnects at once. Two kinds of client pass without a tickle:
    // - one that had already reconnected by itself (its retransmission landed after the IP came
    //   back; the Linux client reconnects from the same port, so the recorded connection is alive
    //   again and no reset follows): it wrote before nfsnotify started;
    // - one that was setting its connection up again when nfsnotify started (the client's watch
    //   shows the port in SYN sent, closed or gone: RECONNECTING): the client's own connect
    //   backoff decides when it gets through, and an ACK to a connection the client no longer has
    //   is answered with a reset by the client, not by the server. Its delay is reported, not
    //   gated. A connection in any synchronized state (established, FIN wait) is a tickle's.
    // Every other client writes within 10 s of the start (the backoff's next slot is tens of
    // seconds away by then).
    if (f.tickle === true && ns !== undefined) {
      const late = client.TAGS.filter((t) => { const w = f.firstWriteAfter[t]; return w === undefined || w - ns > 10_000; });
      const st = connStates(this.log.last('tcp', ns)?.conns, f.ports);
      const blocking = late.filter((t) => !RECONNECTING.includes(st[t] ?? ''));
      const rst = this.log.find('rst', ns);
      const tacks = this.log.all('tack', ns, ns + 30_000);
      const when = (t: client.Tag) => { const w = f.firstWriteAfter[t]; return w === undefined ? `${t} never` : `${t} ${w < ns ? `${fmtS(ns - w)} before` : `${fmtS(w - ns)} after`}`; };
      const conn = (t: client.Tag) => `${t} port ${f.ports?.[t] ?? '?'} ${stateName(st[t])}`;
      this.rec.check(sc, 'tickle ACKs: after nfsnotify\'s start no client holding its dead connection waited for its own retransmission (each wrote again before it or within 10 s)', blocking.length === 0,
        `first writes: ${client.TAGS.map(when).join(', ')} nfsnotify's start; the client's connections then: ${client.TAGS.map(conn).join(', ')}${late.length > blocking.length ? ` (${late.filter((t) => !blocking.includes(t)).join(', ')} reconnecting by itself: not a tickle's to hurry)` : ''}; tickle ACKs that reached the client: ${tacks.length ? [...new Set(tacks.map((a) => a.port))].map((p) => `port ${p} ×${tacks.filter((a) => a.port === p).length} from ${fmtS(tacks.find((a) => a.port === p)!.t - ns)}`).join(', ') : 'none'}; first reset from the floating address after it: ${rst ? `client port ${rst.port}, ${fmtS(rst.t - ns)}` : 'none'}; floating IP up (ARP) ${f.ipUp ? fmtS(ns - f.ipUp) : '?'} before it`);
    }
  }

  // ---- crash ---------------------------------------------------------------------------------
  async crash(): Promise<void> {
    const f = await this.crashOnce('crash', true);
    const t0 = f.t0;
    // NFSv4.1+: both nodes must present one server scope, or the client will not reclaim.
    const names = (from: number, to: number) => [...new Set(this.log.all('scope', from, to).map((e) => e.name))];
    const before = names(0, t0);
    const after = names(t0, Infinity);
    this.rec.check('crash', `both nodes present the same NFSv4 server scope (${SCOPE}) to the client`, before.join() === SCOPE && after.join() === SCOPE,
      `node1 (before the crash): ${before.join(' ') || 'not seen'}; node2 (after): ${after.join(' ') || 'not seen'}`);
    if (this.flavour === 'systemd') await this.systemdFacts('crash', 'node2');
    await this.verify('crash', 'node2');
    await this.doctor('crash', 'node2');
  }

  // Issue 15 §3: does nfsd end its NFSv4 grace period early once every client it knew has
  // reclaimed? Only with nfsdcld client tracking (docs/nfsv4-grace.md). Read from the kernel's log
  // of the node the group came up on: the last grace start and what ended it.
  private async graceEnd(f: Failover): Promise<void> {
    const r = await this.node(f.to).sh("dmesg | grep -E 'NFSD: (Using .* client tracking|starting [0-9]+-second grace|all clients done reclaiming|no clients to reclaim)' | tail -4");
    const lines = r.out.trim().split('\n').filter(Boolean);
    const ts = (l: string) => Number(/^\[\s*([\d.]+)\]/.exec(l)?.[1]);
    const startIdx = lines.findLastIndex((l) => /starting \d+-second grace/.test(l));
    const start = startIdx >= 0 ? lines[startIdx]! : undefined;
    const end = start ? lines.slice(startIdx + 1).find((l) => /all clients done reclaiming/.test(l)) : undefined;
    const tracking = /Using (.*) client tracking/.exec(lines.filter((l) => /client tracking/.test(l)).pop() ?? '')?.[1] ?? 'unknown';
    const skipped = lines.slice(startIdx + 1).some((l) => /no clients to reclaim/.test(l));
    const detail = start === undefined ? `no grace start in ${f.to}'s kernel log` : end ? `ended ${(ts(end) - ts(start)).toFixed(1)} s after it began (${tracking} client tracking), all clients done reclaiming` : skipped ? `skipped: no clients to reclaim (${tracking})` : `not ended early (${tracking} client tracking): ran its ${GRACE_S} s`;
    this.rec.check(f.scenario, 'NFSv4 grace ended early: the kernel saw every known client reclaim (nfsdcld)', end !== undefined, detail);
  }

  // node1's qemu killed while the group runs there; the group comes up on node2.
  private async crashOnce(scenario: string, tickle: boolean): Promise<Failover> {
    if (this.provider === 'nfsha' && tickle) await this.waitRecorded('node1');
    await sleep(3000); // a few writes in steady state
    const f = await this.killNode(scenario, 'node1', 'node2', 'kill -9 node1 qemu');
    const t0 = f.t0;
    if (this.provider === 'nfsha') f.tickle = tickle;
    await this.rec.step(`${scenario === 'crash' ? 'crash' : `crash (${scenario})`} node1 → group started on node2, locks reclaimed, writes resumed`, () => this.followFailover(f));
    f.detected = this.log.find('lost', t0, (e) => e.host === 'node2' && e.node === 'node1')?.t;
    this.fenceChecks(f);
    this.failoverChecks(f);
    await this.graceEnd(f);
    if (scenario !== 'crash') await this.verify(scenario, 'node2');
    return f;
  }

  async verify(scenario: string, server: string): Promise<void> {
    const r = await client.verifyOnServer(this.g.client, this.node(server));
    this.rec.check(scenario, 'every file the client wrote is intact on the shared disk', r.files > 0 && r.problems.length === 0, `${r.files} files checked on ${server}${r.problems.length ? `: ${r.problems.join(' | ')}` : ''}`);
  }

  // ---- rejoin --------------------------------------------------------------------------------
  async rejoin(): Promise<void> {
    await this.bootAndRejoin('rejoin', 'node1', 'node2');
  }

  // A node that is down (crashed, or fenced: the fence device's reboot leaves the power-on to
  // this step) boots, runs the cluster services again and rejoins; the group must stay where it is.
  async bootAndRejoin(scenario: string, name: 'node1' | 'node2', active: 'node1' | 'node2'): Promise<void> {
    const g = this.node(name);
    const other = this.node(active);
    await this.rec.step(`${name} boots again and rejoins`, async () => {
      if (!this.lab.running(name)) this.lab.start(MACHINES[name]);
      await g.waitUp(BOOT_TIMEOUT);
      if (this.flavour === 'systemd') this.unitBaseline[name] = await sd.units(g);
      await startClusterNode(g, this.provider, this.flavour);
      g.stream(NODE_WATCH, this.log);
      this.fencer.watch(g);
      await this.waitCluster(other, ['node1', 'node2']);
      await this.waitCibSynced(g, name);
    });
    const s = await clusterState(other);
    this.rec.check(scenario, `group stays on ${active} (stickiness)`, groupOn(s, active), describeGroup(s));
  }

  // A rejoined node boots with the lab's seed CIB (cluster options only: the guests' disks do not
  // keep /var/lib/pacemaker) and gets the cluster's from the DC some seconds after it is seen
  // online. Until then it must not be left alone: a soak that killed the active node 3 s after the
  // rejoin found the survivor DC over an empty configuration (no group, no fence device, the dead
  // node UNCLEAN for good). A real node keeps its CIB on disk; the lab waits for the sync.
  private async waitCibSynced(g: Guest, name: string): Promise<void> {
    const end = Date.now() + CLUSTER_TIMEOUT;
    for (;;) {
      const r = await g.sh(`cibadmin --query --local --scope resources 2>/dev/null | grep -c 'id="${GROUP}"'`);
      if (Number(r.out.trim()) > 0) return;
      if (Date.now() > end) throw new Error(`${name}'s CIB did not receive the group from the DC within ${CLUSTER_TIMEOUT / 1000} s`);
      await sleep(1000);
    }
  }

  // ---- planned move --------------------------------------------------------------------------
  async move(): Promise<void> {
    const { node1, node2 } = this.g;
    const t0 = this.log.mark('crm_resource --move nfsgroup to node1');
    const f = this.newFailover('move', 'node2', 'node1', t0, 'the move command');
    await node2.ok(`crm_resource --move --resource ${GROUP} --node node1`);
    await this.rec.step('planned move node2 → node1', () => this.followFailover(f));
    await node2.ok(`crm_resource --clear --resource ${GROUP}`);
    this.failoverChecks(f);
    await this.graceEnd(f);
    this.rec.check('move', 'every stop on node2 returned 0', f.stops.length === RESOURCES.length && f.stops.every((s) => s.ok), f.stops.map((s) => `${s.rsc}${s.ok ? '' : '!'}`).join(' '));
    const th = await node2.sh('cat /proc/fs/nfsd/threads 2>/dev/null || echo 0');
    this.rec.check('move', 'nfsd stopped on node2 (/proc/fs/nfsd/threads = 0)', th.out.trim() === '0', `threads=${th.out.trim()}`);
    const m2 = await node2.sh("grep -c '^/dev/vdb' /proc/mounts");
    this.rec.check('move', 'no shared filesystem left mounted on node2', m2.out.trim() === '0', `${m2.out.trim()} mounted`);
    if (this.flavour === 'systemd') {
      const left = sd.leftBehind(this.unitBaseline.node2 ?? new Map<string, string>(), await sd.units(node2));
      this.rec.check('move', 'no NFS unit left active or failed on node2 (compared with its state at boot)', left.length === 0, left.join(', ') || 'none');
    }
    // A clean unmount leaves nothing for the journal to replay on the next mount.
    const rec1 = await node1.sh("dmesg | grep -E 'EXT4-fs \\(vdb[0-9]\\).*(recovery complete|orphan)' | tail -3");
    this.rec.check('move', 'node1 mounted the filesystems without journal recovery (clean unmount)', rec1.out.trim() === '', rec1.out.trim());
    const fenced = this.fencer.since(t0);
    this.rec.check('move', 'no fencing', fenced.length === 0, fenced.map((r) => `${r.action} ${r.target} by ${r.by}`).join('; '));
    // unlock_on_stop and the export cache flush, seen on node2 while its group stopped.
    const e1 = f.stops.find((s) => s.rsc === 'export1');
    const srv = f.stops.find((s) => s.rsc === 'nfsserver');
    if (e1 && srv && this.lockIds.v3) {
      const held = this.log.locksAt('node2', e1.t0).includes(this.lockIds.v3);
      const afterExport = this.log.locksAt('node2', srv.t0).includes(this.lockIds.v3);
      this.rec.check('move', 'export1 stop released the NFSv3 lock before nfsserver stopped (unlock_on_stop)', held && !afterExport, `held at export1 stop: ${held}, still held at nfsserver stop: ${afterExport}`);
      // exportfs -u flushes the kernel's export cache (all of it): after the first export stop
      // and before nfsd stops, node2's nfsd.export cache must hold none of the stopped exports.
      const firstExport = f.stops.find((s) => s.rsc.startsWith('export'));
      const cachedAt = (t: number) => (this.log.last('expcache', t, (e) => e.host === 'node2')?.paths ?? []).filter((p) => p.startsWith('/mnt/exports'));
      const before = firstExport ? cachedAt(firstExport.t0) : [];
      const after = cachedAt(srv.t0);
      this.rec.check('move', 'export stops flushed the kernel export cache before nfsserver stopped', before.length > 0 && after.length === 0, `cached at first export stop: ${before.join(' ') || 'nothing'}; at nfsserver stop: ${after.join(' ') || 'nothing'}`);
    } else {
      this.rec.check('move', 'export1/nfsserver stops seen on node2', false);
    }
    await this.verify('move', 'node1');
  }

  // ---- faults --------------------------------------------------------------------------------
  private async fault(scenario: string, what: string, rsc: string, script: string): Promise<void> {
    const { node1 } = this.g;
    const t0 = this.log.mark(`${what} on node1`);
    const f = this.newFailover(scenario, 'node1', 'node1', t0, `the fault (${what})`);
    await node1.ok(script);
    await this.rec.step(`${what} → detected by ${rsc} monitor → recovered`, async () => {
      const det = await this.log.wait('result', t0, 180_000, (e) => e.host === 'node1' && e.rsc === rsc && e.action === 'monitor' && e.rc !== 0 && e.rc !== -1);
      if (!det) throw new Error(`${rsc} monitor did not report the fault`);
      f.detected = det.t;
      await this.followFailover(f);
    });
    const det = f.detected!;
    this.rec.check(scenario, `${rsc} monitor detected the fault`, true, `${fmtS(det - t0)} after the fault`);
    this.failoverChecks(f);
    await this.graceEnd(f);
    const s = await clusterState(node1);
    this.rec.check(scenario, 'group running on node1 again', groupOn(s, 'node1'), describeGroup(s));
    await this.kernelFacts(scenario, 'node1');
    await node1.sh(`crm_resource --cleanup --resource ${GROUP} >/dev/null 2>&1`);
  }

  async faultNfsd(): Promise<void> {
    // nfsd threads ignore signals on this kernel; "rpc.nfsd 0" is how they die behind the cluster's back.
    await this.fault('nfsd', 'rpc.nfsd 0', 'nfsserver', 'rpc.nfsd 0');
  }

  // systemd flavour: a unit stopped behind the cluster's back (an administrator's systemctl).
  async faultUnit(): Promise<void> {
    await this.fault('unit', 'systemctl stop rpc-statd', 'nfsserver', 'systemctl stop rpc-statd.service');
  }

  async faultUmount(): Promise<void> {
    // nfsd holds the export, so only a lazy unmount takes it away behind the cluster's back.
    await this.fault('umount', 'umount -l export2', 'fs2', `umount -l ${client.MOUNTS.v4.serverDir}`);
  }

  // ---- Filesystem stop while the NFS server holds the filesystem -----------------------------
  // What only a real kernel shows: nfsd (kernel threads, no PID to signal) keeps export2's
  // filesystem busy while the client holds a lock and files open on it. The agent is run by
  // hand, as Pacemaker would (environment, 30 s operation timeout), with the cluster in
  // maintenance mode. A correct agent either unmounts or fails, within its timeout, never
  // reports a stop while the filesystem is still mounted, and kills no process that does not use it.
  async filesystemUnderNfsd(): Promise<void> {
    const { node1 } = this.g;
    await node1.ok('crm_attribute --type crm_config --name maintenance-mode --update true');
    const dir = client.MOUNTS.v4.serverDir;
    const before = await node1.ok('pgrep -x rpc.mountd; pgrep -x rpc.statd; cat /run/lab-watch.pid');
    const t0 = Date.now();
    const r = await node1.sh(`export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=fs2 OCF_RESKEY_device=/dev/vdb2 OCF_RESKEY_directory=${dir} \
  OCF_RESKEY_fstype=ext4 OCF_RESKEY_CRM_meta_timeout=30000 HA_LOGFILE=/tmp/fs2-stop.log HA_debug=0
timeout 90 /usr/lib/ocf/resource.d/${this.provider}/Filesystem stop >/tmp/fs2-stop.out 2>&1
echo "rc=$?"
echo "mounted=$(grep -c " ${dir} " /proc/mounts)"
echo "threads=$(cat /proc/fs/nfsd/threads)"
echo "loglines=$(cat /tmp/fs2-stop.log /tmp/fs2-stop.out 2>/dev/null | wc -l)"
tail -3 /tmp/fs2-stop.out | tr '\n' ' '`, 180_000);
    const ms = Date.now() - t0;
    const kv = Object.fromEntries([...r.out.matchAll(/^(\w+)=(\S*)$/gm)].map((m) => [m[1]!, m[2]!]));
    const rc = Number(kv.rc);
    const mounted = kv.mounted !== '0';
    const detail = `rc ${rc}, ${fmtS(ms)}, ${mounted ? 'still mounted' : 'unmounted'}, nfsd threads ${kv.threads}, ${kv.loglines} log lines`;
    this.rec.check('holder', 'Filesystem stop under nfsd: no success reported while still mounted', !(rc === 0 && mounted), detail);
    this.rec.check('holder', 'Filesystem stop under nfsd: returns within its 30 s timeout (+5 s)', rc !== 124 && ms <= 35_000, detail,
      this.provider === 'heartbeat' ? 'Filesystem F4: the unmount loop spins past the operation timeout when no process can be signalled' : undefined);
    const after = await node1.sh(`for p in ${before.trim().split(/\s+/).join(' ')}; do [ -d /proc/$p ] || echo "gone $p"; done`);
    this.rec.check('holder', 'Filesystem stop under nfsd: killed nothing that does not use the filesystem (mountd, statd, other processes)', after.out.trim() === '', after.out.trim());
    await node1.sh('crm_attribute --type crm_config --name maintenance-mode --delete');
  }

  // ---- fencing (fence.ts) --------------------------------------------------------------------
  // The lost node fenced, confirmed by the controller, before the first start on the other node.
  fenceChecks(f: Failover): void {
    const fenced = this.fencer.fencedAt(f.from, f.t0);
    const lab = this.fencer.since(f.t0).find((r) => r.source === 'lab' && r.target === f.from);
    f.fenced = fenced?.t;
    const first = f.starts[0];
    this.rec.check(f.scenario, `${f.from} fenced before the group started on ${f.to}`, fenced !== undefined && first !== undefined && fenced.t <= first.t0,
      fenced ? `${fenced.action} by ${fenced.by} ${fmtS(fenced.t - f.t0)} after ${f.t0Label} (fence_lab: ${lab?.detail ?? 'no request seen'}), first start (${first?.rsc ?? 'none'}) ${first ? fmtS(first.t0 - f.t0) : '—'}` : `no fencing of ${f.from} reported`);
  }

  // A move whose stop fails for real: a loop device backed by a file on export1's filesystem holds
  // it (the kernel holds it, no process does, so the Filesystem agent has nothing to signal and
  // the unmount fails until the stop gives up or times out). Pacemaker must fence the node, then
  // start the group on the other one; the client's locks and every written byte come back.
  private fencedNode?: 'node1' | 'node2';

  async fencedStop(): Promise<void> {
    const s0 = await clusterState(this.g.node1).catch(() => clusterState(this.g.node2));
    const from = groupOn(s0, 'node2') ? 'node2' : 'node1';
    const to = from === 'node1' ? 'node2' : 'node1';
    // After the notickle crash the other node is still down: it rejoins first.
    if (!this.lab.running(to)) await this.bootAndRejoin('fenced-stop', to, from);
    const src = this.node(from);
    const img = `${client.MOUNTS.v3.serverDir}/.lab-holder.img`;
    const dev = (await src.ok(`set -e; modprobe loop; dd if=/dev/zero of=${img} bs=1M count=2 status=none; losetup --find --show ${img}`)).trim();
    const t0 = this.log.mark(`crm_resource --move ${GROUP} to ${to}; export1's filesystem held by ${dev} on ${from}`);
    const f = this.newFailover('fenced-stop', from, to, t0, 'the move command');
    this.fencedNode = from;
    await src.ok(`crm_resource --move --resource ${GROUP} --node ${to}`);
    try {
      await this.rec.step(`move ${from} → ${to} with fs1 held by a loop device: stop fails → ${from} fenced → group started on ${to}`, () => this.followFailover(f));
    } finally {
      await this.node(to).sh(`crm_resource --clear --resource ${GROUP}`).catch(() => undefined);
    }
    const stop = f.stops.find((x) => x.rsc === 'fs1');
    const res = this.log.find('result', t0, (e) => e.host === from && e.rsc === 'fs1' && e.action === 'stop');
    // A stop that timed out has no "exited with status" line: its end is the controller's result.
    const began = this.log.find('exec', t0, (e) => e.host === from && e.rsc === 'fs1' && e.action === 'stop');
    if (!stop && res && began) f.stops.push({ rsc: 'fs1', t0: began.t, t1: res.t, ok: false });
    this.rec.check('fenced-stop', `fs1 stop failed on ${from} (a loop device holds export1's filesystem)`, (stop !== undefined && !stop.ok) || (res !== undefined && res.rc !== 0),
      stop ? `${stop.ok ? 'returned 0' : 'failed'} after ${fmtS(stop.t1 - stop.t0)}` : res ? res.result : 'no stop result seen');
    // Ours fails within its own budget (the operation's timeout less a reserve), with exit code 1
    // and a reason that names the holder, not by Pacemaker's timeout (docs/compat/Filesystem.md).
    this.rec.check('fenced-stop', 'fs1 stop failed by itself within its timeout (rc 1) and named the loop device holding it', res !== undefined && res.rc === 1 && /loop device/.test(res.result),
      res ? `rc ${res.rc}: ${res.result}` : 'no stop result seen');
    this.fenceChecks(f);
    this.failoverChecks(f);
    await this.verify('fenced-stop', to);
  }

  async fencedRejoin(): Promise<void> {
    const from = this.fencedNode;
    if (!from) throw new Error('no node was fenced');
    await this.bootAndRejoin('fenced-rejoin', from, from === 'node1' ? 'node2' : 'node1');
  }

  // ---- logs ----------------------------------------------------------------------------------
  async collectLogs(): Promise<void> {
    const dir = join(this.out, 'logs', this.flavour, this.provider);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'events.log'), this.log.raw.join('\n') + '\n');
    for (const g of [this.g.node1, this.g.node2]) {
      const r = await g.sh('cat /var/log/pacemaker/pacemaker.log', 30_000).catch(() => undefined);
      if (r) writeFileSync(join(dir, `${g.name}-pacemaker.log`), r.out);
      const c = await g.sh('tail -c 300000 /var/log/cluster/corosync.log; echo; dmesg', 30_000).catch(() => undefined);
      if (c) writeFileSync(join(dir, `${g.name}-corosync-dmesg.log`), c.out);
      if (this.flavour === 'systemd') {
        const j = await g.sh('journalctl -b --no-pager -o short-precise | tail -c 2000000', 60_000).catch(() => undefined);
        if (j) writeFileSync(join(dir, `${g.name}-journal.log`), j.out);
      }
      if (process.env.LAB_TRACE === '1') {
        const t = await g.sh('cd /var/lib/heartbeat/trace_ra 2>/dev/null && for f in */*; do echo "=== $f"; cat "$f"; done', 60_000).catch(() => undefined);
        if (t) writeFileSync(join(dir, `${g.name}-trace_ra.log`), t.out);
      }
    }
    const d = await this.g.client.sh('dmesg', 30_000).catch(() => undefined);
    if (d) writeFileSync(join(dir, 'client-dmesg.log'), d.out);
    for (const m of Object.values(MACHINES)) {
      try {
        copyFileSync(this.lab.consoleLog(m.name), join(dir, `${m.name}-console.log`));
      } catch {
        // never booted
      }
    }
  }

  async teardown(): Promise<void> {
    for (const g of Object.values(this.g)) g.closeStreams();
    await Promise.all([stopWatch(this.g.node1), stopWatch(this.g.node2)].map((p) => p.catch(() => undefined)));
    await this.lab.stopAll();
  }
}

// A resource of the seed's group (not the lab's fence device).
function inGroup(rsc: string): boolean {
  return RESOURCES.some((r) => r.id === rsc);
}

// Which providers run the fenced stop: LAB_FENCED_STOP = nfsha (default: ours; upstream's
// Filesystem stop fails the same way, by timing out, see the holder scenario), all, or none.
export function fencedStopFor(p: Provider): boolean {
  const v = process.env.LAB_FENCED_STOP ?? 'nfsha';
  return v === 'all' || v === p;
}

export type { Ev };

// The state of each mount's connection to the floating address (its port from mountstats) in one
// line of the client's TCP watch: /proc/net/tcp's code, 'gone' when the port is not listed,
// undefined when either is unknown.
export function connStates(conns: { port: number; st: string }[] | undefined, ports: Partial<Record<client.Tag, number>> | undefined): Partial<Record<client.Tag, string>> {
  const out: Partial<Record<client.Tag, string>> = {};
  if (conns === undefined || ports === undefined) return out;
  for (const t of client.TAGS) {
    const p = ports[t];
    if (p !== undefined) out[t] = conns.find((c) => c.port === p)?.st ?? 'gone';
  }
  return out;
}

// No connection a tickle ACK could reach: SYN sent (the client's own connect, on its SYN backoff)
// or no socket (between two connect attempts, on the RPC layer's reconnect delay). The NFS client
// gets there by itself: it disconnects and reconnects at every RPC timeout (timeo, 60 s by
// default; the mount's "disconnect on retry"), so a failover longer than that finds it here.
const RECONNECTING = ['02', '07', 'gone'];

const TCP_STATES: Record<string, string> = { '01': 'established', '02': 'SYN sent', '04': 'FIN wait 1', '05': 'FIN wait 2', '06': 'time wait', '07': 'closed', '08': 'close wait', gone: 'gone' };
function stateName(st: string | undefined): string {
  return st === undefined ? 'unknown' : TCP_STATES[st] ?? `state ${st}`;
}
