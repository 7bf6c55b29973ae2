// rmtab (rpc.mountd's list of NFSv2/v3 mounts, `client:path:0xcount` per line) and its backup
// inside each exported directory, which lets the list follow the export to another node.

// The rmtab lines for one exported directory (the path between colons, exactly).
export function rmtabLinesFor(rmtab: string, dir: string): string[] {
  const needle = `:${dir}:`;
  return rmtab.split('\n').filter((l) => l.includes(needle));
}

export function joinLines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

// `sort -u` of the live rmtab and a backup, byte order (LC_ALL=C) as sort does.
export function mergeRmtab(live: string, backup: string): string {
  const all = new Set<string>();
  for (const l of `${live}\n${backup}`.split('\n')) if (l !== '') all.add(l);
  return joinLines([...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
}
