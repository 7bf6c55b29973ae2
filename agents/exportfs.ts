// ocf:nfsha:exportfs — one NFS export (one or more directories to one client spec).
// Parameters, defaults and action timeouts are those of ocf:heartbeat:exportfs (upstream HEAD).

import { builtin, defineAgent } from '../lib/ocf/define.ts';
import { exportfsMonitor, exportfsStart, exportfsStop, exportfsValidate } from '../lib/exportfs/agent.ts';

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
  parameters: {
    clientspec: {
      type: 'string',
      required: true,
      shortdesc: 'client(s) the export is for',
      longdesc: `
Who may mount the export, in any form exportfs(8) accepts: a host name, an IP address or
network (192.168.1.0/24, [2001:db8::]/64), a wildcard (*, *.example.com) or @netgroup. One
client specification per resource; use several resources for several networks.`,
    },
    options: {
      type: 'string',
      shortdesc: 'export options',
      longdesc: `
Export options as for exportfs -o, comma separated (for example "rw,no_root_squash,sync"). An
fsid= given here is used when the fsid parameter is empty.`,
    },
    directory: {
      type: 'string',
      required: true,
      shortdesc: 'directory or directories to export',
      longdesc: `
The directory to export; several directories may be given, separated by white space. Missing
directories are created on start.`,
    },
    fsid: {
      type: 'string',
      shortdesc: 'fsid of the export',
      longdesc: `
The fsid the export is given: a number, a UUID or "root" (the same as 0, the NFSv4 pseudo
root). Set it the same on every node, so that file handles stay valid after a failover. With
several directories it must be a number: each further directory gets the next one.`,
    },
    unlock_on_stop: {
      type: 'boolean',
      default: '1',
      shortdesc: 'release NFS locks on stop',
      longdesc: `
Release the NFS locks clients hold on the exported filesystem when the resource stops (through
/proc/fs/nfsd/unlock_filesystem), so that it can be unmounted. Turn it off only when the same
directory is also exported by another resource.`,
    },
    wait_for_leasetime_on_stop: {
      type: 'boolean',
      default: '0',
      shortdesc: 'wait for the NFSv4 lease time on stop',
      longdesc: `
On stop, wait until the NFSv4 lease time (plus 2 seconds) has passed, so that the server has
let go of every NFSv4 lease on the filesystem before it is unmounted.`,
    },
    rmtab_backup: {
      type: 'string',
      default: '.rmtab',
      shortdesc: 'file inside the export keeping its client list',
      longdesc: `
Name of the file, relative to each exported directory, in which the list of NFSv3 clients that
mounted the export is kept, and restored on start on another node. "none" turns it off.`,
    },
  },
  actions: {
    start: { timeout: '40s', run: exportfsStart },
    stop: { timeout: '120s', run: exportfsStop },
    monitor: { timeout: '20s', interval: '10s', depth: '0', run: exportfsMonitor },
    'meta-data': { timeout: '5s', run: builtin },
    'validate-all': { timeout: '30s', run: exportfsValidate },
  },
});
