// Types and fixed places shared by the nfsserver modules.

import { OCF, OcfError, type OcfStatus } from '../ocf/codes.ts';
import type { NfsConf } from '../host/nfsconf.ts';
import type { NfsserverContext, NfsserverParams } from './params.ts';

// The handlers' parameters and context, derived from the parameter spec (params.ts).
export type NfsParams = NfsserverParams;
export type NfsCtx = NfsserverContext;

// "Not running": an exit reason in a recurring monitor, only a log line in a probe or a start.
export function notRunning(ctx: NfsCtx, reason: string): OcfStatus {
  if (ctx.env.isProbe || ctx.env.action !== 'monitor') {
    ctx.log.info(reason);
    return OCF.NOT_RUNNING;
  }
  throw new OcfError(OCF.NOT_RUNNING, reason);
}

// How the NFS service is controlled (upstream's detection, fixed: see docs/compat/nfsserver.md).
export type ExecMode =
  // units: unit file name → state (enabled, masked...) from list-unit-files.
  | { readonly kind: 'systemd'; readonly lockUnit: 'nfs-lock.service' | 'rpc-statd.service'; readonly units: ReadonlyMap<string, string> }
  | { readonly kind: 'init'; readonly script: string }
  | { readonly kind: 'direct' };

// Something a stop could not do; stop fails with the first reason.
export interface StopProblem {
  readonly reason: string;
}

// One way of controlling the NFS service (systemd units, an init script, or the agent running
// the daemons itself). start, stop and monitor (actions.ts) are the same for every mode and ask
// the mode only for these steps.
export interface ServiceControl {
  readonly kind: ExecMode['kind'];
  // The daemons take their settings from nfs.conf: start writes the agent's drop-in (and lockd
  // ports), stop removes it.
  readonly usesNfsConf: boolean;
  status(ctx: NfsCtx): Promise<OcfStatus>;
  // Before nfs_shared_infodir is bound onto /var/lib/nfs.
  beforeBind(ctx: NfsCtx): Promise<void>;
  // Applies the NFS server scope ('' removes it).
  setScope(ctx: NfsCtx, scope: string): Promise<void>;
  // Whether start mounts rpc_pipefs itself.
  wantsPipefs(ctx: NfsCtx): Promise<boolean>;
  start(ctx: NfsCtx, pipefs: boolean, conf: NfsConf): Promise<void>;
  // What went wrong; throws when nothing else may be tried.
  stop(ctx: NfsCtx): Promise<StopProblem[]>;
}

// The fixed places nfsserver works on.
export const VAR_LIB_NFS = '/var/lib/nfs';
export const NFSD_FS = '/proc/fs/nfsd';
export const THREADS = `${NFSD_FS}/threads`;
export const STATD_PIDFILE = '/run/rpc.statd.pid';
export const SM_NOTIFY_PIDFILE = '/run/sm-notify.pid';
