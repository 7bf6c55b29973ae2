// The CIB model and what its constraints guarantee (lib/tools/cib): scores, durations, groups,
// pairwise constraints and resource sets, on small hand-written CIBs.
import { describe, expect, it } from 'vitest';
import { parseCib } from '../../../lib/tools/cib/parse.ts';
import { parseDurationMs, parseScore, pcmkTrue } from '../../../lib/tools/cib/model.ts';
import { Relations } from '../../../lib/tools/cib/graph.ts';
import { discover } from '../../../lib/tools/cib/stacks.ts';
import { CliError } from '../../../lib/tools/cli.ts';

const prim = (id: string, type = 'Dummy', provider = 'heartbeat', params: Record<string, string> = {}): string =>
  `<primitive id="${id}" class="ocf" provider="${provider}" type="${type}"><instance_attributes id="${id}-ia">${
    Object.entries(params).map(([k, v]) => `<nvpair id="${id}-${k}" name="${k}" value="${v}"/>`).join('')}</instance_attributes></primitive>`;

function cib(resources: string, constraints = ''): string {
  return `<cib><configuration><crm_config/><nodes/><resources>${resources}</resources><constraints>${constraints}</constraints></configuration><status/></cib>`;
}

function rel(resources: string, constraints = ''): Relations {
  return new Relations(parseCib(cib(resources, constraints), 'test'));
}

const set = (ids: string[], attrs = ''): string => `<resource_set id="s-${ids.join('-')}" ${attrs}>${ids.map((i) => `<resource_ref id="${i}"/>`).join('')}</resource_set>`;

describe('scores, durations, booleans', () => {
  it('reads Pacemaker scores', () => {
    expect(parseScore('INFINITY')).toBe(Infinity);
    expect(parseScore('+INFINITY')).toBe(Infinity);
    expect(parseScore('-INFINITY')).toBe(-Infinity);
    expect(parseScore('1000000')).toBe(Infinity);
    expect(parseScore('0')).toBe(0);
    expect(parseScore('-50')).toBe(-50);
    expect(parseScore('lots')).toBeUndefined();
  });
  it('reads Pacemaker durations', () => {
    expect(parseDurationMs('60')).toBe(60000);
    expect(parseDurationMs('60s')).toBe(60000);
    expect(parseDurationMs('90000ms')).toBe(90000);
    expect(parseDurationMs('2m')).toBe(120000);
    expect(parseDurationMs('1min')).toBe(60000);
    expect(parseDurationMs('1h')).toBe(3600000);
    expect(parseDurationMs('PT1M30S')).toBe(90000);
    expect(parseDurationMs('P')).toBeUndefined();
    expect(parseDurationMs('soon')).toBeUndefined();
  });
  it('reads Pacemaker booleans', () => {
    expect(['true', 'On', 'YES', 'y', '1'].every(pcmkTrue)).toBe(true);
    expect(['false', 'no', '0', '', 'ja'].some(pcmkTrue)).toBe(false);
  });
});

