// ocf:nfsha:Filesystem — mounts and unmounts a filesystem under cluster control.
// Parameters, defaults and action timeouts are those of ocf:heartbeat:Filesystem (upstream HEAD).

import { FILESYSTEM_PARAMS } from '../lib/filesystem/params.ts';
import { FILESYSTEM_TOOLS } from '../lib/filesystem/tools.ts';
import { builtin, defineAgent } from '../lib/ocf/define.ts';
import { monitor, start, status, stop } from '../lib/filesystem/actions.ts';
import { validateAll } from '../lib/filesystem/validate.ts';

export const Filesystem = defineAgent({
  name: 'Filesystem',
  version: '1.1',
  shortdesc: 'Manages filesystem mounts',
  longdesc: `
Mounts a filesystem on a directory when the resource starts and unmounts it when the resource
stops, so that a filesystem on shared storage is used by exactly one node at a time (or by
several, for cluster filesystems run as a clone). Works with block devices (by path, by
-U/-L/--uuid/--label, or by UUID=/LABEL=), network filesystems (nfs, nfs4, cifs, ...), bind
mounts (fstype none) and virtual filesystems such as tmpfs.

On stop, processes that still use the filesystem are signalled (see force_unmount) and mounts
below the mount point are unmounted first, all within the operation timeout.

monitor checks that the right device is mounted on the directory. With OCF_CHECK_LEVEL=10 it
also reads one block of the device with O_DIRECT; with OCF_CHECK_LEVEL=20 it writes, syncs and
reads back a small status file on the filesystem (see statusfile_prefix).`,
  parameters: FILESYSTEM_PARAMS,
  tools: FILESYSTEM_TOOLS,
  actions: {
    start: { timeout: '60s', run: start },
    stop: { timeout: '60s', run: stop },
    monitor: { timeout: '40s', interval: '20s', depth: '0', run: monitor },
    'validate-all': { timeout: '5s', run: validateAll },
    'meta-data': { timeout: '5s', run: builtin },
    status: { timeout: '40s', advertise: false, run: status },
  },
});
