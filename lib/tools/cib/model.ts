// A read-only model of the parts of a CIB the tools reason about: primitives (with their
// parameters, meta attributes and operations), groups, clones, order and colocation constraints
// (pairwise or with resource sets, normalised to sets), cluster properties and defaults.

export type NvMap = ReadonlyMap<string, string>;

export interface Op {
  readonly id: string;
  readonly name: string;
  readonly interval: string;
  readonly timeout: string | undefined;
  readonly role: string | undefined;
  readonly enabled: boolean;
}

export interface Primitive {
  readonly kind: 'primitive';
  readonly id: string;
  // ocf, systemd, lsb, service, stonith ...
  readonly cls: string;
  readonly provider: string;
  readonly type: string;
  readonly params: NvMap;
  readonly meta: NvMap;
  readonly ops: readonly Op[];
  // The group that holds it, if any.
  readonly group: string | undefined;
  // The clone (clone, master or bundle) that holds it or its group, if any.
  readonly clone: string | undefined;
}

export interface Group {
  readonly kind: 'group';
  readonly id: string;
  readonly members: readonly string[];
  readonly meta: NvMap;
  readonly clone: string | undefined;
}

export interface Clone {
  readonly kind: 'clone';
  readonly id: string;
  // clone, master (promotable of old) or bundle.
  readonly element: string;
  readonly promotable: boolean;
  readonly child: string | undefined;
  readonly meta: NvMap;
}

export type Resource = Primitive | Group | Clone;

export interface ResourceSet {
  readonly resources: readonly string[];
  // Members ordered (or colocated) one after the other; false: unordered inside.
  readonly sequential: boolean;
  // false: the next set needs only one member of this one.
  readonly requireAll: boolean;
  readonly action: string;
  readonly role: string | undefined;
}

export interface OrderConstraint {
  readonly id: string;
  // Each set's members start before every member of the next set.
  readonly sets: readonly ResourceSet[];
  readonly kind: 'Mandatory' | 'Optional' | 'Serialize';
  readonly symmetrical: boolean;
  // Written with resource sets (else first/then).
  readonly withSets: boolean;
}

export interface ColocationConstraint {
  readonly id: string;
  // Pairwise constraints become two sets: [with-rsc], [rsc].
  readonly sets: readonly ResourceSet[];
  // Infinity for INFINITY, -Infinity for -INFINITY.
  readonly score: number;
  readonly withSets: boolean;
}

export interface Cib {
  readonly resources: ReadonlyMap<string, Resource>;
  // Primitives in document order.
  readonly primitives: readonly Primitive[];
  readonly orders: readonly OrderConstraint[];
  readonly colocations: readonly ColocationConstraint[];
  readonly clusterProperties: NvMap;
  readonly opDefaults: NvMap;
  readonly rscDefaults: NvMap;
}

// Pacemaker's scores: INFINITY (+INFINITY) and -INFINITY, or an integer (clipped to ±1000000).
export function parseScore(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (/^\+?INFINITY$/i.test(t)) return Infinity;
  if (/^-INFINITY$/i.test(t)) return -Infinity;
  if (!/^[+-]?[0-9]+$/.test(t)) return undefined;
  const n = Number(t);
  if (n >= 1000000) return Infinity;
  if (n <= -1000000) return -Infinity;
  return n;
}

// Pacemaker's booleans (crm_is_true).
export function pcmkTrue(value: string | undefined): boolean {
  return value !== undefined && ['true', 'on', 'yes', 'y', '1'].includes(value.trim().toLowerCase());
}

// Pacemaker's intervals and timeouts in milliseconds: "60", "60s", "90000ms", "2m", "1min",
// "1h", and ISO 8601 durations (PT1M30S). undefined when it is not one.
export function parseDurationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  const m = /^([0-9]+)\s*(ms|msec|us|usec|s|sec|m|min|h|hr)?$/i.exec(t);
  if (m !== null) {
    const n = Number(m[1]);
    const unit = (m[2] ?? 's').toLowerCase();
    const factor: Record<string, number> = { ms: 1, msec: 1, us: 0.001, usec: 0.001, s: 1000, sec: 1000, m: 60000, min: 60000, h: 3600000, hr: 3600000 };
    return n * (factor[unit] ?? 1000);
  }
  const iso = /^P(?:([0-9]+)D)?(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)S)?)?$/i.exec(t);
  if (iso !== null && t.length > 1 && !t.toUpperCase().endsWith('T')) {
    const [d, h, mi, s] = [iso[1], iso[2], iso[3], iso[4]].map((x) => Number(x ?? 0)) as [number, number, number, number];
    return (((d * 24 + h) * 60 + mi) * 60 + s) * 1000;
  }
  return undefined;
}

// The primitives a resource id stands for: itself, a group's members, a clone's child's.
export function primitivesOf(cib: Cib, id: string): Primitive[] {
  const r = cib.resources.get(id);
  if (r === undefined) return [];
  if (r.kind === 'primitive') return [r];
  if (r.kind === 'group') return r.members.flatMap((m) => primitivesOf(cib, m));
  return r.child === undefined ? [] : primitivesOf(cib, r.child);
}

// The outermost resource a primitive belongs to (its clone, else its group, else itself):
// the id constraints and commands name.
export function topOf(cib: Cib, p: Primitive): string {
  return p.clone ?? p.group ?? p.id;
}
