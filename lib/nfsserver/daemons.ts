// The user-space daemons, started and stopped by the agent itself: rpcbind and rpc.statd in the
// init-script mode, and everything in the direct mode (no systemd, no init script).

import type { NfsConf } from '../host/nfsconf.ts';
import { OCF, OcfError, type OcfStatus } from '../ocf/codes.ts';
import type { RunResult } from '../system/types.ts';
import { readThreads, writeLockdPorts } from './host.ts';
import { nfsdThreads, parseNfsdArgs } from './nfsd-args.ts';
import { findProcs as findAllProcs, fromPidFile, terminate, type Proc } from '../host/procs.ts';
import type { Logger } from '../ocf/log.ts';
import type { Deadline } from '../ocf/deadline.ts';
import type { System } from '../system/types.ts';
import { STATD_PIDFILE, THREADS, type NfsCtx, type ServiceControl, type StopProblem } from './types.ts';

// The daemons of this machine view: processes in our mount namespace.
export function findProcs(sys: System, programs: readonly string[]): Proc[] {
  return findAllProcs(sys, programs, 'mnt');
}

// Stops processes with the host layer's escalation (TERM, then KILL, 4 s each at most), saying
// what it does. true when all are gone.
async function stopProcs(sys: System, deadline: Deadline, log: Logger, procs: readonly Proc[]): Promise<boolean> {
  if (procs.length === 0) return true;
  const what = [...new Set(procs.map((p) => p.comm))].join(', ');
  log.info(`Stopping ${what} (pid ${procs.map((p) => p.pid).join(' ')})`);
  const left = await terminate(sys, deadline, procs, {
    termMs: 4000,
    killMs: 4000,
    beforeKill: (l) => log.warn(`${what} did not stop on SIGTERM, sending SIGKILL to ${l.map((p) => p.pid).join(' ')}`),
  });
  if (left.length > 0) log.err(`Failed to stop ${what}: pid ${left.map((p) => p.pid).join(' ')} still running`);
  return left.length === 0;
}

// A command in a UTS namespace whose host name is the NFS server scope (nfs_server_scope), so
// that nfsd takes it as its scope and the host keeps its name. The script is fixed; the scope
// and the command are arguments, never shell text.
export function inScope(scope: string, argv: readonly string[]): string[] {
  if (scope === '') return [...argv];
  return ['unshare', '--uts', '--', '/bin/sh', '-c', 'hostname "$1" && shift && exec "$@"', 'nfsha-scope', scope, ...argv];
}

function failed(r: RunResult): string {
  const out = `${r.stderr}${r.stdout}`.trim().split('\n').at(-1) ?? '';
  const why = r.timedOut ? 'timed out' : r.notFound ? 'not found' : `rc ${String(r.exitCode)}`;
  return out === '' ? why : `${why}: ${out}`;
}

// --- rpcbind --------------------------------------------------------------------------------

async function rpcbindAnswers(ctx: NfsCtx): Promise<boolean> {
  return (await ctx.sys.run(['rpcinfo', '-p'], { timeoutMs: 5000 })).exitCode === 0;
}

// rpcbind must run for NFSv3 (statd and mountd register with it); started when absent and
// never stopped (other RPC services of the node use it).
export async function ensureRpcbind(ctx: NfsCtx): Promise<void> {
  const { sys, log, deadline } = ctx;
  if ((findProcs(sys, ['rpcbind'])).length > 0) return;
  log.info('Starting rpcbind');
  const r = await sys.run(['rpcbind', '-w']);
  if (r.exitCode !== 0) throw new OcfError(OCF.ERR_GENERIC, `Failed to start rpcbind: ${failed(r)}`);
  while (!(await rpcbindAnswers(ctx))) {
    deadline.check('waiting for rpcbind');
    await sys.sleep(200);
  }
}

// --- rpc.statd and sm-notify ----------------------------------------------------------------

