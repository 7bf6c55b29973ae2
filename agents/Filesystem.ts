// ocf:nfsha:Filesystem — mounts and unmounts a filesystem under cluster control.
// Parameters, defaults and action timeouts are those of ocf:heartbeat:Filesystem (upstream HEAD).

import { builtin, defineAgent } from '../lib/ocf/define.ts';
import { monitor, start, status, stop, validateAll } from '../lib/filesystem/actions.ts';

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
  parameters: {
    device: {
      type: 'string',
      required: true,
      default: '',
      shortdesc: 'device or source to mount',
      longdesc: `
What to mount: a block device path (a link under /dev/disk/by-uuid/ or /dev/disk/by-label/ is
the most robust choice), "-U <uuid>" or "-L <label>" (also --uuid/--label), UUID=<uuid> or
LABEL=<label>, a network source such as server:/path or //server/share, or the source
directory of a bind mount.`,
    },
    directory: {
      type: 'string',
      required: true,
      default: '',
      shortdesc: 'directory to mount on',
      longdesc: `
The directory the filesystem is mounted on. It is created (with its parents) on start if it
does not exist. Trailing slashes are ignored and a symbolic link is followed to its target.
The root directory cannot be managed.`,
    },
    fstype: {
      type: 'string',
      required: true,
      default: '',
      shortdesc: 'type of the filesystem',
      longdesc: `
The filesystem type, passed to mount as -t. Leave it empty to let mount detect it; use
"none" together with options=bind for a bind mount.`,
    },
    options: {
      type: 'string',
      default: '',
      shortdesc: 'options passed to mount -o',
      longdesc: `
Mount options, as a comma-separated list passed to mount as -o (for example "ro,noatime" or
"bind").`,
    },
    statusfile_prefix: {
      type: 'string',
      default: '.Filesystem_status/',
      shortdesc: 'status file location for depth 20 monitoring',
      longdesc: `
Where the OCF_CHECK_LEVEL=20 monitor keeps its status file, relative to the mount point. The
file name is this prefix followed by the resource instance (and the clone number) and the node
name.`,
    },
    run_fsck: {
      type: 'string',
      default: 'auto',
      shortdesc: 'when to fsck before mounting: auto, force or no',
      longdesc: `
Whether to check a block device with fsck before mounting it: "auto" checks only filesystem
types that need it (journaling and network filesystems are not checked), "force" always checks,
"no" never does.`,
    },
    fast_stop: {
      type: 'boolean',
      default: 'no',
      shortdesc: 'short unmount budget on stop',
      longdesc: `
Stop quickly: give each unmount a fixed 6 seconds instead of the whole stop timeout. Useful when
the processes using the filesystem end promptly on a signal; otherwise leave it off, since a
failed stop leads to fencing.`,
    },
    force_clones: {
      type: 'boolean',
      default: 'false',
      shortdesc: 'permit cloning a local filesystem type',
      longdesc: `
Allow this resource to be cloned even though its filesystem type is a local, non-cluster
filesystem (ext3, ext4, xfs, ...). Mounting such a filesystem on several nodes at once corrupts
it: enable this only when something else guarantees exclusive access.`,
    },
    force_unmount: {
      type: 'string',
      default: 'true',
      shortdesc: 'signal processes that keep the filesystem busy',
      longdesc: `
What to do with processes that keep the filesystem busy on stop. "true" signals every process
using the filesystem (as fuser -Mm finds them); "safe" signals only processes whose open files,
working or root directory, executable or mappings lie on this filesystem, found from /proc,
which never touches processes using only the parent filesystem; "false" signals nothing, so a
busy filesystem makes stop fail.

Modifiers may follow after commas: "move" first moves the mount aside, "xargs" signals all
processes in one go and "ps" logs each process signalled (for example "safe,xargs,nops").`,
    },
    term_signals: {
      type: 'string',
      default: 'TERM',
      shortdesc: 'signals for the graceful phase of stop',
      longdesc: `
Signals sent, in this order, to processes keeping the filesystem busy during the first half of
the stop timeout. Names or numbers, separated by white space.`,
    },
    kill_signals: {
      type: 'string',
      default: 'KILL',
      shortdesc: 'signals for the forceful phase of stop',
      longdesc: `
Signals sent to processes that survived the graceful phase, during the second half of the stop
timeout. Names or numbers, separated by white space.`,
    },
    signal_delay: {
      type: 'string',
      default: '1',
      shortdesc: 'pause after each round of signals, in seconds',
      longdesc: `
Seconds to wait after a round of signals before trying to unmount again (fractions allowed).`,
    },
  },
  actions: {
    start: { timeout: '60s', run: start },
    stop: { timeout: '60s', run: stop },
    monitor: { timeout: '40s', interval: '20s', depth: '0', run: monitor },
    'validate-all': { timeout: '5s', run: validateAll },
    'meta-data': { timeout: '5s', run: builtin },
    status: { timeout: '40s', advertise: false, run: status },
  },
});
