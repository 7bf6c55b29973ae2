// The connection record (format, bounds, validation) and the tickle_tcp invocation with every
// fallback, on a scripted machine: tickle_tcp is an expected call with its exact argv and input.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Deadline } from '../../../lib/ocf/deadline.ts';
import { makeLogger, type Logger } from '../../../lib/ocf/log.ts';
import { ScriptedSystem, type ExpectedCall } from '../../../lib/system/scripted.ts';
import { parseProcNetTcp } from '../../../lib/host/tcp.ts';
import { connectionsOf, MAX_CONNECTIONS, MAX_RECORD_BYTES, parseConnLine, parseRecord, RECORD_HEADER, serializeRecord, type Conn } from '../../../lib/nfsnotify/tickle-record.ts';
import { recordConnections, ROUND_GAP_MS, setUpRecording, tickleRecorded, tickleTcpPath } from '../../../lib/nfsnotify/tickle.ts';

const FIX = join(import.meta.dirname, '../../fixtures/proc-net');
const TCP = readFileSync(join(FIX, 'tcp'), 'utf8');
const TCP6 = readFileSync(join(FIX, 'tcp6'), 'utf8');
const FLOATING = ['192.168.77.200', 'fd00:77::200'];
const TICKLE = '/usr/libexec/heartbeat/tickle_tcp';
const RECORD = '/var/lib/nfs/nfsnotify_n1.connections';
const STATEFILE = '/run/resource-agents/nfsnotify_n1/tickle.json';

const c4: Conn = { local: '192.168.77.200', localPort: 2049, remote: '192.168.77.21', remotePort: 60473 };
const c6: Conn = { local: 'fd00:77::200', localPort: 2049, remote: 'fd00:77::21', remotePort: 52959 };
const cm: Conn = { local: '192.168.77.200', localPort: 20048, remote: '192.168.77.22', remotePort: 42947 };
// Sorted as the record keeps them.
const LINES = ['192.168.77.200:20048 192.168.77.22:42947', '192.168.77.200:2049 192.168.77.21:60473', 'fd00:77::200:2049 fd00:77::21:52959'];

describe('which connections are recorded (real tables)', () => {
  it('established ones of the floating addresses, IPv4, IPv6 and v4-mapped; listening, time-wait and client sides skipped', () => {
    const rows = [...parseProcNetTcp(TCP), ...parseProcNetTcp(TCP6)];
    const { conns, dropped } = connectionsOf(rows, FLOATING);
    expect(conns).toEqual([cm, c4, c6]);
    expect(dropped).toBe(0);
  });

  it('addresses are compared in canonical form; no floating address, nothing', () => {
    const rows = [...parseProcNetTcp(TCP), ...parseProcNetTcp(TCP6)];
    expect(connectionsOf(rows, ['::ffff:192.168.77.200', 'FD00:0077:0:0::0200']).conns).toEqual([cm, c4, c6]);
    expect(connectionsOf(rows, []).conns).toEqual([]);
  });

  it('at most MAX_CONNECTIONS, the rest counted', () => {
    const rows = Array.from({ length: MAX_CONNECTIONS + 5 }, (_, i) => ({ local: '10.0.0.1', localPort: 2049, remote: `10.1.${String(i >> 8)}.${String(i & 255)}`, remotePort: 700, state: 1 }));
    const r = connectionsOf(rows, ['10.0.0.1']);
    expect(r.conns).toHaveLength(MAX_CONNECTIONS);
    expect(r.dropped).toBe(5);
  });
});

