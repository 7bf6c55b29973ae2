// The rules of `nfsha check`, with their ids (scripts and --ignore use them). Each finding names
// the resources concerned and, where one command fixes it, that command (pcs syntax).

import { AGENTS } from '../../../agents/index.ts';
import { isTrue } from '../../ocf/bool.ts';
import { isIP } from '../../util/ip.ts';
import { parseDurationMs, pcmkTrue, topOf, type Cib, type Primitive } from '../cib/model.ts';
import { ipAddress, members, roleOf, type Discovery, type Stack } from '../cib/stacks.ts';
import type { Finding, Severity } from './findings.ts';

export interface RuleInfo {
  readonly id: string;
  readonly severity: Severity;
  readonly summary: string;
}

// Every rule, in the order findings are reported (nfsha.8 lists them from here).
export const RULES: readonly RuleInfo[] = [
  { id: 'order-fs-before-server', severity: 'error', summary: 'a Filesystem that holds nfs_shared_infodir or an export does not start before nfsserver and stop after it' },
  { id: 'order-server-before-exports', severity: 'error', summary: 'an exportfs does not start after nfsserver' },
  { id: 'order-exports-before-ip', severity: 'error', summary: 'the floating IP does not start after every exportfs (unless a portblock block/unblock pair keeps the NFS port closed until the end)' },
  { id: 'order-ip-before-notify', severity: 'error', summary: 'nfsnotify does not start after the floating IP and every export' },
  { id: 'colocation', severity: 'error', summary: 'a member of the stack can run on another node than nfsserver (no INFINITY colocation)' },
  { id: 'no-notify', severity: 'error', summary: 'nfsnotify is in the stack and nfsserver lacks nfs_no_notify=true' },
  { id: 'notify-source', severity: 'error', summary: 'nfsnotify\'s source_host is empty, or an address that is not the stack\'s floating IP' },
  { id: 'infodir-on-stack-fs', severity: 'error', summary: 'the NFS state (nfs_shared_infodir, or a Filesystem on /var/lib/nfs) is not on a Filesystem of the stack that starts before nfsserver' },
  { id: 'export-on-stack-fs', severity: 'error', summary: 'an export\'s directory is not on a Filesystem of the stack (a directory that holds the stack\'s mount points, the NFSv4 pseudo-root, is fine)' },
  { id: 'fsid-missing', severity: 'error', summary: 'an exportfs has no fsid and is not on a block-device Filesystem of the stack (a warning where it is)' },
  { id: 'fsid-unique', severity: 'error', summary: 'two exports that can be served by the same server share an fsid' },
  { id: 'clone-infodir', severity: 'error', summary: 'nfsserver is cloned while nfs_shared_infodir is set' },
  { id: 'one-server-per-node', severity: 'error', summary: 'two nfsserver stacks can run on the same node (no -INFINITY colocation between them)' },
  { id: 'fencing', severity: 'warning', summary: 'stonith is disabled, or no fencing device is configured' },
  { id: 'server-scope', severity: 'warning', summary: 'nfsserver has no nfs_server_scope: NFSv4.1+ clients cannot reclaim their state on the other node' },
  { id: 'missing-notify', severity: 'warning', summary: 'a stack without nfsnotify: NFSv3 clients are not told to reclaim their locks' },
  { id: 'missing-ip', severity: 'warning', summary: 'a stack without a floating IP' },
  { id: 'op-timeout', severity: 'warning', summary: 'an operation timeout below the one the agent advertises' },
  { id: 'no-monitor', severity: 'warning', summary: 'a resource of the stack has no recurring monitor' },
  { id: 'outdated-parameter', severity: 'warning', summary: 'a parameter set the way old guides and wizards did (wait_for_leasetime_on_stop=true, unlock_on_stop=false)' },
  { id: 'not-checked', severity: 'info', summary: 'an NFS server built another way (systemd:nfs-server, lsb:nfs...): its stack was not checked' },
  { id: 'no-stack', severity: 'info', summary: 'the CIB has no NFS server at all: nothing was checked' },
];

export const RULE_IDS: readonly string[] = RULES.map((r) => r.id);

// ---- paths -------------------------------------------------------------------------------

// A directory as a list of path components: '/mnt//a/' and '/mnt/a' are the same.
function normPath(p: string): string {
  const parts: string[] = [];
  for (const c of p.trim().split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') parts.pop();
    else parts.push(c);
  }
  return `/${parts.join('/')}`;
}

