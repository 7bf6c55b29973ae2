// The lab driver: runs every scenario for each provider on fresh VMs, compares the providers and
// writes the report (report.txt, report.svg, report.json in --out). Started by test/e2e/lab.sh
// inside the lab's network namespace, after the images are built.
//
// node main.ts --out DIR --run DIR --kernel F --initrd F --image FLAVOUR=F [--image FLAVOUR=F]
//              --providers heartbeat,nfsha [--build-ms N] [--build-note TEXT] [--nfsha yes|no] [--keep]
//              [--soak N]   (make lab-soak: N failovers in a row instead of the scenarios, soak.ts)
// Each --image names a guest flavour (plain, systemd) and its root image; the flavours run in
// the order given, each with every provider.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Provider } from './cib.ts';
import { fmtS, Record as Rec } from './record.ts';
import { afterIp, CRASH_METRICS, GATED, svgReport, textReport } from './report.ts';
import { Run, type ProviderResult } from './scenarios.ts';
import { FLAVOURS, Lab, type Flavour } from './vm.ts';
import { labReport, type JsonSoak } from './report-json.ts';
import { soak } from './soak.ts';

const { values: a } = parseArgs({
  options: {
    out: { type: 'string' }, run: { type: 'string' }, kernel: { type: 'string' }, initrd: { type: 'string' },
    image: { type: 'string', multiple: true }, providers: { type: 'string', default: 'heartbeat,nfsha' },
    'build-ms': { type: 'string', default: '0' }, 'build-note': { type: 'string', default: '' }, nfsha: { type: 'string', default: 'no' },
    keep: { type: 'boolean', default: false }, soak: { type: 'string', default: '0' },
  },
});
if (!a.out || !a.run || !a.kernel || !a.initrd || !a.image?.length) {
  console.error('main.ts: --out, --run, --kernel, --initrd and --image are required');
  process.exit(2);
}
const out = a.out;
const names = a.providers.split(',').filter(Boolean);
const bad = names.filter((p) => p !== 'heartbeat' && p !== 'nfsha');
if (bad.length) {
  console.error(`main.ts: unknown provider(s) ${bad.join(', ')}`);
  process.exit(2);
}
const providers = names as Provider[];
const images: [Flavour, string][] = [];
for (const spec of a.image) {
  const i = spec.indexOf('=');
  const fl = spec.slice(0, i) as Flavour;
  if (i < 1 || !FLAVOURS.includes(fl)) {
    console.error(`main.ts: --image wants FLAVOUR=FILE with FLAVOUR one of ${FLAVOURS.join(', ')}, got ${spec}`);
    process.exit(2);
  }
  images.push([fl, spec.slice(i + 1)]);
}
const flavours = images.map(([f]) => f);
const soakN = Number(a.soak);
if (!Number.isInteger(soakN) || soakN < 0) {
  console.error(`main.ts: --soak wants a number of failovers, got ${a.soak}`);
  process.exit(2);
}
let soakResult: JsonSoak | undefined;

const started = Date.now();
const rec = new Rec();
const results: ProviderResult[] = [];
mkdirSync(out, { recursive: true });

let current: Run | undefined;
// Interrupted (lab.sh got INT/TERM): write what was measured so far; lab.sh removes the VMs.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (current && !results.includes(current.result)) results.push({ ...current.result, aborted: `interrupted (${sig})` });
    rec.provider = current?.provider ?? '';
    rec.flavour = current?.flavour ?? '';
    rec.check('lab', 'run completed', false, `interrupted by ${sig}`);
    finish();
    process.exit(130);
  });
}