export function statdProcess(ctx: NfsCtx, procs?: readonly Proc[]): Proc | undefined {
  const byFile = fromPidFile(ctx.sys, STATD_PIDFILE, 'rpc.statd');
  if (byFile !== undefined) return byFile;
  return (procs ?? findProcs(ctx.sys, ['rpc.statd']))[0];
}

export function statdArgv(ctx: NfsCtx): string[] {
  const p = ctx.params;
  return [
    'rpc.statd',
    // Never notify from here: sm-notify runs at the end of start, or from nfsnotify once the
    // exports and the floating IP exist (nfs_no_notify).
    '--no-notify',
    ...(p.statd_port !== undefined ? ['-p', String(p.statd_port)] : []),
    ...(p.statd_outgoing_port !== undefined ? ['-o', String(p.statd_outgoing_port)] : []),
  ];
}

const NO_NOTIFY = new Set(['--no-notify', '-L']);

export async function startStatd(ctx: NfsCtx): Promise<void> {
  const { sys, log } = ctx;
  const running = statdProcess(ctx);
  if (running !== undefined) {
    log.info('rpc.statd already up');
    if (!running.argv.some((a) => NO_NOTIFY.has(a))) log.warn(`rpc.statd (pid ${String(running.pid)}) was started without --no-notify by someone else: it may have notified clients already`);
    return;
  }
  log.info('Starting rpc.statd.');
  const r = await sys.run(statdArgv(ctx));
  if (r.exitCode !== 0) {
    log.err(`Failed to start rpc.statd: ${failed(r)}`);
    throw new OcfError(OCF.ERR_GENERIC, 'Failed to start NFS server locking daemons');
  }
}

// sm-notify processes that work on the default statd directory (ours); nfsnotify's run with -P
// on copies and are left to nfsnotify.
export function isOurSmNotify(p: Proc): boolean {
  return !p.argv.some((a) => a === '-P' || a.startsWith('--state-directory-path'));
}

// Stops sm-notify, then rpc.statd. false when one of them would not go.
export async function stopLocking(ctx: NfsCtx): Promise<boolean> {
  const { sys, deadline, log } = ctx;
  const notifiers = (findProcs(sys, ['sm-notify'])).filter(isOurSmNotify);
  const a = await stopProcs(sys, deadline, log, notifiers);
  const statd = findProcs(sys, ['rpc.statd']);
  const b = await stopProcs(sys, deadline, log, statd);
  await sys.remove(STATD_PIDFILE).catch(() => false);
  return a && b;
}

// --- the direct mode -------------------------------------------------------------------------

// Daemons that may run beside nfsd, stopped with it. nfsdcld and fsidd keep databases under
// /var/lib/nfs open; rpc.idmapd keeps rpc_pipefs busy.
const HELPERS = ['rpc.mountd', 'rpc.idmapd', 'nfsdcld', 'rpc.rquotad', 'fsidd'] as const;

export const LOCKING_DOWN = 'NFS server is up, but the locking daemons are down';

function directStatus(ctx: NfsCtx): OcfStatus {
  const threads = readThreads(ctx.sys);
  if (threads === undefined || threads === 0) {
    ctx.log.debug(threads === undefined ? `${THREADS} does not exist` : 'nfsd has no threads');
    return OCF.NOT_RUNNING;
  }
  const procs = findProcs(ctx.sys, ['rpc.mountd', 'rpc.statd']);
  if (!procs.some((p) => p.comm === 'rpc.mountd')) throw new OcfError(OCF.ERR_GENERIC, 'NFS server is up, but rpc.mountd is down');
  const statd = statdProcess(ctx, procs.filter((p) => p.comm === 'rpc.statd')) !== undefined;
  if (!ctx.params.nfsv4_only && !statd) throw new OcfError(OCF.ERR_GENERIC, LOCKING_DOWN);
  return OCF.SUCCESS;
}