// path is dir or below it, by components (/mnt/nfsinfo2 is not on /mnt/nfsinfo).
function isOn(path: string, dir: string): boolean {
  const [p, d] = [normPath(path), normPath(dir)];
  return d === '/' || p === d || p.startsWith(`${d}/`);
}

function dirOf(p: Primitive): string | undefined {
  const d = p.params.get('directory');
  return d === undefined || d.trim() === '' ? undefined : normPath(d);
}

// The stack's Filesystems a path is on, innermost first.
function holders(stack: Stack, path: string): Primitive[] {
  return stack.filesystems
    .filter((f) => { const d = dirOf(f); return d !== undefined && isOn(path, d); })
    .sort((a, b) => (dirOf(b)?.length ?? 0) - (dirOf(a)?.length ?? 0));
}

function infodir(server: Primitive): string | undefined {
  const d = server.params.get('nfs_shared_infodir');
  return d === undefined || d.trim() === '' ? undefined : normPath(d);
}

// A directory that holds mount points of the stack without being on one (the pseudo-root).
function holdsMountsOnly(stack: Stack, dir: string): boolean {
  return holders(stack, dir).length === 0 && stack.filesystems.some((f) => { const d = dirOf(f); return d !== undefined && d !== dir && isOn(d, dir); });
}

// A Filesystem on a block device (fs UUIDs give stable file handles), not tmpfs, a network
// filesystem or a bind mount.
function onBlockDevice(fs: Primitive): boolean {
  const device = fs.params.get('device') ?? '';
  const fstype = (fs.params.get('fstype') ?? '').toLowerCase();
  const options = (fs.params.get('options') ?? '').split(',').map((o) => o.trim());
  if (options.includes('bind') || options.includes('rbind')) return false;
  if (['tmpfs', 'ramfs', 'none', 'nfs', 'nfs4', 'cifs', 'smb3', 'glusterfs', 'ceph', 'cephfs', 'sshfs', '9p', 'virtiofs'].includes(fstype) || fstype.startsWith('fuse')) return false;
  return /^\/dev\//.test(device) || /^(UUID|LABEL|PARTUUID|PARTLABEL)=/.test(device) || /^-[UL]\s*\S/.test(device);
}

// ---- fsids -------------------------------------------------------------------------------

function fsidOf(e: Primitive): string | undefined {
  const own = e.params.get('fsid')?.trim();
  if (own !== undefined && own !== '') return own;
  const opt = (e.params.get('options') ?? '').split(',').map((o) => o.trim()).find((o) => o.startsWith('fsid='));
  const v = opt?.slice(5).trim();
  return v === undefined || v === '' ? undefined : v;
}

// fsids compare as numbers ("01" is 1, "root" is 0) or as UUIDs (hex digits, separators ignored).
function fsidKey(fsid: string): string {
  if (fsid.toLowerCase() === 'root') return 'n:0';
  if (/^[0-9]+$/.test(fsid)) return `n:${BigInt(fsid).toString()}`;
  const hex = fsid.replace(/[-:]/g, '').toLowerCase();
  return /^[0-9a-f]+$/.test(hex) ? `u:${hex}` : `s:${fsid}`;
}

function nextFreeFsid(cib: Cib, taken: Set<string>, from: number): number {
  const used = new Set(taken);
  for (const p of cib.primitives) if (p.type === 'exportfs') { const f = fsidOf(p); if (f !== undefined) used.add(fsidKey(f)); }
  let n = from;
  while (used.has(`n:${n}`)) n++;
  taken.add(`n:${n}`);
  return n;
}

// ---- addresses ---------------------------------------------------------------------------

function normIp(a: string): string {
  const bare = a.trim().replace(/\/[0-9]+$/, '');
  if (isIP(bare) === 6) {
    try {
      return new URL(`http://[${bare}]/`).hostname;
    } catch {
      return bare;
    }
  }
  return bare;
}

// ---- fixes -------------------------------------------------------------------------------

// The id a constraint names for a primitive: its clone if cloned, else itself.
function ref(p: Primitive): string {
  return p.clone ?? p.id;
}

// `pcs resource group add` keeps or moves p into the stack's group at a position; only where
// both are plain primitives of (or for) that group.
function groupAdd(stack: Stack, p: Primitive, where: string): string | undefined {
  if (stack.group === undefined || stack.server.clone !== undefined || p.clone !== undefined) return undefined;
  if (p.group !== undefined && p.group !== stack.group) return undefined;
  return `pcs resource group add ${stack.group} ${p.id}${where === '' ? '' : ` ${where}`}`;
}

