// The parameters of ocf:nfsha:nfsserver, declared once: agents/nfsserver.ts advertises them, and the
// handlers' parameter type is derived from this constant (Params<typeof NFSSERVER_PARAMS>).

import { defineParams, type Context, type Params } from '../ocf/define.ts';

export const NFSSERVER_PARAMS = defineParams({
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
    // upstream's own check, reported by validate.ts as `Invalid nfs_smnotify_retry_time [x]`
    pattern: /^[0-9]+$/,
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
});

export type NfsserverParams = Params<typeof NFSSERVER_PARAMS>;
export type NfsserverContext = Context<typeof NFSSERVER_PARAMS>;