describe('record format', () => {
  it('round trip', () => {
    const text = serializeRecord([cm, c4, c6], { host: 'node1', time: '2026-12-03T14:00:00.000Z' });
    expect(text).toBe(`${RECORD_HEADER}\n# written by node1 at 2026-12-03T14:00:00.000Z\n${LINES.join('\n')}\n`);
    expect(parseRecord(text)).toEqual({ conns: [cm, c4, c6], rejected: [] });
    expect(parseRecord(serializeRecord([], { host: 'n', time: 't' }))).toEqual({ conns: [], rejected: [] });
  });

  it('garbage lines are rejected one by one, the good ones kept', () => {
    const bad = [
      '192.168.77.200:2049 192.168.77.21',
      '192.168.77.200:2049  192.168.77.21:700',
      '192.168.77.200:2049\t192.168.77.21:700',
      '192.168.77.200:2049 192.168.77.21:700 extra',
      '192.168.77.200:0 192.168.77.21:700',
      '192.168.77.200:65536 192.168.77.21:700',
      '192.168.77.200:02049 192.168.77.21:700',
      '192.168.77.256:2049 192.168.77.21:700',
      '[fd00:77::200]:2049 [fd00:77::21]:700',
      'fd00:77::200%eth0:2049 fd00:77::21:700',
      '192.168.77.200:2049 fd00:77::21:700',
      'nfshost:2049 192.168.77.21:700',
      '$(reboot):2049 192.168.77.21:700',
      '192.168.77.200:2049 192.168.77.21:700;reboot',
      '',
      ' 192.168.77.200:2049 192.168.77.21:700',
    ];
    const text = [RECORD_HEADER, LINES[1], ...bad, '# a comment', LINES[2], LINES[1]].join('\n');
    const r = parseRecord(text);
    expect(r).toEqual({ conns: [c4, c6], rejected: bad.map((_, i) => i + 3) });
  });

  it('an IPv4 address written v4-mapped is read as IPv4', () => {
    expect(parseConnLine('::ffff:192.168.77.200:2049 ::ffff:192.168.77.21:60473')).toEqual(c4);
  });

  it('a file without the header, or too large, is unusable as a whole', () => {
    expect(parseRecord(LINES.join('\n'))).toEqual({ problem: `its first line is not "${RECORD_HEADER}"` });
    expect(parseRecord('')).toHaveProperty('problem');
    expect(parseRecord(`${RECORD_HEADER}\n${'#'.repeat(MAX_RECORD_BYTES)}\n`)).toHaveProperty('problem');
  });

  it('lines beyond MAX_CONNECTIONS are rejected', () => {
    const lines = Array.from({ length: MAX_CONNECTIONS + 2 }, (_, i) => `10.0.0.1:2049 10.1.${String(i >> 8)}.${String(i & 255)}:700`);
    const r = parseRecord([RECORD_HEADER, ...lines].join('\n'));
    if ('problem' in r) throw new Error(r.problem);
    expect(r.conns).toHaveLength(MAX_CONNECTIONS);
    expect(r.rejected).toEqual([MAX_CONNECTIONS + 2, MAX_CONNECTIONS + 3]);
  });
});

function logger(sys: ScriptedSystem): Logger {
  return makeLogger({ io: sys, tag: 'nfsnotify(n1)', env: { HA_debug: '1' } });
}

function machine(record?: string): ScriptedSystem {
  const m = new ScriptedSystem();
  m.programs.add(TICKLE);
  if (record !== undefined) m.file(RECORD, record);
  return m;
}

const tickleCall = (lines: readonly string[], extra: Partial<ExpectedCall> = {}): ExpectedCall => ({
  argv: [TICKLE, '-n', '1'],
  check: (o) => { expect(o.input).toBe(lines.map((l) => `${l}\n`).join('')); },
  ...extra,
});

async function tickle(m: ScriptedSystem, rounds = 3, addresses = FLOATING): Promise<string> {
  const before = m.stderrText.length;
  await tickleRecorded(m, logger(m), new Deadline(m, 90000), { record: RECORD, addresses, rounds, binary: TICKLE });
  m.done();
  return m.stderrText.slice(before).join('');
}

const GOOD = `${RECORD_HEADER}\n# written by node1 at t\n${LINES.join('\n')}\n`;

