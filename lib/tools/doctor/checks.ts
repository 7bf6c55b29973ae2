// `nfsha doctor`: the seed's "Understanding Failures" list as checks run on one node, live and
// read only. Each check looks at one thing through the System and returns pass, fail or skipped
// with the evidence it saw and, on fail, what to do. Nothing here changes the machine.

import type { System } from '../../system/types.ts';
import { mountAt, origin, readMounts } from '../../host/mounts.ts';
import { findProcs, readEnviron, type Proc } from '../../host/procs.ts';
import { decodeState } from '../../nfsserver/nsm.ts';
import { detectStatdDir } from '../../host/statd-dir.ts';
import { nfsConfGet, readNfsConf, type NfsConf } from '../../host/nfsconf.ts';
import { parseEtab, fsidOption } from '../../exportfs/table.ts';
import { clientMatches } from '../../exportfs/clientspec.ts';
import { readRecord, recordPaths } from '../../nfsnotify/record.ts';
import { canonicalAddress, isLocal, parseGetentAhosts, parseGetentHosts } from '../../nfsnotify/resolve.ts';
import { parseSourceHosts } from '../../nfsnotify/settings.ts';
import { isIP } from '../../util/ip.ts';
import { isTrue } from '../../ocf/bool.ts';
import { stripTrailingSlashes } from '../../host/paths.ts';
import { systemdIsPid1, unitFiles } from '../../nfsserver/validate.ts';

export type CheckStatus = 'pass' | 'fail' | 'skipped';

export interface DoctorCheck {
  readonly id: string;
  // The nfsserver resource of the stack the check is about; undefined for node-wide checks.
  readonly stack: string | undefined;
  readonly status: CheckStatus;
  readonly evidence: string;
  readonly fix?: string;
}

// What doctor needs to know of one NFS server stack (from the CIB).
export interface StackView {
  readonly group: string | undefined;
  // nfsserver is cloned (NFSv4 only, without shared state): it may run on several nodes.
  readonly cloned?: boolean;
  readonly server: { readonly id: string; readonly params: Readonly<Record<string, string>> };
  readonly filesystems: readonly { readonly id: string; readonly device: string; readonly directory: string }[];
  readonly exports: readonly { readonly id: string; readonly directory: string; readonly clientspec: string; readonly fsid: string }[];
  readonly ips: readonly { readonly id: string; readonly ip: string }[];
  readonly notify: { readonly id: string; readonly sourceHost: string } | undefined;
}

// What doctor needs to know of the cluster (crm_mon and the CIB's status section).
export interface ClusterView {
  readonly localNode: string;
  // The nodes where a resource is active.
  runsOn(id: string): readonly string[];
  // The last start of a resource on a node, when it is the last non-recurring operation there:
  // when it was recorded (ms since the epoch) and how long it ran.
  lastStart(id: string, node: string): { readonly atMs: number; readonly execMs: number } | undefined;
}

export interface DoctorEnv {
  readonly sys: System;
  // HA_RSCTMP, where nfsnotify keeps its record.
  readonly rsctmp: string;
}

const VAR_LIB_NFS = '/var/lib/nfs';
const THREADS = '/proc/fs/nfsd/threads';

function pass(id: string, stack: StackView, evidence: string): DoctorCheck {
  return { id, stack: stack.server.id, status: 'pass', evidence };
}
function fail(id: string, stack: StackView, evidence: string, fix: string): DoctorCheck {
  return { id, stack: stack.server.id, status: 'fail', evidence, fix };
}
function skipped(id: string, stack: StackView, evidence: string): DoctorCheck {
  return { id, stack: stack.server.id, status: 'skipped', evidence };
}

function restartCommand(stack: StackView): string {
  return `pcs resource restart ${stack.group ?? stack.server.id}`;
}

function v4only(stack: StackView): boolean {
  return isTrue(stack.server.params.nfsv4_only);
}

function threads(sys: System): number | undefined {
  const t = sys.readProcFile(THREADS)?.trim();
  return t !== undefined && /^[0-9]+$/.test(t) ? Number(t) : undefined;
}

function statds(sys: System): Proc[] {
  return findProcs(sys, ['rpc.statd'], 'mnt');
}

