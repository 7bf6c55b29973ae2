// The kernel's TCP socket tables, /proc/net/tcp and /proc/net/tcp6 (net/ipv4/tcp_ipv4.c
// get_tcp4_sock, net/ipv6/tcp_ipv6.c get_tcp6_sock), read without ss or netstat. A row:
//   "  sl: LOCAL REMOTE st tx:rx tr:when retrnsmt uid timeout inode ..."
// LOCAL and REMOTE are "ADDR:PORT" in hexadecimal: the port as a number; the address as the
// 32-bit words of the network-order address printed with %08X, so each word's bytes appear in
// the host's byte order (reversed on little-endian machines). IPv4 has one word, IPv6 four. An
// IPv4 peer of a dual-stack IPv6 socket appears in tcp6 as ::ffff:a.b.c.d; it is reported here
// as the IPv4 address it is on the wire.

export interface TcpRow {
  readonly local: string;
  readonly localPort: number;
  readonly remote: string;
  readonly remotePort: number;
  // TCP state (include/net/tcp_states.h): 1 ESTABLISHED, 6 TIME_WAIT, 10 LISTEN...
  readonly state: number;
}

export const TCP_ESTABLISHED = 1;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// The 4 bytes of one %08X word, in network order.
function wordBytes(hex: string, out: number[]): void {
  const b = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16));
  if (LITTLE_ENDIAN) b.reverse();
  out.push(...b);
}

// RFC 5952 text of 16 bytes: lower case, leading zeros dropped, the longest run (two or more) of
// zero groups as "::" (the first of equal runs).
export function ipv6Text(bytes: readonly number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (g: readonly number[]): string => g.map((x) => x.toString(16)).join(':');
  return best < 0 ? hex(groups) : `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

// "0100007F" → "127.0.0.1"; 32 hex digits → IPv6 text (v4-mapped → IPv4). undefined if malformed.
export function decodeAddress(hex: string): string | undefined {
  if ((hex.length !== 8 && hex.length !== 32) || !/^[0-9A-Fa-f]+$/.test(hex)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 8) wordBytes(hex.slice(i, i + 8), bytes);
  if (bytes.length === 4) return bytes.join('.');
  if (V4_MAPPED_PREFIX.every((v, i) => bytes[i] === v)) return bytes.slice(12).join('.');
  return ipv6Text(bytes);
}

function endpoint(field: string): { addr: string; port: number } | undefined {
  const colon = field.indexOf(':');
  const addr = decodeAddress(field.slice(0, colon));
  const portHex = field.slice(colon + 1);
  if (colon < 0 || addr === undefined || !/^[0-9A-Fa-f]{4}$/.test(portHex)) return undefined;
  return { addr, port: parseInt(portHex, 16) };
}

// Every well-formed row of a tcp or tcp6 table (the header and malformed lines are skipped).
// `state`: only rows in this state are decoded (cheaper for a large table).
export function parseProcNetTcp(text: string, state?: number): TcpRow[] {
  const rows: TcpRow[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || !/^[0-9]+:$/.test(f[0] ?? '')) continue;
    const st = parseInt(f[3] ?? '', 16);
    if (Number.isNaN(st) || (state !== undefined && st !== state)) continue;
    const local = endpoint(f[1] ?? '');
    const remote = endpoint(f[2] ?? '');
    if (local === undefined || remote === undefined) continue;
    rows.push({ local: local.addr, localPort: local.port, remote: remote.addr, remotePort: remote.port, state: st });
  }
  return rows;
}

// A fingerprint of the TCP activity of this network namespace from /proc/net/snmp (per namespace,
// IPv4 and IPv6 together, read in microseconds where a table read walks the kernel's whole
// connection hash, several milliseconds on a large-memory host): the connections ever opened
// (ActiveOpens, PassiveOpens) and those established now (CurrEstab). While it is unchanged no
// connection was opened and none was closed, so the established set is the same (a connection
// that went on to CLOSE_WAIT still counts in CurrEstab). undefined when the file is unusable.
export function tcpActivity(snmp: string): string | undefined {
  const lines = snmp.split('\n').filter((l) => l.startsWith('Tcp:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  const pick = (n: string): string | undefined => {
    const v = values[names.indexOf(n)];
    return names.includes(n) && v !== undefined && /^[0-9]+$/.test(v) ? v : undefined;
  };
  const parts = ['ActiveOpens', 'PassiveOpens', 'CurrEstab'].map(pick);
  return parts.every((p) => p !== undefined) ? parts.join(' ') : undefined;
}
