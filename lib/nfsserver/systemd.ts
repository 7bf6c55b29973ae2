// The systemd mode (systemd is PID 1): nfs-utils' units do the work, as upstream's modes 2/3,
// but every wait for a unit is bounded by the operation deadline (upstream loops until Pacemaker
// kills the agent), and the server scope reaches nfsd through a drop-in.

import { OCF, OcfError, type OcfStatus } from '../ocf/codes.ts';
import type { RunResult } from '../system/types.ts';
import { pipefsMounted, readThreads } from './host.ts';
import { findProcs } from './daemons.ts';
import { notRunning, type ExecMode, type NfsCtx, type ServiceControl, type StopProblem } from './types.ts';

type SystemdMode = Extract<ExecMode, { kind: 'systemd' }>;

function unit(name: string): string {
  return name.includes('.') ? name : `${name}.service`;
}

async function systemctl(ctx: NfsCtx, verb: string, name: string): Promise<RunResult> {
  return ctx.sys.run(['systemctl', '-n0', verb, unit(name)]);
}

async function ok(ctx: NfsCtx, argv: string[]): Promise<boolean> {
  return (await ctx.sys.run(argv)).exitCode === 0;
}

const rpcbindUp = (ctx: NfsCtx): Promise<boolean> => ok(ctx, ['rpcinfo']);
const statdRegistered = (ctx: NfsCtx): Promise<boolean> => ok(ctx, ['rpcinfo', '-t', 'localhost', '100024']);
const mountdRuns = (ctx: NfsCtx): Promise<boolean> => Promise.resolve(findProcs(ctx.sys, ['rpc.mountd']).length > 0);
const unitActive = async (ctx: NfsCtx, name: string): Promise<boolean> => (await systemctl(ctx, 'status', name)).exitCode === 0;

// Polls `check` every second until it holds; throws when the deadline comes first.
async function waitFor(ctx: NfsCtx, what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 1; ; i++) {
    if (await check()) return;
    if (ctx.deadline.expired()) throw new OcfError(OCF.ERR_GENERIC, `Failed to start NFS server: ${what} did not come up`);
    ctx.log.info(`Start: ${what} i: ${String(i)}`);
    await ctx.sys.sleep(1000);
  }
}

async function systemdStatus(ctx: NfsCtx, mode: SystemdMode): Promise<OcfStatus> {
  const v4only = ctx.params.nfsv4_only;
  if (!v4only && !(await rpcbindUp(ctx))) return notRunning(ctx, 'rpcbind is not running');
  if (!(await mountdRuns(ctx))) return notRunning(ctx, 'nfs-mountd is not running');
  if (!(await unitActive(ctx, 'nfs-idmapd'))) return notRunning(ctx, 'nfs-idmapd is not running');
  if (!v4only && !(await statdRegistered(ctx))) return notRunning(ctx, 'rpc-statd is not running');
  const cld = mode.units.get('nfsdcld.service');
  if (cld !== undefined && cld !== 'masked') {
    const state = (await ctx.sys.run(['systemctl', 'show', '-p', 'ActiveState', '--value', 'nfsdcld.service'])).stdout.trim();
    if (state === 'active' && !(await unitActive(ctx, 'nfsdcld'))) return notRunning(ctx, 'nfsdcld service is not running');
    if (['failed', 'inactive', 'deactivating'].includes(state)) return notRunning(ctx, `nfsdcld service is in '${state}' state`);
  }
  const r = await systemctl(ctx, 'is-active', 'nfs-server');
  if (r.exitCode === 3) return OCF.NOT_RUNNING;
  if (r.exitCode !== 0) throw new OcfError(OCF.ERR_GENERIC, `systemctl is-active nfs-server.service: rc ${String(r.exitCode)}`);
  const threads = readThreads(ctx.sys);
  if (threads === undefined) throw new OcfError(OCF.ERR_GENERIC, 'nfs-server.service is active but /proc/fs/nfsd/threads is unreadable');
  if (threads === 0) return notRunning(ctx, 'nfsd is not running');
  if (!v4only && !(await unitActive(ctx, mode.lockUnit))) throw new OcfError(OCF.ERR_GENERIC, 'NFS server is up, but the locking daemons are down');
  return OCF.SUCCESS;
}