function time(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

// 1. /var/lib/nfs is the bind of nfs_shared_infodir (or, in SUSE's layout, the stack's
// filesystem mounted there itself).
export async function checkInfodirBind(env: DoctorEnv, stack: StackView): Promise<DoctorCheck> {
  const id = 'infodir-bind';
  const { sys } = env;
  const entries = readMounts(sys);
  const at = mountAt(entries, VAR_LIB_NFS);
  const infodir = stack.server.params.nfs_shared_infodir ?? '';
  const onVarLib = stack.filesystems.find((f) => stripTrailingSlashes(f.directory) === VAR_LIB_NFS);
  if (infodir === '') {
    if (onVarLib === undefined) return fail(id, stack, `nfs_shared_infodir is not set and no filesystem of the stack is mounted on ${VAR_LIB_NFS}: the NFS state stays on this node's disk`, `pcs resource update ${stack.server.id} nfs_shared_infodir=<a directory on a filesystem of the stack>`);
    if (at === undefined) return fail(id, stack, `${VAR_LIB_NFS} is not a mount point, though ${onVarLib.id} (${onVarLib.device}) should be mounted there`, `pcs resource refresh ${onVarLib.id}`);
    return pass(id, stack, `${VAR_LIB_NFS} is mounted from ${at.source} (${onVarLib.id})`);
  }
  if (at === undefined) return fail(id, stack, `${VAR_LIB_NFS} is not a mount point: ${infodir} is not bound to it, the daemons keep their state on this node's disk`, restartCommand(stack));
  const real = (await sys.realpath(infodir)) ?? infodir;
  const o = origin(entries.filter((e) => e !== at), real);
  if (o !== undefined && o.dev === at.majmin && o.root === at.root) {
    return pass(id, stack, `${VAR_LIB_NFS} is a bind of ${infodir} (device ${at.majmin} ${at.source}, directory ${at.root})`);
  }
  return fail(id, stack, `${VAR_LIB_NFS} is mounted from ${at.source}${at.root === '/' ? '' : ` [${at.root}]`} (device ${at.majmin}), not from ${infodir}${o === undefined ? '' : ` (device ${o.dev} [${o.root}])`}`, `find out who mounted ${VAR_LIB_NFS} (findmnt ${VAR_LIB_NFS}), then ${restartCommand(stack)}`);
}

async function statdDir(sys: System, conf: NfsConf): Promise<string> {
  const running = statds(sys)[0];
  return (await detectStatdDir(sys, running === undefined ? { conf } : { statdArgv: running.argv, conf })).dir;
}

// Boot time (ms since the epoch) from /proc/stat, for process start times.
function bootTimeMs(sys: System): number | undefined {
  const m = /^btime\s+([0-9]+)$/m.exec(sys.readProcFile('/proc/stat') ?? '');
  return m?.[1] === undefined ? undefined : Number(m[1]) * 1000;
}

// USER_HZ: the unit of /proc/<pid>/stat's start time on every Linux architecture we ship for.
const TICKS_PER_SECOND = 100;

function processStartMs(sys: System, p: Proc): number | undefined {
  const boot = bootTimeMs(sys);
  return boot === undefined ? undefined : boot + (Number(p.startTime) * 1000) / TICKS_PER_SECOND;
}

// Seconds of slack between Pacemaker's record and the file and process times.
const SLACK_MS = 2000;

// 2. The NSM state number changed at the last start (the seed: "did the NFS daemons actually
// restart?"): the state file was written, and rpc.statd started, during or after nfsserver's
// last start on this node.
export async function checkNsmState(env: DoctorEnv, stack: StackView, cluster: ClusterView, conf: NfsConf): Promise<DoctorCheck> {
  const id = 'nsm-state';
  const { sys } = env;
  if (v4only(stack)) return skipped(id, stack, 'nfsv4_only is set: no NSM');
  const start = cluster.lastStart(stack.server.id, cluster.localNode);
  if (start === undefined) return skipped(id, stack, `the CIB has no start of ${stack.server.id} on ${cluster.localNode} as its last operation (probed as already running?)`);
  const begun = start.atMs - start.execMs;
  const dir = await statdDir(sys, conf);
  const path = `${dir}/state`;
  const st = await sys.stat(path);
  const value = decodeState(await sys.readBytes(path).catch(() => null));
  if (st === null || value === undefined) return fail(id, stack, `${path} is missing or not 4 bytes: clients cannot tell a restart`, restartCommand(stack));
  const statd = statds(sys)[0];
  const statdStart = statd === undefined ? undefined : processStartMs(sys, statd);
  const facts = `${path} = ${String(value)}, written ${time(st.mtimeMs)}; ${stack.server.id} started here ${time(begun)} (took ${String(start.execMs)} ms)${statdStart === undefined ? '' : `; rpc.statd ${String(statd?.pid)} started ${time(statdStart)}`}`;
  if (st.mtimeMs + SLACK_MS < begun) {
    return fail(id, stack, `${facts}: the state number did not change at the last start, clients will not reclaim their locks`, `${restartCommand(stack)} (ocf:nfsha:nfsserver writes a new state at every start)`);
  }
  if (statdStart !== undefined && statdStart + SLACK_MS < begun) {
    return fail(id, stack, `${facts}: rpc.statd was not restarted by the last start, it announces the old state`, restartCommand(stack));
  }
  return pass(id, stack, facts);
}

// rpc.statd's "do not notify at start-up": -L / --no-notify (or a unique prefix of it) on its
// command line, RPC_STATD_NO_NOTIFY in its environment, or [statd] no-notify in nfs.conf.
export function statdNoNotify(argv: readonly string[], environ: readonly string[], conf: NfsConf): string | undefined {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') break;
    if (a.startsWith('--')) {
      const name = a.slice(2).split('=')[0] ?? '';
      if (name.length >= 4 && 'no-notify'.startsWith(name)) return `its command line has ${a}`;
    } else if (a.startsWith('-')) {
      // Short options up to the first that takes a value.
      for (const c of a.slice(1)) {
        if (c === 'L') return `its command line has ${a}`;
        if ('HnpoPTU'.includes(c)) break;
      }
    }
  }
  const e = environ.find((v) => v.startsWith('RPC_STATD_NO_NOTIFY='));
  if (e !== undefined && e !== 'RPC_STATD_NO_NOTIFY=') return `its environment has ${e}`;
  const c = nfsConfGet(conf, 'statd', 'no-notify');
  if (c !== undefined && /^(1|y|yes|t|true|on)$/i.test(c.trim())) return `nfs.conf has [statd] no-notify=${c}`;
  return undefined;
}

