// `nfsha plan`: the seed's topology, read from a short ini file, as an ordered list of resources
// (pure: text in, model out). Every problem is a PlanError with one line that names the section
// and key, so the CLI can print it and exit 2.
//
//   [group]            name (required), provider = nfsha | heartbeat (default nfsha),
//                      notify = yes | no (default yes: an nfsnotify resource ends the group)
//   [ip ID]            exactly one: ip (required), name (the floating host name), cidr_netmask,
//                      nic, agent = IPaddr2 | IPaddr (default IPaddr2)
//   [filesystem ID]    one or more: device, directory, fstype (required), info = yes for the one
//                      that holds nfs_shared_infodir, any other Filesystem parameter
//   [nfsserver ID]     optional (default id nfsserver): nfsserver parameters
//   [export ID]        one or more: directory, clients (one or more, comma separated: one
//                      exportfs resource each), options, fsid, any other exportfs parameter
//   [nfsnotify ID]     optional (default id nfsnotify): source_host (default: the floating IP)
//   [fencing ID]       optional, any number: agent (a fence agent, e.g. fence_sbd) and its
//                      parameters
//
// What plan decides where the file is silent (docs in README "nfsha plan"):
//   - filesystems start in the order given, a filesystem mounted inside another after it;
//   - nfsserver gets nfs_shared_infodir = the info filesystem's directory, nfs_no_notify=true when
//     nfsnotify is in the group, nfs_server_scope = the floating name (else the floating IP), so
//     that NFSv4.1+ clients can reclaim on the other node;
//   - fsids: given ones are kept; an export that is not on a filesystem of the group but holds
//     other exports (the NFSv4 pseudo-root, the seed's export-root) gets 0; every other gets the
//     next free number from 1;
//   - nfsnotify's source_host is the floating IP (sm-notify reverse-resolves it to the name).

import { decode } from 'ini';
import { isIP } from '../../util/ip.ts';
import { isUnder } from '../../host/mounts.ts';
import { isTrue } from '../../ocf/bool.ts';
import { findAgent } from '../../../agents/index.ts';

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

export type Provider = 'nfsha' | 'heartbeat';

export interface Op {
  readonly name: string;
  readonly interval: string;
  readonly timeout: string;
}

export interface Resource {
  readonly id: string;
  // ocf or stonith.
  readonly cls: 'ocf' | 'stonith';
  readonly provider?: string;
  readonly type: string;
  readonly params: readonly (readonly [string, string])[];
  readonly ops: readonly Op[];
}

export interface Plan {
  readonly group: string;
  // In group order: filesystems, nfsserver, exports, the floating IP, nfsnotify.
  readonly members: readonly Resource[];
  readonly fencing: readonly Resource[];
  readonly ip: string;
  // The floating host name, when given.
  readonly name: string | undefined;
  readonly source: string;
}

const ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const KINDS = ['group', 'ip', 'filesystem', 'nfsserver', 'export', 'nfsnotify', 'fencing'] as const;
type Kind = (typeof KINDS)[number];

interface Section {
  readonly kind: Kind;
  readonly id: string | undefined;
  readonly header: string;
  readonly values: Map<string, string>;
}

// Path components, not string prefixes: /mnt/nfsinfo2 is not inside /mnt/nfsinfo.
export function normalisePath(p: string): string {
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  return `/${parts.join('/')}`;
}

export function isWithin(path: string, dir: string): boolean {
  return isUnder(normalisePath(path), normalisePath(dir));
}

