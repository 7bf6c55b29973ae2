// The lab's machines as seen by the scenarios: run scripts, configure services, watch events.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh, Stream, waitAgent, type ShResult } from './guest.ts';
import { GRACE_S, LEASE_S, GROUP, RESOURCES, seedCib, type Provider, propertiesXml, constraintsXml, resourcesXml } from './cib.ts';
import type { EventLog } from './events.ts';
import { fenceDeviceXml } from './fence.ts';
import type { Flavour, MachineDef } from './vm.ts';

const GUEST_DIR = join(import.meta.dirname, '..', 'guest');

export class Guest {
  readonly name: string;
  readonly ip: string;
  private streams: Stream[] = [];

  constructor(m: MachineDef) {
    this.name = m.name;
    this.ip = m.ip;
  }

  sh(script: string, timeoutMs = 120_000): Promise<ShResult> {
    return sh(this.ip, this.name, script, timeoutMs);
  }

  // Runs a script that must succeed; returns its output.
  async ok(script: string, timeoutMs = 120_000): Promise<string> {
    const r = await this.sh(script, timeoutMs);
    if (r.rc !== 0) throw new Error(`${this.name}: exit ${r.rc}: ${script.trim().split('\n')[0]?.slice(0, 100) ?? ''}\n${r.out.slice(-600)}`);
    return r.out;
  }

  waitUp(timeoutMs: number): Promise<void> {
    return waitAgent(this.ip, this.name, timeoutMs);
  }

  // Lines go to the event log; `also` (e.g. the fence stream's handler) sees each of them too.
  stream(script: string, log: EventLog, also?: (line: string, t: number) => void): void {
    this.streams.push(new Stream(this.ip, this.name, script, (line, t) => {
      log.line(this.name, line, t);
      also?.(line, t);
    }));
  }

  closeStreams(): void {
    for (const s of this.streams) s.close();
    this.streams = [];
  }
}

export function heredoc(path: string, content: string): string {
  return `cat > ${path} <<'LAB_EOF'\n${content}${content.endsWith('\n') ? '' : '\n'}LAB_EOF\n`;
}

// The workaround the upstream shell agents need on a Debian node without systemd (see
// docs/performance.md and the spec's lab notes), applied for provider "heartbeat" only:
//  - statd must not notify on its own (nfsserver starts it without --no-notify on Debian), and
//    must keep its monitor list in /var/lib/nfs/statd, the one directory nfsnotify knows;
//  - Debian's init script starts nfsd only when /etc/exports has an entry;
//  - Debian's init script stops nfsd by signalling its kernel threads, which this kernel's nfsd
//    threads ignore (SigIgn all): nfsd keeps running and holds the exported filesystems, the
//    agent reports the stop as done, and the Filesystem stop then fails. "rpc.nfsd 0" is added.
// Our agents run on the stock configuration.
export const UPSTREAM_WORKAROUND = `
nfsconf --set statd no-notify 1
nfsconf --set statd state-directory-path /var/lib/nfs/statd
mkdir -p /var/lib/nfs/statd/sm /var/lib/nfs/statd/sm.bak /srv/lab-dummy
echo '/srv/lab-dummy 127.0.0.1(ro,no_subtree_check)' >> /etc/exports
sed -i '/--name nfsd --user 0 --signal 2/a /usr/sbin/rpc.nfsd 0' /etc/init.d/nfs-kernel-server
grep -q 'rpc.nfsd 0' /etc/init.d/nfs-kernel-server
`;

// Cluster node: lab tuning (grace/lease), corosync, Pacemaker's first options, provider
// workaround; then the system services a Debian NFS node has running: rpcbind, corosync, Pacemaker.
// plain flavour: the lab starts them (no init system). systemd flavour: their own units
// (rpcbind is socket-activated from boot; pacemaker.service pulls in corosync.service), and
// upstream's agents run without any workaround.
export async function startClusterNode(g: Guest, provider: Provider, flavour: Flavour): Promise<void> {
  const corosync = readFileSync(join(GUEST_DIR, 'corosync.conf'), 'utf8');
  await g.ok(`set -e
${heredoc('/etc/corosync/corosync.conf', corosync)}
mkdir -p /var/lib/pacemaker/cib
${heredoc('/var/lib/pacemaker/cib/cib.xml', seedCib())}
chown -R hacluster:haclient /var/lib/pacemaker/cib
nfsconf --set nfsd grace-time ${GRACE_S}
nfsconf --set nfsd lease-time ${LEASE_S}
echo 'options lockd nlm_grace_period=${GRACE_S}' > /etc/modprobe.d/lab-nfs.conf
mkdir -p /mnt/exports/export1 /mnt/exports/export2 /mnt/nfsinfo
${flavour === 'systemd' ? `# Pacemaker's detail log is its own file; only warnings and errors go to the journal too
# (the journal would otherwise store every line twice on an emulated CPU that has none to spare).
echo 'PCMK_logpriority=warning' >> /etc/default/pacemaker
systemctl start --no-block pacemaker.service` : `${provider === 'heartbeat' ? UPSTREAM_WORKAROUND : ''}
rpcbind
corosync
setsid pacemakerd </dev/null >/dev/null 2>&1 &`}
`);
}