// 3. rpc.statd runs with no-notify: nfsnotify, not statd, announces the restart, once the
// exports and the floating IP are up.
export function checkStatdNoNotify(env: DoctorEnv, stack: StackView, conf: NfsConf): DoctorCheck {
  const id = 'statd-no-notify';
  const { sys } = env;
  if (v4only(stack)) return skipped(id, stack, 'nfsv4_only is set: no rpc.statd');
  const all = statds(sys);
  if (all.length === 0) return fail(id, stack, 'rpc.statd is not running: NFSv3 locks cannot be recovered', `pcs resource refresh ${stack.server.id}`);
  if (all.length > 1) return fail(id, stack, `several rpc.statd run (pid ${all.map((p) => p.pid).join(' ')})`, restartCommand(stack));
  const statd = all[0];
  if (statd === undefined) return fail(id, stack, 'rpc.statd is not running', restartCommand(stack));
  const environ = readEnviron(sys, statd.pid) ?? [];
  const why = statdNoNotify(statd.argv, environ, conf);
  const cmd = statd.argv.join(' ');
  if (why !== undefined) return pass(id, stack, `rpc.statd ${String(statd.pid)} (${cmd}): ${why}`);
  if (stack.notify === undefined) return pass(id, stack, `rpc.statd ${String(statd.pid)} (${cmd}) notifies at start: the stack has no nfsnotify, so that is how clients learn of the restart`);
  return fail(id, stack, `rpc.statd ${String(statd.pid)} (${cmd}) runs without --no-notify: it notified clients when it started, before the exports and the floating IP`, `pcs resource update ${stack.server.id} nfs_no_notify=true && ${restartCommand(stack)}`);
}

// 4. nfsd has threads.
export function checkNfsdThreads(env: DoctorEnv, stack: StackView): DoctorCheck {
  const id = 'nfsd-threads';
  const n = threads(env.sys);
  if (n === undefined) return fail(id, stack, `${THREADS} does not exist: the kernel NFS server is not running (nfsd module, /proc/fs/nfsd mounted?)`, restartCommand(stack));
  if (n === 0) return fail(id, stack, `${THREADS} is 0: nfsd serves nobody`, restartCommand(stack));
  return pass(id, stack, `${THREADS} = ${String(n)}`);
}

