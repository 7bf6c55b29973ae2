// report.json (test/e2e/README.md): written from what the driver recorded, read back by
// parseReport, which rejects what does not fit the schema.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCheck, labReport, parseReport, SCHEMA, timelineEvents, type ReportSource } from '../../e2e/driver/report-json.ts';
import type { Failover } from '../../e2e/driver/scenarios.ts';

const FIX = join(import.meta.dirname, '../../fixtures/lab');

const T0 = Date.parse('2026-12-03T13:00:00Z');
const crash: Failover = {
  scenario: 'crash', from: 'node1', to: 'node2', t0: T0, t0Label: 'the kill', killed: true, detected: T0 + 9100, fenced: T0 + 15_000,
  starts: [
    { rsc: 'fs1', t0: T0 + 16_000, t1: T0 + 18_500, ok: true },
    { rsc: 'vip1', t0: T0 + 30_000, t1: T0 + 32_250, ok: true },
    { rsc: 'nfsnotify', t0: T0 + 33_000, t1: T0 + 34_000, ok: true },
  ],
  stops: [], groupStarted: T0 + 34_000, notifyStart: T0 + 33_000, notifyDone: T0 + 34_000,
  lock: { v3: T0 + 33_700, v4: T0 + 41_000 }, lastWriteBefore: { v3: T0 - 500, v4: T0 - 200 }, firstWriteAfter: { v3: T0 + 35_000 }, writes: {},
};

function source(): ReportSource {
  const c = (provider: string, scenario: string, name: string, ok: boolean, known?: string) => ({ flavour: 'systemd', provider, scenario, name, ok, detail: ok ? '' : 'why', ...(known ? { known } : {}) });
  return {
    started: T0 - 600_000, buildMs: 4200, pass: true, summary: 'LAB PASS: …',
    steps: [
      { flavour: 'systemd', provider: 'nfsha', name: 'boot', start: T0 - 500_000, end: T0 - 400_000, ok: true, detail: '' },
      { flavour: 'systemd', provider: 'nfsha', name: 'crash', start: T0, end: T0 + 60_000, ok: true, detail: '' },
    ],
    checks: [
      c('nfsha', 'start', 'statd runs with no-notify', true),
      c('nfsha', 'crash', 'NFSv3 lock reclaimed on node2', true),
      c('heartbeat', 'start', 'statd runs with no-notify', false, 'nfsserver N1'),
      c('compare', 'compare', 'kill → NFSv3 lock reclaimed: nfsha ≤ 0.5 × heartbeat', false),
    ],
    results: [{ flavour: 'systemd', provider: 'nfsha', failovers: [crash] }, { flavour: 'systemd', provider: 'heartbeat', failovers: [], aborted: 'start: timed out' }],
  };
}

describe('timeline events', () => {
  it('are the issue\'s events in seconds from the fault, in time order, only those that happened', () => {
    const ev = timelineEvents(crash);
    expect(ev[0]).toEqual({ event: 'fault', s: 0 });
    expect(ev.map((e) => e.s)).toEqual([...ev.map((e) => e.s)].sort((a, b) => a - b));
    expect(ev).toContainEqual({ event: 'node seen offline', s: 9.1 });
    expect(ev).toContainEqual({ event: 'fenced', s: 15 });
    expect(ev).toContainEqual({ event: 'started', s: 18.5, resource: 'fs1' });
    expect(ev).toContainEqual({ event: 'floating IP up', s: 32.25 });
    expect(ev).toContainEqual({ event: 'notification sent', s: 33 });
    expect(ev).toContainEqual({ event: 'v3 lock reclaimed', s: 33.7 });
    expect(ev).toContainEqual({ event: 'v4 lock reclaimed', s: 41 });
    expect(ev).toContainEqual({ event: 'v3 first write after', s: 35 });
    expect(ev.some((e) => e.event === 'v4 first write after')).toBe(false);
  });

  it('take the floating IP\'s return from the client\'s first ARP when one was seen, with the reset', () => {
    const ev = timelineEvents({ ...crash, ipUp: T0 + 31_800, reset: T0 + 34_100, tickle: true });
    expect(ev).toContainEqual({ event: 'floating IP up', s: 31.8 });
    expect(ev).toContainEqual({ event: 'client connection reset', s: 34.1 });
    expect(ev.filter((e) => e.event === 'floating IP up')).toHaveLength(1);
  });
});

