// The instruction-count mode's reading of callgrind output (bench/callgrind.ts), on files valgrind
// 3.19 wrote: `valgrind --tool=callgrind --trace-children=yes /bin/sh -c '/bin/true; exit 3'`
// (one file for the shell, one for its child).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare, instructions, mega, parseCallgrind, summarize } from '../../../bench/callgrind.ts';

const FIX = join(import.meta.dirname, '../../fixtures/callgrind');
const shell = readFileSync(join(FIX, 'sh-c-true.callgrind'), 'utf8');
const child = readFileSync(join(FIX, 'true.callgrind'), 'utf8');

describe('parseCallgrind', () => {
  it('reads the header and the totals line of a real file', () => {
    const t = parseCallgrind(child);
    expect(t.pid).toBe(4370);
    expect(t.cmd).toBe('/bin/true');
    expect([...t.events]).toEqual([['Ir', 109618]]);
  });

  it('takes the totals line over the header summary where they differ (the forking shell)', () => {
    // The shell's header says 187348, its totals (the sum of the cost lines) 187357.
    expect(parseCallgrind(shell).events.get('Ir')).toBe(187357);
  });

  it('falls back to the summary line when there is no totals line', () => {
    const noTotals = child.split('\n').filter((l) => !l.startsWith('totals:')).join('\n');
    expect(parseCallgrind(noTotals).events.get('Ir')).toBe(109618);
  });

  it('reads several events by position', () => {
    const twoEvents = child.replace('events: Ir', 'events: Ir Dr').replace(/^totals: (\d+)$/m, 'totals: $1 42');
    const t = parseCallgrind(twoEvents);
    expect(t.events.get('Ir')).toBe(109618);
    expect(t.events.get('Dr')).toBe(42);
  });

  it('rejects a file cut short, another format and a totals line without a count', () => {
    const cut = child.split('\n').filter((l) => !/^(totals|summary):/.test(l)).join('\n');
    expect(() => parseCallgrind(cut)).toThrow(/did not finish/);
    expect(() => parseCallgrind('==123== Callgrind, a call-graph generating cache profiler\n')).toThrow(/not a callgrind output file/);
    expect(() => parseCallgrind(child.replace(/^totals: \d+$/m, 'totals: x'))).toThrow(/no count for Ir/);
    expect(() => parseCallgrind(child.replace(/^events: Ir$/m, ''))).toThrow(/events/);
  });
});

describe('instructions', () => {
  it('sums the files of one run (a process and the children it was followed into)', () => {
    expect(instructions([shell, child])).toBe(187357 + 109618);
    expect(instructions([child])).toBe(109618);
  });

  it('refuses a file without the Ir event', () => {
    expect(() => instructions([child.replace('events: Ir', 'events: Dr')])).toThrow(/Ir/);
  });
});

describe('summarize and compare', () => {
  it('gives min, median, max and the spread of the runs', () => {
    expect(summarize([82094378, 82448471, 82093356])).toEqual({ runs: 3, min: 82093356, median: 82094378, max: 82448471, spread: (82448471 - 82093356) / 82094378 });
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
    expect(() => summarize([])).toThrow();
  });

  it('states ours against another side as a difference, a ratio and milliseconds at a given rate', () => {
    const ours = summarize([105e6, 104e6, 106e6]);
    const base = summarize([100e6, 101e6, 99e6]);
    expect(compare(ours, base, 2000e3)).toEqual({ delta: 5e6, ratio: 1.05, ms: 2.5 });
    expect(compare(ours, base).ms).toBeUndefined();
    expect(mega(82094307)).toBe('82.1');
  });
});