// The section headers in file order: ini merges repeated sections and nests dotted names, so
// both are refused before decoding.
function headers(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*\[(.*)\]\s*$/.exec(line);
    if (m?.[1] === undefined) {
      // ini reads a key without '=' as true: here that is a value forgotten.
      const bare = line.trim();
      if (bare !== '' && !/^[;#]/.test(bare) && !bare.includes('=')) throw new PlanError(`${out.length > 0 ? `[${out.at(-1) ?? ''}] ` : ''}${bare}: needs a value (${bare} = ...)`);
      continue;
    }
    const h = m[1].trim();
    if (h.includes('.')) throw new PlanError(`[${h}]: a '.' in a section name is not supported (ini nests it)`);
    if (out.includes(h)) throw new PlanError(`[${h}] appears twice`);
    out.push(h);
  }
  return out;
}

function sections(text: string): Section[] {
  const order = headers(text);
  let decoded: Record<string, unknown>;
  try {
    decoded = decode(text);
  } catch (e) {
    throw new PlanError(`not an ini file: ${e instanceof Error ? e.message : String(e)}`);
  }
  const top = Object.entries(decoded).filter(([k, v]) => !order.includes(k) && typeof v !== 'object');
  if (top.length > 0) throw new PlanError(`${top.map(([k]) => k).join(', ')}: every setting belongs in a section ([group], [ip ID], ...)`);
  return order.map((header) => {
    const [kindWord, id, ...rest] = header.split(/\s+/);
    const kind = KINDS.find((k) => k === kindWord);
    if (kind === undefined) throw new PlanError(`[${header}]: unknown section (one of: ${KINDS.join(', ')})`);
    if (rest.length > 0) throw new PlanError(`[${header}]: one resource id after '${kind}'`);
    if (kind === 'group' && id !== undefined) throw new PlanError(`[${header}]: write [group] with name = ${id}`);
    if (id !== undefined && !ID.test(id)) throw new PlanError(`[${header}]: '${id}' is not a valid resource id (a letter, then letters, digits, '_' or '-')`);
    const raw = decoded[header];
    const values = new Map<string, string>();
    for (const [k, v] of Object.entries(typeof raw === 'object' && raw !== null ? raw : {})) {
      // ini turns true, false and null into values of their own: they were words in the file.
      if (typeof v === 'object' && v !== null) throw new PlanError(`[${header}] ${k}: a list or section is not a value`);
      values.set(k, String(v).trim());
    }
    return { kind, id, header, values };
  });
}

function take(s: Section, key: string): string | undefined {
  const v = s.values.get(key);
  s.values.delete(key);
  return v === '' ? undefined : v;
}

function need(s: Section, key: string): string {
  const v = take(s, key);
  if (v === undefined) throw new PlanError(`[${s.header}]: ${key} is required`);
  return v;
}

function sectionId(s: Section, fallback: string): string {
  return s.id ?? fallback;
}

// The remaining keys of a section must be parameters of the agent: a typo is an error here, not
// a resource that fails to start.
function agentParams(s: Section, agent: string, provider: Provider): [string, string][] {
  const def = findAgent(agent);
  const out: [string, string][] = [];
  for (const [k, v] of s.values) {
    if (def !== undefined && !(k in def.parameters)) throw new PlanError(`[${s.header}] ${k}: ${provider === 'nfsha' ? 'ocf:nfsha' : 'ocf:heartbeat'}:${agent} has no such parameter`);
    if (v !== '') out.push([k, v]);
  }
  return out;
}

// start, stop and monitor as the agent advertises them (what pcs would take from meta-data).
function opsOf(agent: string): Op[] {
  const def = findAgent(agent);
  if (def === undefined) throw new Error(`no agent ${agent}`);
  const ops: Op[] = [];
  for (const name of ['start', 'stop', 'monitor']) {
    const a = def.actions[name];
    if (a !== undefined) ops.push({ name, interval: a.interval ?? '0s', timeout: a.timeout });
  }
  return ops;
}

// IPaddr2's and IPaddr's advertised timeouts (resource-agents meta-data).
const IP_OPS: Op[] = [
  { name: 'start', interval: '0s', timeout: '20s' },
  { name: 'stop', interval: '0s', timeout: '20s' },
  { name: 'monitor', interval: '10s', timeout: '20s' },
];
const IP_KEYS = new Set(['ip', 'cidr_netmask', 'nic', 'broadcast', 'iflabel', 'lvs_support', 'arp_count', 'arp_interval', 'preferred_lft']);

interface FsIn { id: string; directory: string; info: boolean; params: [string, string][] }
interface ExportIn { id: string; directory: string; clients: string[]; fsid: string | undefined; params: [string, string][] }

function oneOf(list: Section[], kind: Kind): Section | undefined {
  const all = list.filter((s) => s.kind === kind);
  if (all.length > 1) throw new PlanError(`[${all[1]?.header ?? kind}]: only one [${kind}] section`);
  return all[0];
}

function fsidNumber(fsid: string): number | undefined {
  if (fsid === 'root') return 0;
  return /^[0-9]+$/.test(fsid) ? Number(fsid) : undefined;
}

export function readPlan(text: string, source: string): Plan {
  const list = sections(text);
  const groupS = oneOf(list, 'group');
  if (groupS === undefined) throw new PlanError('[group] is missing (name = the group name)');
  const group = need(groupS, 'name');
  if (!ID.test(group)) throw new PlanError(`[group] name: '${group}' is not a valid resource id`);
  const providerWord = take(groupS, 'provider') ?? 'nfsha';
  if (providerWord !== 'nfsha' && providerWord !== 'heartbeat') throw new PlanError(`[group] provider: '${providerWord}' is neither nfsha nor heartbeat`);
  const provider: Provider = providerWord;
  const notifyWord = take(groupS, 'notify');
  const withNotify = notifyWord === undefined || isTrue(notifyWord.toLowerCase());
  if (notifyWord !== undefined && !withNotify && !['no', 'false', '0', 'off'].includes(notifyWord.toLowerCase())) throw new PlanError(`[group] notify: '${notifyWord}' is neither yes nor no`);
  for (const k of groupS.values.keys()) throw new PlanError(`[group] ${k}: unknown key (name, provider, notify)`);

  // The floating IP.
  const ipS = oneOf(list, 'ip');
  if (ipS === undefined) throw new PlanError('[ip ID] is missing: the floating IP the clients mount from');
  const ipId = sectionId(ipS, 'vip');
  const ip = need(ipS, 'ip');
  if (isIP(ip) === 0) throw new PlanError(`[${ipS.header}] ip: '${ip}' is not an IP address`);
  const name = take(ipS, 'name');
  const ipAgent = take(ipS, 'agent') ?? 'IPaddr2';
  if (ipAgent !== 'IPaddr2' && ipAgent !== 'IPaddr') throw new PlanError(`[${ipS.header}] agent: '${ipAgent}' is neither IPaddr2 nor IPaddr`);
  const ipParams: [string, string][] = [['ip', ip]];
  for (const [k, v] of ipS.values) {
    if (!IP_KEYS.has(k)) throw new PlanError(`[${ipS.header}] ${k}: unknown key (ip, name, agent, ${[...IP_KEYS].filter((x) => x !== 'ip').join(', ')})`);
    if (v !== '') ipParams.push([k, v]);
  }

  // Filesystems.
  const fss: FsIn[] = list.filter((s) => s.kind === 'filesystem').map((s) => {
    const id = sectionId(s, '');
    if (id === '') throw new PlanError(`[${s.header}]: give the filesystem resource an id ([filesystem fs1])`);
    const device = need(s, 'device');
    const directory = normalisePath(need(s, 'directory'));
    const fstype = need(s, 'fstype');
    const infoWord = take(s, 'info');
    const params: [string, string][] = [['device', device], ['directory', directory], ['fstype', fstype], ...agentParams(s, 'Filesystem', provider)];
    return { id, directory, info: infoWord !== undefined && isTrue(infoWord.toLowerCase()), params };
  });
  if (fss.length === 0) throw new PlanError('no [filesystem ID] section: the exports and the NFS state need shared filesystems');
  for (const [i, f] of fss.entries()) {
    const other = fss.find((g, j) => j !== i && g.directory === f.directory);
    if (other !== undefined) throw new PlanError(`[filesystem ${f.id}] directory: ${f.directory} is also the directory of ${other.id}`);
  }
  // A filesystem mounted inside another starts after it; otherwise the file's order.
  const fsOrdered: FsIn[] = [];
  while (fsOrdered.length < fss.length) {
    const ready = fss.find((f) => !fsOrdered.includes(f) && fss.every((g) => g === f || fsOrdered.includes(g) || !isWithin(f.directory, g.directory)));
    if (ready === undefined) break;
    fsOrdered.push(ready);
  }
  const onFs = (dir: string): FsIn | undefined => {
    let best: FsIn | undefined;
    for (const f of fss) if (isWithin(dir, f.directory) && (best === undefined || f.directory.length > best.directory.length)) best = f;
    return best;
  };

  // nfsserver.
  const serverS = oneOf(list, 'nfsserver');
  const serverId = serverS === undefined ? 'nfsserver' : sectionId(serverS, 'nfsserver');
  const serverValues = new Map(serverS?.values ?? []);
  const infoFs = fss.filter((f) => f.info);
  if (infoFs.length > 1) throw new PlanError(`info = yes on ${infoFs.map((f) => f.id).join(' and ')}: one filesystem holds the NFS state`);
  let infodir = serverValues.get('nfs_shared_infodir');
  const varLibNfs = fss.find((f) => f.directory === '/var/lib/nfs');
  if (infodir === undefined || infodir === '') {
    infodir = infoFs[0]?.directory;
    if (infodir === undefined && varLibNfs === undefined) {
      throw new PlanError('no filesystem holds the NFS state: mark one with info = yes (or set nfs_shared_infodir in [nfsserver], or mount one on /var/lib/nfs)');
    }
  } else {
    infodir = normalisePath(infodir);
    const holder = onFs(infodir);
    if (holder === undefined) throw new PlanError(`[${serverS?.header ?? 'nfsserver'}] nfs_shared_infodir: ${infodir} is not on a filesystem of the group`);
    if (infoFs[0] !== undefined && holder !== infoFs[0]) throw new PlanError(`[${serverS?.header ?? 'nfsserver'}] nfs_shared_infodir: ${infodir} is on ${holder.id}, but info = yes is on ${infoFs[0].id}`);
  }
  const noNotify = serverValues.get('nfs_no_notify');
  if (withNotify && noNotify !== undefined && noNotify !== '' && !isTrue(noNotify.toLowerCase())) {
    throw new PlanError(`[${serverS?.header ?? 'nfsserver'}] nfs_no_notify: must be true when nfsnotify sends the notifications (the seed's rule)`);
  }
  const scope = serverValues.get('nfs_server_scope');
  const server: Section = { kind: 'nfsserver', id: serverId, header: serverS?.header ?? 'nfsserver', values: serverValues };
  for (const k of ['nfs_shared_infodir', 'nfs_no_notify', 'nfs_server_scope']) server.values.delete(k);
  const serverParams: [string, string][] = [
    ...(infodir !== undefined ? [['nfs_shared_infodir', infodir] as [string, string]] : []),
    ...(withNotify ? [['nfs_no_notify', 'true'] as [string, string]] : []),
    ['nfs_server_scope', scope !== undefined && scope !== '' ? scope : (name ?? ip)],
    ...agentParams(server, 'nfsserver', provider),
  ];

  // Exports.
  const exportsIn: ExportIn[] = list.filter((s) => s.kind === 'export').map((s) => {
    const id = sectionId(s, '');
    if (id === '') throw new PlanError(`[${s.header}]: give the export resource an id ([export export1])`);
    const directory = normalisePath(need(s, 'directory'));
    const clientsWord = take(s, 'clients') ?? take(s, 'clientspec');
    if (clientsWord === undefined) throw new PlanError(`[${s.header}]: clients is required (who may mount it, e.g. 192.168.122.0/24)`);
    const clients = clientsWord.split(/[\s,]+/).filter((c) => c !== '');
    let fsid = take(s, 'fsid');
    if (fsid !== undefined && fsid !== 'root' && !/^[0-9]+$/.test(fsid) && !/^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/.test(fsid)) {
      throw new PlanError(`[${s.header}] fsid: '${fsid}' is neither a number, root nor a UUID`);
    }
    if (fsid === 'root') fsid = '0';
    const params = agentParams(s, 'exportfs', provider);
    if (params.some(([k, v]) => k === 'options' && /(^|,)fsid=/.test(v))) throw new PlanError(`[${s.header}] options: give the fsid as fsid = ..., not inside options`);
    if (directory.includes(' ')) throw new PlanError(`[${s.header}] directory: one directory per export`);
    return { id, directory, clients, fsid, params };
  });
  if (exportsIn.length === 0) throw new PlanError('no [export ID] section: nothing would be exported');

  // fsids: given ones kept, the pseudo-root 0, the rest 1, 2, ...
  const byDir = new Map<string, string>();
  for (const e of exportsIn) {
    if (e.fsid === undefined) continue;
    const other = [...byDir.entries()].find(([d, f]) => d !== e.directory && (f === e.fsid || (fsidNumber(f) !== undefined && fsidNumber(f) === fsidNumber(e.fsid ?? ''))));
    if (other !== undefined) throw new PlanError(`[export ${e.id}] fsid: ${e.fsid} is also the fsid of ${other[0]}: every exported directory needs its own`);
    byDir.set(e.directory, e.fsid);
  }
  for (const e of exportsIn) {
    if (e.fsid !== undefined || byDir.has(e.directory)) continue;
    const holdsOthers = exportsIn.some((o) => o.directory !== e.directory && isWithin(o.directory, e.directory));
    if (onFs(e.directory) === undefined && holdsOthers && ![...byDir.values()].some((f) => fsidNumber(f) === 0)) byDir.set(e.directory, '0');
  }
  let next = 1;
  for (const e of exportsIn) {
    if (byDir.has(e.directory)) continue;
    const used = new Set([...byDir.values()].map(fsidNumber));
    while (used.has(next)) next++;
    byDir.set(e.directory, String(next));
  }
  for (const e of exportsIn) {
    const fsid = byDir.get(e.directory) ?? '';
    if (onFs(e.directory) === undefined && fsidNumber(fsid) !== 0) {
      throw new PlanError(`[export ${e.id}] directory: ${e.directory} is not on a filesystem of the group (only the NFSv4 pseudo-root, which holds the other exports, may be)`);
    }
  }
  // The pseudo-root first, then the others in file order.
  const exportsOrdered = [...exportsIn].sort((a, b) => Number(fsidNumber(byDir.get(b.directory) ?? '') === 0) - Number(fsidNumber(byDir.get(a.directory) ?? '') === 0));

  // nfsnotify.
  const notifyS = oneOf(list, 'nfsnotify');
  if (notifyS !== undefined && !withNotify) throw new PlanError(`[${notifyS.header}]: [group] says notify = no`);
  const notifyId = notifyS === undefined ? 'nfsnotify' : sectionId(notifyS, 'nfsnotify');
  const sourceHost = notifyS === undefined ? ip : (take(notifyS, 'source_host') ?? ip);
  if (sourceHost !== ip && sourceHost !== name) throw new PlanError(`[${notifyS?.header ?? 'nfsnotify'}] source_host: ${sourceHost} is neither the floating IP ${ip} nor its name`);
  const notifyParams: [string, string][] = notifyS === undefined ? [] : agentParams(notifyS, 'nfsnotify', provider);

  // Fencing.
  const fencing: Resource[] = list.filter((s) => s.kind === 'fencing').map((s) => {
    const id = sectionId(s, '');
    if (id === '') throw new PlanError(`[${s.header}]: give the fence device an id ([fencing fence1])`);
    const agent = need(s, 'agent');
    if (!/^fence_[A-Za-z0-9_]+$|^external\/[A-Za-z0-9_-]+$/.test(agent)) throw new PlanError(`[${s.header}] agent: '${agent}' is not a fence agent name (fence_...)`);
    const params = [...s.values].filter(([, v]) => v !== '');
    return { id, cls: 'stonith' as const, type: agent, params, ops: [{ name: 'monitor', interval: '60s', timeout: '20s' }] };
  });

  // Ids must be unique across the whole plan.
  const ids: string[] = [group];
  const useId = (id: string): string => {
    if (ids.includes(id)) throw new PlanError(`resource id '${id}' is used twice`);
    ids.push(id);
    return id;
  };
  const ocf = (id: string, type: string, params: [string, string][], ops: Op[]): Resource => ({ id: useId(id), cls: 'ocf', provider, type, params, ops });

  const members: Resource[] = [];
  for (const f of fsOrdered) members.push(ocf(f.id, 'Filesystem', f.params, opsOf('Filesystem')));
  members.push(ocf(serverId, 'nfsserver', serverParams, opsOf('nfsserver')));
  for (const e of exportsOrdered) {
    const fsid = byDir.get(e.directory) ?? '';
    e.clients.forEach((client, i) => {
      const id = e.clients.length === 1 ? e.id : `${e.id}-${String(i + 1)}`;
      members.push(ocf(id, 'exportfs', [['directory', e.directory], ['clientspec', client], ['fsid', fsid], ...e.params], opsOf('exportfs')));
    });
  }
  members.push({ id: useId(ipId), cls: 'ocf', provider: 'heartbeat', type: ipAgent, params: ipParams, ops: IP_OPS });
  if (withNotify) members.push(ocf(notifyId, 'nfsnotify', [['source_host', sourceHost], ...notifyParams], opsOf('nfsnotify')));
  for (const f of fencing) useId(f.id);
  return { group, members, fencing, ip, name, source };
}
