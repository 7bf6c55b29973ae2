// ocf:nfsha:nfsnotify actions. Upstream behaviour with its
// defects fixed: the statd directory is detected, not hard-coded; source hosts are checked
// before sm-notify can consume the monitor list; only our own sm-notify processes are ended;
// the snapshot is per instance and refreshed; reload re-sends; a start without statd fails
// with 1 and a reason. docs/compat/nfsnotify.md lists the differences.

import { OCF, OcfError, type OcfStatus } from '../ocf/codes.ts';
import type { System } from '../system/types.ts';
import { detectStatdDir } from '../host/statd-dir.ts';
import { backupDir, isPrivateDir, ownerMarker, planNotification, smNotifyArgv } from './settings.ts';
import { findProcs, readCmdline, readProc, type Proc } from '../host/procs.ts';
import { forgetRecord, readPrivateList, readRecord, recordPaths, retireRecord, sameStatd, writePrivateList, writeRecord, type RecordPaths } from './record.ts';
import { checkSourceHost, isLocal, type SourceHost } from './resolve.ts';
import { isIP } from '../util/ip.ts';
import { endOwnSmNotify } from './smnotify.ts';
import type { NfsnotifyContext } from './params.ts';
import { recordConnections, setUpRecording, tickleRecorded, tickleStatePath, tickleTcpPath } from './tickle.ts';
import { recordFile } from './tickle-record.ts';
import { validate } from './validate.ts';
import { copyState, removeTree, replaceWithCopy } from './tree.ts';

// The handlers' context, typed by the parameter spec (params.ts).
type NotifyContext = NfsnotifyContext;

export const STATD = 'rpc.statd';

function paths(ctx: NotifyContext): RecordPaths {
  return recordPaths(ctx.env.rsctmp, ctx.env.instance);
}

// 0 while the statd we notified for runs; 7 before any notification; 1 once it restarted.
export async function monitor(ctx: NotifyContext): Promise<OcfStatus> {
  const rec = await readRecord(ctx.sys, paths(ctx), 'current');
  if (rec === undefined) {
    ctx.log.outcome('no notification sent by this resource (not started)');
    return OCF.NOT_RUNNING;
  }
  const st = rec.pid > 0 ? readProc(ctx.sys, rec.pid) : undefined;
  if (st !== undefined && st.comm === STATD && (rec.startTime === undefined || rec.startTime === st.startTime)) {
    await recordConnections(ctx.sys, ctx.log, tickleStatePath(paths(ctx).dir));
    ctx.log.outcome(`clients notified for rpc.statd ${String(rec.pid)}, which still runs`);
    return OCF.SUCCESS;
  }
  throw new OcfError(OCF.ERR_GENERIC, `${String(rec.pid)} for rpc.statd is no longer running, sm-notify needs to re-notify clients`);
}

// The rpc.statd of this node (network namespace), or a reason why there is not exactly one.
function runningStatd(sys: System): Proc {
  const mine = findProcs(sys, [STATD], 'net');
  if (mine.length === 0) throw new OcfError(OCF.ERR_GENERIC, 'rpc.statd is not running: start the NFS server (nfsserver) before nfsnotify');
  if (mine.length > 1) throw new OcfError(OCF.ERR_GENERIC, `several rpc.statd processes run (pid ${mine.map((p) => p.pid).join(' ')}): cannot tell whose clients to notify`);
  const only = mine[0];
  if (only === undefined) throw new OcfError(OCF.ERR_GENERIC, 'rpc.statd is not running');
  return only;
}

