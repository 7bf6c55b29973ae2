// Parses CIB XML (what `cibadmin --query` and `pcs cluster cib` print, or a bare
// <configuration>) into the model of model.ts, with @xmldom/xmldom.

import { DOMParser, type Element } from '@xmldom/xmldom';
import { CliError } from '../cli.ts';
import { parseScore, pcmkTrue, type Cib, type Clone, type ColocationConstraint, type Group, type Op, type OrderConstraint, type Primitive, type Resource, type ResourceSet } from './model.ts';

function children(el: Element, tag?: string): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === n.ELEMENT_NODE && (tag === undefined || (n as Element).tagName === tag)) out.push(n as Element);
  }
  return out;
}

function child(el: Element | undefined, tag: string): Element | undefined {
  return el === undefined ? undefined : children(el, tag)[0];
}

function attr(el: Element, name: string): string | undefined {
  return el.hasAttribute(name) ? el.getAttribute(name) ?? undefined : undefined;
}

// The name/value pairs of every <tag> set under el (first occurrence of a name wins, as
// Pacemaker does for sets without rules, which are taken in document order).
function nvpairs(el: Element | undefined, tag: string): Map<string, string> {
  const out = new Map<string, string>();
  if (el === undefined) return out;
  for (const set of children(el, tag)) {
    for (const nv of children(set, 'nvpair')) {
      const name = attr(nv, 'name');
      const value = attr(nv, 'value');
      if (name !== undefined && value !== undefined && !out.has(name)) out.set(name, value);
    }
  }
  return out;
}

function mergeMaps(base: ReadonlyMap<string, string> | undefined, own: Map<string, string>): Map<string, string> {
  const out = new Map(base ?? []);
  for (const [k, v] of own) out.set(k, v);
  return out;
}

function ops(el: Element | undefined): Op[] {
  if (el === undefined) return [];
  return children(el, 'op').map((op) => ({
    id: attr(op, 'id') ?? '',
    name: attr(op, 'name') ?? '',
    interval: attr(op, 'interval') ?? '0',
    timeout: attr(op, 'timeout') ?? nvpairs(op, 'meta_attributes').get('timeout'),
    role: attr(op, 'role'),
    enabled: attr(op, 'enabled')?.toLowerCase() !== 'false',
  }));
}

interface Template { cls: string; provider: string; type: string; params: Map<string, string>; meta: Map<string, string>; ops: Op[] }

class Builder {
  readonly resources = new Map<string, Resource>();
  readonly primitives: Primitive[] = [];
  readonly templates = new Map<string, Template>();

  primitive(el: Element, group: string | undefined, clone: string | undefined): void {
    const id = attr(el, 'id') ?? '';
    const tpl = this.templates.get(attr(el, 'template') ?? '');
    const p: Primitive = {
      kind: 'primitive',
      id,
      cls: attr(el, 'class') ?? tpl?.cls ?? '',
      provider: attr(el, 'provider') ?? tpl?.provider ?? '',
      type: attr(el, 'type') ?? tpl?.type ?? '',
      params: mergeMaps(tpl?.params, nvpairs(el, 'instance_attributes')),
      meta: mergeMaps(tpl?.meta, nvpairs(el, 'meta_attributes')),
      ops: [...ops(child(el, 'operations')), ...(tpl?.ops ?? [])],
      group,
      clone,
    };
    this.resources.set(id, p);
    this.primitives.push(p);
  }

  group(el: Element, clone: string | undefined): void {
    const id = attr(el, 'id') ?? '';
    const members: string[] = [];
    for (const p of children(el, 'primitive')) {
      this.primitive(p, id, clone);
      members.push(attr(p, 'id') ?? '');
    }
    const g: Group = { kind: 'group', id, members, meta: nvpairs(el, 'meta_attributes'), clone };
    this.resources.set(id, g);
  }

  clone(el: Element): void {
    const id = attr(el, 'id') ?? '';
    const meta = nvpairs(el, 'meta_attributes');
    let childId: string | undefined;
    for (const c of children(el)) {
      if (c.tagName === 'primitive') {
        this.primitive(c, undefined, id);
        childId = attr(c, 'id');
      } else if (c.tagName === 'group') {
        this.group(c, id);
        childId = attr(c, 'id');
      }
    }
    const promotable = el.tagName === 'master' || pcmkTrue(meta.get('promotable'));
    const c: Clone = { kind: 'clone', id, element: el.tagName, promotable, child: childId, meta };
    this.resources.set(id, c);
  }
}

function resourceSets(el: Element): ResourceSet[] {
  return children(el, 'resource_set').map((s) => ({
    resources: children(s, 'resource_ref').map((r) => attr(r, 'id') ?? ''),
    sequential: attr(s, 'sequential')?.toLowerCase() !== 'false',
    requireAll: attr(s, 'require-all')?.toLowerCase() !== 'false',
    action: attr(s, 'action') ?? 'start',
    role: attr(s, 'role'),
  }));
}