// Adds a Mandatory order; a weaker pairwise order between the same two goes first (pcs refuses
// a duplicate).
function orderCmd(cib: Cib, first: Primitive, then: Primitive): string {
  const weak = cib.orders.filter((o) => !o.withSets && o.sets[0]?.resources[0] === ref(first) && o.sets[1]?.resources[0] === ref(then));
  return [...weak.map((o) => `pcs constraint delete ${o.id}`), `pcs constraint order start ${ref(first)} then start ${ref(then)}`].join('\n');
}

// Adds an INFINITY colocation, replacing a weaker pairwise one between the same two.
function colocationCmd(cib: Cib, rsc: Primitive, withRsc: Primitive): string {
  const pair = new Set([ref(rsc), ref(withRsc)]);
  const weak = cib.colocations.filter((c) => !c.withSets && c.score !== -Infinity && pair.has(c.sets[0]?.resources[0] ?? '') && pair.has(c.sets[1]?.resources[0] ?? ''));
  return [...weak.map((c) => `pcs constraint delete ${c.id}`), `pcs constraint colocation add ${ref(rsc)} with ${ref(withRsc)} INFINITY`].join('\n');
}

// The last of these primitives in the stack's group, for --after.
function lastInGroup(d: Discovery, stack: Stack, ps: readonly Primitive[]): Primitive | undefined {
  const g = stack.group === undefined ? undefined : d.cib.resources.get(stack.group);
  if (g?.kind !== 'group') return undefined;
  let best: Primitive | undefined;
  let bestIdx = -1;
  for (const p of ps) {
    const i = g.members.indexOf(p.id);
    if (i > bestIdx) { best = p; bestIdx = i; }
  }
  return best;
}

function isClonedServer(stack: Stack): boolean {
  return stack.server.clone !== undefined;
}

// ---- the rules ---------------------------------------------------------------------------

class Checker {
  readonly findings: Finding[] = [];
  readonly fsidsTaken = new Set<string>();

  readonly d: Discovery;

  constructor(d: Discovery) {
    this.d = d;
  }

  add(rule: string, resources: readonly string[], message: string, fix: readonly (string | undefined)[] = [], severity?: Severity): void {
    const info = RULES.find((r) => r.id === rule);
    this.findings.push({ severity: severity ?? info?.severity ?? 'error', rule, resources: [...new Set(resources)], message, fix: fix.filter((f): f is string => f !== undefined && f !== '').join('\n') });
  }

  get rel(): Discovery['relations'] { return this.d.relations; }

  startsBefore(a: Primitive, b: Primitive): boolean {
    return this.rel.startsBefore(a.id, b.id);
  }

  // Filesystems that must start before the server and stop after it: those holding the NFS
  // state or an export, and one mounted on /var/lib/nfs itself.
  neededFilesystems(stack: Stack): Map<Primitive, string> {
    const out = new Map<Primitive, string>();
    const info = infodir(stack.server);
    if (info !== undefined) for (const f of holders(stack, info)) out.set(f, `holds nfs_shared_infodir ${info}`);
    for (const f of stack.filesystems) if (dirOf(f) === '/var/lib/nfs' && !out.has(f)) out.set(f, 'is mounted on /var/lib/nfs');
    for (const e of stack.exports) {
      const dir = dirOf(e);
      if (dir === undefined) continue;
      for (const f of holders(stack, dir)) if (!out.has(f)) out.set(f, `holds the export ${e.id} (${dir})`);
    }
    return out;
  }

  orderFsBeforeServer(stack: Stack): void {
    const server = stack.server;
    for (const [fs, why] of this.neededFilesystems(stack)) {
      const starts = this.startsBefore(fs, server);
      const stops = this.rel.stopsBefore(server.id, fs.id);
      if (starts && stops) continue;
      const what = !starts ? `it does not start before ${server.id}` : `it stops before ${server.id} does (the order is not symmetrical)`;
      // Where only the stop is missing, the stop order alone (a second start order would be a duplicate).
      const fix = groupAdd(stack, fs, `--before ${server.id}`) ?? (starts ? `pcs constraint order stop ${ref(server)} then stop ${ref(fs)} symmetrical=false` : orderCmd(this.d.cib, fs, server));
      this.add('order-fs-before-server', [fs.id, server.id], `${fs.id} ${why}, but ${what}: the daemons can start without their data, or the unmount hang on NFSv4 leases`, [fix]);
    }
  }

