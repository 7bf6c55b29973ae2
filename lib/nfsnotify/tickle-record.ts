// The connection record (pure): the established TCP connections of the floating addresses,
// written by monitor and stop on the node that serves them and read by start on the next one.
// It lives in the statd directory (shared storage), one file per instance:
//
//   # nfsha nfsnotify connections 1
//   # written by node1 at 2026-12-03T14:00:00.000Z
//   192.168.122.200:2049 192.168.122.21:871
//   fd00::200:2049 fd00::21:1015
//
// The first line names the format; other lines starting with "#" are comments. Every other line
// is one connection, "LOCAL:PORT REMOTE:PORT": the floating address and port first, IPv6 without
// brackets (the port follows the last colon), one space between. That is the line tickle_tcp
// reads on its standard input, so an administrator can feed the data lines to it by hand.
// The file is data from shared storage: every line is validated before use and only the
// validated, re-printed form is ever handed on.

import { isIPv4, isIPv6 } from '../util/ip.ts';
import { TCP_ESTABLISHED, type TcpRow } from '../host/tcp.ts';
import { canonicalAddress } from './resolve.ts';

export const RECORD_HEADER = '# nfsha nfsnotify connections 1';
// Bounds: the number of connections written, and the size of a file start accepts.
export const MAX_CONNECTIONS = 4096;
export const MAX_RECORD_BYTES = 512 * 1024;

export interface Conn {
  readonly local: string;
  readonly localPort: number;
  readonly remote: string;
  readonly remotePort: number;
}

export function formatConn(c: Conn): string {
  return `${c.local}:${String(c.localPort)} ${c.remote}:${String(c.remotePort)}`;
}

function endpoint(text: string): { addr: string; port: number } | undefined {
  const colon = text.lastIndexOf(':');
  const addr = text.slice(0, colon);
  const port = text.slice(colon + 1);
  if (colon < 0 || !/^[1-9][0-9]{0,4}$/.test(port) || Number(port) > 65535) return undefined;
  // No zone index ("%eth0"): tickle_tcp would not parse it.
  if (!isIPv4(addr) && !(isIPv6(addr) && !addr.includes('%'))) return undefined;
  return { addr: canonicalAddress(addr), port: Number(port) };
}

// One data line, or undefined when it is not exactly "ADDR:PORT ADDR:PORT".
export function parseConnLine(line: string): Conn | undefined {
  const parts = line.split(' ');
  if (parts.length !== 2) return undefined;
  const l = endpoint(parts[0] ?? '');
  const r = endpoint(parts[1] ?? '');
  if (l === undefined || r === undefined || l.addr.includes(':') !== r.addr.includes(':')) return undefined;
  return { local: l.addr, localPort: l.port, remote: r.addr, remotePort: r.port };
}

export interface ParsedRecord {
  readonly conns: Conn[];
  // 1-based numbers of the lines that were rejected.
  readonly rejected: number[];
}

// The record's connections, or a reason why the whole file is unusable.
export function parseRecord(text: string): ParsedRecord | { problem: string } {
  if (text.length > MAX_RECORD_BYTES) return { problem: `it has ${String(text.length)} bytes, more than a record can have (${String(MAX_RECORD_BYTES)})` };
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines[0] !== RECORD_HEADER) return { problem: `its first line is not "${RECORD_HEADER}"` };
  const conns: Conn[] = [];
  const rejected: number[] = [];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    if (i === 0 || line.startsWith('#')) return;
    const c = parseConnLine(line);
    if (c === undefined || conns.length >= MAX_CONNECTIONS) {
      rejected.push(i + 1);
      return;
    }
    const key = formatConn(c);
    if (!seen.has(key)) conns.push(c);
    seen.add(key);
  });
  return { conns, rejected };
}

export function serializeRecord(conns: readonly Conn[], writer: { host: string; time: string }): string {
  return [RECORD_HEADER, `# written by ${writer.host} at ${writer.time}`, ...conns.map(formatConn), ''].join('\n');
}

// The established connections whose local address is one of `addresses`, sorted, without
// duplicates, at most MAX_CONNECTIONS (`dropped` says how many more there were).
export function connectionsOf(rows: readonly TcpRow[], addresses: readonly string[]): { conns: Conn[]; dropped: number } {
  const wanted = new Set(addresses.map(canonicalAddress));
  const byKey = new Map<string, Conn>();
  for (const r of rows) {
    if (r.state !== TCP_ESTABLISHED || !wanted.has(r.local)) continue;
    const c: Conn = { local: r.local, localPort: r.localPort, remote: r.remote, remotePort: r.remotePort };
    byKey.set(formatConn(c), c);
  }
  const keys = [...byKey.keys()].sort();
  const conns = keys.slice(0, MAX_CONNECTIONS).map((k) => byKey.get(k)).filter((c): c is Conn => c !== undefined);
  return { conns, dropped: Math.max(0, keys.length - MAX_CONNECTIONS) };
}

// tickle_tcp (resource-agents tools/tickle_tcp.c) reads "LOCAL:PORT REMOTE:PORT" lines on its
// standard input and, for each, sends -n N TCP ACKs (sequence and acknowledgement numbers 0,
// window 1234) from LOCAL:PORT to REMOTE:PORT through a raw socket, back to back. It stops at
// the first line it cannot parse or send (exit status 255), so the lines it gets are validated
// and a failure is retried from the line after the failing one. One ACK per run: the client's
// answer (a duplicate ACK, which the new node's kernel, having no such connection, answers with
// a reset) is rate-limited per socket (net.ipv4.tcp_invalid_ratelimit, 500 ms), so ACKs sent
// back to back draw one answer at most; rounds spaced wider than that can each draw one.
export function tickleArgv(binary: string): string[] {
  return [binary, '-n', '1'];
}

export function tickleInput(conns: readonly Conn[]): string {
  return conns.map((c) => `${formatConn(c)}\n`).join('');
}

// The connection tickle_tcp names in "Error while sending tickle ack from 'A' to 'B'", as an
// index into `conns`, or undefined.
export function failedIndex(stderr: string, conns: readonly Conn[]): number | undefined {
  const m = /from '([^']*)' to '([^']*)'/.exec(stderr);
  if (!m) return undefined;
  const i = conns.findIndex((c) => `${c.local}:${String(c.localPort)}` === m[1] && `${c.remote}:${String(c.remotePort)}` === m[2]);
  return i < 0 ? undefined : i;
}

// What start leaves in HA_RSCTMP for monitor and stop: where the record goes, which addresses
// are floating, the connection lines written last (written again only when they change) and the
// TCP activity fingerprint (tcpActivity) when the tables were last read.
export interface TickleState {
  readonly record: string;
  readonly addresses: string[];
  readonly last?: string;
  readonly activity?: string;
}

export function parseTickleState(text: string): TickleState | undefined {
  try {
    const v = JSON.parse(text) as Partial<TickleState>;
    if (typeof v.record !== 'string' || !Array.isArray(v.addresses) || !v.addresses.every((a) => typeof a === 'string')) return undefined;
    return { record: v.record, addresses: v.addresses, ...(typeof v.last === 'string' ? { last: v.last } : {}), ...(typeof v.activity === 'string' ? { activity: v.activity } : {}) };
  } catch {
    return undefined;
  }
}

export function recordFile(statdDir: string, instance: string): string {
  return `${statdDir}/nfsnotify_${instance.replace(/\//g, '_')}.connections`;
}
