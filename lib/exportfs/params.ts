// The parameters of ocf:nfsha:exportfs, declared once: agents/exportfs.ts advertises them, and the
// handlers' parameter type is derived from this constant (Params<typeof EXPORTFS_PARAMS>).

import { defineParams, type Context, type Params } from '../ocf/define.ts';

export const EXPORTFS_PARAMS = defineParams({
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
});

export type ExportfsParams = Params<typeof EXPORTFS_PARAMS>;
export type ExportfsContext = Context<typeof EXPORTFS_PARAMS>;