  orderServerBeforeExports(stack: Stack): void {
    for (const e of stack.exports) {
      if (this.startsBefore(stack.server, e)) continue;
      this.add('order-server-before-exports', [e.id, stack.server.id], `${e.id} does not start after ${stack.server.id}: it is exported before the NFS daemons run`,
        [groupAdd(stack, e, `--after ${stack.server.id}`) ?? orderCmd(this.d.cib, stack.server, e)]);
    }
  }

  // LINBIT's layout: a portblock block before the IP and an unblock after every export and
  // the server keep the NFS port closed until the stack is complete.
  portblockGuards(stack: Stack, ip: Primitive): boolean {
    const action = (p: Primitive): string => (p.params.get('action') ?? '').toLowerCase();
    const addr = ipAddress(ip);
    const sameIp = (p: Primitive): boolean => { const a = p.params.get('ip'); return a === undefined || addr === undefined || normIp(a) === normIp(addr); };
    const blocks = stack.portblocks.filter((p) => action(p) === 'block' && sameIp(p) && this.startsBefore(p, ip));
    const unblocks = stack.portblocks.filter((p) => action(p) === 'unblock' && sameIp(p) && this.startsBefore(stack.server, p) && stack.exports.every((e) => this.startsBefore(e, p)));
    return blocks.length > 0 && unblocks.length > 0;
  }

  orderExportsBeforeIp(stack: Stack): void {
    for (const ip of stack.ips) {
      const early = stack.exports.filter((e) => !this.startsBefore(e, ip));
      if (early.length === 0 || this.portblockGuards(stack, ip)) continue;
      const last = lastInGroup(this.d, stack, [stack.server, ...stack.exports]);
      const inGroup = last !== undefined && early.every((e) => e.group === stack.group);
      // In a portblock layout the unblock is what must come last.
      const action = (p: Primitive): string => (p.params.get('action') ?? '').toLowerCase();
      const blocked = stack.portblocks.some((p) => action(p) === 'block' && this.startsBefore(p, ip));
      const unblock = stack.portblocks.find((p) => action(p) === 'unblock');
      const moved = blocked && unblock !== undefined ? unblock : ip;
      const fix = inGroup ? [groupAdd(stack, moved, `--after ${last.id}`)] : early.map((e) => orderCmd(this.d.cib, e, moved));
      const guard = blocked && unblock !== undefined ? ` (nor does the portblock unblock ${unblock.id}, which would keep the NFS port closed until then)` : '';
      this.add('order-exports-before-ip', [ip.id, ...early.map((e) => e.id)], `${ip.id} does not start after ${early.map((e) => e.id).join(', ')}${guard}: clients can reach the server before their exports are back (stale file handles)`, fix);
    }
  }

  orderIpBeforeNotify(stack: Stack): void {
    for (const n of stack.notifies) {
      const early = [...stack.ips, ...stack.exports].filter((p) => !this.startsBefore(p, n));
      if (early.length === 0) continue;
      const last = lastInGroup(this.d, stack, [...stack.ips, ...stack.exports]);
      const inGroup = last !== undefined && early.every((e) => e.group === stack.group);
      const fix = inGroup ? [groupAdd(stack, n, `--after ${last.id}`)] : early.map((p) => orderCmd(this.d.cib, p, n));
      this.add('order-ip-before-notify', [n.id, ...early.map((p) => p.id)], `${n.id} does not start after ${early.map((p) => p.id).join(', ')}: clients are told to reclaim their locks before the server can be reached at its floating address`, fix);
    }
  }

  colocation(stack: Stack): void {
    const server = stack.server;
    for (const m of members(stack)) {
      if (this.rel.together(m.id, server.id)) continue;
      const role = roleOf(m);
      const where = role === 'filesystem' ? `--before ${server.id}` : role === 'export' ? `--after ${server.id}` : '';
      const fix = (role !== 'portblock' ? groupAdd(stack, m, where) : undefined) ?? colocationCmd(this.d.cib, m, server);
      this.add('colocation', [m.id, server.id], `${m.id} can run on another node than ${server.id}: it has no INFINITY colocation with it (a group or a colocation constraint)`, [fix]);
    }
  }

