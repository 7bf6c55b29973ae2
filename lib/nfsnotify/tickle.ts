// Tickle ACKs (issue 15): after a failover a client's TCP connection to the floating address
// died with the old node, and the client notices only when its retransmission timer fires, which
// backs off exponentially. monitor and stop record the established connections of the floating
// addresses (tickle-record.ts) in the statd directory on shared storage; start on the next node
// sends each of them an ACK from the floating address with resource-agents' tickle_tcp. The
// client answers it, this node's kernel (which has no such connection) answers with a reset, and
// the client reconnects at once. Nothing here ever fails an action: every problem is a warning.

import type { Deadline } from '../ocf/deadline.ts';
import type { Logger } from '../ocf/log.ts';
import type { System } from '../system/types.ts';
import { parseProcNetTcp, TCP_ESTABLISHED, tcpActivity, type TcpRow } from '../host/tcp.ts';
import { replaceFile } from '../host/replace.ts';
import { connectionsOf, failedIndex, formatConn, parseRecord, parseTickleState, recordFile, serializeRecord, tickleArgv, tickleInput, type Conn, type TickleState } from './tickle-record.ts';

// Upstream's agents find their helpers in $HA_BIN (ocf-directories: /usr/libexec/heartbeat).
export function tickleTcpPath(env: Readonly<Record<string, string | undefined>>): string {
  return `${env.HA_BIN || '/usr/libexec/heartbeat'}/tickle_tcp`;
}

// Longer than Linux's per-socket limit on answers to out-of-window segments (500 ms).
export const ROUND_GAP_MS = 600;
const RUN_TIMEOUT_MS = 10000;

export function tickleStatePath(stateDir: string): string {
  return `${stateDir}/tickle.json`;
}

