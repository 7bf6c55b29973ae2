// isIP with node:net's answers, without loading node:net: that module pulls in the streams stack,
// about 4.5 ms of CPU measured in nfsnotify's start (≈ 0.2 s under the VM lab's emulation), for
// one address check. IPv6 is left to the WHATWG URL parser (a global, already loaded), which
// implements RFC 4291's text forms; IPv4 is the strict dotted quad node:net accepts (no leading
// zeros, no short forms, which URL's host parser would accept). test/unit/util/ip.test.ts
// compares both with node:net on a table of valid and invalid forms.

const V4_PART = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
const V4 = new RegExp(`^${V4_PART}(?:\\.${V4_PART}){3}$`);
// What node:net allows after an IPv6 address: a zone index such as %eth0 or %2 (its characters).
const ZONE = /%[0-9A-Za-z.:-]+$/;

export function isIPv4(text: string): boolean {
  return V4.test(text);
}

export function isIPv6(text: string): boolean {
  const bare = text.replace(ZONE, '');
  if (!bare.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(bare)) return false;
  // URL accepts an embedded IPv4 tail only in strict dotted-quad form, as node:net does.
  try {
    new URL(`http://[${bare}]/`);
    return true;
  } catch {
    return false;
  }
}

// 4, 6 or 0, like node:net's isIP.
export function isIP(text: string): number {
  if (isIPv4(text)) return 4;
  if (isIPv6(text)) return 6;
  return 0;
}
