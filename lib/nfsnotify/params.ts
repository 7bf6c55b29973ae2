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
});

export type NfsnotifyParams = Params<typeof NFSNOTIFY_PARAMS>;
export type NfsnotifyContext = Context<typeof NFSNOTIFY_PARAMS>;
