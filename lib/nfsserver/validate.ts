// Validation and service-control mode, run for every action but meta-data/usage/help
// in upstream's order so that the same setup gives the
// same code: mode detection and the notify program (5) before the configuration checks (6).

import { parseNfsdArgs } from './nfsd-args.ts';
import { OCF, OcfError } from '../ocf/codes.ts';
import { missingTool } from '../host/tools.ts';
import { requireTools } from './tools.ts';
import type { System } from '../system/types.ts';
import type { ExecMode, NfsCtx } from './types.ts';

export function systemdIsPid1(sys: System): boolean {
  return sys.readProcFile('/proc/1/comm')?.trim() === 'systemd';
}

// Unit file name → state from `systemctl --no-legend list-unit-files` ("name state [preset]").
export function unitFiles(listing: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of listing.split('\n')) {
    const [name, state] = line.trim().split(/\s+/);
    if (name !== undefined && name !== '') out.set(name, state ?? '');
  }
  return out;
}

export const UNIT_PATTERNS = ['nfs-*', 'rpc-*', 'nfsdcld*', 'fsidd*'] as const;

// systemd when it is PID 1 (unit files alone prove nothing: they are installed on hosts where
// systemd does not run); else the init script when one is configured; else the agent manages
// the daemons itself.
export async function detectMode(ctx: NfsCtx): Promise<ExecMode> {
  const { sys, params, log } = ctx;
  if (systemdIsPid1(sys)) {
    if (params.nfs_init_script !== '') log.debug(`systemd is running: nfs_init_script ${params.nfs_init_script} is not used`);
    await requireTools(sys, 'systemctl');
    const r = await sys.run(['systemctl', '--no-legend', 'list-unit-files', ...UNIT_PATTERNS]);
    const units = unitFiles(r.stdout);
    if (units.has('nfs-server.service')) {
      if (units.has('nfs-lock.service')) return { kind: 'systemd', lockUnit: 'nfs-lock.service', units };
      if (units.has('rpc-statd.service')) return { kind: 'systemd', lockUnit: 'rpc-statd.service', units };
    }
    throw new OcfError(OCF.ERR_INSTALLED, 'No init script or systemd unit file detected for nfs server');
  }
  if (params.nfs_init_script !== '') {
    const script = await sys.which(params.nfs_init_script);
    if (script === null) throw missingTool(params.nfs_init_script);
    return { kind: 'init', script };
  }
  if (params.nfsv4_only) await requireTools(sys, 'rpc.nfsd', 'rpc.mountd');
  else await requireTools(sys, 'rpc.nfsd', 'rpc.mountd', 'rpc.statd');
  return { kind: 'direct' };
}

// The hidden nfs_notify_cmd parameter: `which sm-notify`, else /sbin/sm-notify.
export async function notifyCommand(ctx: NfsCtx): Promise<string> {
  const given = ctx.env.raw.OCF_RESKEY_nfs_notify_cmd;
  const cmd = given !== undefined && given !== '' ? given : ((await ctx.sys.which('sm-notify')) ?? '/sbin/sm-notify');
  const found = cmd === given || cmd === '/sbin/sm-notify' ? await ctx.sys.which(cmd) : cmd;
  if (found === null) throw missingTool(cmd);
  return found;
}

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,62})?$/;

// Parameter checks that need no machine state (6 when wrong).
export function checkConfig(ctx: NfsCtx, notifyCmd: string): void {
  const { params, env } = ctx;
  const bad = (reason: string): never => {
    throw new OcfError(OCF.ERR_CONFIGURED, reason);
  };
  if ((env.cloneNumber ?? '') !== '' && params.nfs_shared_infodir !== '') {
    bad('This RA does not support clone mode when a shared info directory is in use.');
  }
  const retry = ctx.invalid.nfs_smnotify_retry_time;
  if (retry !== undefined) bad(`Invalid nfs_smnotify_retry_time [${retry}]`);
  const base = notifyCmd.slice(notifyCmd.lastIndexOf('/') + 1);
  if (base !== 'sm-notify' && base !== 'rpc.statd') bad(`Invalid nfs_notify_cmd [${notifyCmd}]`);
  for (const p of ctx.paramProblems) bad(p);
  for (const name of ['lockd_udp_port', 'lockd_tcp_port', 'statd_outgoing_port', 'statd_port', 'mountd_port', 'rquotad_port'] as const) {
    const v = params[name];
    if (v !== undefined && (v < 1 || v > 65535)) bad(`Invalid ${name} [${String(v)}]: not a port number`);
  }
  // The kernel accepts 10 to 3600 seconds for both (nfsd4 lease and grace time).
  for (const name of ['nfsv4_lease_time', 'nfsv4_grace_time'] as const) {
    const v = params[name];
    if (v !== undefined && (v < 10 || v > 3600)) bad(`Invalid ${name} [${String(v)}]: must be 10 to 3600 seconds`);
  }
  const scope = params.nfs_server_scope;
  if (scope !== '' && !HOSTNAME.test(scope)) bad(`Invalid nfs_server_scope [${scope}]: must be a host name of at most 64 characters`);
  if (parseNfsdArgs(params.nfsd_args).threads === 0) bad(`Invalid nfsd_args [${params.nfsd_args}]: a thread count of 0 stops nfsd`);
  const infodir = params.nfs_shared_infodir;
  if (infodir !== '' && !infodir.startsWith('/')) bad(`Invalid nfs_shared_infodir [${infodir}]: not an absolute path`);
  if (!params.rpcpipefs_dir.startsWith('/')) bad(`Invalid rpcpipefs_dir [${params.rpcpipefs_dir}]: not an absolute path`);
}

export interface Validated {
  readonly mode: ExecMode;
  readonly notifyCmd: string;
}

export async function validate(ctx: NfsCtx): Promise<Validated> {
  const mode = await detectMode(ctx);
  const notifyCmd = await notifyCommand(ctx);
  checkConfig(ctx, notifyCmd);
  return { mode, notifyCmd };
}
