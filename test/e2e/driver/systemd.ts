// What only a real systemd answers (systemd flavour): the nfsserver agent's systemd mode, seen
// from the node — which units run, how statd was told not to notify, the scope drop-in, the
// units' own mounts under a /var/lib/nfs bound from shared storage, nfsdcld's database there —
// and what a stop leaves behind.

import { GuestError } from './guest.ts';
import type { Guest } from './guests.ts';

// The NFS server's units a cluster node's nfsserver resource starts (nfs-utils' own units).
export const SERVER_UNITS = ['nfs-server.service', 'nfs-mountd.service', 'nfs-idmapd.service', 'rpc-statd.service', 'nfsdcld.service',
  'proc-fs-nfsd.mount', 'var-lib-nfs-rpc_pipefs.mount'];

// The units of the NFS stack in state active or failed ("name state" lines of list-units).
export const UNITS_SCRIPT = "systemctl list-units --all --plain --no-legend --state=active,failed 'nfs*' 'rpc-*' 'rpc_*' 'nfsdcld*' 'fsidd*' 'var-lib-nfs*' 'proc-fs-nfsd*' | awk '{print $1 \"=\" $3}'";

export function parseUnits(out: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [name, state] = line.trim().split('=');
    if (name && state) m.set(name, state);
  }
  return m;
}

export async function units(g: Guest): Promise<Map<string, string>> {
  return parseUnits((await g.sh(UNITS_SCRIPT, 300_000)).out);
}

// Units active or failed now that were not (in that state) in the baseline taken at boot.
export function leftBehind(baseline: Map<string, string>, now: Map<string, string>): string[] {
  return [...now].filter(([n, st]) => st === 'failed' || baseline.get(n) !== st).map(([n, st]) => `${n} ${st}`);
}

export interface SystemdFacts {
  active: Record<string, string>; // unit → ActiveState
  statdNoNotify: string; // how statd was told not to notify ('' if it was not)
  scopeDropin: string; // the drop-in files of nfs-server.service
  scopeExec: boolean; // nfs-server.service's ExecStart runs in its own UTS namespace
  scopeEnv: string; // the scope the drop-in gives rpc.nfsd
  pipefsOnBind: boolean; // rpc_pipefs mounted on top of the /var/lib/nfs bind
  varlibnfs: string; // the source of /var/lib/nfs
  cldDb: boolean; // nfsdcld's database on the shared /var/lib/nfs
  tracking: string; // the kernel's last word on NFSv4 client tracking
}

// As few processes as possible: the emulated CPU is the lab's scarcest resource.
export const FACTS_SCRIPT = `
systemctl show -p Id -p ActiveState ${SERVER_UNITS.join(' ')} | while IFS== read -r k v; do
  case "$k" in Id) u=$v ;; ActiveState) echo "unit $u $v" ;; esac
done
p=$(cat /run/rpc.statd.pid 2>/dev/null)
nn=
if [ -n "$p" ] && [ -r /proc/$p/environ ]; then
  e=$(tr '\\0' ' ' < /proc/$p/environ); c=$(tr '\\0' ' ' < /proc/$p/cmdline)
  case " $e " in *' RPC_STATD_NO_NOTIFY=1 '*) nn="$nn env:RPC_STATD_NO_NOTIFY=1" ;; esac
  case " $c " in *' --no-notify '*|*' -L '*) nn="$nn arg:--no-notify" ;; esac
fi
[ "$(nfsconf --get statd no-notify 2>/dev/null)" = 1 ] && nn="$nn nfs.conf:no-notify"
echo "statd $nn"
systemctl show -p DropInPaths -p ExecStart nfs-server.service | while IFS== read -r k v; do
  case "$k" in DropInPaths) echo "dropin $v" ;; ExecStart) case "$v" in *unshare*) echo "scopeexec yes" ;; esac ;; esac
done
echo "scopeenv $(cat /run/sysconfig/nfs-server-scope 2>/dev/null)"
awk '{for (i = 7; i < NF && $i != "-"; i++); t = $(i + 1)} $5 == "/var/lib/nfs" {b = $1} $5 == "/var/lib/nfs/rpc_pipefs" && t == "rpc_pipefs" {p = $2} END {print "pipefs " (b != "" && p == b ? "onbind" : "no")}' /proc/self/mountinfo
echo "varlibnfs $(awk '$2 == "/var/lib/nfs" {s = $1} END {print s}' /proc/mounts)"
[ -f /var/lib/nfs/nfsdcld/main.sqlite ] && echo "clddb yes"
echo "tracking $(dmesg | grep -E 'NFSD: .*(client tracking|nfsdcld)' | tail -1 | sed 's/^\\[[^]]*] //')"
`;

export function parseFacts(out: string): SystemdFacts {
  const f: SystemdFacts = { active: {}, statdNoNotify: '', scopeDropin: '', scopeExec: false, scopeEnv: '', pipefsOnBind: false, varlibnfs: '', cldDb: false, tracking: '' };
  for (const line of out.split('\n')) {
    const [k, ...rest] = line.trim().split(' ');
    const v = rest.join(' ').trim();
    if (k === 'unit') f.active[rest[0] ?? ''] = rest[1] ?? '';
    else if (k === 'statd') f.statdNoNotify = v;
    else if (k === 'dropin') f.scopeDropin = v;
    else if (k === 'scopeexec') f.scopeExec = true;
    else if (k === 'scopeenv') f.scopeEnv = v.replace(/^NFS_SERVER_SCOPE=/, '');
    else if (k === 'pipefs') f.pipefsOnBind = v === 'onbind';
    else if (k === 'varlibnfs') f.varlibnfs = v;
    else if (k === 'clddb') f.cldDb = true;
    else if (k === 'tracking') f.tracking = v;
  }
  return f;
}

// One retry when the agent's connection ends without a status (seen once on a loaded host,
// cause not found: the guest and its agent stayed up); the first error is printed in full.
export async function facts(g: Guest): Promise<SystemdFacts> {
  try {
    return parseFacts((await g.sh(FACTS_SCRIPT, 300_000)).out);
  } catch (e) {
    if (!(e instanceof GuestError) || !/without an exit status/.test(e.message)) throw e;
    process.stdout.write(`systemd facts, retrying once: ${e.message}\n`);
    return parseFacts((await g.sh(FACTS_SCRIPT, 300_000)).out);
  }
}
