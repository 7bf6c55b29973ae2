// The kernel's export cache (/proc/net/rpc/nfsd.export/content, format of svc_export_show:
// `path\tclient(flags,fsid=N,uuid=…,sec=…)`; lines starting with `#` are comments or expired and
// negative entries, which still hold the path until the cache is flushed).

export const EXPORT_CACHE = '/proc/net/rpc/nfsd.export/content';

// The integer fsids the cache content mentions (as the kernel prints them: decimal).
export function cachedFsids(content: string): Set<string> {
  const out = new Set<string>();
  for (const m of content.matchAll(/[(,]fsid=(-?[0-9]+)[,)]/g)) out.add(m[1] ?? '');
  return out;
}
