// What the constraints of a CIB guarantee between primitives: which starts before which (and
// stops after), which must run on the same node, which must not. Groups count as what they are
// (ordered, colocated members), constraints on a group or clone as constraints on its members.

import { primitivesOf, type Cib, type ResourceSet } from './model.ts';

type Edges = Map<string, Set<string>>;

function addEdge(edges: Edges, from: string, to: string): void {
  if (from === to) return;
  let s = edges.get(from);
  if (s === undefined) edges.set(from, s = new Set());
  s.add(to);
}

function reaches(edges: Edges, from: string, to: string): boolean {
  const seen = new Set([from]);
  const todo = [from];
  for (let x = todo.pop(); x !== undefined; x = todo.pop()) {
    for (const y of edges.get(x) ?? []) {
      if (y === to) return true;
      if (!seen.has(y)) { seen.add(y); todo.push(y); }
    }
  }
  return false;
}

class UnionFind {
  readonly #parent = new Map<string, string>();
  find(x: string): string {
    let p = this.#parent.get(x) ?? x;
    if (p !== x) { p = this.find(p); this.#parent.set(x, p); }
    return p;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.#parent.set(ra, rb);
  }
}

const FALSE_WORDS = ['false', 'no', 'off', '0', 'n'];

// [a, b], [b, c], ... of [a, b, c, ...].
function consecutive<T>(xs: readonly T[]): [T, T][] {
  const out: [T, T][] = [];
  xs.forEach((x, i) => { if (i > 0) out.push([xs[i - 1] as T, x]); });
  return out;
}

export class Relations {
  // start a → start b (a's start completes before b's starts), and the same for stop.
  readonly #start: Edges = new Map();
  readonly #stop: Edges = new Map();
  readonly #together = new UnionFind();
  // Pairs of colocation components that must not share a node (-INFINITY).
  readonly #apart: (readonly [string, string])[] = [];
  // Any tie at all (group, order of any kind, positive colocation), for finding a stack's members.
  readonly ties: Edges = new Map();

  readonly cib: Cib;

  constructor(cib: Cib) {
    this.cib = cib;
    for (const r of cib.resources.values()) {
      if (r.kind !== 'group') continue;
      const members = r.members.flatMap((m) => primitivesOf(cib, m)).map((p) => p.id);
      const ordered = !FALSE_WORDS.includes((r.meta.get('ordered') ?? '').toLowerCase());
      const collocated = !FALSE_WORDS.includes((r.meta.get('collocated') ?? '').toLowerCase());
      for (const [a, b] of consecutive(members)) {
        if (ordered) { addEdge(this.#start, a, b); addEdge(this.#stop, b, a); }
        if (collocated) this.#together.union(a, b);
      }
      for (const a of members) for (const b of members) addEdge(this.ties, a, b);
    }
    for (const o of cib.orders) this.#order(o.sets, o.kind === 'Mandatory', o.symmetrical);
    for (const c of cib.colocations) this.#colocation(c.sets, c.score);
  }

  #ids(set: ResourceSet): string[] {
    return set.resources.flatMap((r) => primitivesOf(this.cib, r)).map((p) => p.id);
  }

  #tie(a: string, b: string): void {
    addEdge(this.ties, a, b);
    addEdge(this.ties, b, a);
  }

  #orderPair(a: string, b: string, aAction: string, bAction: string, mandatory: boolean, symmetrical: boolean): void {
    this.#tie(a, b);
    if (!mandatory) return;
    const startLike = (x: string): boolean => x === 'start' || x === 'promote';
    if (startLike(aAction) && bAction === 'start') {
      addEdge(this.#start, a, b);
      if (symmetrical) addEdge(this.#stop, b, a);
    } else if ((aAction === 'stop' || aAction === 'demote') && bAction === 'stop') {
      addEdge(this.#stop, a, b);
    }
  }

  #order(sets: readonly ResourceSet[], mandatory: boolean, symmetrical: boolean): void {
    const ids = sets.map((s) => this.#ids(s));
    consecutive(sets.map((s, i) => ({ s, members: ids[i] ?? [] }))).forEach(([cur, next]) => {
      // require-all="false": the next set waits for any one member only, which orders none of them
      // (one member alone is all of the set).
      const guaranteed = mandatory && (cur.s.requireAll || cur.members.length <= 1);
      // A sequential set is done when its last member is; an unordered one when all are.
      const from = cur.s.sequential ? cur.members.slice(-1) : cur.members;
      const to = next.s.sequential ? next.members.slice(0, 1) : next.members;
      for (const a of from) for (const b of to) this.#orderPair(a, b, cur.s.action, next.s.action, guaranteed, symmetrical);
      for (const a of cur.members) for (const b of next.members) this.#tie(a, b);
    });
    sets.forEach((s, i) => {
      if (s.sequential) for (const [a, b] of consecutive(ids[i] ?? [])) this.#orderPair(a, b, s.action, s.action, mandatory, symmetrical);
    });
  }

  #colocation(sets: readonly ResourceSet[], score: number): void {
    const ids = sets.map((s) => this.#ids(s));
    if (score === -Infinity) {
      // Pairwise: rsc never with with-rsc. Sets: members of different sets never together (and
      // members of a non-sequential set among themselves).
      ids.forEach((group, i) => {
        for (const other of ids.slice(i + 1)) for (const a of group) for (const b of other) this.#apart.push([a, b]);
        if (sets[i]?.sequential === false) for (const a of group) for (const b of group) if (a < b) this.#apart.push([a, b]);
      });
      return;
    }
    if (score <= 0) return;
    const all = ids.flat();
    for (const a of all) for (const b of all) if (a !== b) this.#tie(a, b);
    if (score !== Infinity) return;
    sets.forEach((s, i) => {
      if (s.sequential) for (const [a, b] of consecutive(ids[i] ?? [])) this.#together.union(a, b);
    });
    for (const [cur, next] of consecutive(ids)) for (const a of cur) for (const b of next) this.#together.union(a, b);
  }

  // a is started before b starts.
  startsBefore(a: string, b: string): boolean {
    return reaches(this.#start, a, b);
  }

  // a is stopped before b stops.
  stopsBefore(a: string, b: string): boolean {
    return reaches(this.#stop, a, b);
  }

  // a and b always run on the same node (an INFINITY colocation chain, in either direction).
  together(a: string, b: string): boolean {
    return this.#together.find(a) === this.#together.find(b);
  }

  // a and b can never run on the same node (a -INFINITY colocation between what runs with them).
  apart(a: string, b: string): boolean {
    const [ra, rb] = [this.#together.find(a), this.#together.find(b)];
    return this.#apart.some(([x, y]) => {
      const [rx, ry] = [this.#together.find(x), this.#together.find(y)];
      return (rx === ra && ry === rb) || (rx === rb && ry === ra);
    });
  }
}
