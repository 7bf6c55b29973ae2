// The programs nfsnotify's actions require, declared once (the RPM's Requires: are checked
// against this list).

import { defineTools } from '../ocf/define.ts';

export const NFSNOTIFY_TOOLS = defineTools({
  'sm-notify': { path: '/usr/sbin/sm-notify', need: 'requires' },
});
