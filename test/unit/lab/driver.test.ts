// The VM lab driver's pure parts: parsing what the guests report (Pacemaker's log lines, crm_mon
// XML, the CIB status section) and the CIB it generates. Fixtures are output of the lab's own
// runs (test/fixtures/lab/).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESOURCES, resourcesXml } from '../../e2e/driver/cib.ts';
import { fillPorts, parseMountPorts, procNetTcp } from '../../e2e/driver/client.ts';
import { EventLog, parseLine } from '../../e2e/driver/events.ts';
import { connStates } from '../../e2e/driver/scenarios.ts';
import { describeGroup, groupOn, parseCrmMon, parseOpHistory } from '../../e2e/driver/guests.ts';

const FIX = join(import.meta.dirname, '../../fixtures/lab');
const read = (f: string) => readFileSync(join(FIX, f), 'utf8');

describe('Pacemaker log lines', () => {
  const lines = read('pacemaker.log').trim().split('\n');
  const evs = lines.map((l, i) => parseLine('node2', l, 1000 + i));

  it('executor start and finish, with the execution time in ms or s', () => {
    expect(evs[0]).toMatchObject({ kind: 'exec', rsc: 'fs1', action: 'start', call: 38 });
    expect(evs[1]).toMatchObject({ kind: 'done', rsc: 'fs1', action: 'start', call: 38, status: 0, execMs: 965 });
    expect(evs[5]).toMatchObject({ kind: 'done', rsc: 'fs3', action: 'start', call: 42, status: 0, execMs: 1268 });
  });

  it('a failed action: its exit reason sits between the status and the execution time', () => {
    // Lines of the lab's systemd run (upstream's nfsserver; ours in the fenced stop).
    expect(parseLine('node2', 'Dec 06 07:52:32.657 node2 pacemaker-execd     [224] (log_finished) \tinfo: nfsserver stop (call 73, PID 6338) exited with status 1 (Failed to unmount a bind mount) (execution time 11.667s)', 7))
      .toEqual({ t: 7, host: 'node2', kind: 'done', rsc: 'nfsserver', action: 'stop', call: 73, status: 1, execMs: 11667 });
    expect(parseLine('node2', 'Dec 06 06:49:20.001 node2 pacemaker-execd     [167] (log_finished) \tinfo: fs1 stop (call 80, PID 901) exited with status 1 (Couldn\'t unmount /mnt/exports/export1, held by loop device /dev/loop0 (backing file /mnt/exports/export1/.lab-holder.img)) (execution time 108.2s after being queued 3ms)', 7))
      .toMatchObject({ kind: 'done', rsc: 'fs1', action: 'stop', call: 80, status: 1, execMs: 108200 });
  });

  it('controller results: a failed monitor has its rc, a cancelled one none', () => {
    expect(evs[6]).toMatchObject({ kind: 'result', rsc: 'nfsserver', action: 'monitor', node: 'node1', result: 'not running', rc: 7 });
    expect(evs[7]).toMatchObject({ kind: 'result', rsc: 'nfsserver', action: 'monitor', result: 'Cancelled', rc: -1 });
  });

  it('node loss', () => {
    expect(evs[8]).toEqual({ t: 1008, host: 'node2', kind: 'lost', node: 'node1' });
  });

  it('the lab\'s own lines: locks, export cache, writes', () => {
    expect(parseLine('node1', 'LOCKS fe:11:13 fe:12:13 00:18:9', 5)).toEqual({ t: 5, host: 'node1', kind: 'locks', ids: ['fe:11:13', 'fe:12:13', '00:18:9'] });
    expect(parseLine('node1', 'LOCKS', 5)).toMatchObject({ kind: 'locks', ids: [] });
    expect(parseLine('node1', 'EXPCACHE /mnt/exports /mnt/exports/export2', 5)).toMatchObject({ kind: 'expcache', paths: ['/mnt/exports', '/mnt/exports/export2'] });
    expect(parseLine('client', 'W v3 17', 5)).toMatchObject({ kind: 'write', tag: 'v3', seq: 17 });
    expect(parseLine('client', 'E v4 3', 5)).toMatchObject({ kind: 'werr', tag: 'v4', seq: 3 });
    expect(parseLine('client', 'NOTIFY 192.168.122.200', 5)).toEqual({ t: 5, host: 'client', kind: 'notify', src: '192.168.122.200' });
    expect(parseLine('client', 'SCOPE nfsvip.lab.test', 5)).toEqual({ t: 5, host: 'client', kind: 'scope', name: 'nfsvip.lab.test' });
    expect(parseLine('client', 'VIPUP', 5)).toEqual({ t: 5, host: 'client', kind: 'vipup' });
    expect(parseLine('client', 'RST 871', 5)).toEqual({ t: 5, host: 'client', kind: 'rst', port: 871 });
    expect(parseLine('client', 'RST', 5)).toBeUndefined();
    expect(parseLine('client', 'TACK 931', 5)).toEqual({ t: 5, host: 'client', kind: 'tack', port: 931 });
    expect(parseLine('client', 'TCP 816:01 1017:02 ', 5)).toEqual({ t: 5, host: 'client', kind: 'tcp', conns: [{ port: 816, st: '01' }, { port: 1017, st: '02' }] });
    expect(parseLine('client', 'TCP ', 5)).toEqual({ t: 5, host: 'client', kind: 'tcp', conns: [] });
    expect(parseLine('client', 'TCP 816:xx', 5)).toBeUndefined();
    expect(parseLine('node1', 'Nov 25 02:56:14.710 node2 pacemaker-based [1] (cib_perform_op) info: Diff', 5)).toBeUndefined();
  });

  it('the lock set a node showed at a given time', () => {
    const log = new EventLog();
    log.line('node2', 'LOCKS', 10);
    log.line('node2', 'LOCKS fe:11:13', 20);
    log.line('node1', 'LOCKS fe:12:13', 25);
    log.line('node2', 'LOCKS', 30);
    expect(log.locksAt('node2', 15)).toEqual([]);
    expect(log.locksAt('node2', 22)).toEqual(['fe:11:13']);
    expect(log.locksAt('node2', 31)).toEqual([]);
    expect(log.locksAt('node3', 31)).toEqual([]);
  });
});