describe('parseCib', () => {
  it('rejects what is not XML or not a CIB with one clear message', () => {
    expect(() => parseCib('<cib><configuration>', 'x.xml')).toThrow(CliError);
    expect(() => parseCib('<cib><configuration>', 'x.xml')).toThrow(/^x.xml is not XML: /);
    expect(() => parseCib('<html/>', 'x.xml')).toThrow('x.xml is not a CIB: the root element is <html>, not <cib>');
    expect(() => parseCib('<cib/>', 'x.xml')).toThrow('x.xml is not a CIB: <cib> has no <configuration>');
    expect(() => parseCib('<cib><configuration/></cib>', 'x.xml')).toThrow('x.xml is not a CIB: <configuration> has no <resources>');
  });
  it('accepts a bare <configuration> (cibadmin --query --scope configuration)', () => {
    const c = parseCib(`<configuration><resources>${prim('a')}</resources></configuration>`, 'x');
    expect(c.primitives.map((p) => p.id)).toEqual(['a']);
  });
  it('resolves templates, groups and clones', () => {
    const c = parseCib(cib(`<template id="t" class="ocf" provider="heartbeat" type="exportfs"><instance_attributes id="t-ia"><nvpair id="t-o" name="options" value="rw"/><nvpair id="t-f" name="fsid" value="9"/></instance_attributes></template>
      <primitive id="e" template="t"><instance_attributes id="e-ia"><nvpair id="e-f" name="fsid" value="3"/></instance_attributes></primitive>
      <group id="g">${prim('g1')}${prim('g2')}</group><clone id="c"><group id="cg">${prim('c1')}</group></clone><master id="m">${prim('m1')}</master>`), 'x');
    const e = c.primitives.find((p) => p.id === 'e');
    expect(e?.type).toBe('exportfs');
    expect(e?.params.get('fsid')).toBe('3');
    expect(e?.params.get('options')).toBe('rw');
    expect(c.primitives.find((p) => p.id === 'g2')?.group).toBe('g');
    expect(c.primitives.find((p) => p.id === 'c1')).toMatchObject({ group: 'cg', clone: 'c' });
    expect(c.resources.get('m')).toMatchObject({ kind: 'clone', promotable: true });
  });
  it('reads order kinds: kind wins, score 0 is Optional, symmetrical defaults to Mandatory only', () => {
    const c = parseCib(cib(prim('a') + prim('b'), `
      <rsc_order id="o1" first="a" then="b"/>
      <rsc_order id="o2" first="a" then="b" score="0"/>
      <rsc_order id="o3" first="a" then="b" kind="Optional"/>
      <rsc_order id="o4" first="a" then="b" kind="Mandatory" symmetrical="false"/>
      <rsc_order id="o5" first="a" then="b" kind="Serialize"/>`), 'x');
    expect(c.orders.map((o) => [o.kind, o.symmetrical])).toEqual([['Mandatory', true], ['Optional', false], ['Optional', false], ['Mandatory', false], ['Serialize', false]]);
  });
});

