// The programs exportfs's actions require, declared once (the RPM's Requires: are checked
// against this list).

import { defineTools } from '../ocf/define.ts';
import { toolChecker } from '../host/tools.ts';

export const EXPORTFS_TOOLS = defineTools({
  exportfs: { path: '/usr/sbin/exportfs', need: 'requires' },
});

export const requireTools = toolChecker(EXPORTFS_TOOLS);
