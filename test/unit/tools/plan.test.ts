import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPlan, PlanError, isWithin, type Plan } from '../../../lib/tools/plan/topology.ts';
import { renderCib, renderCrm, renderPcs, shellQuote } from '../../../lib/tools/plan/render.ts';
import { runToolWith } from '../../../lib/tools/main.ts';
import { ScriptedSystem } from '../../../lib/system/scripted.ts';
import { checkCib } from '../../../lib/tools/check/index.ts';
import { parseCib } from '../../../lib/tools/cib/parse.ts';

const SEED = readFileSync(join(import.meta.dirname, '../../../examples/seed.ini'), 'utf8');

const BASE = `
[group]
name = g
[filesystem fsA]
device = /dev/sdb1
directory = /srv/a
fstype = ext4
[filesystem info]
device = /dev/sdb2
directory = /srv/info
fstype = ext4
info = yes
[ip vip]
ip = 10.0.0.5
`;

// A filesystem mounted inside another, listed first.
const NESTED = `
[group]
name = g
[filesystem inner]
device = /dev/sdb2
directory = /srv/a/inner
fstype = ext4
[filesystem outer]
device = /dev/sdb1
directory = /srv/a
fstype = ext4
info = yes
[ip vip]
ip = 10.0.0.5
[export e]
directory = /srv/a/inner
clients = *
`;

// SUSE's layout: the NFS state on its own filesystem mounted on /var/lib/nfs.
const SUSE = `
[group]
name = g
provider = heartbeat
notify = no
[filesystem state]
device = /dev/drbd0
directory = /var/lib/nfs
fstype = xfs
[filesystem data]
device = /dev/drbd1
directory = /srv/data
fstype = xfs
[ip vip]
ip = 10.0.0.5
[export e]
directory = /srv/data
clients = *
`;

function plan(extra: string, base = BASE): Plan {
  return readPlan(`${base}\n${extra}`, 't.ini');
}

function params(p: Plan, id: string): Record<string, string> {
  const r = p.members.find((m) => m.id === id);
  if (r === undefined) throw new Error(`no ${id}`);
  return Object.fromEntries(r.params);
}

function planError(text: string): string {
  try {
    readPlan(text, 't.ini');
  } catch (e) {
    if (e instanceof PlanError) return e.message;
    throw e;
  }
  throw new Error('no PlanError');
}

describe('plan: the seed topology', () => {
  const p = readPlan(SEED, 'examples/seed.ini');

  it('orders the group as the seed does', () => {
    expect(p.group).toBe('nfsgroup');
    expect(p.members.map((m) => m.id)).toEqual(['fs1', 'fs2', 'fs3', 'nfsserver', 'export-root', 'export1', 'export2', 'vip1', 'nfsnotify']);
    expect(p.members.map((m) => `${m.provider ?? ''}:${m.type}`)).toEqual(['nfsha:Filesystem', 'nfsha:Filesystem', 'nfsha:Filesystem', 'nfsha:nfsserver', 'nfsha:exportfs', 'nfsha:exportfs', 'nfsha:exportfs', 'heartbeat:IPaddr2', 'nfsha:nfsnotify']);
  });

  it('gives the pseudo-root fsid 0 and the others 1, 2 (not the seed picture\'s duplicate 1)', () => {
    expect(['export-root', 'export1', 'export2'].map((id) => params(p, id).fsid)).toEqual(['0', '1', '2']);
  });

  it('sets the seed\'s rules on nfsserver and nfsnotify', () => {
    expect(params(p, 'nfsserver')).toEqual({ nfs_shared_infodir: '/mnt/nfsinfo', nfs_no_notify: 'true', nfs_server_scope: 'nfshost' });
    expect(params(p, 'nfsnotify')).toEqual({ source_host: '192.168.122.200' });
  });

  it('takes operation timeouts from the agents\' definitions', () => {
    const exp = p.members.find((m) => m.id === 'export1');
    expect(exp?.ops).toContainEqual({ name: 'stop', interval: '0s', timeout: '120s' });
    expect(p.members.find((m) => m.id === 'vip1')?.ops).toContainEqual({ name: 'monitor', interval: '10s', timeout: '20s' });
  });
});