describe('crm_mon XML', () => {
  it('nodes, DC and the group with roles and failures', () => {
    const s = parseCrmMon(read('crm_mon-failure.xml'));
    expect(s.online.sort()).toEqual(['node1', 'node2']);
    expect(s.dc).toMatch(/^node[12]$/);
    expect(s.resources.map((r) => r.id)).toEqual(RESOURCES.map((r) => r.id));
    expect(s.failures.some((f) => f.startsWith('nfsserver_monitor_20000 on node1'))).toBe(true);
  });

  it('groupOn needs every member started on that one node', () => {
    const s = parseCrmMon(read('crm_mon-started.xml'));
    expect(groupOn(s, 'node1')).toBe(true);
    expect(groupOn(s, 'node2')).toBe(false);
    const partial = parseCrmMon(read('crm_mon-failure.xml'));
    expect(groupOn(partial, 'node1')).toBe(false);
    expect(describeGroup(partial)).toMatch(/^fs1:Started@node1 /);
  });
});

describe('CIB status history', () => {
  it('every operation with node, call id and rc; starts ordered by call id give the group order', () => {
    const ops = parseOpHistory(read('cib-status.xml'));
    expect(ops.length).toBeGreaterThan(RESOURCES.length);
    const starts = ops.filter((o) => o.op === 'start' && o.node === 'node1').sort((a, b) => a.call - b.call);
    expect(starts.every((o) => o.rc === 0 && o.execMs > 0 && o.lastRcChange > 1_700_000_000)).toBe(true);
    expect(ops.some((o) => o.op === 'monitor' && o.rsc === 'nfsserver' && o.rc === 7)).toBe(true);
  });
});

