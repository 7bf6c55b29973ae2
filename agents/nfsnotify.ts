// ocf:nfsha:nfsnotify — sends NSM reboot notifications (sm-notify) from the floating address so
// that NFSv3 clients reclaim their locks after a failover. Parameters, defaults and action
// timeouts are those of ocf:heartbeat:nfsnotify (upstream HEAD).

import { builtin, defineAgent } from '../lib/ocf/define.ts';
import { OCF } from '../lib/ocf/codes.ts';
import { monitor, reload, start, stop, validate } from '../lib/nfsnotify/actions.ts';

export const nfsnotify = defineAgent({
  name: 'nfsnotify',
  version: '1.0',
  shortdesc: 'NSM reboot notifications from the floating address',
  longdesc: `
Tells NFSv3 clients that the server restarted, so that they reclaim their locks, by running
sm-notify with the floating address as source and name. Start it last in the NFS group, after
the exports and the floating IP, with nfsserver's nfs_no_notify=true: clients ignore a
notification that does not come from the name they mounted.

With tickle=true (the default), start first sends tickle ACKs to the clients' TCP connections
recorded by the node that had the floating address, so that they reconnect at once.

reload sends the notifications again.`,
  parameters: {
    source_host: {
      type: 'string',
      default: '',
      shortdesc: 'floating address(es) to notify from',
      longdesc: `
Comma-separated floating IP addresses or host names the clients mounted. sm-notify is run once
for each, with it as source address and as the name in the notification.`,
    },
    notify_args: {
      type: 'string',
      default: '',
      shortdesc: 'extra sm-notify arguments',
      longdesc: `
Extra arguments for sm-notify, separated by white space (for example "-d" or "-m 5").`,
    },
    tickle: {
      type: 'boolean',
      default: 'true',
      shortdesc: 'send tickle ACKs to the clients at start',
      longdesc: `
While running (monitor, stop), record the established TCP connections of the floating addresses
in source_host in the statd directory (nfsnotify_<instance>.connections), which is on shared
storage; at start, before the notifications, send each recorded connection a TCP ACK from the
floating address with resource-agents' tickle_tcp ($HA_BIN/tickle_tcp). The client answers, this
node answers with a reset, and the client reconnects at once instead of waiting for its own
retransmission timer. Problems (no tickle_tcp, no record, a malformed record) are logged as
warnings and never fail an action. An addition of nfsha: upstream's nfsnotify has no such
parameter.`,
    },
    tickle_rounds: {
      type: 'integer',
      default: '3',
      shortdesc: 'rounds of tickle ACKs',
      longdesc: `
How many ACKs each recorded connection gets at start (1 to 10), one per round, 0.6 s apart: a
client answers at most one out-of-window segment per half second, and an answer can be lost
while the network learns the floating address's new place. An addition of nfsha.`,
    },
  },
  actions: {
    start: { timeout: '90s', run: start },
    stop: { timeout: '90s', run: stop },
    monitor: { timeout: '90s', interval: '30s', depth: '0', run: monitor },
    reload: { timeout: '90s', run: reload },
    'meta-data': { timeout: '10s', run: builtin },
    'validate-all': { timeout: '20s', run: async (ctx) => { await validate(ctx); return OCF.SUCCESS; } },
  },
});
