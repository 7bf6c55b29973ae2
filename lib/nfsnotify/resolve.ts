// What sm-notify will do with `-v <source_host>`, checked before it runs:
//   - an address must reverse-resolve (sm-notify exits 1: "my_name … is unusable"), and its name
//     becomes the mon_name the clients match;
//   - a name is sent as it is, and resolved only to pick the address to send from;
//   - that address must be configured here: sm-notify binds its socket to it AFTER putting itself
//     in the background, so a foreign address makes it fail silently with start reporting
//     success, the state number increased and the real monitor list consumed.
// Resolution goes through getent (the same NSS look-ups sm-notify makes).

import { isIP } from '../util/ip.ts';
import { OCF, OcfError } from '../ocf/codes.ts';
import type { System } from '../system/types.ts';

// A canonical text form of an address, so that "::ffff:10.0.0.1", "fe80::0:1" and their usual
// forms compare equal.
export function canonicalAddress(addr: string): string {
  const bare = addr.replace(/%.*$/, '');
  const v = isIP(bare);
  if (v === 4) return bare;
  if (v !== 6) return bare.toLowerCase();
  const host = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const hi = parseInt(mapped[1] ?? '0', 16);
    const lo = parseInt(mapped[2] ?? '0', 16);
    return `${String(hi >> 8)}.${String(hi & 255)}.${String(lo >> 8)}.${String(lo & 255)}`;
  }
  return host;
}

export function isLocal(addr: string, local: readonly string[]): boolean {
  const want = canonicalAddress(addr);
  return local.some((a) => canonicalAddress(a) === want);
}

// `getent hosts ADDR`: "ADDR  name alias...". The first name is what sm-notify uses.
export function parseGetentHosts(stdout: string): string | undefined {
  const first = stdout.split('\n').find((l) => l.trim() !== '');
  return first?.trim().split(/\s+/)[1];
}

// `getent ahosts NAME`: "ADDR  STREAM canonical" / "ADDR  DGRAM" / "ADDR  RAW" per address.
export function parseGetentAhosts(stdout: string): string[] {
  const out: string[] = [];
  for (const line of stdout.split('\n')) {
    const addr = line.trim().split(/\s+/)[0];
    if (addr !== undefined && addr !== '' && isIP(addr) !== 0 && !out.includes(addr)) out.push(addr);
  }
  return out;
}

// The address sm-notify binds for a name: with IPv6 available, the name's first IPv6 address, or
// (AI_V4MAPPED) its first IPv4 one; without IPv6, the first IPv4 address.
export function bindAddressFor(addresses: readonly string[], ipv6: boolean): string | undefined {
  const v6 = addresses.filter((a) => isIP(a) === 6);
  const v4 = addresses.filter((a) => isIP(a) === 4);
  return ipv6 && v6.length > 0 ? v6[0] : v4[0];
}

export interface SourceHost {
  readonly host: string;
  // The name clients will see in SM_NOTIFY (mon_name).
  readonly monName: string;
  // The address the notifications leave from.
  readonly address: string;
}

const LOOKUP_MS = 15000;

async function getent(sys: System, db: string, key: string): Promise<{ code: number | null; stdout: string; detail: string }> {
  const r = await sys.run(['getent', db, key], { timeoutMs: LOOKUP_MS });
  if (r.notFound) throw new OcfError(OCF.ERR_INSTALLED, "Setup problem: couldn't find command: getent");
  const detail = r.timedOut ? 'the look-up timed out' : r.stderr.trim();
  return { code: r.timedOut ? null : r.exitCode, stdout: r.stdout, detail };
}

// Checks one source host, or throws an OcfError (ERR_GENERIC: the node is not ready for it, as
// when nfsnotify starts before the floating IP) with a reason that says what to fix.
export async function checkSourceHost(sys: System, host: string): Promise<SourceHost> {
  const local = sys.localAddresses();
  if (isIP(host) !== 0) {
    if (!isLocal(host, local)) {
      throw new OcfError(OCF.ERR_GENERIC, `source_host ${host} is not configured on this node (start nfsnotify after the floating IP)`);
    }
    const r = await getent(sys, 'hosts', host);
    const name = r.code === 0 ? parseGetentHosts(r.stdout) : undefined;
    if (name === undefined) {
      throw new OcfError(OCF.ERR_GENERIC, `source_host ${host} does not reverse-resolve (sm-notify needs its name in /etc/hosts or DNS)${r.detail ? `: ${r.detail}` : ''}`);
    }
    return { host, monName: name, address: host };
  }
  const r = await getent(sys, 'ahosts', host);
  const addrs = r.code === 0 ? parseGetentAhosts(r.stdout) : [];
  const ipv6 = local.some((a) => isIP(a.replace(/%.*$/, '')) === 6);
  const address = bindAddressFor(addrs, ipv6);
  if (address === undefined) {
    throw new OcfError(OCF.ERR_GENERIC, `source_host ${host} does not resolve${r.detail ? `: ${r.detail}` : ''}`);
  }
  if (!isLocal(address, local)) {
    throw new OcfError(OCF.ERR_GENERIC, `source_host ${host} resolves to ${address}, which is not configured on this node (start nfsnotify after the floating IP)`);
  }
  return { host, monName: host, address };
}