describe('the group as CIB XML', () => {
  it('differs between providers only in the provider of our four agents', () => {
    const a = resourcesXml('heartbeat');
    const b = resourcesXml('nfsha');
    expect(b.replaceAll('provider="nfsha"', 'provider="heartbeat"')).toBe(a);
    expect((b.match(/provider="nfsha"/g) ?? []).length).toBe(8);
    expect(b).toContain('provider="heartbeat" type="IPaddr2"');
  });

  it('keeps the seed\'s order and gives each export its own fsid', () => {
    const x = resourcesXml('nfsha');
    const ids = [...x.matchAll(/<primitive id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(['fs1', 'fs2', 'fs3', 'nfsserver', 'export-root', 'export1', 'export2', 'vip1', 'nfsnotify']);
    const fsids = [...x.matchAll(/name="fsid" value="(\d+)"/g)].map((m) => m[1]);
    expect(fsids).toEqual(['0', '1', '2']);
    expect(x).toContain('name="nfs_no_notify" value="true"');
    expect(x).toContain('name="source_host" value="192.168.122.200"');
  });
});

describe('the client\'s connections (tickle check)', () => {
  // /proc/self/mountstats as Linux 6.1 writes it (abridged: the per-op statistics cut).
  const MOUNTSTATS = `device rootfs mounted on / with fstype rootfs
device proc mounted on /proc with fstype proc
device nfsvip.lab.test:/mnt/exports/export1 mounted on /mnt/v3 with fstype nfs statvers=1.1
\topts:\trw,vers=3,rsize=1048576,wsize=1048576,namlen=255,acregmin=3,proto=tcp,timeo=600,retrans=2,sec=sys
\tcaps:\tcaps=0x3fcf,wtmult=4096,dtsize=1048576,bsize=0,namlen=255
\tevents:\t31 190 0 6 23 12 231 110 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
\tbytes:\t0 1802240 0 0 0 1802240 440 110
\tRPC iostats version: 1.1  p/v: 100003/3 (nfs)
\txprt:\ttcp 816 1 2 0 0 370 370 0 370 0 2 0 0
\tper-op statistics
device nfsvip.lab.test:/export2 mounted on /mnt/v4 with fstype nfs4 statvers=1.1
\topts:\trw,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,acregmin=3,proto=tcp,timeo=600,retrans=2,sec=sys
\tRPC iostats version: 1.1  p/v: 100003/4 (nfs)
\txprt:\ttcp 1017 0 1 0 0 420 420 0 420 0 2 0 0
\tper-op statistics
`;

  it('finds each mount\'s source port in mountstats', () => {
    expect(parseMountPorts(MOUNTSTATS)).toEqual({ v3: 816, v4: 1017 });
    // NFSv4 as the lab's client shows it: port 0; the other connection of the TCP watch is v4's.
    const v4zero = parseMountPorts(MOUNTSTATS.replace('tcp 1017 ', 'tcp 0 '));
    expect(v4zero).toEqual({ v3: 816 });
    expect(fillPorts(v4zero, [{ port: 816, st: '01' }, { port: 773, st: '01' }])).toEqual({ v3: 816, v4: 773 });
    // A connection in TIME_WAIT (the mount's first probe, as the lab saw it) is not a mount's.
    expect(fillPorts(v4zero, [{ port: 33226, st: '06' }, { port: 773, st: '01' }, { port: 816, st: '01' }])).toEqual({ v3: 816, v4: 773 });
    expect(fillPorts(v4zero, [{ port: 816, st: '01' }, { port: 773, st: '01' }, { port: 774, st: '01' }])).toEqual({ v3: 816 });
    expect(parseMountPorts('device proc mounted on /proc with fstype proc\n')).toEqual({});
  });

  it('writes an address as /proc/net/tcp does', () => {
    expect(procNetTcp('192.168.122.200', 2049)).toBe('C87AA8C0:0801');
    expect(procNetTcp('127.0.0.1', 22)).toBe('0100007F:0016');
  });

  it('tells each mount\'s connection state at a moment of the watch', () => {
    expect(connStates([{ port: 816, st: '02' }, { port: 1017, st: '01' }], { v3: 816, v4: 1017 })).toEqual({ v3: '02', v4: '01' });
    expect(connStates([{ port: 1017, st: '01' }], { v3: 816, v4: 1017 })).toEqual({ v3: 'gone', v4: '01' });
    expect(connStates(undefined, { v3: 816 })).toEqual({});
    expect(connStates([], undefined)).toEqual({});
  });
});
