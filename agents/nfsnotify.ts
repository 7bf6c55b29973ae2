// ocf:nfsha:nfsnotify — sends NSM reboot notifications (sm-notify) from the floating address so
// that NFSv3 clients reclaim their locks after a failover. Parameters, defaults and action
// timeouts are those of ocf:heartbeat:nfsnotify (upstream HEAD).

import { NFSNOTIFY_PARAMS } from '../lib/nfsnotify/params.ts';
import { NFSNOTIFY_TOOLS } from '../lib/nfsnotify/tools.ts';
import { builtin, defineAgent } from '../lib/ocf/define.ts';
import { monitor, reload, start, stop } from '../lib/nfsnotify/actions.ts';
import { validateAll } from '../lib/nfsnotify/validate.ts';

export const nfsnotify = defineAgent({
  name: 'nfsnotify',
  version: '1.0',
  shortdesc: 'NSM reboot notifications from the floating address',
  longdesc: `
Tells NFSv3 clients that the server restarted, so that they reclaim their locks, by running
sm-notify with the floating address as source and name. Start it last in the NFS group, after
the exports and the floating IP, with nfsserver's nfs_no_notify=true: clients ignore a
notification that does not come from the name they mounted.

reload sends the notifications again.`,
  parameters: NFSNOTIFY_PARAMS,
  tools: NFSNOTIFY_TOOLS,
  actions: {
    start: { timeout: '90s', run: start },
    stop: { timeout: '90s', run: stop },
    monitor: { timeout: '90s', interval: '30s', depth: '0', run: monitor },
    reload: { timeout: '90s', run: reload },
    'meta-data': { timeout: '10s', run: builtin },
    'validate-all': { timeout: '20s', run: validateAll },
  },
});
