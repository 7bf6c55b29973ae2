// Deciding whether an export-table client is the one a resource's clientspec names.
// exportfs stores what it made of the clientspec, not the clientspec itself:
//   - IPv6 addresses and networks lose their brackets ([fd00::1] → fd00::1, [fe80::]/64 → fe80::/64);
//   - `*` is listed as `<world>` by `exportfs` (etab keeps `*`);
//   - a host name is replaced by its canonical name from the resolver (nfsclient →
//     nfsclient.example.com, or the target of a CNAME).
// The agent records the name exportfs reported when it exported ("exporting NAME:/dir"), so the
// canonical name is known without asking DNS in monitor; the short-name/FQDN rule covers a
// table written before the record existed.

// The clientspec as exportfs lists it: IPv6 forms (two or more colons) without brackets.
export function normaliseSpec(spec: string): string {
  return (spec.match(/:/g) ?? []).length >= 2 ? spec.replace(/[[\]]/g, '') : spec;
}

const IPV4 = /^[0-9]+(\.[0-9]+){3}$/;
const HOSTNAME = /^[a-z0-9]([a-z0-9_-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9_-]*[a-z0-9])?)*\.?$/;

// A plain DNS name (not an address, network, wildcard or netgroup).
export function isHostName(s: string): boolean {
  return HOSTNAME.test(s) && !IPV4.test(s);
}

// True when the table's `listed` client is the clientspec `spec` (given `recorded`, the name
// exportfs reported for it when the agent exported it).
export function clientMatches(listed: string, spec: string, recorded?: string): boolean {
  const l = listed.toLowerCase();
  const n = normaliseSpec(spec).toLowerCase();
  if (l === n) return true;
  if (n === '*' && (l === '<world>' || l === '*')) return true;
  if (recorded !== undefined && recorded !== '' && l === recorded.toLowerCase()) return true;
  if (isHostName(n) && isHostName(l)) {
    const ls = l.replace(/\.$/, '');
    const ns = n.replace(/\.$/, '');
    return ls.startsWith(`${ns}.`) || ns.startsWith(`${ls}.`);
  }
  return false;
}

// The client as exportfs wants it on its command line: IPv6 addresses/networks in brackets.
export function commandLineClient(listed: string): string {
  if (!listed.includes(':') || listed.startsWith('[')) return listed;
  const slash = listed.indexOf('/');
  return slash < 0 ? `[${listed}]` : `[${listed.slice(0, slash)}]${listed.slice(slash)}`;
}

// The client exportfs -v names in "exporting CLIENT:DIR" / "unexporting CLIENT:DIR".
export function reportedClient(output: string, verb: 'exporting' | 'unexporting', dir: string): string | undefined {
  const suffix = `:${dir}`;
  for (const line of output.split('\n')) {
    const t = line.trim();
    if (t.startsWith(`${verb} `) && t.endsWith(suffix)) {
      const c = t.slice(verb.length + 1, t.length - suffix.length);
      if (c !== '') return c;
    }
  }
  return undefined;
}
