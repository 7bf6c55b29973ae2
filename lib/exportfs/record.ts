// The state record of an exportfs resource (its file under HA_RSCTMP).

import { joinLines } from './rmtab.ts';

// The state file: the resource is "started" while it exists (ha_pseudo_resource). It records,
// per directory, the client name exportfs reported ("dir<TAB>client" lines).
export function parseRecord(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const tab = line.lastIndexOf('\t');
    if (tab > 0) m.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return m;
}

export function formatRecord(m: ReadonlyMap<string, string>): string {
  return joinLines([...m].map(([d, c]) => `${d}\t${c}`));
}

