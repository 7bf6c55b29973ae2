// Side-by-side benchmark: each case runs our executable and upstream's shell agent (Debian's
// resource-agents) alternately in one run, and prints per side the median wall time, median CPU
// time (user+system, from wait4) and peak RSS, and the ratios ours/upstream.
// Usage: node bench/run.ts [--runs N] [--json FILE] [filter]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchCase } from './types.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BINARY = process.env.NFSHA_BIN ?? join(ROOT, 'dist/nfsha');
const UPSTREAM = '/usr/lib/ocf/resource.d/heartbeat';

const argv = process.argv.slice(2);
const runsArg = argv.indexOf('--runs');
const defaultRuns = runsArg >= 0 ? Number(argv[runsArg + 1]) : 21;
const jsonArg = argv.indexOf('--json');
const jsonOut = jsonArg >= 0 ? argv[jsonArg + 1] : undefined;
const filter = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--runs' && argv[i - 1] !== '--json')[0];

interface Sample { wallMs: number; cpuMs: number; rssKb: number; rc: number }

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

// Runs one measured command through bench/wait4 (wait4(2) rusage, microsecond resolution).
function once(prefix: string[], agentPath: string, c: BenchCase, dir: string): Sample {
  const env: Record<string, string> = {
    PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
    OCF_ROOT: '/usr/lib/ocf',
    OCF_RESOURCE_INSTANCE: 'bench',
    OCF_RESKEY_CRM_meta_timeout: '20000',
    HA_LOGFACILITY: 'none',
    HA_LOGFILE: join(dir, 'agent.log'),
    ...c.env,
  };
  for (const [k, v] of Object.entries(c.params ?? {})) env[`OCF_RESKEY_${k}`] = v;
  const r = spawnSync(WAIT4, ['1', ...prefix, agentPath, c.action], { env, encoding: 'utf8' });
  const f = r.stdout.trim().split(/\s+/).map(Number);
  if (r.status !== 0 || f.length !== 4) throw new Error(`bench/wait4 failed: ${r.stderr}`);
  return { wallMs: f[0]! / 1000, cpuMs: f[1]! / 1000, rssKb: f[2]!, rc: f[3]! };
}

// Builds the measuring launcher (a few lines of C) once.
function buildWait4(): string {
  const exe = join(ROOT, 'build/wait4');
  const src = join(ROOT, 'bench/wait4.c');
  if (!existsSync(exe) || statSync(exe).mtimeMs < statSync(src).mtimeMs) {
    mkdirSync(join(ROOT, 'build'), { recursive: true });
    const r = spawnSync('cc', ['-O2', '-o', exe, src], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cannot build bench/wait4.c: ${r.stderr}`);
  }
  return exe;
}

async function loadCases(): Promise<BenchCase[]> {
  const dir = join(ROOT, 'bench/cases');
  const all: BenchCase[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts')).sort()) {
    const mod = (await import(join(dir, f))) as { cases: BenchCase[] };
    all.push(...mod.cases);
  }
  return all;
}

if (!existsSync(BINARY)) {
  process.stderr.write(`bench: ${BINARY} is missing (make build)\n`);
  process.exit(2);
}

const WAIT4 = buildWait4();
const cases = (await loadCases()).filter((c) => filter === undefined || c.name.includes(filter));
const results: unknown[] = [];
const header = `${'case'.padEnd(46)} ${'side'.padEnd(8)} ${'rc'.padStart(3)} ${'wall ms'.padStart(8)} ${'cpu ms'.padStart(7)} ${'rss MB'.padStart(7)}   ours/upstream`;
process.stdout.write(`${header}\n${'-'.repeat(header.length + 8)}\n`);
for (const c of cases) {
  const dir = mkdtempSync(join(tmpdir(), 'nfsha-bench-'));
  try {
    const ours = join(dir, 'ocf/resource.d/nfsha');
    mkdirSync(ours, { recursive: true });
    symlinkSync(c.paths?.ours ?? BINARY, join(ours, c.agent));
    const sides = { ours: join(ours, c.agent), upstream: c.paths?.upstream ?? join(UPSTREAM, c.agent) } as const;
    c.setup?.(dir);
    const prefix = c.wrap?.(dir) ?? [];
    const samples: Record<'ours' | 'upstream', Sample[]> = { ours: [], upstream: [] };
    const runs = c.runs ?? defaultRuns;
    // One warm-up each, then alternate so both sides see the same machine state.
    for (let i = -1; i < runs; i++) {
      for (const side of ['ours', 'upstream'] as const) {
        if (!existsSync(sides[side])) continue;
        c.before?.(dir, side);
        const s = once(prefix, sides[side], c, dir);
        if (i >= 0) samples[side].push(s);
      }
    }
    const row = (side: 'ours' | 'upstream') => {
      const xs = samples[side];
      if (xs.length === 0) return undefined;
      return { wall: median(xs.map((x) => x.wallMs)), cpu: median(xs.map((x) => x.cpuMs)), rss: Math.max(...xs.map((x) => x.rssKb)) / 1024, rc: [...new Set(xs.map((x) => x.rc))].join('/') };
    };
    const o = row('ours');
    const u = row('upstream');
    for (const [side, r] of [['ours', o], ['upstream', u]] as const) {
      if (r === undefined) continue;
      const ratio = side === 'ours' && u !== undefined ? `wall ${(r.wall / u.wall).toFixed(2)}  cpu ${u.cpu > 0 ? (r.cpu / u.cpu).toFixed(2) : 'n/a'}` : '';
      process.stdout.write(`${(side === 'ours' ? c.name : '').padEnd(46)} ${side.padEnd(8)} ${r.rc.padStart(3)} ${r.wall.toFixed(1).padStart(8)} ${r.cpu.toFixed(1).padStart(7)} ${r.rss.toFixed(1).padStart(7)}   ${ratio}\n`);
    }
    if (c.expect !== undefined && o !== undefined && o.rc !== String(c.expect)) process.stdout.write(`  ! ours exited ${o.rc}, expected ${String(c.expect)}\n`);
    results.push({ name: c.name, runs, ours: o, upstream: u });
  } finally {
    try {
      c.teardown?.(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
if (jsonOut !== undefined) writeFileSync(jsonOut, JSON.stringify(results, null, 2));
