// nfsserver start, stop and monitor: one order for every service-control mode; the
// mode-specific steps are a ServiceControl (types.ts): daemons.ts (direct), init-script.ts,
// systemd.ts.

import { detectStatdDir } from '../host/statd-dir.ts';
import { readNfsConf } from '../host/nfsconf.ts';
import { OCF, OcfError, isOcfError, type OcfStatus } from '../ocf/codes.ts';
import { controlFor } from './control.ts';
import { statdProcess, stopLocking } from './daemons.ts';
import { bindInfodir, bindState, ensureNfsdFs, mountPipefs, prepareVarLibNfs, readThreads, unmountAll, writeLockdPorts, writeV4Times } from './host.ts';
import { readMounts } from '../host/mounts.ts';
import { NFSCONF_DROPIN, writeConfDropin } from './nfsconf-dropin.ts';
import { notifyClients } from './notify.ts';
import { mergeFromHa, prepareStatdDir, refreshState, snapshotToHa, statdOwner } from './nsm.ts';
import { SM_NOTIFY_PIDFILE, THREADS, type NfsCtx } from './types.ts';
import { validate, type Validated } from './validate.ts';
import { stripTrailingSlashes } from '../host/paths.ts';

async function monitorWith(ctx: NfsCtx, v: Validated): Promise<OcfStatus> {
  return controlFor(v.mode).status(ctx);
}

// The state a start finds: running (0) or anything else, without exit reasons of its own.
async function alreadyRunning(ctx: NfsCtx, v: Validated): Promise<boolean> {
  try {
    return (await monitorWith(ctx, v)) === OCF.SUCCESS;
  } catch (e) {
    if (!isOcfError(e)) throw e;
    ctx.log.info(`${e.message}: starting`);
    return false;
  }
}

async function startWith(ctx: NfsCtx, v: Validated): Promise<OcfStatus> {
  const { sys, log, params } = ctx;
  const control = controlFor(v.mode);
  if (await alreadyRunning(ctx, v)) {
    log.info('NFS server is already started');
    return OCF.SUCCESS;
  }
  await control.beforeBind(ctx);
  await bindInfodir(ctx);
  await prepareVarLibNfs(ctx);
  const conf = await readNfsConf(sys);
  const statd = await detectStatdDir(sys, { conf });
  const owner = statdOwner(await sys.readFileIfExists('/etc/passwd').catch(() => null));
  await prepareStatdDir(sys, statd.dir, owner, log);
  const state = await refreshState(sys, statd.dir, owner);
  log.info(`NSM state in ${statd.dir}/state (${statd.source}): ${state.old === undefined ? 'none' : String(state.old)} -> ${String(state.fresh)}`);
  await control.setScope(ctx, params.nfs_server_scope);
  const pipefs = (await control.wantsPipefs(ctx)) ? await mountPipefs(ctx) : false;
  // sm-notify's once-per-boot guard: a start on this node is a reboot for the clients.
  await sys.remove(SM_NOTIFY_PIDFILE).catch(() => false);
  await mergeFromHa(sys, statd.dir, owner);
  await snapshotToHa(sys, statd.dir, owner);

  log.info('Starting NFS server ...');
  await ensureNfsdFs(ctx);
  await writeV4Times(ctx);
  if (control.usesNfsConf) {
    // The init script's and the units' daemons take their settings from nfs.conf.
    const unknown = await writeConfDropin(sys, params, ctx.env.instance);
    if (unknown.length > 0) log.warn(`nfsd_args: ${unknown.join(' ')} cannot be passed on through nfs.conf and is ignored`);
    await writeLockdPorts(ctx);
  }
  await control.start(ctx, pipefs, conf);
  const threads = readThreads(sys);
  if (threads === undefined || threads <= 0) throw new OcfError(OCF.ERR_GENERIC, `Failed to start NFS server: ${THREADS}`);
  await notifyClients(ctx, sys, v.notifyCmd, statd.dir, owner);
  log.info('NFS server started');
  return OCF.SUCCESS;
}

// stop runs even when validation failed (a node that lost nfs-utils or a changed parameter
// must still release /var/lib/nfs): then `v` is undefined and only what runs is stopped.
async function stopWith(ctx: NfsCtx, v: Validated | undefined): Promise<OcfStatus> {
  const { sys, log, params } = ctx;
  const control = controlFor(v?.mode ?? { kind: 'direct' });
  log.info('Stopping NFS server ...');

  // Back up the monitor list into sm.ha while it is still reachable (the infodir bound).
  const bound = (await bindState(ctx, readMounts(sys))).state;
  if (params.nfs_shared_infodir === '' || bound === 'ours') {
    try {
      const running = statdProcess(ctx);
      const statd = await detectStatdDir(sys, running === undefined ? {} : { statdArgv: running.argv });
      await snapshotToHa(sys, statd.dir, statdOwner(await sys.readFileIfExists('/etc/passwd').catch(() => null)));
    } catch (e) {
      log.warn(`Could not back up the statd directory to sm.ha: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  const problems = await control.stop(ctx);
  if (problems.length > 0 && problems[0]?.reason === 'Failed to stop NFS server') throw new OcfError(OCF.ERR_GENERIC, problems[0].reason);
  // rpc.statd and sm-notify keep the statd directory (on the bind) open: stopped in every mode,
  // nfsv4_only included.
  if (!(await stopLocking(ctx))) problems.push({ reason: 'Failed to stop NFS locking daemons' });
  const busy = await unmountAll(ctx);
  await control.setScope(ctx, '');
  if (control.usesNfsConf) await sys.remove(NFSCONF_DROPIN).catch(() => false);
  const first = problems[0];
  // The upstream reason first (admins and tests match it), then the cause when one is known.
  if (busy.length > 0) throw new OcfError(OCF.ERR_GENERIC, `Failed to unmount a bind mount${first === undefined ? '' : ` (${first.reason})`}`);
  if (first !== undefined) throw new OcfError(OCF.ERR_GENERIC, first.reason);
  log.info('NFS server stopped');
  return OCF.SUCCESS;
}

// ---------------------------------------------------------------------------------------------
// The handlers agents/nfsserver.ts registers: paths as upstream takes them (trailing slashes
// stripped), then validation, then the action.

function normalised(ctx: NfsCtx): NfsCtx {
  const p = ctx.params;
  return { ...ctx, params: { ...p, rpcpipefs_dir: stripTrailingSlashes(p.rpcpipefs_dir), nfs_shared_infodir: stripTrailingSlashes(p.nfs_shared_infodir) } };
}

export async function start(ctx: NfsCtx): Promise<OcfStatus> {
  const c = normalised(ctx);
  return startWith(c, await validate(c));
}

export async function stop(ctx: NfsCtx): Promise<OcfStatus> {
  const c = normalised(ctx);
  let v: Validated | undefined;
  try {
    v = await validate(c);
  } catch (e) {
    if (!isOcfError(e)) throw e;
    // Stop still releases what runs and what is mounted (docs/compat/nfsserver.md).
    c.log.warn(`${e.message}: stopping what is found`);
  }
  return stopWith(c, v);
}

export async function monitor(ctx: NfsCtx): Promise<OcfStatus> {
  const c = normalised(ctx);
  return monitorWith(c, await validate(c));
}

export async function validateAll(ctx: NfsCtx): Promise<OcfStatus> {
  await validate(normalised(ctx));
  return OCF.SUCCESS;
}