function orderConstraint(el: Element): OrderConstraint {
  const score = parseScore(attr(el, 'score'));
  const kindAttr = attr(el, 'kind');
  // kind wins; without it, the deprecated score: 0 means Optional, anything else Mandatory.
  const kind = kindAttr === 'Optional' || kindAttr === 'Serialize' || kindAttr === 'Mandatory' ? kindAttr : score === 0 ? 'Optional' : 'Mandatory';
  const symAttr = attr(el, 'symmetrical');
  const symmetrical = symAttr === undefined ? kind === 'Mandatory' : pcmkTrue(symAttr);
  const first = attr(el, 'first');
  const then = attr(el, 'then');
  const sets = first !== undefined && then !== undefined
    ? [
        { resources: [first], sequential: true, requireAll: true, action: attr(el, 'first-action') ?? 'start', role: undefined },
        { resources: [then], sequential: true, requireAll: true, action: attr(el, 'then-action') ?? 'start', role: undefined },
      ]
    : resourceSets(el);
  return { id: attr(el, 'id') ?? '', sets, kind, symmetrical, withSets: first === undefined };
}

function colocationConstraint(el: Element): ColocationConstraint {
  const rsc = attr(el, 'rsc');
  const withRsc = attr(el, 'with-rsc');
  const sets = rsc !== undefined && withRsc !== undefined
    ? [
        { resources: [withRsc], sequential: true, requireAll: true, action: 'start', role: attr(el, 'with-rsc-role') },
        { resources: [rsc], sequential: true, requireAll: true, action: 'start', role: attr(el, 'rsc-role') },
      ]
    : resourceSets(el);
  return { id: attr(el, 'id') ?? '', sets, score: parseScore(attr(el, 'score')) ?? 0, withSets: rsc === undefined };
}

export function parseCib(xml: string, source: string): Cib {
  let root: Element | null;
  try {
    const doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(xml, 'text/xml');
    root = doc.documentElement;
  } catch (e) {
    // xmldom wraps the parser's message: 'Reporting fatalError "<message>" caused Error: <message>'.
    const full = e instanceof Error ? e.message : String(e);
    const msg = (/caused Error: (.*)/.exec(full)?.[1] ?? full.split('\n')[0] ?? '').trim();
    throw new CliError(`${source} is not XML: ${msg}`);
  }
  if (root === null) throw new CliError(`${source} is not XML: no root element`);
  const configuration = root.tagName === 'configuration' ? root : root.tagName === 'cib' ? child(root, 'configuration') : undefined;
  if (configuration === undefined) {
    throw new CliError(root.tagName === 'cib' ? `${source} is not a CIB: <cib> has no <configuration>` : `${source} is not a CIB: the root element is <${root.tagName}>, not <cib>`);
  }
  const resourcesEl = child(configuration, 'resources');
  if (resourcesEl === undefined) throw new CliError(`${source} is not a CIB: <configuration> has no <resources>`);

  const b = new Builder();
  for (const t of children(resourcesEl, 'template')) {
    b.templates.set(attr(t, 'id') ?? '', {
      cls: attr(t, 'class') ?? '', provider: attr(t, 'provider') ?? '', type: attr(t, 'type') ?? '',
      params: nvpairs(t, 'instance_attributes'), meta: nvpairs(t, 'meta_attributes'), ops: ops(child(t, 'operations')),
    });
  }
  for (const el of children(resourcesEl)) {
    if (el.tagName === 'primitive') b.primitive(el, undefined, undefined);
    else if (el.tagName === 'group') b.group(el, undefined);
    else if (el.tagName === 'clone' || el.tagName === 'master') b.clone(el);
    else if (el.tagName === 'bundle') {
      const id = attr(el, 'id') ?? '';
      const p = child(el, 'primitive');
      if (p !== undefined) b.primitive(p, undefined, id);
      b.resources.set(id, { kind: 'clone', id, element: 'bundle', promotable: false, child: p === undefined ? undefined : attr(p, 'id'), meta: nvpairs(el, 'meta_attributes') });
    }
  }
  const constraints = child(configuration, 'constraints');
  const orders = constraints === undefined ? [] : children(constraints, 'rsc_order').map(orderConstraint);
  const colocations = constraints === undefined ? [] : children(constraints, 'rsc_colocation').map(colocationConstraint);
  return {
    resources: b.resources,
    primitives: b.primitives,
    orders,
    colocations,
    clusterProperties: nvpairs(child(configuration, 'crm_config'), 'cluster_property_set'),
    opDefaults: nvpairs(child(configuration, 'op_defaults'), 'meta_attributes'),
    rscDefaults: nvpairs(child(configuration, 'rsc_defaults'), 'meta_attributes'),
  };
}