  notify(stack: Stack): void {
    const server = stack.server;
    if (stack.notifies.length > 0 && !isTrue(server.params.get('nfs_no_notify'))) {
      this.add('no-notify', [server.id, ...stack.notifies.map((n) => n.id)], `${server.id} sends its own reboot notifications (nfs_no_notify is not true) before the exports and the floating IP are up, while ${stack.notifies.map((n) => n.id).join(', ')} sends them again from the floating address`,
        [`pcs resource update ${server.id} nfs_no_notify=true`]);
    }
    const addrs = stack.ips.map(ipAddress).filter((a): a is string => a !== undefined && a.trim() !== '').map(normIp);
    for (const n of stack.notifies) {
      const src = n.params.get('source_host')?.trim() ?? '';
      const fix = addrs.length === 1 ? [`pcs resource update ${n.id} source_host=${addrs[0] ?? ''}`] : [];
      if (src === '') {
        this.add('notify-source', [n.id], `${n.id} has no source_host: notifications go out under the node's own name, and clients ignore notifications from a server they do not know`, fix);
      } else if (isIP(src) !== 0 && !addrs.includes(normIp(src))) {
        const which = addrs.length === 0 ? 'the stack has no floating IP' : `the stack's floating IP is ${addrs.join(', ')}`;
        this.add('notify-source', [n.id], `${n.id} sends from ${src}, but ${which}: clients ignore notifications from an address they did not mount`, fix);
      }
    }
  }

  // Filesystem primitives outside the stack that mount a directory path is on.
  untiedHolders(stack: Stack, path: string): Primitive[] {
    return this.d.cib.primitives.filter((p) => p.cls === 'ocf' && p.type === 'Filesystem' && !stack.filesystems.includes(p) && dirOf(p) !== undefined && isOn(path, dirOf(p) ?? '/'));
  }

  infodirOnStackFs(stack: Stack): void {
    const server = stack.server;
    const info = infodir(server);
    const before = (fs: Primitive): boolean => this.startsBefore(fs, server);
    if (info === undefined) {
      const varlib = stack.filesystems.filter((f) => dirOf(f) === '/var/lib/nfs');
      if (varlib.some(before)) return;
      if (varlib.length > 0) {
        this.add('infodir-on-stack-fs', [server.id, ...varlib.map((f) => f.id)], `the NFS state is on ${varlib.map((f) => f.id).join(', ')} (/var/lib/nfs), which does not start before ${server.id}`,
          varlib.map((f) => groupAdd(stack, f, `--before ${server.id}`) ?? orderCmd(this.d.cib, f, server)));
        return;
      }
      const spare = stack.filesystems.find((f) => { const d = dirOf(f); return d !== undefined && !stack.exports.some((e) => { const ed = dirOf(e); return ed !== undefined && (isOn(ed, d) || isOn(d, ed)); }); });
      const spareDir = spare === undefined ? undefined : dirOf(spare);
      this.add('infodir-on-stack-fs', [server.id], `${server.id} has no nfs_shared_infodir and no Filesystem of the stack is mounted on /var/lib/nfs: the NFS state (NSM clients, NFSv4 client records) stays behind on a failover, and clients cannot reclaim their locks`,
        spareDir === undefined ? [] : [`pcs resource update ${server.id} nfs_shared_infodir=${spareDir}`]);
      return;
    }
    const on = holders(stack, info);
    if (on.some(before)) return;
    if (on.length > 0) {
      this.add('infodir-on-stack-fs', [server.id, ...on.map((f) => f.id)], `nfs_shared_infodir ${info} is on ${on.map((f) => f.id).join(', ')}, which does not start before ${server.id}: the daemons would start on the mount point's empty directory`,
        on.slice(0, 1).map((f) => groupAdd(stack, f, `--before ${server.id}`) ?? orderCmd(this.d.cib, f, server)));
      return;
    }
    const untied = this.untiedHolders(stack, info);
    const hint = untied.length > 0 ? ` (${untied.map((f) => f.id).join(', ')} mounts it but is not tied to the stack)` : '';
    this.add('infodir-on-stack-fs', [server.id, ...untied.map((f) => f.id)], `nfs_shared_infodir ${info} is not on a Filesystem of the stack${hint}: the NFS state is not on shared storage that moves with the server`,
      untied.slice(0, 1).map((f) => groupAdd(stack, f, `--before ${server.id}`) ?? orderCmd(this.d.cib, f, server)));
  }