function failure(r: { exitCode: number | null; timedOut: boolean; stderr: string; stdout: string }): string {
  if (r.timedOut) return 'timed out (notify_args with -d waits for every client)';
  const line = `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim()).find((l) => l !== '');
  return line ?? `exit code ${String(r.exitCode)}`;
}

// One notification round (start, reload). `force`: reload sends even when the statd we
// notified for still runs.
async function notify(ctx: NotifyContext, force: boolean): Promise<OcfStatus> {
  const { sys, log, env } = ctx;
  const cfg = await validate(ctx);
  const p = paths(ctx);
  const current = await readRecord(sys, p, 'current');
  const statd = runningStatd(sys);
  log.debug(`rpc.statd is pid ${String(statd.pid)}`);
  if (!force && sameStatd(current, statd)) {
    log.info(`notifications already sent for rpc.statd ${String(statd.pid)}`);
    // The recording set up for this statd goes on (stop leaves its state in HA_RSCTMP).
    if (!ctx.params.tickle) await setUpRecording(sys, log, tickleStatePath(p.dir), undefined);
    return OCF.SUCCESS;
  }
  const renotify = sameStatd(current ?? (await readRecord(sys, p, 'prev')), statd);
  // Everything that can fail is checked before anything changes: before our sm-notify still
  // retrying is ended, and before sm-notify may consume the real monitor list.
  const sd = await detectStatdDir(sys, { statdArgv: readCmdline(sys, statd.pid) ?? [] });
  if (!(await sys.stat(`${sd.dir}/sm`))?.isDirectory) {
    throw new OcfError(OCF.ERR_GENERIC, `statd directory ${sd.dir} (from the ${sd.source}) has no sm/: sm-notify would notify nobody`);
  }
  log.debug(`statd directory ${sd.dir} (from the ${sd.source})`);
  // Tickle ACKs as early as they can go (issue 15): every moment before them is a moment the
  // clients stay disconnected, and they change nothing here. Only from addresses of this node:
  // IP literals (the seed's source_host) are known to be local without a child process, so their
  // ACKs go out before the reverse lookups; names after they are resolved.
  const tickle = async (floating: string[]): Promise<void> => {
    if (floating.length === 0) log.info('no source_host: no floating address whose connections could be tickled');
    else await tickleRecorded(sys, log, ctx.deadline, { record: recordFile(sd.dir, env.instance), addresses: floating, rounds: cfg.rounds, binary: tickleTcpPath(env.raw) });
  };
  const tickling = !force && ctx.params.tickle;
  const local = tickling ? sys.localAddresses() : [];
  const literal = tickling && cfg.hosts.length > 0 && cfg.hosts.every((h) => isIP(h) !== 0 && isLocal(h, local));
  if (literal) await tickle([...cfg.hosts]);
  const checked = new Map<string, SourceHost>();
  for (const h of cfg.hosts) checked.set(h, await checkSourceHost(sys, h));
  log.debug(`source hosts checked: ${[...checked.values()].map((c) => `${c.host} (name ${c.monName}, from ${c.address})`).join(', ') || 'none (default address)'}`);
  const floating = [...checked.values()].map((c) => c.address);
  if (tickling && !literal) await tickle(floating);
  const marker = ownerMarker(env.instance);
  await endOwnSmNotify(sys, log, ctx.deadline, marker, force ? 'reload' : 'start');

  const backup = backupDir(sd.dir, env.instance);
  if (renotify) log.info('Renotifying clients');
  if (!renotify || !(await sys.stat(backup))?.isDirectory) {
    await replaceWithCopy(sys, sd.dir, backup, sd.dir);
    log.debug(`statd state saved in ${backup}`);
  }
  const plan = planNotification({ hosts: cfg.hosts, renotify, statdDir: sd.dir, instance: env.instance });
  await writePrivateList(sys, p, plan.filter((s) => s.source === 'copy').map((s) => s.dir));
  for (const step of plan) {
    if (step.source !== 'copy') continue;
    await replaceWithCopy(sys, backup, step.dir, sd.dir);
    if (step.keepState) await copyState(sys, sd.dir, step.dir);
  }

  await setUpRecording(sys, log, tickleStatePath(p.dir), ctx.params.tickle ? { statdDir: sd.dir, instance: env.instance, addresses: floating } : undefined);
  await writeRecord(sys, p, statd);
  log.info(`PID file (pid:${String(statd.pid)} at ${p.pidFile}) created for rpc.statd.`);
  for (const step of plan) {
    ctx.deadline.check('sending notifications');
    const src = step.host === undefined ? undefined : checked.get(step.host);
    log.info(src === undefined ? 'sending notifications on default source address.' : `sending notifications with source address ${src.host} (name ${src.monName}, from ${src.address})`);
    const r = await sys.run(smNotifyArgv(cfg.binary, cfg.args, step), { env: { [marker.name]: marker.value } });
    if (r.exitCode !== 0 || r.timedOut) {
      // sm-notify fails in the foreground only before it touches the list (afterwards it is in
      // the background): a failed run on the real directory leaves it for the next start to use.
      if (step.source === 'real') await forgetRecord(sys, p);
      const why = failure(r);
      throw new OcfError(OCF.ERR_GENERIC, step.host === undefined ? `sm-notify execution failed: ${why}` : `sm-notify with source host set to [ ${step.host} ] failed: ${why}`);
    }
  }
  return OCF.SUCCESS;
}

export function start(ctx: NotifyContext): Promise<OcfStatus> {
  return notify(ctx, false);
}

// Sends the notifications again (upstream advertises reload but answers 3).
export async function reload(ctx: NotifyContext): Promise<OcfStatus> {
  if ((await readRecord(ctx.sys, paths(ctx), 'current')) === undefined) {
    ctx.log.info('not started: start sends the notifications');
    return OCF.NOT_RUNNING;
  }
  return notify(ctx, true);
}

export async function stop(ctx: NotifyContext): Promise<OcfStatus> {
  const { sys, log, env } = ctx;
  const p = paths(ctx);
  // The floating address is still up (nfsnotify stops first): the last look at its connections.
  await recordConnections(sys, log, tickleStatePath(p.dir));
  await endOwnSmNotify(sys, log, ctx.deadline, ownerMarker(env.instance), 'stop');
  for (const dir of await readPrivateList(sys, p)) {
    const parent = dir.slice(0, dir.lastIndexOf('/'));
    if (!isPrivateDir(parent, env.instance, dir)) continue;
    try {
      await removeTree(sys, dir);
    } catch (e) {
      log.warn(`could not remove ${dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  await sys.remove(p.privateList);
  await retireRecord(sys, p);
  return OCF.SUCCESS;
}
