// agents/index.ts is the one list of agents. Every other place takes it from there (TypeScript
// imports it; the Makefile, the RPM build, the bats tiers and the lab image run tools/agents.ts),
// so a list of agent names written out again anywhere in the code fails here.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AGENTS } from '../../../agents/index.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const REGISTRY = 'agents/index.ts';
// Code and build files; prose (docs, README, meta-data) may name the agents freely.
const CODE = /(\.(ts|mjs|cjs|sh|bash|bats|spec)|(^|\/)Makefile|^test\/e2e\/guest\/[^.]+)$/;

// Three or more agent names in a row, separated only by blanks, commas, quotes or bars: a list.
export function handWrittenLists(text: string, names: readonly string[]): string[] {
  const name = `(?:${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;
  const sep = `[\\s,'"\`|]+`;
  const re = new RegExp(`\\b${name}(?:${sep}${name}\\b){2,}`, 'g');
  return [...text.matchAll(re)].map((m) => m[0]);
}

describe('the agent registry is the only list of agents', () => {
  const names = AGENTS.map((a) => a.name);

  it('finds a list when there is one (the detector itself)', () => {
    expect(handWrittenLists(`for a in ${names.join(' ')}; do`, names)).toHaveLength(1);
    expect(handWrittenLists(`[${names.map((n) => `'${n}'`).join(', ')}]`, names)).toHaveLength(1);
    expect(handWrittenLists(`only ${names[0] ?? ''} here`, names)).toEqual([]);
  });

  it('no file but the registry writes the agents out', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter((f) => CODE.test(f) && f !== REGISTRY);
    const found: string[] = [];
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(`${ROOT}${f}`, 'utf8');
      } catch {
        continue;
      }
      for (const l of handWrittenLists(text, names)) found.push(`${f}: "${l.replace(/\s+/g, ' ')}" (take the list from agents/index.ts or tools/agents.ts)`);
    }
    expect(found).toEqual([]);
  });

  it('tools/agents.ts prints the registry', () => {
    const out = execFileSync(`${ROOT}node_modules/.bin/node`, ['tools/agents.ts'], { cwd: ROOT, encoding: 'utf8' });
    expect(out.split('\n').filter(Boolean)).toEqual(names);
  });
});