  exportOnStackFs(stack: Stack): void {
    for (const e of stack.exports) {
      const dir = dirOf(e);
      if (dir === undefined) continue;
      if (holders(stack, dir).length > 0 || holdsMountsOnly(stack, dir)) continue;
      const untied = this.untiedHolders(stack, dir);
      const hint = untied.length > 0 ? ` (${untied.map((f) => f.id).join(', ')} mounts it but is not tied to the stack)` : '';
      this.add('export-on-stack-fs', [e.id, ...untied.map((f) => f.id)], `${e.id} exports ${dir}, which is not on a Filesystem of the stack${hint}: after a failover the other node exports its own, different directory`,
        untied.slice(0, 1).map((f) => groupAdd(stack, f, `--before ${stack.server.id}`) ?? orderCmd(this.d.cib, f, stack.server)));
    }
  }

  fsidMissing(stack: Stack): void {
    for (const e of stack.exports) {
      if (fsidOf(e) !== undefined) continue;
      const dir = dirOf(e) ?? '';
      const on = holders(stack, dir);
      const inner = on[0];
      const pseudo = holdsMountsOnly(stack, dir);
      const fsid = nextFreeFsid(this.d.cib, this.fsidsTaken, pseudo ? 0 : 1);
      const fix = [`pcs resource update ${e.id} fsid=${fsid}`];
      if (inner !== undefined && onBlockDevice(inner)) {
        this.add('fsid-missing', [e.id], `${e.id} has no fsid; its file handles come from the UUID of ${inner.id}'s filesystem, which moves with the stack, so they survive a failover, but a fixed fsid is safer`, fix, 'warning');
        continue;
      }
      const where = inner !== undefined ? `on ${inner.id}, which is not a block-device filesystem` : pseudo ? 'a directory on the node\'s own disk (the pseudo-root)' : 'not on a Filesystem of the stack';
      this.add('fsid-missing', [e.id], `${e.id} has no fsid and its directory is ${where}: its file handles change on failover (stale file handles)`, fix);
    }
  }

  clone(stack: Stack): void {
    const server = stack.server;
    const info = server.params.get('nfs_shared_infodir')?.trim() ?? '';
    if (server.clone !== undefined && info !== '') {
      this.add('clone-infodir', [server.clone, server.id], `${server.id} is cloned (${server.clone}) while nfs_shared_infodir is set: every instance binds the same shared directory as its /var/lib/nfs`,
        [`pcs resource unclone ${server.clone}`]);
    }
  }

  warnings(stack: Stack): void {
    const server = stack.server;
    if ((server.params.get('nfs_server_scope') ?? '').trim() === '') {
      const addr = stack.ips.map(ipAddress).find((a) => a !== undefined && a.trim() !== '');
      const scope = addr ?? stack.group ?? server.id;
      this.add('server-scope', [server.id], `${server.id} has no nfs_server_scope: each node presents its own NFSv4.1 server scope, so NFSv4.1+ clients cannot reclaim their state after a failover`,
        [`pcs resource update ${server.id} nfs_server_scope=${scope}`]);
    }
    if (stack.notifies.length === 0 && !isClonedServer(stack)) {
      const addr = stack.ips.map(ipAddress).find((a) => a !== undefined && a.trim() !== '');
      const provider = server.provider === '' ? 'nfsha' : server.provider;
      const create = `pcs resource create ${stack.group ?? server.id}-notify ocf:${provider}:nfsnotify${addr === undefined ? '' : ` source_host=${addr}`}${stack.group === undefined ? '' : ` --group ${stack.group}`}`;
      // nfsnotify then takes over the notifications: the server must not send its own (no-notify).
      const quiet = isTrue(server.params.get('nfs_no_notify')) ? undefined : `pcs resource update ${server.id} nfs_no_notify=true`;
      this.add('missing-notify', [server.id], `the stack of ${server.id} has no nfsnotify: NFSv3 clients are not told to reclaim their locks after a failover`, [create, quiet]);
    }
    if (stack.ips.length === 0 && !isClonedServer(stack)) {
      this.add('missing-ip', [server.id], `the stack of ${server.id} has no floating IP (IPaddr2 or a cloud IP agent): clients mount a node's own address and cannot follow a failover`);
    }
    for (const p of [server, ...members(stack)]) this.timeouts(p);
    for (const e of stack.exports) {
      if (isTrue(e.params.get('wait_for_leasetime_on_stop'))) {
        this.add('outdated-parameter', [e.id], `${e.id} has wait_for_leasetime_on_stop=true, which old guides and wizards set: every stop waits out the NFSv4 lease time (about 90 s), which unlock_on_stop already makes unnecessary`,
          [`pcs resource update ${e.id} wait_for_leasetime_on_stop=false`]);
      }
      const unlock = e.params.get('unlock_on_stop');
      if (unlock !== undefined && unlock.trim() !== '' && !isTrue(unlock)) {
        this.add('outdated-parameter', [e.id], `${e.id} has unlock_on_stop=${unlock}: its NFS locks are not released on stop, so the filesystem's unmount can fail and the node be fenced`,
          [`pcs resource update ${e.id} unlock_on_stop=true`]);
      }
    }
  }

