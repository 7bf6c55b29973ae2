// The lab's report: one line per step with its duration, every check, the failover timelines
// (as text and as an SVG picture with one lane per provider), and the side-by-side comparison.

import { verdict, type Check, type Step } from './record.ts';
import type { Failover, ProviderResult } from './scenarios.ts';
import { TAGS } from './client.ts';

const s1 = (ms: number | undefined): string => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);
const rel = (t: number | undefined, t0: number): string => (t === undefined ? '—' : `${t >= t0 ? '+' : '−'}${(Math.abs(t - t0) / 1000).toFixed(1)}`);

export interface Metric {
  name: string;
  get: (f: Failover) => number | undefined;
}

// The figures the issue compares: node kill → lock reclaimed, and the client's write stall.
export const CRASH_METRICS: Metric[] = [
  { name: 'kill → node loss seen by node2', get: (f) => (f.detected ? f.detected - f.t0 : undefined) },
  { name: 'kill → group started on node2', get: (f) => (f.groupStarted ? f.groupStarted - f.t0 : undefined) },
  { name: 'kill → NFSv3 lock reclaimed', get: (f) => (f.lock.v3 ? f.lock.v3 - f.t0 : undefined) },
  { name: 'kill → NFSv4.2 lock reclaimed', get: (f) => (f.lock.v4 ? f.lock.v4 - f.t0 : undefined) },
  { name: 'v3 last write before → first after', get: (f) => stall(f, 'v3') },
  { name: 'v4 last write before → first after', get: (f) => stall(f, 'v4') },
];
export const GATED = ['kill → NFSv3 lock reclaimed', 'v3 last write before → first after'];

// Issue 15: what the client sees from the floating address's return (its first ARP at the
// client) to its first completed write, per protocol, and where that time goes.
export const IP_METRICS: Metric[] = [
  { name: 'kill → floating IP up (ARP at the client)', get: (f) => (f.ipUp ? f.ipUp - f.t0 : undefined) },
  { name: 'floating IP up → nfsnotify start began', get: (f) => (f.ipUp && f.notifyStart ? f.notifyStart - f.ipUp : undefined) },
  { name: 'floating IP up → first reset seen by client', get: (f) => (f.ipUp && f.reset ? f.reset - f.ipUp : undefined) },
  { name: 'floating IP up → first v3 write', get: (f) => afterIp(f, 'v3') },
  { name: 'floating IP up → first v4 write', get: (f) => afterIp(f, 'v4') },
];

export function afterIp(f: Failover, t: 'v3' | 'v4'): number | undefined {
  const w = f.firstWriteAfter[t];
  return f.ipUp !== undefined && w !== undefined ? w - f.ipUp : undefined;
}

// The node-kill failovers to set side by side for issue 15: upstream's crash, ours with
// tickling on (crash) and off (notickle).
export function ipColumns(res: ProviderResult[]): { label: string; f: Failover }[] {
  const cols: { label: string; f: Failover }[] = [];
  for (const r of res) {
    for (const f of r.failovers.filter((x) => x.killed === true)) {
      cols.push({ label: r.provider === 'heartbeat' ? 'heartbeat' : f.tickle === false ? 'nfsha, no tickle' : 'nfsha, tickle', f });
    }
  }
  return cols;
}

function stall(f: Failover, t: 'v3' | 'v4'): number | undefined {
  const a = f.lastWriteBefore[t];
  const b = f.firstWriteAfter[t];
  return a !== undefined && b !== undefined ? b - a : undefined;
}

