// ocf:nfsha:nfsserver — the NFS server daemons, with /var/lib/nfs on shared storage.
// Parameters, defaults and action timeouts are those of ocf:heartbeat:nfsserver (upstream HEAD),
// including the parameters upstream offers on Red Hat systems only: here they are always listed.

import { builtin, defineAgent, type Context, type ParamSpecs } from '../lib/ocf/define.ts';
import { OCF, isOcfError, type OcfStatus } from '../lib/ocf/codes.ts';
import { monitor, start, stop } from '../lib/nfsserver/server.ts';
import type { NfsCtx, NfsParams } from '../lib/nfsserver/types.ts';
import { validate } from '../lib/nfsserver/validate.ts';

// Paths as upstream takes them: trailing slashes stripped.
function trimSlash(p: string): string {
  const t = p.replace(/\/+$/, '');
  return t === '' && p !== '' ? '/' : t;
}

function nfsCtx(ctx: Context<ParamSpecs>): NfsCtx {
  const p = ctx.params as unknown as NfsParams;
  return { ...ctx, params: { ...p, rpcpipefs_dir: trimSlash(p.rpcpipefs_dir), nfs_shared_infodir: trimSlash(p.nfs_shared_infodir) } };
}

const act = (fn: (c: NfsCtx) => Promise<OcfStatus>) => (ctx: Context<ParamSpecs>) => fn(nfsCtx(ctx));