// Before the bind: a mounted var-lib-nfs-rpc_pipefs.mount would be hidden under it.
async function systemdPrepareBind(ctx: NfsCtx): Promise<void> {
  if (ctx.params.nfs_shared_infodir === '') return;
  if (await unitActive(ctx, 'var-lib-nfs-rpc_pipefs.mount')) await ctx.sys.run(['systemctl', 'stop', 'var-lib-nfs-rpc_pipefs.mount']);
}

async function systemdPipefsWanted(ctx: NfsCtx): Promise<boolean> {
  return ok(ctx, ['systemctl', '-q', 'is-enabled', 'var-lib-nfs-rpc_pipefs.mount']);
}

async function systemdStart(ctx: NfsCtx, mode: SystemdMode): Promise<void> {
  const v4only = ctx.params.nfsv4_only;
  if (!v4only) {
    await systemctl(ctx, 'start', 'rpcbind');
    await waitFor(ctx, 'rpcbind', () => rpcbindUp(ctx));
    if (!(await unitActive(ctx, mode.lockUnit))) {
      const r = await systemctl(ctx, 'start', mode.lockUnit);
      if (r.exitCode !== 0) throw new OcfError(OCF.ERR_GENERIC, 'Failed to start NFS server locking daemons');
    } else {
      ctx.log.info('rpc.statd already up');
    }
    await systemctl(ctx, 'start', 'nfs-mountd');
    await waitFor(ctx, 'nfs-mountd', () => mountdRuns(ctx));
  }
  await systemctl(ctx, 'start', 'nfs-idmapd');
  await waitFor(ctx, 'nfs-idmapd', () => unitActive(ctx, 'nfs-idmapd'));
  if (!v4only) {
    await systemctl(ctx, 'start', 'rpc-statd');
    await waitFor(ctx, 'rpc-statd', () => statdRegistered(ctx));
  }
  const r = await systemctl(ctx, 'start', 'nfs-server');
  if (r.exitCode !== 0) {
    ctx.log.err(`systemctl start nfs-server.service: rc ${String(r.exitCode)} ${r.stderr.trim()}`);
    throw new OcfError(OCF.ERR_GENERIC, 'Failed to start NFS server');
  }
}

// Stops a unit and checks that it is down.
async function stopUnit(ctx: NfsCtx, name: string, stillUp: () => Promise<boolean>): Promise<StopProblem | undefined> {
  await systemctl(ctx, 'stop', name);
  ctx.log.info(`Stop: ${name}`);
  return (await stillUp()) ? { reason: `Failed to stop ${name}` } : undefined;
}

async function systemdStop(ctx: NfsCtx, mode: SystemdMode): Promise<StopProblem[]> {
  const r = await systemctl(ctx, 'stop', 'nfs-server');
  if (r.exitCode !== 0) return [{ reason: 'Failed to stop NFS server' }];
  const problems: StopProblem[] = [];
  for (;;) {
    const t = readThreads(ctx.sys);
    if (t === undefined || t === 0) break;
    if (ctx.deadline.expired()) {
      problems.push({ reason: 'NFS server failed to stop: /proc/fs/nfsd/threads' });
      break;
    }
    ctx.log.err('NFS server failed to stop: /proc/fs/nfsd/threads');
    await ctx.sys.sleep(1000);
  }
  const steps: [string, () => Promise<boolean>, boolean][] = [
    ['rpc-statd', () => statdRegistered(ctx), true],
    ['nfs-idmapd', () => unitActive(ctx, 'nfs-idmapd'), true],
    ['nfs-mountd', () => mountdRuns(ctx), !ctx.params.nfsv4_only],
    ['nfsdcld', () => unitActive(ctx, 'nfsdcld'), mode.units.has('nfsdcld.service')],
    ['fsidd', () => unitActive(ctx, 'fsidd'), mode.units.has('fsidd.service')],
  ];
  for (const [name, up, wanted] of steps) {
    if (!wanted) continue;
    const p = await stopUnit(ctx, name, up);
    if (p !== undefined) problems.push(p);
  }
  if (!ctx.params.nfsv4_only && (await systemctl(ctx, 'stop', mode.lockUnit)).exitCode !== 0) problems.push({ reason: 'Failed to stop NFS locking daemons' });
  if (pipefsMounted(ctx)) {
    await systemctl(ctx, 'stop', 'rpc-gssd');
    ctx.log.info('Stop: rpc-gssd');
  }
  return problems;
}