// Where exportfs keeps etab: [exportfs] (or [mountd]) state-directory-path, else /var/lib/nfs.
function exportStateDir(conf: NfsConf): string {
  const v = nfsConfGet(conf, 'exportfs', 'state-directory-path') ?? nfsConfGet(conf, 'mountd', 'state-directory-path');
  return v === undefined || v.trim() === '' ? VAR_LIB_NFS : stripTrailingSlashes(v.trim());
}

// 5. Every export of the stack is in the export table the kernel is served from: etab, which
// rpc.mountd hands to the kernel on demand (the kernel keeps only a cache of it), with the
// configured fsid; and rpc.mountd runs.
export async function checkExports(env: DoctorEnv, stack: StackView, conf: NfsConf): Promise<DoctorCheck> {
  const id = 'exports-in-table';
  const { sys } = env;
  if (stack.exports.length === 0) return skipped(id, stack, 'the stack has no exportfs resource');
  const etabPath = `${exportStateDir(conf)}/etab`;
  const table = parseEtab((await sys.readFileIfExists(etabPath).catch(() => null)) ?? '');
  const missing: string[] = [];
  const found: string[] = [];
  for (const e of stack.exports) {
    const rows = table.filter((t) => t.path === e.directory && clientMatches(t.client, e.clientspec));
    if (rows.length === 0) {
      missing.push(`${e.id} (${e.clientspec}:${e.directory})`);
      continue;
    }
    const fsids = rows.map((r) => fsidOption(r.options));
    if (e.fsid !== '' && !fsids.includes(e.fsid) && !(e.fsid === 'root' && fsids.includes('0')) && !(e.fsid === '0' && fsids.includes('root'))) {
      missing.push(`${e.id} (exported with fsid=${fsids.map((f) => f ?? 'none').join(',')}, configured ${e.fsid})`);
      continue;
    }
    found.push(`${e.id} ${e.directory}`);
  }
  const mountd = findProcs(sys, ['rpc.mountd'], 'mnt');
  if (missing.length > 0) return fail(id, stack, `not in ${etabPath}: ${missing.join(', ')}`, `pcs resource refresh ${missing.map((m) => m.split(' ')[0] ?? '').join(' ')}`);
  if (mountd.length === 0) return fail(id, stack, `${found.join(', ')} are in ${etabPath}, but rpc.mountd is not running: the kernel cannot learn of them`, restartCommand(stack));
  return pass(id, stack, `in ${etabPath}: ${found.join(', ')}; rpc.mountd ${mountd.map((p) => p.pid).join(' ')} serves them to the kernel`);
}

async function getent(sys: System, db: 'hosts' | 'ahosts', key: string): Promise<string> {
  const r = await sys.run(['getent', db, key], { timeoutMs: 15000 });
  return r.exitCode === 0 ? r.stdout : '';
}

// 6. The floating IP has a name that resolves back to it, on this node (clients must mount by
// it; run doctor on every node and compare the evidence: it must be the same).
export async function checkFloatingName(env: DoctorEnv, stack: StackView): Promise<DoctorCheck> {
  const id = 'floating-name';
  const { sys } = env;
  if (stack.ips.length === 0) return fail(id, stack, 'the stack has no floating IP', 'add an IPaddr2 resource after the exports (nfsha plan prints one)');
  const seen: string[] = [];
  for (const { ip } of stack.ips) {
    const name = parseGetentHosts(await getent(sys, 'hosts', ip));
    if (name === undefined) return fail(id, stack, `${ip} has no name here (getent hosts ${ip} finds nothing)`, `add "${ip} <name>" to /etc/hosts on every node and client (or a PTR record), and mount by that name`);
    const addrs = parseGetentAhosts(await getent(sys, 'ahosts', name));
    const back = addrs.map(canonicalAddress);
    if (!back.includes(canonicalAddress(ip))) return fail(id, stack, `${ip} is named ${name}, but ${name} resolves to ${addrs.join(' ') || 'nothing'}`, `make ${name} resolve to ${ip} on every node and client (/etc/hosts or DNS)`);
    const first = addrs.find((a) => isIP(a) === isIP(ip));
    if (first !== undefined && canonicalAddress(first) !== canonicalAddress(ip)) return fail(id, stack, `${name} resolves first to ${first}, then ${ip}: clients that mount ${name} may reach another server`, `make ${name} resolve to ${ip} only`);
    seen.push(`${ip} -> ${name} -> ${addrs.join(' ')}`);
  }
  const notifyHosts = stack.notify === undefined ? [] : parseSourceHosts(stack.notify.sourceHost).filter((h) => isIP(h) === 0);
  for (const h of notifyHosts) {
    const addrs = parseGetentAhosts(await getent(sys, 'ahosts', h));
    if (!stack.ips.some(({ ip }) => addrs.map(canonicalAddress).includes(canonicalAddress(ip)))) return fail(id, stack, `nfsnotify's source_host ${h} resolves to ${addrs.join(' ') || 'nothing'}, not to the floating IP`, `pcs resource update ${stack.notify?.id ?? 'nfsnotify'} source_host=${stack.ips[0]?.ip ?? '<floating IP>'}`);
    seen.push(`source_host ${h} -> ${addrs.join(' ')}`);
  }
  return pass(id, stack, seen.join('; '));
}

