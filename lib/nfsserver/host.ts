// The machine side every mode shares: the shared-infodir bind mount on /var/lib/nfs, rpc_pipefs,
// the nfsd filesystem and its thread count, the NFSv4 lease and grace times.

import { OCF, OcfError } from '../ocf/codes.ts';
import type { System } from '../system/types.ts';
import { mountAt, origin, readMounts, type MountEntry } from '../host/mounts.ts';
import { kernelHasFs } from '../host/filesystems.ts';
import { exportStateDir, readNfsConf } from '../host/nfsconf.ts';
import { NFSD_FS, THREADS, VAR_LIB_NFS, type NfsCtx } from './types.ts';

// /proc/fs/nfsd/threads: undefined when missing or unreadable.
export function readThreads(sys: System): number | undefined {
  const t = sys.readProcFile(THREADS)?.trim();
  return t !== undefined && /^[0-9]+$/.test(t) ? Number(t) : undefined;
}

// Where the bind record of an instance lives (HA_RSCTMP, gone after a reboot like the mount).
export function bindRecord(ctx: NfsCtx): string {
  return `${ctx.env.rsctmp}/nfsserver-${ctx.env.instance}.bind`;
}

export type BindState = 'none' | 'ours' | 'foreign';

// What is mounted on /var/lib/nfs: nothing, our bind of the infodir (by the record written at
// start, or by filesystem and directory), or something else.
export async function bindState(ctx: NfsCtx, entries: readonly MountEntry[]): Promise<{ state: BindState; entry?: MountEntry }> {
  const entry = mountAt(entries, VAR_LIB_NFS);
  if (entry === undefined) return { state: 'none' };
  const infodir = ctx.params.nfs_shared_infodir;
  if (infodir === '') return { state: 'foreign', entry };
  const record = (await ctx.sys.readFileIfExists(bindRecord(ctx)).catch(() => null))?.trim();
  if (record === `${entry.majmin} ${entry.root}`) return { state: 'ours', entry };
  const real = (await ctx.sys.realpath(infodir)) ?? infodir;
  const o = origin(entries.filter((e) => e !== entry), real);
  if (o !== undefined && o.dev === entry.majmin && o.root === entry.root) return { state: 'ours', entry };
  return { state: 'foreign', entry };
}

// start: bind nfs_shared_infodir onto /var/lib/nfs unless it is already (idempotent).
export async function bindInfodir(ctx: NfsCtx): Promise<void> {
  const { sys, log, params } = ctx;
  const infodir = params.nfs_shared_infodir;
  if (infodir === '') return;
  await sys.mkdirp(infodir);
  const real = (await sys.realpath(infodir)) ?? infodir;
  if (real === VAR_LIB_NFS) {
    log.debug(`${infodir} is ${VAR_LIB_NFS} itself: nothing to bind`);
    return;
  }
  const entries = readMounts(sys);
  const b = await bindState(ctx, entries);
  if (b.state === 'ours') {
    log.debug(`${infodir} is already bound to ${VAR_LIB_NFS}`);
    return;
  }
  if (b.state === 'foreign' && b.entry !== undefined) {
    throw new OcfError(OCF.ERR_GENERIC, `${VAR_LIB_NFS} is already a mount point (${b.entry.source}${b.entry.root === '/' ? '' : `[${b.entry.root}]`}), not of ${infodir}`);
  }
  const r = await sys.run(['mount', '--bind', infodir, VAR_LIB_NFS]);
  if (r.exitCode !== 0) throw new OcfError(OCF.ERR_GENERIC, `Failed to bind ${infodir} to ${VAR_LIB_NFS}: ${r.stderr.trim()}`);
  const now = mountAt(readMounts(sys), VAR_LIB_NFS);
  if (now !== undefined) {
    await sys.mkdirp(ctx.env.rsctmp).catch(() => undefined);
    await sys.writeFile(bindRecord(ctx), `${now.majmin} ${now.root}\n`).catch((e: unknown) => log.warn(`cannot record the bind mount: ${String(e)}`));
  }
  log.info(`Bound ${infodir} to ${VAR_LIB_NFS}`);
}

// The state directory of exportfs and rpc.mountd (etab, xtab, rmtab), from nfs.conf as
// nfs-utils reads it: /var/lib/nfs unless [mountd] or [exportd] say otherwise.
export async function exportsStateDir(sys: System): Promise<string> {
  return exportStateDir(await readNfsConf(sys));
}

// The directories and files the daemons expect under /var/lib/nfs (the infodir once bound), and
// the export tables in the exports' state directory.
export async function prepareVarLibNfs(ctx: NfsCtx): Promise<void> {
  const { sys } = ctx;
  await sys.mkdirp(ctx.params.rpcpipefs_dir);
  await sys.mkdirp(`${VAR_LIB_NFS}/v4recovery`);
  const tables = await exportsStateDir(sys);
  if (tables !== VAR_LIB_NFS) await sys.mkdirp(tables);
  for (const f of ['etab', 'xtab', 'rmtab']) {
    const path = `${tables}/${f}`;
    if ((await sys.lstat(path)) === null) await sys.writeFile(path, '', { mode: 0o644 });
  }
}

// Whether this kernel has loadable modules installed (/lib/modules/<release>); containers and
// kernels without modules have none, and modprobe would only fail there.
async function haveModules(sys: System): Promise<boolean> {
  const release = sys.readProcFile('/proc/sys/kernel/osrelease')?.trim();
  return release !== undefined && release !== '' && (await sys.stat(`/lib/modules/${release}`))?.isDirectory === true;
}