// --- nfs_server_scope through a drop-in for nfs-server.service ------------------------------

export const SCOPE_ENV_FILE = '/run/sysconfig/nfs-server-scope';
export const SCOPE_DROPIN = '/run/systemd/system/nfs-server.service.d/51-resource-agents-unshare-uts.conf';
export const SCOPE_END = '# END of the nfsha nfs_server_scope drop-in';

// The effective ExecStart lines of a unit from `systemctl cat` (an empty `ExecStart=` resets the
// list), each run in a UTS namespace named after NFS_SERVER_SCOPE. `$$` is a literal `$` for
// systemd, so the shell reads the scope from the environment file.
export function scopeDropin(unitText: string): string {
  let execs: string[] = [];
  for (const line of unitText.split('\n')) {
    const m = /^ExecStart=(.*)$/.exec(line.trim());
    if (!m) continue;
    const value = (m[1] ?? '').trim();
    if (value === '') execs = [];
    else execs.push(value);
  }
  const wrapped = execs.map((v) => {
    const prefix = /^[-+:!@]*/.exec(v)?.[0] ?? '';
    return `ExecStart=${prefix}/usr/bin/unshare --uts /bin/sh -c 'hostname "$\${NFS_SERVER_SCOPE}"; exec "$$@"' -- ${v.slice(prefix.length)}`;
  });
  return ['[Service]', `EnvironmentFile=${SCOPE_ENV_FILE}`, '# reset the ExecStart list, then run each in its own UTS namespace', 'ExecStart=', ...wrapped, SCOPE_END, ''].join('\n');
}

// Installs (scope set) or removes (scope empty) the drop-in; daemon-reload when it changed.
async function systemdScope(ctx: NfsCtx, mode: SystemdMode, scope: string): Promise<void> {
  const { sys } = ctx;
  let changed = false;
  if (scope !== '' && mode.units.has('nfs-server.service')) {
    const existing = await sys.readFileIfExists(SCOPE_DROPIN);
    if (existing === null || !existing.includes(SCOPE_END)) {
      const cat = await sys.run(['systemctl', 'cat', 'nfs-server.service']);
      await sys.mkdirp(SCOPE_DROPIN.slice(0, SCOPE_DROPIN.lastIndexOf('/')), 0o755);
      await sys.writeFile(SCOPE_DROPIN, scopeDropin(cat.stdout), { mode: 0o644 });
      changed = true;
    }
    await sys.mkdirp(SCOPE_ENV_FILE.slice(0, SCOPE_ENV_FILE.lastIndexOf('/')), 0o755);
    await sys.writeFile(SCOPE_ENV_FILE, `NFS_SERVER_SCOPE=${scope}\n`, { mode: 0o644 });
  } else {
    changed = await sys.remove(SCOPE_DROPIN).catch(() => false);
    await sys.remove(SCOPE_ENV_FILE).catch(() => false);
  }
  if (changed) await sys.run(['systemctl', 'daemon-reload']);
}

// The systemd mode: nfs-utils' units, found by validate.ts.
export function systemdControl(mode: SystemdMode): ServiceControl {
  return {
    kind: 'systemd',
    usesNfsConf: true,
    status: (ctx) => systemdStatus(ctx, mode),
    beforeBind: systemdPrepareBind,
    setScope: (ctx, scope) => systemdScope(ctx, mode, scope),
    wantsPipefs: systemdPipefsWanted,
    start: (ctx) => systemdStart(ctx, mode),
    stop: (ctx) => systemdStop(ctx, mode),
  };
}