describe('report.json', () => {
  it('one run per flavour and provider, checks grouped by scenario, round trip through the parser', () => {
    const r = labReport(source());
    expect(r.schema).toBe(SCHEMA);
    expect(r.runs.map((x) => `${x.flavour}/${x.provider}`)).toEqual(['systemd/nfsha', 'systemd/heartbeat']);
    expect(r.runs[0]!.durationS).toBe(560);
    expect(r.runs[0]!.scenarios.map((s) => s.name)).toEqual(['start', 'crash']);
    expect(r.runs[1]!.aborted).toBe('start: timed out');
    expect(findCheck(r, 'systemd', 'heartbeat', 'start', 'statd runs with no-notify')).toMatchObject({ pass: false, verdict: 'KNOWN', known: 'nfsserver N1' });
    expect(r.compare).toEqual([expect.objectContaining({ flavour: 'systemd', verdict: 'FAIL' })]);
    const back = parseReport(JSON.stringify(r));
    expect(back).toEqual(r);
    expect(back.runs[0]!.scenarios[1]!.timeline!.events).toEqual(timelineEvents(crash));
  });

  it('carries the soak totals when there are some', () => {
    const soak = { failovers: 10, acknowledgedWrites: 1200, lostWrites: 0, lockReclaimS: { v3: { min: 30, median: 35, max: 41 } }, writeGapS: { v4: { min: 40, median: 44, max: 50 } } };
    const r = parseReport(JSON.stringify(labReport({ ...source(), soak })));
    expect(r.soak).toEqual(soak);
  });

  it('rejects what is not this schema, naming the field', () => {
    const good = labReport(source());
    const bad = (f: (x: Record<string, unknown>) => void) => {
      const x = structuredClone(good) as unknown as Record<string, unknown>;
      f(x);
      return () => parseReport(JSON.stringify(x));
    };
    expect(() => parseReport('{')).toThrow(/not JSON/);
    expect(bad((x) => { x.schema = 'other/1'; })).toThrow(/report.schema/);
    expect(bad((x) => { delete x.runs; })).toThrow(/report.runs: not an array/);
    expect(bad((x) => { (x.runs as { provider: unknown }[])[0]!.provider = 3; })).toThrow(/runs\[0\].provider: not a string/);
    expect(bad((x) => { (x.runs as { scenarios: { checks: { verdict: string }[] }[] }[])[0]!.scenarios[0]!.checks[0]!.verdict = 'FAIL'; })).toThrow(/contradicts/);
    expect(bad((x) => { (x.runs as { scenarios: { timeline?: { events: { s: unknown }[] } }[] }[])[0]!.scenarios[1]!.timeline!.events[0]!.s = 'x'; })).toThrow(/timeline.events\[0\].s: not a number/);
    expect(bad((x) => { x.soak = { failovers: 1 }; })).toThrow(/soak.acknowledgedWrites/);
  });

  it('reads a report a lab run wrote', () => {
    const r = parseReport(readFileSync(join(FIX, 'report.json'), 'utf8'));
    expect(r.runs.length).toBeGreaterThan(0);
    const crashTl = r.runs.flatMap((x) => x.scenarios).find((s) => s.name === 'crash')?.timeline;
    expect(crashTl?.events[0]).toEqual({ event: 'fault', s: 0 });
    expect(crashTl?.events.some((e) => e.event === 'node seen offline')).toBe(true);
    expect(crashTl?.events.some((e) => e.event === 'v4 lock reclaimed')).toBe(true);
    expect(r.runs[0]!.scenarios.find((s) => s.name === 'start')?.checks.every((c) => c.pass)).toBe(true);
  });
});
