// nfsha check's rules on small hand-written CIBs, for what pcs cannot make conveniently:
// fsid spellings, path components, non-block filesystems, IPv6 spellings, crmsh-style sets.
import { describe, expect, it } from 'vitest';
import { parseCib } from '../../../lib/tools/cib/parse.ts';
import { checkCib } from '../../../lib/tools/check/index.ts';
import type { Finding } from '../../../lib/tools/check/findings.ts';

const prim = (id: string, type: string, params: Record<string, string> = {}, provider = 'heartbeat'): string =>
  `<primitive id="${id}" class="ocf" provider="${provider}" type="${type}"><instance_attributes id="${id}-ia">${
    Object.entries(params).map(([k, v]) => `<nvpair id="${id}-${k}" name="${k}" value="${v}"/>`).join('')}</instance_attributes></primitive>`;

// A correct seed-like group; `extra` replaces or adds members (by id, in order).
function group(members: string[]): string {
  return `<cib><configuration><crm_config/><resources><group id="g">${members.join('')}</group></resources><constraints/></configuration></cib>`;
}

const FS = (id: string, dir: string, extra: Record<string, string> = {}): string => prim(id, 'Filesystem', { device: `/dev/${id}`, directory: dir, fstype: 'xfs', ...extra });
const SERVER = prim('srv', 'nfsserver', { nfs_shared_infodir: '/mnt/info', nfs_no_notify: 'true', nfs_server_scope: 's' });
const EXP = (id: string, dir: string, fsid: string | undefined): string => prim(id, 'exportfs', { directory: dir, clientspec: '*', ...(fsid === undefined ? {} : { fsid }) });
const VIP = prim('vip', 'IPaddr2', { ip: '2001:db8::10' });
const NOTIFY = (src: string): string => prim('ntf', 'nfsnotify', { source_host: src });

function errors(xml: string): Finding[] {
  return checkCib(parseCib(xml, 'test')).findings.filter((f) => f.severity === 'error');
}

function stack(exports: string[], opts: { fs?: string[]; notify?: string } = {}): string {
  return group([FS('fsinfo', '/mnt/info'), ...(opts.fs ?? [FS('fsa', '/mnt/a')]), SERVER, ...exports, VIP, NOTIFY(opts.notify ?? '2001:db8::10')]);
}

