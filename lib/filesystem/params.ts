// The parameters of ocf:nfsha:Filesystem, declared once: agents/Filesystem.ts advertises them, and the
// handlers' parameter type is derived from this constant (Params<typeof FILESYSTEM_PARAMS>).

import { defineParams, type Context, type Params } from '../ocf/define.ts';

export const FILESYSTEM_PARAMS = defineParams({
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
    emptyIsDefault: true,
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
    emptyIsDefault: true,
    shortdesc: 'pause after each round of signals, in seconds',
    longdesc: `
Seconds to wait after a round of signals before trying to unmount again (fractions allowed).`,
  },
});

export type FilesystemParams = Params<typeof FILESYSTEM_PARAMS>;
export type FilesystemContext = Context<typeof FILESYSTEM_PARAMS>;