export function timelineText(f: Failover): string[] {
  const lines = [`  ${f.scenario}: ${f.from} → ${f.to}, t0 = ${f.t0Label} (${new Date(f.t0).toISOString().slice(11, 23)})`];
  if (f.detected) lines.push(`    ${rel(f.detected, f.t0).padStart(7)}  ${f.killed === true ? 'node loss seen by ' + f.to : 'monitor failure reported'}`);
  if (f.fenced) lines.push(`    ${rel(f.fenced, f.t0).padStart(7)}  ${f.from} fenced (confirmed by the controller)`);
  for (const s of f.stops) lines.push(`    ${rel(s.t0, f.t0).padStart(7)}  stop  ${s.rsc.padEnd(12)} on ${f.from} (${s1(s.t1 - s.t0)})${s.ok ? '' : ' FAILED'}`);
  for (const s of f.starts) lines.push(`    ${rel(s.t0, f.t0).padStart(7)}  start ${s.rsc.padEnd(12)} on ${f.to} (${s1(s.t1 - s.t0)})${s.ok ? '' : ' FAILED'}`);
  if (f.ipUp) lines.push(`    ${rel(f.ipUp, f.t0).padStart(7)}  floating IP up (its first ARP seen by the client)`);
  lines.push(`    ${rel(f.groupStarted, f.t0).padStart(7)}  group started on ${f.to}`);
  if (f.reset) lines.push(`    ${rel(f.reset, f.t0).padStart(7)}  first TCP reset from the floating address seen by the client${f.tickle === true ? ' (tickle ACKs on)' : f.tickle === false ? ' (tickle ACKs off)' : ''}`);
  lines.push(`    ${rel(f.notifyStart, f.t0).padStart(7)}  notify sent (nfsnotify start began; done ${rel(f.notifyDone, f.t0)})`);
  for (const t of TAGS) lines.push(`    ${rel(f.lock[t], f.t0).padStart(7)}  ${t} lock back in /proc/locks on ${f.to}`);
  for (const t of TAGS) lines.push(`    ${rel(f.firstWriteAfter[t], f.t0).padStart(7)}  first ${t} write after the stall (last before: ${rel(f.lastWriteBefore[t], f.t0)}, stall ${s1(stall(f, t))})`);
  return lines;
}

export interface ReportInput {
  started: number;
  buildMs: number;
  buildNote: string;
  steps: Step[];
  checks: Check[];
  results: ProviderResult[];
  pass: boolean;
  summary: string;
}