describe('Relations', () => {
  const abc = prim('a') + prim('b') + prim('c');
  it('a group orders its members (stop in reverse) and keeps them together', () => {
    const r = rel(`<group id="g">${abc}</group>`);
    expect(r.startsBefore('a', 'c')).toBe(true);
    expect(r.startsBefore('c', 'a')).toBe(false);
    expect(r.stopsBefore('c', 'a')).toBe(true);
    expect(r.together('a', 'c')).toBe(true);
  });
  it('a group with ordered=false or collocated=false does not', () => {
    const r = rel(`<group id="g"><meta_attributes id="g-m"><nvpair id="g-o" name="ordered" value="false"/><nvpair id="g-c" name="collocated" value="false"/></meta_attributes>${abc}</group>`);
    expect(r.startsBefore('a', 'b')).toBe(false);
    expect(r.together('a', 'b')).toBe(false);
  });
  it('Mandatory orders chain; Optional, score 0 and then-action promote do not order starts', () => {
    expect(rel(abc, '<rsc_order id="o1" first="a" then="b"/><rsc_order id="o2" first="b" then="c"/>').startsBefore('a', 'c')).toBe(true);
    expect(rel(abc, '<rsc_order id="o1" first="a" then="b" kind="Optional"/>').startsBefore('a', 'b')).toBe(false);
    expect(rel(abc, '<rsc_order id="o1" first="a" then="b" score="0"/>').startsBefore('a', 'b')).toBe(false);
    expect(rel(abc, '<rsc_order id="o1" first="a" then="b" then-action="promote"/>').startsBefore('a', 'b')).toBe(false);
  });
  it('only a symmetrical order stops in reverse; an explicit stop order counts too', () => {
    expect(rel(abc, '<rsc_order id="o1" first="a" then="b"/>').stopsBefore('b', 'a')).toBe(true);
    expect(rel(abc, '<rsc_order id="o1" first="a" then="b" symmetrical="false"/>').stopsBefore('b', 'a')).toBe(false);
    expect(rel(abc, '<rsc_order id="o1" first="a" then="b" symmetrical="false"/><rsc_order id="o2" first="b" first-action="stop" then="a" then-action="stop" symmetrical="false"/>').stopsBefore('b', 'a')).toBe(true);
  });
  it('constraints on a group stand for its members', () => {
    const r = rel(`<group id="g">${prim('a')}${prim('b')}</group>${prim('c')}`, '<rsc_order id="o" first="g" then="c"/><rsc_colocation id="k" rsc="c" with-rsc="g" score="INFINITY"/>');
    expect(r.startsBefore('a', 'c') && r.startsBefore('b', 'c')).toBe(true);
    expect(r.together('c', 'a')).toBe(true);
  });
  it('ordered sets: sequential inside, unordered with sequential=false, nothing guaranteed by require-all=false', () => {
    const seq = rel(abc + prim('d'), `<rsc_order id="o">${set(['a', 'b'])}${set(['c', 'd'])}</rsc_order>`);
    expect(seq.startsBefore('a', 'b')).toBe(true);
    expect(seq.startsBefore('a', 'd')).toBe(true);
    const par = rel(abc + prim('d'), `<rsc_order id="o">${set(['a', 'b'], 'sequential="false"')}${set(['c', 'd'], 'sequential="false"')}</rsc_order>`);
    expect(par.startsBefore('a', 'b')).toBe(false);
    expect(par.startsBefore('b', 'c') && par.startsBefore('a', 'd')).toBe(true);
    expect(par.startsBefore('c', 'd')).toBe(false);
    const any = rel(abc, `<rsc_order id="o">${set(['a', 'b'], 'sequential="false" require-all="false"')}${set(['c'])}</rsc_order>`);
    expect(any.startsBefore('a', 'c')).toBe(false);
    const optional = rel(abc, `<rsc_order id="o" kind="Optional">${set(['a', 'b', 'c'])}</rsc_order>`);
    expect(optional.startsBefore('a', 'b')).toBe(false);
  });
  it('colocation: only INFINITY keeps resources together; -INFINITY keeps them apart', () => {
    expect(rel(abc, '<rsc_colocation id="k" rsc="a" with-rsc="b" score="INFINITY"/>').together('b', 'a')).toBe(true);
    expect(rel(abc, '<rsc_colocation id="k" rsc="a" with-rsc="b" score="1000"/>').together('a', 'b')).toBe(false);
    expect(rel(abc, `<rsc_colocation id="k" score="INFINITY">${set(['a', 'b', 'c'])}</rsc_colocation>`).together('a', 'c')).toBe(true);
    expect(rel(abc, `<rsc_colocation id="k" score="INFINITY">${set(['a', 'b'], 'sequential="false"')}${set(['c'])}</rsc_colocation>`).together('a', 'b')).toBe(true);
    expect(rel(abc, `<rsc_colocation id="k" score="INFINITY">${set(['a', 'b'], 'sequential="false"')}</rsc_colocation>`).together('a', 'b')).toBe(false);
    const apart = rel(`<group id="g1">${prim('a')}${prim('b')}</group>${prim('c')}`, '<rsc_colocation id="k" rsc="c" with-rsc="g1" score="-INFINITY"/>');
    expect(apart.apart('b', 'c')).toBe(true);
    expect(apart.together('b', 'c')).toBe(false);
  });
});

describe('discover', () => {
  it('finds the members tied to nfsserver, however tied, and nothing beyond another server', () => {
    const c = parseCib(cib(
      `<group id="g">${prim('fs', 'Filesystem')}${prim('srv', 'nfsserver', 'nfsha')}</group>${prim('e', 'exportfs')}${prim('ip', 'IPaddr2')}${prim('other', 'Dummy')}${prim('srv2', 'nfsserver')}${prim('e2', 'exportfs')}`,
      '<rsc_order id="o1" first="srv" then="e" kind="Optional"/><rsc_colocation id="k" rsc="ip" with-rsc="e" score="100"/><rsc_order id="o2" first="srv2" then="e2"/><rsc_colocation id="k2" rsc="srv2" with-rsc="srv" score="-INFINITY"/>',
    ), 'x');
    const d = discover(c);
    expect(d.stacks.map((s) => [s.server.id, s.group, [...s.filesystems, ...s.exports, ...s.ips].map((p) => p.id)])).toEqual([
      ['srv', 'g', ['fs', 'e', 'ip']],
      ['srv2', undefined, ['e2']],
    ]);
  });
});
