// The programs Filesystem's actions require, declared once (the RPM's Requires: are checked
// against this list). The probe needs none: it reads /proc.

import { defineTools } from '../ocf/define.ts';
import { toolChecker } from '../host/tools.ts';

export const FILESYSTEM_TOOLS = defineTools({
  mount: { path: '/usr/bin/mount', need: 'requires' },
  umount: { path: '/usr/bin/umount', need: 'requires' },
  fsck: { path: '/usr/sbin/fsck', need: 'requires' },
  // What mount runs for fstype nfs/nfs4.
  'mount.nfs': { path: '/usr/sbin/mount.nfs', need: 'recommends' },
});

export const requireTools = toolChecker(FILESYSTEM_TOOLS);