async function startHelper(ctx: NfsCtx, argv: string[], required: boolean): Promise<void> {
  const { sys, log } = ctx;
  const name = argv[0] ?? '';
  if ((findProcs(sys, [name])).length > 0) {
    log.debug(`${name} already running`);
    return;
  }
  log.info(`Starting ${argv.join(' ')}`);
  const r = await sys.run(argv);
  if (r.exitCode === 0) return;
  if (required) throw new OcfError(OCF.ERR_GENERIC, `Failed to start NFS server: ${name} ${failed(r)}`);
  log.warn(`${name} did not start: ${failed(r)}`);
}

async function directStart(ctx: NfsCtx, pipefs: boolean, conf: NfsConf): Promise<void> {
  const { sys, log, params } = ctx;
  if (!params.nfsv4_only) {
    await ensureRpcbind(ctx);
    await startStatd(ctx);
  }
  // The NFSv4 client tracking daemon must be up before nfsd asks for it; rpc.idmapd needs
  // rpc_pipefs (given where it is, since nfs.conf may name another place).
  if (pipefs && (await sys.which('nfsdcld')) !== null) await startHelper(ctx, ['nfsdcld', '-p', params.rpcpipefs_dir], false);
  if (pipefs && (await sys.which('rpc.idmapd')) !== null) await startHelper(ctx, ['rpc.idmapd', '-p', params.rpcpipefs_dir], false);
  const mountd = ['rpc.mountd', ...(params.mountd_port !== undefined ? ['-p', String(params.mountd_port)] : []), ...(params.nfsv4_only ? ['-N', '2', '-N', '3'] : [])];
  await startHelper(ctx, mountd, true);
  if (params.rquotad_port !== undefined) {
    if ((await sys.which('rpc.rquotad')) !== null) await startHelper(ctx, ['rpc.rquotad', '-p', String(params.rquotad_port)], false);
    else log.warn('rquotad_port is set but rpc.rquotad is not installed');
  }
  await writeLockdPorts(ctx);
  const args = parseNfsdArgs(params.nfsd_args);
  const threads = nfsdThreads(args, conf);
  const r = await sys.run(inScope(params.nfs_server_scope, ['rpc.nfsd', ...args.options, String(threads)]));
  if (r.exitCode !== 0) {
    log.err(`rpc.nfsd failed: ${failed(r)}`);
    throw new OcfError(OCF.ERR_GENERIC, 'Failed to start NFS server');
  }
}

async function directStop(ctx: NfsCtx): Promise<StopProblem[]> {
  const { sys, log, deadline } = ctx;
  const problems: StopProblem[] = [];
  const threads = readThreads(sys);
  if (threads !== undefined && threads > 0) {
    const r = await sys.run(['rpc.nfsd', '0']);
    if (r.exitCode !== 0) {
      log.err(`rpc.nfsd 0 failed: ${failed(r)}`);
      return [{ reason: 'Failed to stop NFS server' }];
    }
  }
  if (!(await waitThreadsGone(ctx))) problems.push({ reason: 'NFS server failed to stop: /proc/fs/nfsd/threads' });
  if (!(await stopProcs(sys, deadline, log, findProcs(sys, HELPERS)))) problems.push({ reason: 'Failed to stop the NFS server daemons' });
  return problems;
}

// Waits until /proc/fs/nfsd/threads is 0 (or gone), bounded by the deadline.
export async function waitThreadsGone(ctx: NfsCtx): Promise<boolean> {
  const { sys, deadline, log } = ctx;
  let logged = 0;
  for (;;) {
    const t = readThreads(sys);
    if (t === undefined || t === 0) return true;
    if (deadline.expired()) return false;
    if (sys.now() - logged >= 1000) {
      log.info(`Stop: waiting for ${String(t)} nfsd threads to end`);
      logged = sys.now();
    }
    await sys.sleep(200);
  }
}

// The direct mode (no systemd, no init script): the agent runs every daemon itself, with the
// parameters as command-line arguments.
export const directControl: ServiceControl = {
  kind: 'direct',
  usesNfsConf: false,
  status: (ctx) => Promise.resolve(directStatus(ctx)),
  beforeBind: () => Promise.resolve(),
  setScope: () => Promise.resolve(),
  wantsPipefs: () => Promise.resolve(true),
  start: directStart,
  stop: directStop,
};