// The monitor list: one file per client in sm/ (or sm.bak/), whose record names the client
// (nfs-utils' format: address, program, version, procedure, cookie, mon_name, my_name).
async function monitorList(sys: System, dir: string): Promise<string[]> {
  const names: string[] = [];
  for (const f of (await sys.readdir(dir).catch(() => [])).sort()) {
    const text = (await sys.readFileIfExists(`${dir}/${f}`).catch(() => null)) ?? '';
    const monName = text.split('\n')[0]?.trim().split(/\s+/)[5];
    names.push(monName !== undefined && monName !== '' ? monName : f);
  }
  return [...new Set(names)];
}

// 7. The NSM monitor list names the clients that the next notification will reach, and each of
// those names resolves here (sm-notify looks them up).
export async function checkMonitorList(env: DoctorEnv, stack: StackView, conf: NfsConf): Promise<DoctorCheck> {
  const id = 'nsm-monitor-list';
  const { sys } = env;
  if (v4only(stack)) return skipped(id, stack, 'nfsv4_only is set: no NSM');
  const dir = await statdDir(sys, conf);
  if (!(await sys.stat(`${dir}/sm`))?.isDirectory) return fail(id, stack, `${dir}/sm does not exist: statd keeps no monitor list, nobody would be notified`, restartCommand(stack));
  const clients = await monitorList(sys, `${dir}/sm`);
  if (clients.length === 0) return pass(id, stack, `${dir}/sm is empty: no NFSv3 client holds a lock now, nobody to notify`);
  const unresolved: string[] = [];
  for (const c of clients) if (isIP(c) === 0 && parseGetentAhosts(await getent(sys, 'ahosts', c)).length === 0) unresolved.push(c);
  if (unresolved.length > 0) return fail(id, stack, `${dir}/sm names ${clients.join(', ')}; ${unresolved.join(', ')} does not resolve here: sm-notify cannot reach it`, `make ${unresolved.join(', ')} resolvable on every node (/etc/hosts or DNS)`);
  return pass(id, stack, `${dir}/sm names ${String(clients.length)} client(s) to notify: ${clients.join(', ')}`);
}