describe('plan: choices where the file is silent', () => {
  it('keeps given fsids and numbers the rest around them', () => {
    const p = plan(`
[export e1]
directory = /srv/a/one
clients = *
fsid = 1
[export e2]
directory = /srv/a/two
clients = *
[export e3]
directory = /srv/a/three
clients = *
fsid = 3`);
    expect(['e1', 'e2', 'e3'].map((id) => params(p, id).fsid)).toEqual(['1', '2', '3']);
  });

  it('makes one exportfs per client, all with the directory\'s fsid', () => {
    const p = plan(`
[export data]
directory = /srv/a
clients = 10.0.0.0/24, host1.example.com`);
    expect(p.members.filter((m) => m.type === 'exportfs').map((m) => [m.id, params(p, m.id).clientspec, params(p, m.id).fsid])).toEqual([
      ['data-1', '10.0.0.0/24', '1'],
      ['data-2', 'host1.example.com', '1'],
    ]);
  });

  it('starts a filesystem mounted inside another after it', () => {
    const p = readPlan(NESTED, 't.ini');
    expect(p.members.filter((m) => m.type === 'Filesystem').map((m) => m.id)).toEqual(['outer', 'inner']);
  });

  it('uses the SUSE layout (a filesystem on /var/lib/nfs) without nfs_shared_infodir', () => {
    const p = readPlan(SUSE, 't.ini');
    expect(params(p, 'nfsserver')).toEqual({ nfs_server_scope: '10.0.0.5' });
    expect(p.members.map((m) => m.id)).not.toContain('nfsnotify');
    expect(p.members[0]?.provider).toBe('heartbeat');
  });

  it('takes fencing devices with their parameters', () => {
    const p = plan('[export e]\ndirectory = /srv/a\nclients = *\n[fencing sbd]\nagent = fence_sbd\ndevices = /dev/vdd');
    expect(p.fencing).toEqual([{ id: 'sbd', cls: 'stonith', type: 'fence_sbd', params: [['devices', '/dev/vdd']], ops: [{ name: 'monitor', interval: '60s', timeout: '20s' }] }]);
  });

  it('compares paths by components', () => {
    expect(isWithin('/mnt/nfsinfo2', '/mnt/nfsinfo')).toBe(false);
    expect(isWithin('/mnt/nfsinfo/x/', '/mnt//nfsinfo')).toBe(true);
  });
});

describe('plan: bad input is one line that names the place', () => {
  it.each([
    ['', '[group] is missing (name = the group name)'],
    ['[group]\nname = g\n[volume v]\n', '[volume v]: unknown section (one of: group, ip, filesystem, nfsserver, export, nfsnotify, fencing)'],
    ['[group]\nname = g\n[group]\nname = h\n', '[group] appears twice'],
    ['[group]\nname = g\n[export a.b]\n', "[export a.b]: a '.' in a section name is not supported (ini nests it)"],
    [`${BASE}[export e]\ndirectory = /srv/a\nclients = *\nfsid = 7\n[export f]\ndirectory = /srv/info/x\nclients = *\nfsid = 7\n`, '[export f] fsid: 7 is also the fsid of /srv/a: every exported directory needs its own'],
    [`${BASE}[export e]\ndirectory = /home\nclients = *\n`, '[export e] directory: /home is not on a filesystem of the group (only the NFSv4 pseudo-root, which holds the other exports, may be)'],
    [`${BASE}[export e]\ndirectory = /srv/a\nclients = *\nsquash = yes\n`, '[export e] squash: ocf:nfsha:exportfs has no such parameter'],
    [`${BASE}[export e]\ndirectory = /srv/a\n`, '[export e]: clients is required (who may mount it, e.g. 192.168.122.0/24)'],
    [`${BASE}[export e]\ndirectory = /srv/a\nclients = *\n[nfsserver nfs]\nnfs_no_notify = false\n`, "[nfsserver nfs] nfs_no_notify: must be true when nfsnotify sends the notifications (the seed's rule)"],
    [BASE.replace('10.0.0.5', 'nfs.example.com'), "[ip vip] ip: 'nfs.example.com' is not an IP address"],
    [BASE.replace('info = yes', ''), 'no filesystem holds the NFS state: mark one with info = yes (or set nfs_shared_infodir in [nfsserver], or mount one on /var/lib/nfs)'],
    [`${BASE}[export e]\ndirectory = /srv/a\nclients = *\nfsid = foo\n`, "[export e] fsid: 'foo' is neither a number, root nor a UUID"],
    [`${BASE}[export e]\ndirectory = /srv/a\nclients\n`, '[export e] clients: needs a value (clients = ...)'],
    [`${BASE}[export fsA]\ndirectory = /srv/a\nclients = *\n`, "resource id 'fsA' is used twice"],
  ])('%#', (text, message) => {
    expect(planError(text)).toBe(message);
  });
});

