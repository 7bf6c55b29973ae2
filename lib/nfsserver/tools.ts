// The programs nfsserver's actions require, declared once (the RPM's Requires: and Recommends:
// are checked against this list). Which of them a node needs depends on how it runs the NFS
// service (validate.ts): the direct mode runs the daemons itself, systemd needs systemctl.

import { defineTools } from '../ocf/define.ts';
import { toolChecker } from '../host/tools.ts';

export const NFSSERVER_TOOLS = defineTools({
  'rpc.nfsd': { path: '/usr/sbin/rpc.nfsd', need: 'recommends' },
  'rpc.mountd': { path: '/usr/sbin/rpc.mountd', need: 'recommends' },
  'rpc.statd': { path: '/usr/sbin/rpc.statd', need: 'requires' },
  'sm-notify': { path: '/usr/sbin/sm-notify', need: 'requires' },
  systemctl: { path: '/usr/bin/systemctl', need: 'system' },
});

export const requireTools = toolChecker(NFSSERVER_TOOLS);
