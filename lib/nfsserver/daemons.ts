// The user-space daemons, started and stopped by the agent itself: rpcbind and rpc.statd in the
// init-script mode, and everything in the direct mode (no systemd, no init script).

import type { NfsConf } from '../host/nfsconf.ts';
import { OCF, OcfError } from '../ocf/codes.ts';
import type { RunResult } from '../system/types.ts';
import { readThreads, writeLockdPorts } from './host.ts';
import { nfsdThreads, parseNfsdArgs } from './nfsd-args.ts';
import { findProcs, fromPidFile, terminate, type Proc } from '../host/procs.ts';
import { STATD_PIDFILE, type NfsCtx } from './types.ts';

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
  const a = await terminate(sys, deadline, log, notifiers);
  const statd = findProcs(sys, ['rpc.statd']);
  const b = await terminate(sys, deadline, log, statd);
  await sys.remove(STATD_PIDFILE).catch(() => false);
  return a && b;
}

// --- the direct mode -------------------------------------------------------------------------

// Daemons that may run beside nfsd, stopped with it. nfsdcld and fsidd keep databases under
// /var/lib/nfs open; rpc.idmapd keeps rpc_pipefs busy.
const HELPERS = ['rpc.mountd', 'rpc.idmapd', 'nfsdcld', 'rpc.rquotad', 'fsidd'] as const;

export interface DirectStatus {
  readonly threads: number | undefined;
  readonly mountd: boolean;
  readonly statd: boolean;
}

export function directStatus(ctx: NfsCtx): DirectStatus {
  const threads = readThreads(ctx.sys);
  if (threads === undefined || threads === 0) return { threads, mountd: false, statd: false };
  const procs = findProcs(ctx.sys, ['rpc.mountd', 'rpc.statd']);
  return {
    threads,
    mountd: procs.some((p) => p.comm === 'rpc.mountd'),
    statd: statdProcess(ctx, procs.filter((p) => p.comm === 'rpc.statd')) !== undefined,
  };
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

export async function directStart(ctx: NfsCtx, pipefs: boolean, conf: NfsConf): Promise<void> {
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

export interface StopProblem {
  readonly reason: string;
}

export async function directStop(ctx: NfsCtx): Promise<StopProblem[]> {
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
  if (!(await terminate(sys, deadline, log, findProcs(sys, HELPERS)))) problems.push({ reason: 'Failed to stop the NFS server daemons' });
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