  // Timeouts below the agent's advertised ones, and a missing recurring monitor.
  timeouts(p: Primitive): void {
    if (p.provider !== 'heartbeat' && p.provider !== 'nfsha') return;
    const agent = AGENTS.find((a) => a.name === p.type);
    if (agent === undefined) return;
    const defaultMs = parseDurationMs(this.d.cib.opDefaults.get('timeout')) ?? 20000;
    const short: string[] = [];
    const fixes: string[] = [];
    for (const action of ['start', 'stop', 'monitor'] as const) {
      const spec = agent.actions[action];
      const want = parseDurationMs(spec?.timeout);
      if (spec === undefined || want === undefined) continue;
      const ops = p.ops.filter((o) => o.name === action && o.enabled && (action !== 'monitor' || (parseDurationMs(o.interval) ?? 0) > 0));
      if (action === 'monitor' && ops.length === 0) {
        this.add('no-monitor', [p.id], `${p.id} has no recurring monitor: a failure of it goes unnoticed until the next failover`, [`pcs resource op add ${p.id} monitor interval=${spec.interval ?? '10s'} timeout=${spec.timeout}`]);
        continue;
      }
      for (const o of ops.length > 0 ? ops : [undefined]) {
        const have = parseDurationMs(o?.timeout) ?? defaultMs;
        if (have >= want) continue;
        const from = o?.timeout !== undefined ? '' : this.d.cib.opDefaults.has('timeout') ? ' (op_defaults)' : ' (Pacemaker\'s default)';
        short.push(`${action} ${have / 1000}s${from} < ${spec.timeout}`);
        fixes.push(action === 'monitor' ? `monitor interval=${o?.interval ?? spec.interval ?? '10s'} timeout=${spec.timeout}` : `${action} timeout=${spec.timeout}`);
      }
    }
    if (short.length > 0) {
      this.add('op-timeout', [p.id], `${p.id}'s operation timeouts are below what ${p.type} advertises: ${short.join(', ')}; an action cut short fails, and a failed stop fences the node`, [`pcs resource update ${p.id} op ${fixes.join(' ')}`]);
    }
  }

  fsidUnique(): void {
    // Stacks that can share a node: one server per node is a rule of its own, but their exports
    // of such stacks can meet in one kernel export table.
    const stacks = this.d.stacks;
    const reported = new Set<string>();
    for (const s of stacks) {
      const peers = stacks.filter((t) => t === s || !this.rel.apart(s.server.id, t.server.id));
      const exportsHere = peers.flatMap((t) => t.exports.map((e) => ({ e, stack: t })));
      const byKey = new Map<string, { e: Primitive; stack: Stack }[]>();
      for (const x of exportsHere) {
        const f = fsidOf(x.e);
        if (f === undefined) continue;
        const k = fsidKey(f);
        byKey.set(k, [...(byKey.get(k) ?? []).filter((y) => y.e !== x.e), x]);
      }
      for (const [k, list] of byKey) {
        // The same directory under one fsid for several client specs is one export.
        const dirs = new Set(list.map((x) => dirOf(x.e)));
        if (dirs.size < 2) continue;
        const ids = list.map((x) => x.e.id).sort();
        const key = `${k}|${ids.join(',')}`;
        if (reported.has(key)) continue;
        reported.add(key);
        this.add('fsid-unique', ids, `${ids.join(', ')} share fsid ${fsidOf(list[0]?.e ?? s.server) ?? ''} but export different directories: clients get one's files for the other's, or stale file handles`, this.fsidFixes(list));
      }
    }
  }

