// ocf:nfsha:nfsserver — the NFS server daemons, with /var/lib/nfs on shared storage.
// Parameters, defaults and action timeouts are those of ocf:heartbeat:nfsserver (upstream HEAD),
// including the parameters upstream offers on Red Hat systems only: here they are always listed.

import { NFSSERVER_PARAMS } from '../lib/nfsserver/params.ts';
import { NFSSERVER_TOOLS } from '../lib/nfsserver/tools.ts';
import { builtin, defineAgent } from '../lib/ocf/define.ts';
import { monitor, start, stop, validateAll } from '../lib/nfsserver/actions.ts';

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
  parameters: NFSSERVER_PARAMS,
  tools: NFSSERVER_TOOLS,
  actions: {
    start: { timeout: '40s', run: start },
    stop: { timeout: '20s', run: stop },
    monitor: { timeout: '20s', interval: '10s', depth: '0', run: monitor },
    'meta-data': { timeout: '5s', run: builtin },
    'validate-all': { timeout: '30s', run: validateAll },
  },
});