export function textReport(r: ReportInput): string {
  const out: string[] = [];
  out.push(`nfsha-agents VM lab — ${new Date(r.started).toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  out.push(`${'build (kernel, rootfs, initramfs, image)'.padEnd(72)} ${s1(r.buildMs).padStart(8)}  ${r.buildNote}`);
  for (const res of r.results) {
    const mine = (x: { flavour: string; provider: string }) => x.flavour === res.flavour && x.provider === res.provider;
    const upstream = res.flavour === 'plain' ? '(Debian resource-agents, with the documented workaround)' : '(Debian resource-agents, unmodified)';
    out.push('', `== ${res.flavour} guests, provider ${res.provider} ${res.provider === 'heartbeat' ? upstream : '(nfsha-agents)'} ==`);
    out.push('steps:');
    for (const s of r.steps.filter(mine)) {
      out.push(`  ${s.name.padEnd(70)} ${s1(s.end - s.start).padStart(8)}  ${s.ok ? 'ok' : 'FAILED'}${s.detail ? `  ${s.detail}` : ''}`);
    }
    out.push('failover timelines (seconds after t0):');
    for (const f of res.failovers) out.push(...timelineText(f));
    out.push('checks:');
    for (const c of r.checks.filter(mine)) {
      out.push(`  ${verdict(c).padEnd(5)} ${c.scenario.padEnd(7)} ${c.name}${c.detail ? `  [${c.detail}]` : ''}${!c.ok && c.known ? `  (known upstream defect, not counted: ${c.known})` : ''}`);
    }
    if (res.aborted) out.push(`  (run stopped at ${res.aborted})`);
  }
  for (const fl of [...new Set(r.results.map((x) => x.flavour))]) {
    const res = r.results.filter((x) => x.flavour === fl);
    if (res.length < 2) continue;
    out.push('', `== comparison, ${fl} guests: node1 crash (same run, same VMs, same configuration) ==`);
    out.push(`  ${'metric'.padEnd(40)} ${res.map((x) => x.provider.padStart(10)).join(' ')}  ratio`);
    for (const m of CRASH_METRICS) {
      const v = res.map((x) => { const f = x.failovers.find((y) => y.scenario === 'crash'); return f ? m.get(f) : undefined; });
      const ratio = v.length === 2 && v[0] && v[1] ? (v[1] / v[0]).toFixed(2) : '—';
      out.push(`  ${m.name.padEnd(40)} ${v.map((x) => s1(x).padStart(10)).join(' ')}  ${ratio}${GATED.includes(m.name) ? '  (target ≤ 0.50)' : ''}`);
    }
  }
  for (const fl of [...new Set(r.results.map((x) => x.flavour))]) {
    const cols = ipColumns(r.results.filter((x) => x.flavour === fl));
    if (cols.length > 0) {
      out.push('', `== ${fl} guests: node1 crash, from the floating IP's return to the client's first write (issue 15) ==`);
      out.push(`  ${'metric'.padEnd(46)} ${cols.map((c) => c.label.padStart(17)).join(' ')}`);
      for (const m of IP_METRICS) out.push(`  ${m.name.padEnd(46)} ${cols.map((c) => s1(m.get(c.f)).padStart(17)).join(' ')}`);
    }
    for (const c of r.checks.filter((x) => x.provider === 'compare' && x.flavour === fl)) out.push(`  ${verdict(c).padEnd(5)} ${c.name}${c.detail ? `  [${c.detail}]` : ''}`);
  }
  out.push('', r.summary, '');
  return out.join('\n');
}

// ---- SVG ------------------------------------------------------------------------------------

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const COLORS: Record<string, string> = {
  Filesystem: '#7aa6d8', nfsserver: '#e39b4b', exportfs: '#8cc084', IPaddr2: '#b49ad6', nfsnotify: '#d46a6a',
};
const KIND: Record<string, string> = {
  fs1: 'Filesystem', fs2: 'Filesystem', fs3: 'Filesystem', nfsserver: 'nfsserver', 'export-root': 'exportfs',
  export1: 'exportfs', export2: 'exportfs', vip1: 'IPaddr2', nfsnotify: 'nfsnotify',
};

// One panel per scenario; in it one lane per provider on a common time axis (seconds after t0):
// stop bars (hatched) on the old node, start bars on the new node, and markers for the node loss
// or fault detection, the notification, each lock's return and each mount's first write.
export function svgReport(results: ProviderResult[], title: string): string {
  const scenarios = [...new Set(results.flatMap((r) => r.failovers.map((f) => f.scenario)))];
  const W = 1100;
  const left = 110;
  const right = 170;
  const laneH = 240;
  const panelHead = 40;
  const parts: string[] = [];
  let y = 50;
  parts.push(`<text x="20" y="30" font-size="18" font-weight="bold">${esc(title)}</text>`);
  for (const sc of scenarios) {
    const fs = results.map((r) => ({ p: `${r.flavour} ${r.provider}`, f: r.failovers.find((x) => x.scenario === sc) }));
    const ends = fs.flatMap(({ f }) => (f ? [f.groupStarted, ...Object.values(f.lock), ...Object.values(f.firstWriteAfter), ...f.starts.map((s) => s.t1)].filter((x): x is number => x !== undefined).map((x) => x - f.t0) : []));
    const maxS = Math.max(10, Math.ceil(Math.max(0, ...ends) / 1000 / 10) * 10);
    const xOf = (ms: number) => left + ((W - left - right) * ms) / (maxS * 1000);
    const first = fs.find((x) => x.f)?.f;
    parts.push(`<text x="20" y="${y + 22}" font-size="15" font-weight="bold">${esc(sc)}${first ? esc(`: ${first.from} → ${first.to}, t0 = ${first.t0Label}`) : ''}</text>`);
    y += panelHead;
    // axis
    const axisY = y + fs.length * laneH;
    for (let s = 0; s <= maxS; s += maxS > 120 ? 20 : 10) {
      const x = xOf(s * 1000);
      parts.push(`<line x1="${x}" y1="${y}" x2="${x}" y2="${axisY}" stroke="#ddd"/>`);
      parts.push(`<text x="${x}" y="${axisY + 14}" font-size="11" text-anchor="middle">${s} s</text>`);
    }
    for (const { p, f } of fs) {
      parts.push(`<text x="10" y="${y + 20}" font-size="13" font-weight="bold">${esc(p)}</text>`);
      if (!f) {
        parts.push(`<text x="${left}" y="${y + 20}" font-size="12">not reached</text>`);
        y += laneH;
        continue;
      }
      const barY = (i: number) => y + 8 + i * 11;
      f.stops.forEach((s, i) => {
        parts.push(`<rect x="${xOf(s.t0 - f.t0)}" y="${barY(i)}" width="${Math.max(2, xOf(s.t1 - f.t0) - xOf(s.t0 - f.t0))}" height="9" fill="${COLORS[KIND[s.rsc] ?? ''] ?? '#999'}" opacity="0.45" stroke="#555" stroke-dasharray="2,2"><title>${esc(`stop ${s.rsc} on ${f.from}: ${s1(s.t1 - s.t0)}`)}</title></rect>`);
      });
      f.starts.forEach((s, i) => {
        const x0 = xOf(s.t0 - f.t0);
        parts.push(`<rect x="${x0}" y="${barY(i)}" width="${Math.max(2, xOf(s.t1 - f.t0) - x0)}" height="9" fill="${COLORS[KIND[s.rsc] ?? ''] ?? '#999'}"${s.ok ? '' : ' stroke="red"'}><title>${esc(`start ${s.rsc} on ${f.to}: +${((s.t0 - f.t0) / 1000).toFixed(1)} s, ${s1(s.t1 - s.t0)}`)}</title></rect>`);
        parts.push(`<text x="${x0 - 3}" y="${barY(i) + 8}" font-size="8" text-anchor="end">${esc(s.rsc)}</text>`);
      });
      // client writes: one tick per completed write, a row per mount
      const wy = barY(9) + 4;
      TAGS.forEach((t, i) => {
        parts.push(`<text x="${left - 4}" y="${wy + i * 12 + 8}" font-size="9" text-anchor="end">${t} writes</text>`);
        for (const w of f.writes[t] ?? []) {
          if (w < f.t0 - 5000 || w - f.t0 > maxS * 1000) continue;
          parts.push(`<rect x="${xOf(w - f.t0)}" y="${wy + i * 12}" width="1.5" height="9" fill="#06c"/>`);
        }
      });
      const marks: [number | undefined, string, string][] = [
        [f.t0, '#000', f.killed === true ? 'kill' : 't0'],
        [f.detected, '#555', f.killed === true ? 'node loss seen' : 'fault detected'],
        [f.ipUp, '#b49ad6', 'IP up'],
        [f.fenced, '#a0a', 'fenced'],
        [f.notifyStart, '#d46a6a', 'notify sent'],
        [f.groupStarted, '#1a7f37', 'group started'],
        [f.lock.v3, '#c00', 'v3 lock reclaimed'],
        [f.lock.v4, '#900', 'v4 lock reclaimed'],
        [f.firstWriteAfter.v3, '#06c', 'first v3 write'],
        [f.firstWriteAfter.v4, '#039', 'first v4 write'],
      ];
      const my = wy + 30;
      marks.forEach(([t, color, label], k) => {
        if (t === undefined) return;
        const x = xOf(t - f.t0);
        const ly = my + k * 11;
        parts.push(`<line x1="${x}" y1="${y + 2}" x2="${x}" y2="${ly}" stroke="${color}" stroke-width="1.2" opacity="0.8"/>`);
        parts.push(`<text x="${x + 3}" y="${ly}" font-size="10" fill="${color}">${esc(`${label} ${((t - f.t0) / 1000).toFixed(1)} s`)}</text>`);
      });
      y += laneH;
    }
    y += 40;
  }
  // legend
  let lx = 20;
  for (const [k, c] of Object.entries(COLORS)) {
    parts.push(`<rect x="${lx}" y="${y}" width="12" height="10" fill="${c}"/><text x="${lx + 16}" y="${y + 9}" font-size="11">${k}</text>`);
    lx += 110;
  }
  parts.push(`<text x="${lx}" y="${y + 9}" font-size="11">solid: start on the new node; dashed: stop on the old node</text>`);
  y += 30;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" viewBox="0 0 ${W} ${y}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
}