function why(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// The established TCP connections of this network namespace (IPv4 and IPv6 tables).
export function establishedRows(sys: System): TcpRow[] {
  return [...parseProcNetTcp(sys.readProcFile('/proc/net/tcp') ?? '', TCP_ESTABLISHED), ...parseProcNetTcp(sys.readProcFile('/proc/net/tcp6') ?? '', TCP_ESTABLISHED)];
}

// start and reload: where monitor and stop record, and for which addresses. No floating address
// (no source_host) or tickling off: nothing is recorded.
export async function setUpRecording(sys: System, log: Logger, statePath: string, setup: { statdDir: string; instance: string; addresses: string[] } | undefined): Promise<void> {
  try {
    if (setup === undefined || setup.addresses.length === 0) {
      await sys.remove(statePath);
      return;
    }
    const state: TickleState = { record: recordFile(setup.statdDir, setup.instance), addresses: [...new Set(setup.addresses)] };
    await sys.writeFile(statePath, `${JSON.stringify(state)}\n`);
  } catch (e) {
    log.warn(`cannot set up the recording of connections for tickle ACKs: ${why(e)}`);
  }
}

// monitor and stop: writes the record when the connections changed since it was last written.
// The tables are read only when /proc/net/snmp shows TCP activity since the last look.
export async function recordConnections(sys: System, log: Logger, statePath: string): Promise<void> {
  const text = sys.readProcFile(statePath);
  if (text === null) return;
  const state = parseTickleState(text);
  if (state === undefined) {
    log.warn(`${statePath} is not a tickle state file: connections are not recorded until the next start`);
    return;
  }
  const activity = tcpActivity(sys.readProcFile('/proc/net/snmp') ?? '');
  if (activity !== undefined && activity === state.activity && state.last !== undefined) return;
  const { conns, dropped } = connectionsOf(establishedRows(sys), state.addresses);
  const body = conns.map(formatConn).join('\n');
  if (body === state.last) {
    if (activity !== state.activity) await sys.writeFile(statePath, `${JSON.stringify({ ...state, activity })}\n`).catch(() => undefined);
    return;
  }
  try {
    if (dropped > 0) log.warn(`${String(dropped)} connection(s) beyond the first ${String(conns.length)} are not recorded for tickle ACKs`);
    // The next node reads it after this one crashed.
    await replaceFile(sys, state.record, serializeRecord(conns, { host: sys.hostname(), time: new Date(sys.now()).toISOString() }));
    await sys.writeFile(statePath, `${JSON.stringify({ ...state, last: body, activity })}\n`);
    log.debug(`${String(conns.length)} connection(s) recorded in ${state.record}`);
  } catch (e) {
    log.warn(`cannot record connections in ${state.record} (tickle ACKs after a failover need it): ${why(e)}`);
  }
}

async function readRecorded(sys: System, log: Logger, record: string): Promise<Conn[]> {
  const text = await sys.readFileIfExists(record);
  if (text === null) {
    log.warn(`no connection record ${record} (no monitor ran where the floating address was before): no tickle ACKs sent`);
    return [];
  }
  const parsed = parseRecord(text);
  if ('problem' in parsed) {
    log.warn(`connection record ${record} is unusable (${parsed.problem}): no tickle ACKs sent`);
    return [];
  }
  if (parsed.rejected.length > 0) {
    log.warn(`connection record ${record}: ${String(parsed.rejected.length)} malformed line(s) ignored (line ${parsed.rejected.slice(0, 5).join(', ')}${parsed.rejected.length > 5 ? ', ...' : ''})`);
  }
  return parsed.conns;
}

// One round: every connection gets one ACK. tickle_tcp stops at the first line it cannot send;
// the round goes on from the line after it.
async function round(sys: System, log: Logger, binary: string, conns: readonly Conn[]): Promise<number> {
  let left = [...conns];
  let failed = 0;
  while (left.length > 0) {
    const r = await sys.run(tickleArgv(binary), { input: tickleInput(left), timeoutMs: RUN_TIMEOUT_MS });
    if (r.exitCode === 0 && !r.timedOut) return failed;
    const detail = r.timedOut ? 'timed out' : r.stderr.trim().split('\n')[0] || `exit code ${String(r.exitCode)}`;
    const at = r.timedOut ? undefined : failedIndex(r.stderr, left);
    if (at === undefined) {
      log.warn(`tickle_tcp failed: ${detail}`);
      return failed + left.length;
    }
    log.warn(`tickle_tcp: ${detail}`);
    failed++;
    left = left.slice(at + 1);
  }
  return failed;
}

export interface TickleRequest {
  readonly record: string;
  readonly addresses: readonly string[];
  readonly rounds: number;
  readonly binary: string;
}

// start: ACKs to every recorded connection of our floating addresses that this node does not
// have itself (those are alive), in `rounds` rounds ROUND_GAP_MS apart. Never throws.
export async function tickleRecorded(sys: System, log: Logger, deadline: Deadline, req: TickleRequest): Promise<void> {
  try {
    const recorded = await readRecorded(sys, log, req.record);
    if (recorded.length === 0) return;
    const ours = connectionsOf(recorded.map((c) => ({ ...c, state: TCP_ESTABLISHED })), [...req.addresses]).conns;
    if (ours.length < recorded.length) log.debug(`${String(recorded.length - ours.length)} recorded connection(s) not of ${req.addresses.join(', ')}: not tickled`);
    const live = new Set(establishedRows(sys).map(formatConn));
    const todo = ours.filter((c) => !live.has(formatConn(c)));
    if (todo.length === 0) {
      log.info(`no recorded connection to tickle (${String(ours.length)} alive on this node)`);
      return;
    }
    if ((await sys.which(req.binary)) === null) {
      log.warn(`tickle_tcp not found at ${req.binary} (resource-agents): no tickle ACKs sent to ${String(todo.length)} connection(s)`);
      return;
    }
    let failed = 0;
    for (let i = 0; i < req.rounds; i++) {
      if (i > 0) await sys.sleep(Math.min(ROUND_GAP_MS, Math.max(0, deadline.remaining())));
      deadline.check('sending tickle ACKs');
      failed += await round(sys, log, req.binary, todo);
    }
    log.info(`tickle ACKs sent to ${String(todo.length)} recorded connection(s) in ${String(req.rounds)} round(s)${failed > 0 ? `, ${String(failed)} not sent` : ''}`);
  } catch (e) {
    log.warn(`tickle ACKs not sent: ${why(e)}`);
  }
}