describe('tickle_tcp at start', () => {
  it('is found in $HA_BIN, else /usr/libexec/heartbeat', () => {
    expect(tickleTcpPath({})).toBe(TICKLE);
    expect(tickleTcpPath({ HA_BIN: '/opt/ha/bin' })).toBe('/opt/ha/bin/tickle_tcp');
  });

  it('every recorded connection, one ACK per round (-n 1), rounds 0.6 s apart, lines on stdin', async () => {
    const m = machine(GOOD);
    const times: number[] = [];
    const call = tickleCall(LINES, { effect: (s) => { times.push(s.now()); } });
    m.expect(call, call, call);
    const err = await tickle(m);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(ROUND_GAP_MS);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(ROUND_GAP_MS);
    expect(err).toContain('tickle ACKs sent to 3 recorded connection(s) in 3 round(s)');
    expect(err).not.toContain('WARNING');
  });

  it('only connections of the current floating addresses, and not those alive on this node', async () => {
    const m = machine(GOOD);
    m.file('/proc/net/tcp', TCP);
    m.file('/proc/net/tcp6', '');
    // c4 is established here (the fixture has it): only the v4-mapped one of 192.168.77.200 is left.
    m.expect(tickleCall([LINES[0]!]));
    const err = await tickle(m, 1, ['192.168.77.200']);
    expect(err).toContain('tickle ACKs sent to 1 recorded connection(s)');
  });

  it('a line tickle_tcp cannot send: warning, the round goes on after it', async () => {
    const m = machine(GOOD);
    m.expect(
      tickleCall(LINES, { exitCode: 255, stderr: "Failed sendto (Network is unreachable)\nError while sending tickle ack from '192.168.77.200:2049' to '192.168.77.21:60473'\n" }),
      tickleCall([LINES[2]!]),
    );
    const err = await tickle(m, 1);
    expect(err).toContain('WARNING: tickle_tcp: Failed sendto (Network is unreachable)');
    expect(err).toContain('tickle ACKs sent to 3 recorded connection(s) in 1 round(s), 1 not sent');
  });

  it('tickle_tcp failing otherwise, or timing out: warning, the round ends, the next one runs', async () => {
    const m = machine(GOOD);
    m.expect(tickleCall(LINES, { exitCode: 1, stderr: 'unknown option\n' }), tickleCall(LINES, { timedOut: true }));
    const err = await tickle(m, 2);
    expect(err).toContain('WARNING: tickle_tcp failed: unknown option');
    expect(err).toContain('WARNING: tickle_tcp failed: timed out');
  });

  it('no tickle_tcp: a warning, nothing run', async () => {
    const m = machine(GOOD);
    m.programs.delete(TICKLE);
    expect(await tickle(m)).toContain(`WARNING: tickle_tcp not found at ${TICKLE} (resource-agents): no tickle ACKs sent to 3 connection(s)`);
  });

  it('no record: a warning, nothing run', async () => {
    expect(await tickle(machine())).toContain(`WARNING: no connection record ${RECORD}`);
  });

  it('a record without the header: a warning, nothing run', async () => {
    expect(await tickle(machine(`${LINES.join('\n')}\n`))).toContain(`WARNING: connection record ${RECORD} is unusable (its first line is not`);
  });

  it('malformed lines: a warning naming them; the valid lines are tickled', async () => {
    const m = machine(`${RECORD_HEADER}\n${LINES[0]!}\n$(reboot) x\n${LINES[2]!}\n`);
    m.expect(tickleCall([LINES[0]!, LINES[2]!]));
    const err = await tickle(m, 1);
    expect(err).toContain(`WARNING: connection record ${RECORD}: 1 malformed line(s) ignored (line 3)`);
  });

  it('an unreadable record: a warning, never an exception', async () => {
    const m = machine();
    m.file(RECORD, '', 'dir');
    m.file(`${RECORD}/x`, '');
    const err = await tickle(m);
    expect(err).toMatch(/WARNING: (no connection record|tickle ACKs not sent)/);
  });
});