// 8. The last notification went out for the rpc.statd running now, from the floating address:
// nfsnotify's record names that statd, and its source_host is the floating IP (or a name of
// it), configured on this node.
export async function checkLastNotification(env: DoctorEnv, stack: StackView, conf: NfsConf): Promise<DoctorCheck> {
  const id = 'last-notification';
  const { sys } = env;
  if (stack.notify === undefined) return skipped(id, stack, 'the stack has no nfsnotify: nothing announces a failover from the floating address');
  if (v4only(stack)) return skipped(id, stack, 'nfsv4_only is set: no NSM');
  const notify = stack.notify;
  const paths = recordPaths(env.rsctmp, notify.id);
  const rec = await readRecord(sys, paths, 'current');
  const statd = statds(sys)[0];
  if (rec === undefined) return fail(id, stack, `${paths.idFile} does not exist: ${notify.id} has not notified on this node since it started`, `pcs resource restart ${notify.id}`);
  if (statd === undefined || rec.pid !== statd.pid || (rec.startTime !== undefined && rec.startTime !== statd.startTime)) {
    return fail(id, stack, `${notify.id} last notified for rpc.statd ${String(rec.pid)}, but ${statd === undefined ? 'no rpc.statd runs' : `rpc.statd ${String(statd.pid)} runs now`}: its clients were not told of that restart`, `pcs resource restart ${notify.id}`);
  }
  const hosts = parseSourceHosts(notify.sourceHost);
  if (hosts.length === 0) return fail(id, stack, `${notify.id} has no source_host: notifications went out from this node's own name, clients ignore them`, `pcs resource update ${notify.id} source_host=${stack.ips[0]?.ip ?? '<floating IP>'}`);
  const local = sys.localAddresses();
  const floating = stack.ips.map(({ ip }) => canonicalAddress(ip));
  const from: string[] = [];
  for (const h of hosts) {
    const addr = isIP(h) !== 0 ? h : parseGetentAhosts(await getent(sys, 'ahosts', h))[0];
    if (addr === undefined || !floating.includes(canonicalAddress(addr))) return fail(id, stack, `${notify.id} notifies from ${h}${addr === undefined || addr === h ? '' : ` (${addr})`}, which is not the floating IP ${stack.ips.map((i) => i.ip).join(' ')}`, `pcs resource update ${notify.id} source_host=${stack.ips[0]?.ip ?? '<floating IP>'}`);
    if (!isLocal(addr, local)) return fail(id, stack, `${notify.id} notifies from ${h}, which is not configured on this node`, `order ${notify.id} after the floating IP (nfsha check)`);
    from.push(h === addr ? h : `${h} (${addr})`);
  }
  const dir = await statdDir(sys, conf);
  const pending = await monitorList(sys, `${dir}/sm.bak`);
  return pass(id, stack, `${notify.id} notified for rpc.statd ${String(statd.pid)} (the one running) from ${from.join(', ')}${pending.length === 0 ? '; every client answered' : `; not answered yet: ${pending.join(', ')}`}`);
}

// On a node where the stack does not run: the NFS daemons must not run outside the cluster.
export function checkStandbyDaemons(env: DoctorEnv, stack: StackView, runsOn: readonly string[]): DoctorCheck {
  const id = 'standby-daemons';
  const { sys } = env;
  const n = threads(sys);
  const running: string[] = [];
  if (n !== undefined && n > 0) running.push(`nfsd (${String(n)} threads)`);
  for (const p of findProcs(sys, ['rpc.mountd', 'rpc.statd', 'nfsdcld'], 'mnt')) running.push(`${p.comm} ${String(p.pid)}`);
  const where = runsOn.length === 0 ? 'the stack runs nowhere' : `the stack runs on ${runsOn.join(', ')}`;
  if (running.length > 0) return fail(id, stack, `${where}, yet here run: ${running.join(', ')}`, 'stop and disable the NFS server outside the cluster: systemctl disable --now nfs-server.service rpc-statd.service (Pacemaker starts them)');
  return pass(id, stack, `${where}; here no nfsd thread, no rpc.mountd, rpc.statd or nfsdcld`);
}

// The NFS server's units must not start at boot: after a reboot they would serve (and hold the
// node's own /var/lib/nfs) outside the cluster. systemd only; other init systems are skipped.
const SERVER_UNITS = ['nfs-server.service', 'nfs-mountd.service', 'rpc-statd.service', 'nfsdcld.service'];

export async function checkBootServices(env: DoctorEnv): Promise<DoctorCheck> {
  const id = 'boot-services';
  const { sys } = env;
  if (!systemdIsPid1(sys)) return { id, stack: undefined, status: 'skipped', evidence: 'systemd is not PID 1: boot services are not checked' };
  const r = await sys.run(['systemctl', '--no-legend', 'list-unit-files', ...SERVER_UNITS], { timeoutMs: 30000 });
  const units = unitFiles(r.stdout);
  const states = SERVER_UNITS.filter((u) => units.has(u)).map((u) => `${u} ${units.get(u) ?? ''}`);
  const enabled = SERVER_UNITS.filter((u) => /^enabled/.test(units.get(u) ?? ''));
  if (enabled.length > 0) return { id, stack: undefined, status: 'fail', evidence: `enabled at boot: ${enabled.join(', ')}: after a reboot NFS is served outside the cluster`, fix: `systemctl disable ${enabled.join(' ')}` };
  return { id, stack: undefined, status: 'pass', evidence: states.length === 0 ? 'no NFS server unit installed' : `not enabled at boot: ${states.join(', ')}` };
}

export async function nodeConf(sys: System): Promise<NfsConf> {
  return readNfsConf(sys).catch(() => new Map());
}

