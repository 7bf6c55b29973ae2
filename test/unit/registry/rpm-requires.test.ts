// The RPM's dependencies are the programs the agents declare (lib/<agent>/tools.ts), no more and
// no less: a tool added to an agent without the spec, or a spec line no agent needs, fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AGENTS } from '../../../agents/index.ts';
import type { ToolSpec } from '../../../lib/ocf/define.ts';
import { LOG_TOOLS } from '../../../lib/ocf/log.ts';

const spec = readFileSync(new URL('../../../rpm/nfsha-agents.spec', import.meta.url), 'utf8');
const lines = (tag: string): Set<string> => new Set([...spec.matchAll(new RegExp(`^${tag}:\\s+(\\S+)`, 'gm'))].map((m) => m[1] ?? ''));

describe('RPM Requires: and Recommends: against the declared tools', () => {
  const declared = new Map<string, ToolSpec>();
  for (const tools of [LOG_TOOLS, ...AGENTS.map((a) => a.tools)]) {
    for (const t of Object.values(tools)) {
      const before = declared.get(t.path);
      // Two agents may need one program; the stronger need wins.
      if (before === undefined || before.need !== 'requires') declared.set(t.path, t);
    }
  }
  const requires = lines('Requires');
  const recommends = lines('Recommends');

  it('lists every required tool in Requires: and every recommended one in Recommends:', () => {
    const wrong: string[] = [];
    for (const [path, t] of declared) {
      if (t.need === 'requires' && !requires.has(path)) wrong.push(`Requires: ${path} missing`);
      if (t.need === 'recommends' && !recommends.has(path) && !requires.has(path)) wrong.push(`Recommends: ${path} missing`);
      if (t.need === 'system' && (requires.has(path) || recommends.has(path))) wrong.push(`${path} is provided by the system: no dependency`);
    }
    expect(wrong).toEqual([]);
  });

  it('has no program dependency that no agent declares', () => {
    const extra = [...requires, ...recommends].filter((p) => p.startsWith('/') && !declared.has(p));
    expect(extra).toEqual([]);
  });
});