describe('recording (monitor, stop)', () => {
  async function setUp(m: ScriptedSystem, addresses = FLOATING): Promise<void> {
    await setUpRecording(m, logger(m), STATEFILE, { statdDir: '/var/lib/nfs', instance: 'n1', addresses });
  }

  it('writes the record atomically (temp file fsynced, then renamed), then only when the connections change', async () => {
    const m = machine();
    m.host = 'node1';
    m.file('/proc/net/tcp', TCP);
    m.file('/proc/net/tcp6', TCP6);
    await setUp(m);
    await recordConnections(m, logger(m), STATEFILE);
    const text = m.readProcFile(RECORD) ?? '';
    expect(text.split('\n').slice(2)).toEqual([...LINES, '']);
    expect(text).toContain('# written by node1 at 2026-11-25T12:00:00');
    expect(m.flushedWrites).toEqual([`${RECORD}.new`]);
    expect(m.files.has(`${RECORD}.new`)).toBe(false);
    // The rename made durable: the directory synced after it (a crash right after a monitor).
    expect(m.syncedDirs).toEqual(['/var/lib/nfs']);
    // Unchanged: not written again.
    await recordConnections(m, logger(m), STATEFILE);
    expect(m.flushedWrites).toHaveLength(1);
    // A connection gone (the client side rows do not count): written without it.
    m.file('/proc/net/tcp6', '');
    await recordConnections(m, logger(m), STATEFILE);
    expect(m.flushedWrites).toHaveLength(2);
    expect(parseRecord(m.readProcFile(RECORD) ?? '')).toEqual({ conns: [c4], rejected: [] });
  });

  it('the tables are read again only when /proc/net/snmp shows TCP activity', async () => {
    const snmp = (active: number, passive: number, estab: number): string => `Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs\nTcp: 1 200 120000 -1 ${String(active)} ${String(passive)} 0 0 ${String(estab)} 100\n`;
    const m = machine();
    m.file('/proc/net/tcp', TCP);
    m.file('/proc/net/tcp6', TCP6);
    m.file('/proc/net/snmp', snmp(10, 5, 6));
    await setUp(m);
    await recordConnections(m, logger(m), STATEFILE);
    expect(m.flushedWrites).toHaveLength(1);
    // The tables change but the counters do not (cannot happen on a real kernel): not read.
    m.file('/proc/net/tcp6', '');
    await recordConnections(m, logger(m), STATEFILE);
    expect(m.flushedWrites).toHaveLength(1);
    // A connection closed: CurrEstab moved, the tables are read, the record rewritten.
    m.file('/proc/net/snmp', snmp(10, 5, 5));
    await recordConnections(m, logger(m), STATEFILE);
    expect(m.flushedWrites).toHaveLength(2);
    expect(parseRecord(m.readProcFile(RECORD) ?? '')).toEqual({ conns: [c4], rejected: [] });
    // One opened and one closed: PassiveOpens moved.
    m.file('/proc/net/tcp6', TCP6);
    m.file('/proc/net/snmp', snmp(10, 6, 5));
    await recordConnections(m, logger(m), STATEFILE);
    expect(m.flushedWrites).toHaveLength(3);
    // Activity that left our connections as they were (a client of another address): read, not written.
    m.file('/proc/net/snmp', snmp(11, 6, 5));
    await recordConnections(m, logger(m), STATEFILE);
    expect(m.flushedWrites).toHaveLength(3);
    expect(JSON.parse(m.readProcFile(STATEFILE) ?? '')).toMatchObject({ activity: '11 6 5' });
  });

  it('nothing set up (tickle off, or no floating address): nothing read, nothing written', async () => {
    const m = machine();
    m.file('/proc/net/tcp', TCP);
    await setUp(m, []);
    await recordConnections(m, logger(m), STATEFILE);
    expect(m.files.has(RECORD)).toBe(false);
    expect(m.files.has(STATEFILE)).toBe(false);
  });

  it('a write that fails is a warning', async () => {
    const m = machine();
    m.file('/proc/net/tcp', TCP);
    await setUp(m);
    m.ioErrors.set(`${RECORD}.new`, 'EROFS');
    const before = m.stderrText.length;
    await recordConnections(m, logger(m), STATEFILE);
    expect(m.stderrText.slice(before).join('')).toContain(`WARNING: cannot record connections in ${RECORD}`);
  });

  it('a corrupt state file is a warning', async () => {
    const m = machine();
    m.file(STATEFILE, '{"record": 5}');
    const before = m.stderrText.length;
    await recordConnections(m, logger(m), STATEFILE);
    expect(m.stderrText.slice(before).join('')).toContain('is not a tickle state file');
  });
});
