// build/lab/report.json: the lab's results for machines (schema in test/e2e/README.md).
// labReport() writes it from what the driver recorded; parseReport() reads one back and rejects
// anything that is not this schema (docs and tools quote from it).

import { verdict, type Check, type Step } from './record.ts';
import type { Failover, ProviderResult } from './scenarios.ts';
import { TAGS } from './client.ts';

export const SCHEMA = 'nfsha-lab-report/1';

export interface JsonCheck {
  name: string;
  pass: boolean;
  verdict: 'PASS' | 'FAIL' | 'KNOWN';
  detail: string;
  known?: string;
}

// One point of a failover's timeline, in seconds from the fault (t0).
export interface JsonEvent {
  event: string;
  s: number;
  resource?: string;
}

export interface JsonScenario {
  name: string;
  checks: JsonCheck[];
  timeline?: { from: string; to: string; t0: string; t0Label: string; events: JsonEvent[] };
}

export interface JsonRun {
  flavour: string;
  provider: string;
  aborted?: string;
  durationS: number;
  scenarios: JsonScenario[];
}

export interface JsonSoak {
  failovers: number;
  acknowledgedWrites: number;
  lostWrites: number;
  // per protocol (v3, v4): seconds
  lockReclaimS: Record<string, { min: number; median: number; max: number }>;
  writeGapS: Record<string, { min: number; median: number; max: number }>;
}

export interface LabReportJson {
  schema: typeof SCHEMA;
  started: string;
  buildS: number;
  pass: boolean;
  summary: string;
  runs: JsonRun[];
  compare: (JsonCheck & { flavour: string })[];
  soak?: JsonSoak;
}

export interface ReportSource {
  started: number;
  buildMs: number;
  steps: Step[];
  checks: Check[];
  results: ProviderResult[];
  pass: boolean;
  summary: string;
  soak?: JsonSoak;
}

const sec = (ms: number): number => Math.round(ms) / 1000;

// The timeline events: fault, node seen offline, fenced, each resource started, floating
// IP up, notification sent, each lock reclaimed, each mount's first write after the stall.
export function timelineEvents(f: Failover): JsonEvent[] {
  const ev: JsonEvent[] = [{ event: 'fault', s: 0 }];
  const at = (event: string, t: number | undefined, resource?: string) => {
    if (t !== undefined) ev.push({ event, s: sec(t - f.t0), ...(resource ? { resource } : {}) });
  };
  at(f.killed === true ? 'node seen offline' : 'fault detected', f.detected);
  at('fenced', f.fenced);
  for (const s of f.stops) at(s.ok ? 'stopped' : 'stop failed', s.t1, s.rsc);
  for (const s of f.starts) at(s.ok ? 'started' : 'start failed', s.t1, s.rsc);
  // The first ARP from the floating address at the client; vip1's start end when none was seen.
  at('floating IP up', f.ipUp ?? f.starts.find((s) => s.rsc === 'vip1' && s.ok)?.t1);
  at('client connection reset', f.reset);
  at('group started', f.groupStarted);
  at('notification sent', f.notifyStart);
  for (const t of TAGS) at(`${t} lock reclaimed`, f.lock[t]);
  for (const t of TAGS) at(`${t} first write after`, f.firstWriteAfter[t]);
  return ev.sort((a, b) => a.s - b.s);
}

function jsonCheck(c: Check): JsonCheck {
  return { name: c.name, pass: c.ok, verdict: verdict(c), detail: c.detail, ...(c.known ? { known: c.known } : {}) };
}

export function labReport(r: ReportSource): LabReportJson {
  const runs = r.results.map((res): JsonRun => {
    const mine = (x: { flavour: string; provider: string }) => x.flavour === res.flavour && x.provider === res.provider;
    const checks = r.checks.filter(mine);
    const steps = r.steps.filter(mine);
    const names = [...new Set([...checks.map((c) => c.scenario), ...res.failovers.map((f) => f.scenario)])];
    const scenarios = names.map((name): JsonScenario => {
      const f = res.failovers.find((x) => x.scenario === name);
      return {
        name,
        checks: checks.filter((c) => c.scenario === name).map(jsonCheck),
        ...(f ? { timeline: { from: f.from, to: f.to, t0: new Date(f.t0).toISOString(), t0Label: f.t0Label, events: timelineEvents(f) } } : {}),
      };
    });
    const durationS = steps.length ? sec(Math.max(...steps.map((s) => s.end)) - Math.min(...steps.map((s) => s.start))) : 0;
    return { flavour: res.flavour, provider: res.provider, ...(res.aborted ? { aborted: res.aborted } : {}), durationS, scenarios };
  });
  const compare = r.checks.filter((c) => c.provider === 'compare').map((c) => ({ flavour: c.flavour, ...jsonCheck(c) }));
  return { schema: SCHEMA, started: new Date(r.started).toISOString(), buildS: sec(r.buildMs), pass: r.pass, summary: r.summary, runs, compare, ...(r.soak ? { soak: r.soak } : {}) };
}

// ---- reading ----------------------------------------------------------------------------------

class Bad extends Error {}

