// NFS server stacks in a CIB: an ocf nfsserver primitive (any provider) with the Filesystem,
// exportfs, floating IP, nfsnotify and portblock primitives tied to it, however they are tied
// (a group, order or colocation constraints, resource sets). Servers built another way
// (systemd:nfs-server, lsb:nfs...) are listed apart: the rules do not apply to them.

import { Relations } from './graph.ts';
import type { Cib, Primitive } from './model.ts';

// Floating IP agents and the parameter that holds the address.
export const IP_AGENTS: Readonly<Record<string, string>> = {
  IPaddr2: 'ip',
  IPaddr: 'ip',
  'aws-vpc-move-ip': 'ip',
  awsvip: 'secondary_private_ip',
  'gcp-vpc-move-vip': 'alias_ip',
  'gcp-vpc-move-route': 'ip',
  'aliyun-vpc-move-ip': 'address',
};

export type Role = 'filesystem' | 'export' | 'ip' | 'notify' | 'portblock';

export function roleOf(p: Primitive): Role | undefined {
  if (p.cls !== 'ocf') return undefined;
  if (p.type === 'Filesystem') return 'filesystem';
  if (p.type === 'exportfs') return 'export';
  if (p.type === 'nfsnotify') return 'notify';
  if (p.type === 'portblock') return 'portblock';
  if (IP_AGENTS[p.type] !== undefined) return 'ip';
  return undefined;
}

export function isNfsServer(p: Primitive): boolean {
  return p.cls === 'ocf' && p.type === 'nfsserver';
}

// systemd:nfs-server, systemd:nfs-kernel-server, lsb:nfs, lsb:nfs-kernel-server, service:...
export function isOtherNfsServer(p: Primitive): boolean {
  return ['systemd', 'lsb', 'service', 'upstart'].includes(p.cls) && /^(nfs-server|nfs-kernel-server|nfs|nfsserver)(\.service)?$/.test(p.type);
}

export function ipAddress(p: Primitive): string | undefined {
  const param = IP_AGENTS[p.type];
  return param === undefined ? undefined : p.params.get(param);
}

export interface Stack {
  readonly server: Primitive;
  // The group that holds nfsserver, if any.
  readonly group: string | undefined;
  readonly filesystems: readonly Primitive[];
  readonly exports: readonly Primitive[];
  readonly ips: readonly Primitive[];
  readonly notifies: readonly Primitive[];
  readonly portblocks: readonly Primitive[];
}

export interface Discovery {
  readonly cib: Cib;
  readonly relations: Relations;
  readonly stacks: readonly Stack[];
  // NFS servers that are not ocf nfsserver primitives: not checked.
  readonly others: readonly Primitive[];
}

export function members(s: Stack): Primitive[] {
  return [...s.filesystems, ...s.exports, ...s.ips, ...s.notifies, ...s.portblocks];
}

export function discover(cib: Cib): Discovery {
  const relations = new Relations(cib);
  const byId = new Map(cib.primitives.map((p) => [p.id, p]));
  const stacks = cib.primitives.filter(isNfsServer).map((server): Stack => {
    // Everything reachable from the server through ties, passing only through stack members
    // (never through another nfsserver or an unrelated resource).
    const found = new Set<string>([server.id]);
    const todo = [server.id];
    for (let x = todo.pop(); x !== undefined; x = todo.pop()) {
      for (const y of relations.ties.get(x) ?? []) {
        const p = byId.get(y);
        if (p === undefined || found.has(y) || roleOf(p) === undefined) continue;
        found.add(y);
        todo.push(y);
      }
    }
    const of = (role: Role): Primitive[] => cib.primitives.filter((p) => found.has(p.id) && roleOf(p) === role);
    return { server, group: server.group, filesystems: of('filesystem'), exports: of('export'), ips: of('ip'), notifies: of('notify'), portblocks: of('portblock') };
  });
  return { cib, relations, stacks, others: cib.primitives.filter(isOtherNfsServer) };
}