for (const [flavour, image] of images) {
  const lab = new Lab(a.run, { kernel: a.kernel, initrd: a.initrd, image, flavour });
  rec.flavour = flavour;
  for (const p of providers) {
    rec.provider = p;
    if (p === 'nfsha' && a.nfsha !== 'yes') {
      rec.check('setup', 'nfsha agents installed in the image', false, 'no nfsha binary was given to the image build');
      results.push({ flavour, provider: p, failovers: [], aborted: 'no agents' });
      continue;
    }
    const run = new Run(lab, rec, p, out);
    current = run;
    try {
      if (soakN > 0) {
        soakResult = await soak(run, soakN);
        results.push(run.result);
      } else {
        results.push(await run.all());
      }
    } finally {
      // --keep: the last run's VMs stay up for a look (lab.sh sh node1 ...).
      if (!(a.keep && p === providers[providers.length - 1] && flavour === flavours[flavours.length - 1])) await run.teardown();
    }
  }
  current = undefined;

  // Side by side: our agents' failover must take at most half the upstream agents' time.
  rec.provider = 'compare';
  // Issue 15's target, reported (a measurement, not gating): with tickle ACKs, both clients write
  // again at most 2 s after the floating IP is up.
  for (const f of results.filter((r) => r.flavour === flavour && r.provider === 'nfsha').flatMap((r) => r.failovers).filter((x) => x.tickle !== undefined)) {
    for (const t of ['v3', 'v4'] as const) {
      const v = afterIp(f, t);
      rec.check('compare', `${f.scenario} (tickle ${f.tickle ? 'on' : 'off'}): floating IP up → first ${t} write ≤ 2 s`, v !== undefined && v <= 2000,
        v !== undefined ? `${fmtS(v)}${f.notifyStart && f.ipUp ? `; nfsnotify's start began ${fmtS(f.notifyStart - f.ipUp)} after the IP was up` : ''}` : 'not measured');
    }
  }
  const up = results.find((r) => r.flavour === flavour && r.provider === 'heartbeat')?.failovers.find((f) => f.scenario === 'crash');
  const ours = results.find((r) => r.flavour === flavour && r.provider === 'nfsha')?.failovers.find((f) => f.scenario === 'crash');
  if (providers.length === 2) {
    for (const m of CRASH_METRICS.filter((x) => GATED.includes(x.name))) {
      const u = up ? m.get(up) : undefined;
      const o = ours ? m.get(ours) : undefined;
      rec.check('compare', `${m.name}: nfsha ≤ 0.5 × heartbeat`, u !== undefined && o !== undefined && o <= 0.5 * u,
        u !== undefined && o !== undefined ? `${(o / 1000).toFixed(1)} s vs ${(u / 1000).toFixed(1)} s, ratio ${(o / u).toFixed(2)}` : 'not measured');
    }
  }
}

// What decides PASS/FAIL: the functional checks of our agents (the provider under test). The
// upstream agents' checks document their behaviour in the same run, and the side-by-side ratios
// are measurements (the project's rule: speed is reported by benchmarks, never asserted by
// tests); both are in the report, neither fails the lab.
function finish(): boolean {
  const gating = rec.checks.filter((c) => c.provider !== 'heartbeat' && c.provider !== 'compare');
  const failed = gating.filter((c) => !c.ok);
  const notes = rec.checks.filter((c) => (c.provider === 'heartbeat' || c.provider === 'compare') && !c.ok);
  const pass = failed.length === 0 && gating.length > 0;
  const total = Date.now() - started + Number(a['build-ms']);
  const per = flavours.map((fl) => `${fl} ${fmtMin(rec.steps.filter((s) => s.flavour === fl))}`).join(', ');
  const who = (c: { flavour: string; provider: string; scenario: string; name: string }) => `${c.flavour}/${c.provider}/${c.scenario}: ${c.name}`;
  const summary = `LAB ${pass ? 'PASS' : 'FAIL'}: ${gating.length - failed.length}/${gating.length} checks of our agents passed, flavours ${flavours.join(', ')}, providers ${providers.join(', ')}, ${(total / 60000).toFixed(1)} min (build ${(Number(a['build-ms']) / 1000).toFixed(0)} s; ${per})${failed.length ? `; failed: ${failed.slice(0, 6).map(who).join('; ')}${failed.length > 6 ? ' …' : ''}` : ''}${notes.length ? `; not gating (upstream findings, targets missed): ${notes.map(who).join('; ')}` : ''}`;
  const input = { started, buildMs: Number(a['build-ms']), buildNote: a['build-note'], steps: rec.steps, checks: rec.checks, results, pass, summary, ...(soakResult ? { soak: soakResult } : {}) };
  writeFileSync(join(out, 'report.txt'), textReport(input));
  writeFileSync(join(out, 'report.svg'), svgReport(results, `nfsha-agents VM lab: failover timelines (${providers.join(' vs ')})`));
  writeFileSync(join(out, 'report.json'), `${JSON.stringify(labReport(input), null, 1)}\n`);
  process.stdout.write(`\n${textReport(input)}`);
  // The plain closing line CI reads.
  process.stdout.write(`lab: ${String(gating.length - failed.length)} passed, ${String(failed.length)} failed\n`);
  return pass;
}

// Wall time of a flavour's runs: from its first step's start to its last step's end.
function fmtMin(steps: { start: number; end: number }[]): string {
  if (!steps.length) return '—';
  return `${((Math.max(...steps.map((s) => s.end)) - Math.min(...steps.map((s) => s.start))) / 60000).toFixed(1)} min`;
}

process.exit(finish() ? 0 : 1);