function obj(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Bad(`${where}: not an object`);
  return v as Record<string, unknown>;
}
function arr(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new Bad(`${where}: not an array`);
  return v;
}
function str(v: unknown, where: string): string {
  if (typeof v !== 'string') throw new Bad(`${where}: not a string`);
  return v;
}
function num(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Bad(`${where}: not a number`);
  return v;
}
function bool(v: unknown, where: string): boolean {
  if (typeof v !== 'boolean') throw new Bad(`${where}: not true or false`);
  return v;
}

function check(v: unknown, where: string): JsonCheck {
  const o = obj(v, where);
  const c: JsonCheck = { name: str(o.name, `${where}.name`), pass: bool(o.pass, `${where}.pass`), verdict: str(o.verdict, `${where}.verdict`) as JsonCheck['verdict'], detail: str(o.detail, `${where}.detail`) };
  if (!['PASS', 'FAIL', 'KNOWN'].includes(c.verdict)) throw new Bad(`${where}.verdict: ${c.verdict} is not PASS, FAIL or KNOWN`);
  if ((c.verdict === 'PASS') !== c.pass) throw new Bad(`${where}: verdict ${c.verdict} contradicts pass=${String(c.pass)}`);
  if (o.known !== undefined) c.known = str(o.known, `${where}.known`);
  if (c.verdict === 'KNOWN' && c.known === undefined) throw new Bad(`${where}: KNOWN without the documented defect`);
  return c;
}

function stats(v: unknown, where: string): Record<string, { min: number; median: number; max: number }> {
  const o = obj(v, where);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => {
    const s = obj(x, `${where}.${k}`);
    return [k, { min: num(s.min, `${where}.${k}.min`), median: num(s.median, `${where}.${k}.median`), max: num(s.max, `${where}.${k}.max`) }];
  }));
}

// Parses report.json; throws an Error naming the first field that does not fit the schema.
export function parseReport(text: string): LabReportJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`report.json: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    const o = obj(raw, 'report');
    if (o.schema !== SCHEMA) throw new Bad(`report.schema: ${String(o.schema)} is not ${SCHEMA}`);
    const runs = arr(o.runs, 'report.runs').map((rv, i): JsonRun => {
      const w = `runs[${i}]`;
      const r = obj(rv, w);
      const run: JsonRun = {
        flavour: str(r.flavour, `${w}.flavour`), provider: str(r.provider, `${w}.provider`), durationS: num(r.durationS, `${w}.durationS`),
        scenarios: arr(r.scenarios, `${w}.scenarios`).map((sv, j): JsonScenario => {
          const ws = `${w}.scenarios[${j}]`;
          const s = obj(sv, ws);
          const sc: JsonScenario = { name: str(s.name, `${ws}.name`), checks: arr(s.checks, `${ws}.checks`).map((c, k) => check(c, `${ws}.checks[${k}]`)) };
          if (s.timeline !== undefined) {
            const t = obj(s.timeline, `${ws}.timeline`);
            sc.timeline = {
              from: str(t.from, `${ws}.timeline.from`), to: str(t.to, `${ws}.timeline.to`), t0: str(t.t0, `${ws}.timeline.t0`), t0Label: str(t.t0Label, `${ws}.timeline.t0Label`),
              events: arr(t.events, `${ws}.timeline.events`).map((ev, k) => {
                const e = obj(ev, `${ws}.timeline.events[${k}]`);
                const out: JsonEvent = { event: str(e.event, `${ws}.timeline.events[${k}].event`), s: num(e.s, `${ws}.timeline.events[${k}].s`) };
                if (e.resource !== undefined) out.resource = str(e.resource, `${ws}.timeline.events[${k}].resource`);
                return out;
              }),
            };
          }
          return sc;
        }),
      };
      if (r.aborted !== undefined) run.aborted = str(r.aborted, `${w}.aborted`);
      return run;
    });
    const compare = arr(o.compare, 'report.compare').map((c, i) => ({ flavour: str(obj(c, `compare[${i}]`).flavour, `compare[${i}].flavour`), ...check(c, `compare[${i}]`) }));
    const rep: LabReportJson = { schema: SCHEMA, started: str(o.started, 'report.started'), buildS: num(o.buildS, 'report.buildS'), pass: bool(o.pass, 'report.pass'), summary: str(o.summary, 'report.summary'), runs, compare };
    if (o.soak !== undefined) {
      const s = obj(o.soak, 'report.soak');
      rep.soak = {
        failovers: num(s.failovers, 'soak.failovers'), acknowledgedWrites: num(s.acknowledgedWrites, 'soak.acknowledgedWrites'), lostWrites: num(s.lostWrites, 'soak.lostWrites'),
        lockReclaimS: stats(s.lockReclaimS, 'soak.lockReclaimS'), writeGapS: stats(s.writeGapS, 'soak.writeGapS'),
      };
    }
    return rep;
  } catch (e) {
    if (e instanceof Bad) throw new Error(`report.json: ${e.message}`);
    throw e;
  }
}

// The value of one check, for quoting: flavour, provider, scenario, check name.
export function findCheck(r: LabReportJson, flavour: string, provider: string, scenario: string, name: string): JsonCheck | undefined {
  return r.runs.find((x) => x.flavour === flavour && x.provider === provider)?.scenarios.find((s) => s.name === scenario)?.checks.find((c) => c.name === name);
}