describe('plan output', () => {
  const p = readPlan(SEED, 'examples/seed.ini');

  it('pcs: builds the group in a CIB copy and pushes it once', () => {
    const lines = renderPcs(p).split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines[0]).toBe('set -e');
    expect(lines[1]).toBe('pcs cluster cib nfsgroup.xml');
    expect(lines[2]).toBe('pcs -f nfsgroup.xml resource create fs1 ocf:nfsha:Filesystem device=/dev/vda1 directory=/mnt/exports/export1 fstype=xfs --group nfsgroup');
    expect(lines.at(-1)).toBe('pcs cluster cib-push nfsgroup.xml --config');
    expect(lines.filter((l) => l.includes('resource create'))).toHaveLength(9);
  });

  it('quotes what the shell would change', () => {
    expect(shellQuote('options=rw,sync')).toBe('options=rw,sync');
    expect(shellQuote("a b'c")).toBe(`'a b'\\''c'`);
    expect(shellQuote('*')).toBe("'*'");
    const q = plan('[export e]\ndirectory = /srv/a\nclients = *\noptions = rw,sec=krb5:sys');
    expect(renderPcs(q)).toContain("'clientspec=*'");
  });

  it('crm: primitives with their operations, then the group', () => {
    const text = renderCrm(p);
    expect(text).toContain('primitive export1 ocf:nfsha:exportfs \\\n\tparams directory=/mnt/exports/export1 clientspec=192.168.122.0/24 fsid=1 options=rw,sync,no_root_squash \\\n\top start interval=0s timeout=40s');
    expect(text).toContain('\ngroup nfsgroup fs1 fs2 fs3 nfsserver export-root export1 export2 vip1 nfsnotify\n');
    expect(renderCrm(plan('[export e]\ndirectory = /srv/a\nclients = *'))).toContain('clientspec="*"');
  });

  it('cib: a whole CIB, stonith-enabled false without fencing, true with it', () => {
    const text = renderCib(p);
    expect(text).toMatch(/^<\?xml version="1.0"\?>\n/);
    expect(text).toContain('<nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="false"/>');
    expect(text).toContain('<nvpair id="nfsserver-instance_attributes-nfs_no_notify" name="nfs_no_notify" value="true"/>');
    const f = renderCib(plan('[export e]\ndirectory = /srv/a\nclients = *\noptions = rw,sec="x"&y\n[fencing sbd]\nagent = fence_sbd\ndevices = /dev/vdd'));
    expect(f).toContain('value="true"/>');
    expect(f).toContain('<primitive id="sbd" class="stonith" type="fence_sbd">');
    expect(f).toContain('value="rw,sec=&quot;x&quot;&amp;y"');
  });
});

describe('nfsha plan (command)', () => {
  it('prints the chosen format and exits 0', async () => {
    const sys = new ScriptedSystem().file('/etc/seed.ini', SEED);
    expect(await runToolWith('plan', ['--format', 'crm', '/etc/seed.ini'], { sys, env: {} })).toBe(0);
    expect(sys.stdoutText.join('')).toContain('group nfsgroup fs1');
    expect(sys.stderrText).toEqual([]);
  });

  it.each([
    [['--format', 'xml', 'x.ini'], "nfsha plan: --format wants pcs, crm or cib, not 'xml'\n"],
    [[], 'nfsha plan: one description file (FILE.ini, or - for standard input), got 0 arguments\n'],
    [['--frmat', 'x'], "nfsha plan: unknown option '--frmat'\n"],
    [['/nonexistent.ini'], 'nfsha plan: cannot read /nonexistent.ini: no such file\n'],
    [['/bad.ini'], 'nfsha plan: /bad.ini: [group] is missing (name = the group name)\n'],
  ])('%j: one line, exit 2', async (args, line) => {
    const sys = new ScriptedSystem().file('/bad.ini', '[ip v]\nip = 10.0.0.1\n');
    expect(await runToolWith('plan', args, { sys, env: {} })).toBe(2);
    expect(sys.stderrText.join('')).toBe(line);
    expect(sys.stdoutText).toEqual([]);
  });
});

describe('whatever plan prints passes nfsha check with no error', () => {
  const cases: [string, string][] = [
    ['the seed', SEED],
    ['several clients per export, fencing', `${BASE}[export data]\ndirectory = /srv/a\nclients = 10.0.0.0/24, host1.example.com\n[export more]\ndirectory = /srv/a/more\nclients = *\nfsid = 7\n[fencing sbd]\nagent = fence_sbd\ndevices = /dev/vdd\n`],
    ['a pseudo-root and a nested filesystem', `${NESTED}[export root]\ndirectory = /srv\nclients = *\n[export eouter]\ndirectory = /srv/a\nclients = *\n`],
    ['SUSE: state on /var/lib/nfs, heartbeat provider, no nfsnotify', SUSE],
    ['IPv6', `${BASE.replace('10.0.0.5', 'fd00::5')}[export e]\ndirectory = /srv/a\nclients = [fd00::]/64\n`],
  ];
  it.each(cases)('%s', (_name, text) => {
    const { discovery, findings } = checkCib(parseCib(renderCib(readPlan(text, 't.ini')), 't.ini'));
    expect(discovery.stacks).toHaveLength(1);
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});
