// Prints the figures docs/performance.md quotes from a lab report (build/lab/report.json):
// per flavour and provider, each failover's timeline points (seconds from the fault) and the
// count of checks passed. node test/e2e/driver/quote.ts [build/lab/report.json]

import { readFileSync } from 'node:fs';
import { parseReport, type JsonEvent } from './report-json.ts';

const r = parseReport(readFileSync(process.argv[2] ?? 'build/lab/report.json', 'utf8'));
const at = (ev: JsonEvent[], name: string) => ev.find((e) => e.event === name)?.s;
const f = (s: number | undefined) => (s === undefined ? '—' : `${s.toFixed(1)} s`);
console.log(r.summary);
console.log('\n| flavour | provider | checks passed | scenario | offline / detected | group started | notification | v3 lock | v4 lock | v3 first write | v4 first write |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const run of r.runs) {
  const checks = run.scenarios.flatMap((s) => s.checks);
  const passed = `${checks.filter((c) => c.pass).length}/${checks.length}${checks.some((c) => c.verdict === 'KNOWN') ? ` (${checks.filter((c) => c.verdict === 'KNOWN').length} KNOWN)` : ''}`;
  for (const s of run.scenarios) {
    const ev = s.timeline?.events;
    if (!ev) continue;
    console.log(`| ${run.flavour} | ${run.provider} | ${passed} | ${s.name} | ${f(at(ev, 'node seen offline') ?? at(ev, 'fault detected'))} | ${f(at(ev, 'group started'))} | ${f(at(ev, 'notification sent'))} | ${f(at(ev, 'v3 lock reclaimed'))} | ${f(at(ev, 'v4 lock reclaimed'))} | ${f(at(ev, 'v3 first write after'))} | ${f(at(ev, 'v4 first write after'))} |`);
  }
}
for (const run of r.runs) {
  for (const c of run.scenarios.flatMap((s) => s.checks.map((x) => ({ ...x, scenario: s.name }))).filter((c) => !c.pass)) {
    console.log(`${c.verdict} ${run.flavour}/${run.provider}/${c.scenario}: ${c.name} [${c.detail}]${c.known ? ` (${c.known})` : ''}`);
  }
}
