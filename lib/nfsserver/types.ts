// What the nfsserver logic needs from an action's context (structurally a subset of
// Context<typeof nfsserver.parameters>, so lib/ does not import the agent definition).

import { OCF, OcfError, type OcfStatus } from '../ocf/codes.ts';
import type { Deadline } from '../ocf/deadline.ts';
import type { OcfEnv } from '../ocf/env.ts';
import type { Logger } from '../ocf/log.ts';
import type { System } from '../system/types.ts';

export interface NfsParams {
  readonly nfs_init_script: string;
  readonly nfsv4_only: boolean;
  readonly nfs_no_notify: boolean;
  readonly nfs_notify_foreground: boolean;
  readonly nfs_smnotify_retry_time: number | undefined;
  readonly nfs_server_scope: string;
  readonly nfs_ip: string;
  readonly nfs_shared_infodir: string;
  readonly rpcpipefs_dir: string;
  readonly nfsd_args: string;
  readonly lockd_udp_port: number | undefined;
  readonly lockd_tcp_port: number | undefined;
  readonly statd_outgoing_port: number | undefined;
  readonly statd_port: number | undefined;
  readonly mountd_port: number | undefined;
  readonly rquotad_port: number | undefined;
  readonly nfsv4_lease_time: number | undefined;
  readonly nfsv4_grace_time: number | undefined;
}

export interface NfsCtx {
  readonly params: NfsParams;
  readonly raw: Readonly<Record<string, string | undefined>>;
  readonly paramProblems: readonly string[];
  readonly env: OcfEnv;
  readonly sys: System;
  readonly log: Logger;
  readonly deadline: Deadline;
}

// "Not running": an exit reason in a recurring monitor, only a log line in a probe or a start.
export function notRunning(ctx: NfsCtx, reason: string): OcfStatus {
  if (ctx.env.isProbe || ctx.env.action !== 'monitor') {
    ctx.log.info(reason);
    return OCF.NOT_RUNNING;
  }
  throw new OcfError(OCF.NOT_RUNNING, reason);
}

// How the NFS service is controlled (nfs-agents.md §1.3, fixed: see docs/compat/nfsserver.md).
export type ExecMode =
  // units: unit file name → state (enabled, masked...) from list-unit-files.
  | { readonly kind: 'systemd'; readonly lockUnit: 'nfs-lock.service' | 'rpc-statd.service'; readonly units: ReadonlyMap<string, string> }
  | { readonly kind: 'init'; readonly script: string }
  | { readonly kind: 'direct' };

// The fixed places nfsserver works on.
export const VAR_LIB_NFS = '/var/lib/nfs';
export const NFSD_FS = '/proc/fs/nfsd';
export const THREADS = `${NFSD_FS}/threads`;
export const STATD_PIDFILE = '/run/rpc.statd.pid';
export const SM_NOTIFY_PIDFILE = '/run/sm-notify.pid';