// Event stream of a cluster node: Pacemaker executor/controller lines, POSIX locks, export cache.
// The loop uses only shell builtins (no fork per tick); "read -t" on a FIFO nobody writes is the sleep.
export const NODE_WATCH = `
echo $$ > /run/lab-watch.pid
exec 2>/dev/null
tail -n0 -s 0.1 -F /var/log/pacemaker/pacemaker.log | grep --line-buffered -E '\\((log_execute|log_finished|log_executor_event)\\)|pacemaker-controld.*state is now lost' &
mkfifo /run/lab-nap.$$ && exec {nap}<>/run/lab-nap.$$ && rm -f /run/lab-nap.$$ || exit 1
prev_l=x; prev_e=x
while :; do
  l=
  if [ -r /proc/locks ]; then
    while read -r _ cls _ _ _ id _; do [ "$cls" = POSIX ] && l+=" $id"; done < /proc/locks
  fi
  [ "$l" != "$prev_l" ] && { echo "LOCKS$l"; prev_l=$l; }
  e=
  if [ -r /proc/net/rpc/nfsd.export/content ]; then
    while read -r p rest; do
      case "$p" in /*) case "$rest" in *'(') ;; *) e+=" $p" ;; esac ;; esac
    done < /proc/net/rpc/nfsd.export/content
  fi
  [ "$e" != "$prev_e" ] && { echo "EXPCACHE$e"; prev_e=$e; }
  read -t 0.25 -u $nap
done
`;

export function stopWatch(g: Guest): Promise<ShResult> {
  return g.sh('[ -f /run/lab-watch.pid ] && kill -- -$(cat /run/lab-watch.pid); rm -f /run/lab-watch.pid; true', 10_000);
}

export async function loadConfig(g: Guest, provider: Provider): Promise<void> {
  await g.ok(`set -e
cibadmin --modify --scope crm_config --xml-text '<crm_config>${propertiesXml()}</crm_config>'
crm_attribute --type rsc_defaults --name resource-stickiness --update 100
cibadmin --create --scope resources --xml-text '${fenceDeviceXml()}'
cibadmin --create --scope resources --xml-text '${resourcesXml(provider)}'
cibadmin --create --scope constraints --xml-text '${constraintsXml()}'
`);
}

export interface RscState {
  id: string;
  role: string;
  nodes: string[];
  failed: boolean;
}

export interface ClusterState {
  online: string[];
  dc: string | undefined;
  resources: RscState[];
  failures: string[];
}

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

// crm_mon's XML, reduced to what the scenarios need.
export function parseCrmMon(xml: string): ClusterState {
  const online = [...xml.matchAll(/<node name="([^"]+)"[^>]*\sonline="true"/g)].map((m) => m[1]!);
  const dcTag = /<current_dc [^>]*>/.exec(xml)?.[0];
  const dc = dcTag && attr(dcTag, 'present') === 'true' ? attr(dcTag, 'name') : undefined;
  const resources: RscState[] = [];
  for (const m of xml.matchAll(/<resource (id="[^"]+"[^>]*?)(\/>|>([\s\S]*?)<\/resource>)/g)) {
    const tag = ` ${m[1]!}`;
    const nodes = [...(m[3] ?? '').matchAll(/<node name="([^"]+)"/g)].map((n) => n[1]!);
    resources.push({ id: attr(tag, 'id')!, role: attr(tag, 'role') ?? '', nodes, failed: attr(tag, 'failed') === 'true' });
  }
  const failures = [...xml.matchAll(/<failure( [^>]*)\/>/g)].map((m) => `${attr(m[1]!, 'op_key') ?? '?'} on ${attr(m[1]!, 'node') ?? '?'}: ${attr(m[1]!, 'exitreason') || attr(m[1]!, 'exitstatus') || ''}`);
  return { online, dc, resources, failures };
}

export async function clusterState(g: Guest): Promise<ClusterState> {
  const r = await g.sh('crm_mon --one-shot --output-as=xml', 60_000);
  return parseCrmMon(r.out);
}

export function groupOn(s: ClusterState, node: string): boolean {
  return RESOURCES.every((r) => s.resources.some((x) => x.id === r.id && x.role === 'Started' && x.nodes.length === 1 && x.nodes[0] === node));
}

export function describeGroup(s: ClusterState): string {
  return RESOURCES.map((r) => {
    const x = s.resources.find((y) => y.id === r.id);
    return `${r.id}:${x ? `${x.role}${x.nodes.length ? `@${x.nodes.join('+')}` : ''}${x.failed ? '!' : ''}` : '?'}`;
  }).join(' ');
}

export interface OpRecord {
  rsc: string;
  op: string;
  node: string;
  call: number;
  rc: number;
  lastRcChange: number;
  execMs: number;
}

// Pacemaker's own operation history (the CIB status section): every recorded operation with
// its call id, result and time.
export async function opHistory(g: Guest): Promise<OpRecord[]> {
  return parseOpHistory(await g.ok('cibadmin --query --scope status', 60_000));
}

export function parseOpHistory(xml: string): OpRecord[] {
  const out: OpRecord[] = [];
  for (const st of xml.matchAll(/<node_state [^>]*uname="([^"]+)"[\s\S]*?<\/node_state>/g)) {
    const node = st[1]!;
    for (const rs of st[0].matchAll(/<lrm_resource id="([^"]+)"[\s\S]*?<\/lrm_resource>/g)) {
      for (const op of rs[0].matchAll(/<lrm_rsc_op ([^>]*?)\/?>/g)) {
        const tag = ` ${op[1]!}`;
        out.push({
          rsc: rs[1]!, op: attr(tag, 'operation') ?? '', node,
          call: Number(attr(tag, 'call-id')), rc: Number(attr(tag, 'rc-code')),
          lastRcChange: Number(attr(tag, 'last-rc-change')), execMs: Number(attr(tag, 'exec-time')),
        });
      }
    }
  }
  return out;
}

export { GROUP };