  // One export keeps the fsid; a pseudo-root gets 0 where that is free; the others new numbers.
  // Exports of the same directory (one export, several client specs) change together.
  fsidFixes(list: readonly { e: Primitive; stack: Stack }[]): string[] {
    const isPseudo = (x: { e: Primitive; stack: Stack }): boolean => holdsMountsOnly(x.stack, dirOf(x.e) ?? '/');
    const zeroFree = !this.fsidTakenAnywhere('n:0');
    const pseudo = zeroFree ? list.find(isPseudo) : undefined;
    const keep = list.find((x) => x !== pseudo);
    const fix: string[] = [];
    const given = new Map<string, number>();
    for (const x of list) {
      const dir = dirOf(x.e) ?? '';
      if (dir === dirOf(keep?.e ?? x.e) && pseudo !== x) continue;
      let n = given.get(dir);
      if (n === undefined) {
        n = x === pseudo ? 0 : nextFreeFsid(this.d.cib, this.fsidsTaken, 1);
        if (x === pseudo) this.fsidsTaken.add('n:0');
        given.set(dir, n);
      }
      fix.push(`pcs resource update ${x.e.id} fsid=${n}`);
    }
    return fix;
  }

  fsidTakenAnywhere(key: string): boolean {
    return this.fsidsTaken.has(key) || this.d.cib.primitives.some((p) => p.type === 'exportfs' && fsidOf(p) !== undefined && fsidKey(fsidOf(p) ?? '') === key);
  }

  oneServerPerNode(): void {
    const stacks = this.d.stacks;
    stacks.forEach((a, i) => {
      for (const b of stacks.slice(i + 1)) {
        if (this.rel.apart(a.server.id, b.server.id)) continue;
        this.add('one-server-per-node', [a.server.id, b.server.id], `${a.server.id} and ${b.server.id} can run on the same node (no -INFINITY colocation between them): one /var/lib/nfs and one kernel NFS server cannot serve both stacks`,
          [`pcs constraint colocation add ${topOf(this.d.cib, b.server)} with ${topOf(this.d.cib, a.server)} -INFINITY`]);
      }
    });
  }

  fencing(): void {
    if (this.d.stacks.length === 0) return;
    const props = this.d.cib.clusterProperties;
    const enabled = props.get('stonith-enabled');
    if (enabled !== undefined && !pcmkTrue(enabled)) {
      this.add('fencing', [], `stonith-enabled=${enabled}: a node that fails to stop the NFS stack is not fenced, and the other node may mount the same filesystems (corruption) or never take over`, ['pcs property set stonith-enabled=true']);
      return;
    }
    const watchdog = parseDurationMs(props.get('stonith-watchdog-timeout')) ?? 0;
    if (!this.d.cib.primitives.some((p) => p.cls === 'stonith') && watchdog <= 0) {
      this.add('fencing', [], 'no fencing device is configured (and no SBD watchdog): Pacemaker cannot recover a node that fails to stop the NFS stack');
    }
  }
}

export function runRules(d: Discovery): Finding[] {
  const c = new Checker(d);
  for (const s of d.stacks) {
    c.orderFsBeforeServer(s);
    c.orderServerBeforeExports(s);
    c.orderExportsBeforeIp(s);
    c.orderIpBeforeNotify(s);
    c.colocation(s);
    c.notify(s);
    c.infodirOnStackFs(s);
    c.exportOnStackFs(s);
    c.fsidMissing(s);
    c.clone(s);
  }
  c.fsidUnique();
  c.oneServerPerNode();
  c.fencing();
  for (const s of d.stacks) c.warnings(s);
  for (const p of d.others) {
    c.add('not-checked', [p.clone ?? p.id], `${p.cls}:${p.type} is an NFS server outside the nfsserver agent: its stack was not checked (use ocf:nfsha:nfsserver with the rest of the stack in a group)`);
  }
  if (d.stacks.length === 0 && d.others.length === 0) {
    c.add('no-stack', [], `no nfsserver resource in this CIB (${d.cib.primitives.length} primitives): nothing was checked`);
  }
  // Errors first, then warnings, then information, each in rule order.
  const sev: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return c.findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => sev[a.f.severity] - sev[b.f.severity] || RULE_IDS.indexOf(a.f.rule) - RULE_IDS.indexOf(b.f.rule) || a.i - b.i)
    .map((x) => x.f);
}
