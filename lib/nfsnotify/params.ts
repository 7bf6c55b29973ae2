// The parameters of ocf:nfsha:nfsnotify, declared once: agents/nfsnotify.ts advertises them, and the
// handlers' parameter type is derived from this constant (Params<typeof NFSNOTIFY_PARAMS>).

import { defineParams, type Context, type Params } from '../ocf/define.ts';

export const NFSNOTIFY_PARAMS = defineParams({
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
    pattern: /^\s*(?:10|[1-9])\s*$/,
    shortdesc: 'rounds of tickle ACKs',
    longdesc: `
How many ACKs each recorded connection gets at start (1 to 10), one per round, 0.6 s apart: a
client answers at most one out-of-window segment per half second, and an answer can be lost
while the network learns the floating address's new place. An addition of nfsha.`,
  },
});

export type NfsnotifyParams = Params<typeof NFSNOTIFY_PARAMS>;
export type NfsnotifyContext = Context<typeof NFSNOTIFY_PARAMS>;