// rpc_pipefs at rpcpipefs_dir, where the kernel has it (it does not in every container).
export async function mountPipefs(ctx: NfsCtx): Promise<boolean> {
  const { sys, log, params } = ctx;
  const dir = params.rpcpipefs_dir;
  if (mountAt(readMounts(sys), dir)?.fstype === 'rpc_pipefs') return true;
  // rpc_pipefs comes with the sunrpc module, which nothing may have loaded yet on a fresh boot.
  if (!kernelHasFs(sys, 'rpc_pipefs') && (await haveModules(sys))) {
    const r = await sys.run(['modprobe', 'sunrpc']);
    if (r.exitCode !== 0) log.warn(`modprobe sunrpc failed: ${r.stderr.trim()}`);
  }
  if (!(kernelHasFs(sys, 'rpc_pipefs'))) {
    log.info(`The kernel has no rpc_pipefs: not mounting it on ${dir} (rpc.idmapd and nfsdcld are not started)`);
    return false;
  }
  await sys.mkdirp(dir);
  const r = await sys.run(['mount', '-t', 'rpc_pipefs', 'sunrpc', dir]);
  if (r.exitCode !== 0) {
    log.warn(`Failed to mount rpc_pipefs on ${dir}: ${r.stderr.trim()}`);
    return false;
  }
  return true;
}

export function pipefsMounted(ctx: NfsCtx): boolean {
  return mountAt(readMounts(ctx.sys), ctx.params.rpcpipefs_dir)?.fstype === 'rpc_pipefs';
}

// The nfsd control filesystem: load the module and mount /proc/fs/nfsd when threads is missing.
export async function ensureNfsdFs(ctx: NfsCtx): Promise<void> {
  const { sys, log } = ctx;
  if ((await sys.lstat(THREADS)) !== null) return;
  if (!(kernelHasFs(sys, 'nfsd'))) {
    const r = await sys.run(['modprobe', 'nfsd']);
    if (r.exitCode !== 0) log.warn(`modprobe nfsd failed: ${r.stderr.trim()}`);
  }
  if (mountAt(readMounts(sys), NFSD_FS) === undefined && (kernelHasFs(sys, 'nfsd'))) {
    const r = await sys.run(['mount', '-t', 'nfsd', 'nfsd', NFSD_FS]);
    if (r.exitCode !== 0) log.warn(`Failed to mount the nfsd filesystem on ${NFSD_FS}: ${r.stderr.trim()}`);
  }
}

// nfsv4_lease_time / nfsv4_grace_time: the kernel takes them only while nfsd is not running.
export async function writeV4Times(ctx: NfsCtx): Promise<void> {
  const { sys, log, params } = ctx;
  const times: [string, number | undefined][] = [['nfsv4leasetime', params.nfsv4_lease_time], ['nfsv4gracetime', params.nfsv4_grace_time]];
  for (const [file, value] of times) {
    if (value === undefined) continue;
    const path = `${NFSD_FS}/${file}`;
    try {
      if ((await sys.lstat(path)) === null) throw new Error('no such file');
      await sys.writeFile(path, `${String(value)}\n`);
      log.info(`Set ${path} to ${String(value)}`);
    } catch (e) {
      log.warn(`Could not set ${path} to ${String(value)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

// Fixed lockd ports (lockd_udp_port, lockd_tcp_port), set before lockd starts with nfsd.
export async function writeLockdPorts(ctx: NfsCtx): Promise<void> {
  const { sys, log, params } = ctx;
  const ports: [string, number | undefined][] = [['nlm_udpport', params.lockd_udp_port], ['nlm_tcpport', params.lockd_tcp_port]];
  for (const [file, value] of ports) {
    if (value === undefined) continue;
    const path = `/proc/sys/fs/nfs/${file}`;
    try {
      if ((await sys.lstat(path)) === null) throw new Error('no such file (lockd is not loaded)');
      await sys.writeFile(path, `${String(value)}\n`);
    } catch (e) {
      log.warn(`Could not set ${path} to ${String(value)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

// stop: rpc_pipefs (up to 10 tries) and our bind of /var/lib/nfs. Returns what is still mounted.
export async function unmountAll(ctx: NfsCtx): Promise<string[]> {
  const { sys, log, deadline, params } = ctx;
  const busy: string[] = [];
  const dir = params.rpcpipefs_dir;
  for (let i = 1; i <= 10; i++) {
    if (mountAt(readMounts(sys), dir)?.fstype !== 'rpc_pipefs') break;
    log.info(`Stop: umount ${dir} (${String(i)}/10 attempts)`);
    const r = await sys.run(['umount', '-t', 'rpc_pipefs', dir]);
    if (r.exitCode === 0 || deadline.expired()) continue;
    await sys.sleep(1000);
  }
  if (mountAt(readMounts(sys), dir)?.fstype === 'rpc_pipefs') {
    log.err(`Failed to unmount ${dir}`);
    busy.push(dir);
  }
  const entries = readMounts(sys);
  const b = await bindState(ctx, entries);
  if (b.state === 'ours') {
    const r = await sys.run(['umount', VAR_LIB_NFS]);
    if (r.exitCode !== 0) {
      log.err(`Failed to unmount ${VAR_LIB_NFS}: ${r.stderr.trim()}`);
      busy.push(VAR_LIB_NFS);
    } else {
      await sys.remove(bindRecord(ctx)).catch(() => false);
    }
  } else if (b.state === 'foreign') {
    log.info(`${VAR_LIB_NFS} is a mount point that is not this resource's bind of nfs_shared_infodir: left alone`);
  }
  return busy;
}