describe('nfsha check: edge cases', () => {
  it('a correct stack with an IPv6 floating IP has no error', () => {
    expect(errors(stack([EXP('e', '/mnt/a', '1')]))).toEqual([]);
  });
  it('notify-source compares IPv6 addresses, not spellings', () => {
    expect(errors(stack([EXP('e', '/mnt/a', '1')], { notify: '2001:0db8:0:0::10' }))).toEqual([]);
    expect(errors(stack([EXP('e', '/mnt/a', '1')], { notify: '2001:db8::11' })).map((f) => f.rule)).toEqual(['notify-source']);
  });
  it('fsid-unique: "root" is 0, "01" is 1, UUIDs ignore case and dashes; the fix gives a free number', () => {
    const root = errors(stack([EXP('e0', '/mnt/a', 'root'), EXP('e1', '/mnt/a/sub', '0')]));
    expect(root.map((f) => [f.rule, f.resources])).toEqual([['fsid-unique', ['e0', 'e1']]]);
    expect(root[0]?.fix).toBe('pcs resource update e1 fsid=1');
    expect(errors(stack([EXP('e1', '/mnt/a', '01'), EXP('e2', '/mnt/a/x', '1')])).map((f) => f.rule)).toEqual(['fsid-unique']);
    expect(errors(stack([EXP('e1', '/mnt/a', 'ABCDEF01-2345-6789-abcd-ef0123456789'), EXP('e2', '/mnt/a/x', 'abcdef0123456789ABCDEF0123456789')])).map((f) => f.rule)).toEqual(['fsid-unique']);
    expect(errors(stack([EXP('e1', '/mnt/a', '1'), EXP('e2', '/mnt/a/x', '2')]))).toEqual([]);
  });
  it('fsid-unique gives the pseudo-root fsid 0 where that is free (the seed\'s example)', () => {
    const f = errors(group([FS('fsinfo', '/mnt/info'), FS('fs1', '/mnt/exports/export1'), SERVER, EXP('export-root', '/mnt/exports', '1'), EXP('export1', '/mnt/exports/export1', '1'), VIP, NOTIFY('2001:db8::10')]));
    expect(f.map((x) => [x.rule, x.fix])).toEqual([['fsid-unique', 'pcs resource update export-root fsid=0']]);
  });
  it('paths compare by components: /mnt/a2 is not on /mnt/a; /mnt/a/ and /mnt//a are /mnt/a', () => {
    expect(errors(stack([EXP('e', '/mnt/a2', '1')])).map((f) => f.rule)).toEqual(['export-on-stack-fs']);
    expect(errors(stack([EXP('e', '/mnt//a/', '1')]))).toEqual([]);
    expect(errors(group([FS('fsinfo', '/mnt/info2'), FS('fsa', '/mnt/a'), SERVER, EXP('e', '/mnt/a', '1'), VIP, NOTIFY('2001:db8::10')])).map((f) => f.rule)).toEqual(['infodir-on-stack-fs']);
  });
  it('fsid-missing is an error off block devices (bind mount, tmpfs, NFS), a warning on one', () => {
    const rule = (fs: string): Finding[] => checkCib(parseCib(stack([EXP('e', '/mnt/a', undefined)], { fs: [fs] }), 't')).findings.filter((f) => f.rule === 'fsid-missing');
    expect(rule(FS('fsa', '/mnt/a')).map((f) => f.severity)).toEqual(['warning']);
    expect(rule(FS('fsa', '/mnt/a', { device: 'UUID=1234', fstype: 'ext4' })).map((f) => f.severity)).toEqual(['warning']);
    expect(rule(FS('fsa', '/mnt/a', { device: '/srv/x', fstype: 'none', options: 'bind' })).map((f) => f.severity)).toEqual(['error']);
    expect(rule(FS('fsa', '/mnt/a', { device: 'tmpfs', fstype: 'tmpfs' })).map((f) => f.severity)).toEqual(['error']);
    expect(rule(FS('fsa', '/mnt/a', { device: 'filer:/vol', fstype: 'nfs4' })).map((f) => f.severity)).toEqual(['error']);
  });
  it('an export on nested filesystems needs both before the server; the inner one decides fsid-missing', () => {
    const xml = group([FS('fsinfo', '/mnt/info'), FS('outer', '/mnt/a'), SERVER, FS('inner', '/mnt/a/b', { device: 'tmpfs', fstype: 'tmpfs' }), EXP('e', '/mnt/a/b/c', undefined), VIP, NOTIFY('2001:db8::10')]);
    const f = errors(xml);
    expect(f.map((x) => [x.rule, x.resources])).toEqual([['order-fs-before-server', ['inner', 'srv']], ['fsid-missing', ['e']]]);
    expect(f[0]?.fix).toBe('pcs resource group add g inner --before srv');
  });
  it('a crmsh-style set order with an Optional score does not order anything', () => {
    const xml = `<cib><configuration><crm_config/><resources>${FS('fsinfo', '/mnt/info')}${SERVER}${EXP('e', '/mnt/info/x', '1')}</resources><constraints>
      <rsc_order id="o" score="0"><resource_set id="s1"><resource_ref id="fsinfo"/><resource_ref id="srv"/><resource_ref id="e"/></resource_set></rsc_order>
      <rsc_colocation id="c" score="INFINITY"><resource_set id="s2"><resource_ref id="e"/><resource_ref id="srv"/><resource_ref id="fsinfo"/></resource_set></rsc_colocation></constraints></configuration></cib>`;
    expect(errors(xml).map((f) => f.rule)).toEqual(['order-fs-before-server', 'order-server-before-exports', 'infodir-on-stack-fs']);
  });
  it('one-server-per-node: -INFINITY between the groups keeps them apart, a finite score does not', () => {
    const two = (score: string): string => `<cib><configuration><crm_config/><resources>
      <group id="g1">${FS('i1', '/m/i1')}${prim('s1', 'nfsserver', { nfs_shared_infodir: '/m/i1', nfs_no_notify: 'true' })}</group>
      <group id="g2">${FS('i2', '/m/i2')}${prim('s2', 'nfsserver', { nfs_shared_infodir: '/m/i2', nfs_no_notify: 'true' })}</group>
      </resources><constraints><rsc_colocation id="c" rsc="g2" with-rsc="g1" score="${score}"/></constraints></configuration></cib>`;
    expect(errors(two('-INFINITY'))).toEqual([]);
    const f = errors(two('-1000'));
    expect(f.map((x) => [x.rule, x.fix])).toEqual([['one-server-per-node', 'pcs constraint colocation add g2 with g1 -INFINITY']]);
  });
});
