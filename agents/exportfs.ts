// ocf:nfsha:exportfs — one NFS export (one or more directories to one client spec).
// Parameters, defaults and action timeouts are those of ocf:heartbeat:exportfs (upstream HEAD).

import { EXPORTFS_PARAMS } from '../lib/exportfs/params.ts';
import { EXPORTFS_TOOLS } from '../lib/exportfs/tools.ts';
import { builtin, defineAgent } from '../lib/ocf/define.ts';
import { monitor, start, stop } from '../lib/exportfs/actions.ts';
import { validateAll } from '../lib/exportfs/validate.ts';

export const exportfs = defineAgent({
  name: 'exportfs',
  version: '1.0',
  shortdesc: 'Manages NFS exports',
  longdesc: `
Exports one or more directories to one client specification with exportfs(8) while the
resource runs, and unexports them on stop. The export is checked to be really in place after
start, and monitor notices when it disappears (for example after an "exportfs -r" behind the
cluster's back). On NFSv3 the list of mounted clients is kept in a file in each exported
directory, so that it follows the export to another node.

The kernel NFS server must already run: order this resource after nfsserver.`,
  parameters: EXPORTFS_PARAMS,
  tools: EXPORTFS_TOOLS,
  actions: {
    start: { timeout: '40s', run: start },
    stop: { timeout: '120s', run: stop },
    monitor: { timeout: '20s', interval: '10s', depth: '0', run: monitor },
    'meta-data': { timeout: '5s', run: builtin },
    'validate-all': { timeout: '30s', run: validateAll },
  },
});