export const nfsserver = defineAgent({
  name: 'nfsserver',
  version: '1.0',
  shortdesc: 'Runs the NFS server daemons',
  longdesc: `
Starts and stops the kernel NFS server and the daemons around it (rpcbind, rpc.statd,
rpc.mountd, rpc.idmapd, nfsdcld) on the active node. With nfs_shared_infodir the server's
state directory /var/lib/nfs lives on shared storage, so that client and lock state follow the
service on a failover; the NSM state number is renewed on every start so that clients know to
reclaim their locks.

Place this resource after the filesystems it needs and before the exports, the floating IP and
nfsnotify in the group. Set nfs_no_notify=true when nfsnotify sends the reboot notifications.`,
  parameters: {
    nfs_init_script: {
      type: 'string',
      default: '',
      metaDefault: 'auto detected',
      shortdesc: 'init script to control the NFS server with',
      longdesc: `
An init script to start and stop the NFS server with, used only when systemd is not running.
When unset, the daemons are managed directly by the agent.`,
    },
    nfsv4_only: {
      type: 'boolean',
      default: 'false',
      shortdesc: 'serve NFSv4 only, without the NFSv3 helper daemons',
      longdesc: `
Serve NFSv4 only: rpcbind and rpc.statd (the NFSv3 lock recovery daemons) are neither required
nor started.`,
    },
    nfs_no_notify: {
      type: 'boolean',
      default: 'false',
      shortdesc: 'do not send reboot notifications on start',
      longdesc: `
Do not send NSM reboot notifications at the end of start. Use this when an nfsnotify resource,
started after the exports and the floating IP, sends them from the floating address.`,
    },
    nfs_notify_foreground: {
      type: 'boolean',
      default: 'false',
      shortdesc: 'wait for reboot notifications to finish',
      longdesc: `
Run sm-notify in the foreground, so that start waits until every client was notified or the
retry time ran out.`,
    },
    nfs_smnotify_retry_time: {
      type: 'integer',
      default: '',
      shortdesc: 'minutes sm-notify keeps retrying',
      longdesc: `
How many minutes sm-notify keeps retrying clients that do not answer (0 means forever). Empty
leaves the sm-notify default.`,
    },
    nfs_server_scope: {
      type: 'string',
      shortdesc: 'NFSv4.1+ server scope shared by all nodes',
      longdesc: `
The NFSv4.1 server scope (RFC 8881). Every node that may run this server must present the same
scope, or NFSv4.1+ clients cannot reclaim their state after a failover. The kernel takes the
scope from the host name nfsd sees, so nfsd is started with this value as its host name.`,
    },
    nfs_ip: {
      type: 'string',
      shortdesc: 'addresses to send reboot notifications from',
      longdesc: `
Comma-separated floating addresses or host names; one sm-notify run per entry uses it as the
notification's source and name. Only used when this agent sends the notifications.`,
    },
    nfs_shared_infodir: {
      type: 'string',
      default: '',
      shortdesc: 'directory on shared storage to use as /var/lib/nfs',
      longdesc: `
A directory on shared storage that is bind-mounted onto /var/lib/nfs while the server runs, so
that the export, client and lock recovery state follows the service between nodes.`,
    },
    rpcpipefs_dir: {
      type: 'string',
      default: '/var/lib/nfs/rpc_pipefs',
      shortdesc: 'where rpc_pipefs is mounted',
      longdesc: `
Mount point of the rpc_pipefs filesystem. Change it when nfs_shared_infodir is used, so that
rpc_pipefs does not sit on top of the shared directory.`,
    },
    nfsd_args: {
      type: 'string',
      shortdesc: 'extra arguments for rpc.nfsd',
      longdesc: `
Extra arguments for rpc.nfsd (for example "-V 4.2 -N 3" or a thread count).`,
    },
    lockd_udp_port: {
      type: 'integer',
      shortdesc: 'UDP port of the kernel lock manager',
      longdesc: `
Fixed UDP port for the kernel's NLM lock manager (lockd), useful behind a firewall.`,
    },
    lockd_tcp_port: {
      type: 'integer',
      shortdesc: 'TCP port of the kernel lock manager',
      longdesc: `
Fixed TCP port for the kernel's NLM lock manager (lockd), useful behind a firewall.`,
    },
    statd_outgoing_port: {
      type: 'integer',
      shortdesc: 'source port of rpc.statd and sm-notify',
      longdesc: `
Fixed source port for the notifications rpc.statd and sm-notify send.`,
    },
    statd_port: {
      type: 'integer',
      shortdesc: 'listening port of rpc.statd',
      longdesc: `
Fixed port rpc.statd listens on.`,
    },
    mountd_port: {
      type: 'integer',
      shortdesc: 'listening port of rpc.mountd',
      longdesc: `
Fixed port rpc.mountd listens on.`,
    },
    rquotad_port: {
      type: 'integer',
      shortdesc: 'listening port of rpc.rquotad',
      longdesc: `
Fixed port rpc.rquotad listens on, where it is installed.`,
    },
    nfsv4_lease_time: {
      type: 'integer',
      shortdesc: 'NFSv4 lease time in seconds',
      longdesc: `
The NFSv4 lease time in seconds (10 to 3600), written to /proc/fs/nfsd/nfsv4leasetime before nfsd
starts. Empty keeps the kernel's or nfs.conf's value (90 by default). A client that loses its
server notices it within one lease, and a new server keeps its grace period at least one lease
long, so a shorter lease shortens the time clients wait after a failover; the price is more
frequent lease renewals by every client, and clients that are briefly unreachable (network
hiccup, suspended VM) longer than a lease lose their locks and delegations. This parameter is an
addition of nfsha (upstream sets it only through nfsd_args on Red Hat systems).`,
    },
    nfsv4_grace_time: {
      type: 'integer',
      shortdesc: 'NFSv4 grace period in seconds',
      longdesc: `
The NFSv4 grace period in seconds (10 to 3600), written to /proc/fs/nfsd/nfsv4gracetime before
nfsd starts: after a start, the server accepts only lock and open reclaims for this long (NFSv3
locks through lockd share it), so new locks and opens wait. Empty keeps the kernel's or
nfs.conf's value (90 by default). Shorter means less waiting after a failover, but clients that
do not reclaim within the grace period (slow to notice the failover, many files to reclaim)
lose their state; keep it at least as long as nfsv4_lease_time. This parameter is an addition
of nfsha.`,
    },
  },
  actions: {
    start: { timeout: '40s', run: act(async (c) => start(c, await validate(c))) },
    stop: {
      timeout: '20s',
      run: act(async (c) => {
        let v;
        try {
          v = await validate(c);
        } catch (e) {
          if (!isOcfError(e)) throw e;
          // Stop still releases what runs and what is mounted (docs/compat/nfsserver.md).
          c.log.warn(`${e.message}: stopping what is found`);
        }
        return stop(c, v);
      }),
    },
    monitor: { timeout: '20s', interval: '10s', depth: '0', run: act(async (c) => monitor(c, await validate(c))) },
    'meta-data': { timeout: '5s', run: builtin },
    'validate-all': {
      timeout: '30s',
      run: act(async (c) => {
        await validate(c);
        return OCF.SUCCESS;
      }),
    },
  },
});
