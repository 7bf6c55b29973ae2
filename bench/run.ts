// Side-by-side benchmark: each case runs our executable, optionally a previous build of it
// (--baseline), and upstream's shell agent (Debian's resource-agents) in turn in one run, and
// prints per side the median wall time, median CPU time (user+system, from wait4) and peak RSS,
// and the ratios ours/upstream and ours/baseline (paired: the median of the per-round ratios).
//
// What is measured is what Pacemaker's executor pays for an operation: bench/wait4.c forks and
// execs the agent by its installed path (a copy installed as `make install` and the RPM do, the
// other agents hard links to it), stdin /dev/null, stdout and stderr pipes it drains, with the
// environment execd gives. A sandboxed case's namespaces are joined by the launcher before it
// forks, so no wrapper (nsenter) is part of the measurement. docs/performance.md says why.
//
// With --instructions, each run is the same command under valgrind's callgrind, and the figure is
// the number of instructions the agent executed (bench/callgrind.ts): it does not depend on the
// load of the machine, which CPU time does. bench/README.md says how to read it.
//
// Usage: node bench/run.ts [--runs N] [--json FILE] [--baseline PATH/TO/OLDER/nfsha]
//          [--sides ours,baseline,upstream] [--instructions [--children] [--per-ms N] [--keep DIR]] [filter...]
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchCase, Side } from './types.ts';
import { compare, instructions, median, mega, summarize } from './callgrind.ts';

const ROOT = resolve(import.meta.dirname, '..');
const UPSTREAM = '/usr/lib/ocf/resource.d/heartbeat';

const { values: opts, positionals } = parseArgs({
  options: {
    runs: { type: 'string' },
    json: { type: 'string' },
    baseline: { type: 'string' },
    sides: { type: 'string' },
    instructions: { type: 'boolean' },
    children: { type: 'boolean' },
    'per-ms': { type: 'string' },
    keep: { type: 'string' },
  },
  allowPositionals: true,
});
const INSTRUCTIONS = opts.instructions === true;
const defaultRuns = opts.runs === undefined ? (INSTRUCTIONS ? 5 : 21) : Number(opts.runs);
const PER_MS = opts['per-ms'] === undefined ? undefined : Number(opts['per-ms']);
const onlySides = opts.sides?.split(',');
// Filters: a case runs when its name contains any of them.
const filters = positionals;
const BINARY = resolve(process.env.NFSHA_BIN ?? join(ROOT, 'dist/nfsha'));
const BASELINE = opts.baseline === undefined ? undefined : resolve(opts.baseline);

interface Sample { wallMs: number; cpuMs: number; rssKb: number; rc: number; instr?: number }

// The environment pacemaker-execd gives an agent (docs: ocf-contract, "Pacemaker executor,
// observed"), with the case's own on top. No HA_LOGFACILITY: Pacemaker leaves it out when
// logging to syslog is off, and a `logger` fork per log line would be measured on both sides.
function pacemakerEnv(c: BenchCase, provider: string, dir: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    LC_ALL: 'C',
    OCF_RA_VERSION_MAJOR: '1',
    OCF_RA_VERSION_MINOR: '1',
    OCF_ROOT: '/usr/lib/ocf',
    OCF_RESOURCE_INSTANCE: 'bench',
    OCF_RESOURCE_TYPE: c.agent,
    OCF_RESOURCE_PROVIDER: provider,
    OCF_EXIT_REASON_PREFIX: 'ocf-exit-reason:',
    OCF_OUTPUT_FORMAT: 'text',
    OCF_RESKEY_crm_feature_set: '3.16.1',
    OCF_RESKEY_CRM_meta_timeout: '20000',
    OCF_RESKEY_CRM_meta_on_node: 'node1',
    OCF_RESKEY_CRM_meta_on_node_uuid: '1',
    HA_LOGFILE: join(dir, 'pacemaker.log'),
    PCMK_logfile: join(dir, 'pacemaker.log'),
    HA_debug: '0',
    PCMK_debug: '0',
    PCMK_service: 'pacemaker-execd',
    ...c.env,
    // Under valgrind an action runs 50-100x slower (more on a loaded machine): an agent that keeps
    // to its timeout (ours do) would stop at it and count the wrong path.
    ...(INSTRUCTIONS ? { OCF_RESKEY_CRM_meta_timeout: '3600000' } : {}),
  };
  for (const [k, v] of Object.entries(c.params ?? {})) env[`OCF_RESKEY_${k}`] = v;
  return env;
}

// callgrind's options in --instructions mode. --smc-check=all-non-file: V8 writes machine code
// (its JIT tiers, regular expressions) into memory it then runs; valgrind must see those writes
// to retranslate (the default only checks code on the stack). Counting starts at the first
// instruction (--collect-atstart=yes, the default), so the dynamic loader and the runtime's start
// are counted as Pacemaker pays them.
// wait4 execs without a PATH lookup: valgrind's own path.
function valgrindPath(): string {
  const dirs = (process.env.PATH ?? '/usr/bin:/bin').split(':');
  const found = dirs.map((d) => join(d, 'valgrind')).find((p) => existsSync(p));
  if (found === undefined) {
    process.stderr.write('bench: --instructions needs valgrind (Debian package valgrind)\n');
    process.exit(2);
  }
  return found;
}
const CALLGRIND = () => [valgrindPath(), '--tool=callgrind', '--smc-check=all-non-file', '--collect-atstart=yes', '--quiet'];

// Runs one measured command through bench/wait4 (fork+exec, wait4(2) rusage in microseconds);
// in --instructions mode under callgrind, whose output files (one per process with --children)
// are read and removed.
function once(c: BenchCase, side: Side, agentPath: string, dir: string, counted = INSTRUCTIONS): Sample {
  const provider = side === 'upstream' ? 'heartbeat' : 'nfsha';
  const ns = c.sandbox?.(dir);
  const out = join(dir, 'callgrind');
  const command = counted ? [...CALLGRIND(), ...(opts.children === true ? ['--trace-children=yes'] : []), `--callgrind-out-file=${out}/cg.%p`, agentPath] : [agentPath];
  if (counted) mkdirSync(out, { recursive: true });
  const argv = [...(ns === undefined ? [] : ['--ns', String(ns)]), '1', ...command, c.action];
  const r = spawnSync(WAIT4, argv, { env: pacemakerEnv(c, provider, dir), encoding: 'utf8' });
  const f = r.stdout.trim().split(/\s+/).map(Number);
  if (r.status !== 0 || f.length !== 4) throw new Error(`bench/wait4 failed: ${r.stderr}`);
  const sample: Sample = { wallMs: f[0]! / 1000, cpuMs: f[1]! / 1000, rssKb: f[2]!, rc: f[3]! };
  if (!counted) return sample;
  const files = readdirSync(out);
  try {
    if (files.length === 0) throw new Error(`callgrind wrote no output for ${agentPath} ${c.action}`);
    return { ...sample, instr: instructions(files.map((n) => readFileSync(join(out, n), 'utf8'))) };
  } finally {
    for (const n of files) {
      // --keep DIR: the files stay for callgrind_annotate, named after the case and the side.
      if (opts.keep !== undefined) {
        mkdirSync(opts.keep, { recursive: true });
        copyFileSync(join(out, n), join(opts.keep, `${c.name.replace(/[^A-Za-z0-9]+/g, '-')}.${side}.${n}`));
      }
      rmSync(join(out, n), { force: true });
    }
  }
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

// Installs an executable the way `make install` and the RPM do: one copy, mode 0755, the first
// agent's name, the others hard links to it. Returns the provider directory.
function install(executable: string, into: string, agents: readonly string[]): string {
  const dir = join(into, 'ocf/resource.d/nfsha');
  mkdirSync(dir, { recursive: true });
  const [first, ...rest] = agents;
  if (first === undefined) return dir;
  copyFileSync(executable, join(dir, first));
  chmodSync(join(dir, first), 0o755);
  for (const a of rest) linkSync(join(dir, first), join(dir, a));
  return dir;
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

const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

for (const [what, path] of [['current build', BINARY], ['baseline', BASELINE]] as const) {
  if (path !== undefined && !existsSync(path)) {
    process.stderr.write(`bench: ${what} ${path} is missing${what === 'current build' ? ' (make build)' : ''}\n`);
    process.exit(2);
  }
}

const WAIT4 = buildWait4();
const cases = (await loadCases()).filter((c) => filters.length === 0 || filters.some((f) => c.name.includes(f)));
const agents = [...new Set(cases.map((c) => c.agent))];
const scratch = mkdtempSync(join(tmpdir(), 'nfsha-bench-'));
const installed: Partial<Record<Side, string>> = { ours: install(BINARY, join(scratch, 'ours'), agents) };
if (BASELINE !== undefined) installed.baseline = install(BASELINE, join(scratch, 'baseline'), agents);
// --instructions counts only the agent's process unless --children: an upstream shell agent's
// work is mostly in its children, so upstream runs there only when asked for (--sides).
const defaultSides = (BASELINE === undefined ? ['ours', 'upstream'] : ['ours', 'baseline', 'upstream']).filter((s) => !INSTRUCTIONS || opts.children === true || s !== 'upstream');
const sideNames = (onlySides ?? defaultSides) as Side[];

const results: unknown[] = [];
process.stdout.write(`load average at start: ${loadavg()} (${String(defaultRuns)} runs per side unless a case says otherwise; sides in turn, medians)\n`);
const header = INSTRUCTIONS
  ? `${'case'.padEnd(46)} ${'side'.padEnd(9)} ${'rc'.padStart(3)} ${'Minstr median'.padStart(13)} ${'min'.padStart(7)} ${'max'.padStart(7)} ${'spread'.padStart(7)}   ours against it (Minstr, ratio${PER_MS === undefined ? '' : ', ms'})`
  : `${'case'.padEnd(46)} ${'side'.padEnd(9)} ${'rc'.padStart(3)} ${'wall ms'.padStart(8)} ${'cpu ms'.padStart(7)} ${'rss MB'.padStart(7)}   paired ratios (wall, cpu)`;
process.stdout.write(`${header}\n${'-'.repeat(header.length + 16)}\n`);
try {
  for (const c of cases) {
    const dir = mkdtempSync(join(scratch, 'case-'));
    try {
      // DIR/ocf/resource.d/nfsha/<agent>: the current build, for cases that drive it in setup.
      mkdirSync(join(dir, 'ocf/resource.d/nfsha'), { recursive: true });
      symlinkSync(join(installed.ours!, c.agent), join(dir, 'ocf/resource.d/nfsha', c.agent));
      const paths: Record<Side, string | undefined> = {
        ours: c.paths?.ours ?? join(installed.ours!, c.agent),
        baseline: c.paths?.ours === undefined && installed.baseline !== undefined ? join(installed.baseline, c.agent) : undefined,
        upstream: c.paths?.upstream ?? join(UPSTREAM, c.agent),
      };
      const sides = sideNames.filter((s) => paths[s] !== undefined && existsSync(paths[s]));
      c.setup?.(dir);
      const samples: Record<Side, Sample[]> = { ours: [], baseline: [], upstream: [] };
      const runs = INSTRUCTIONS ? defaultRuns : (c.runs ?? defaultRuns);
      // One warm-up each, then the sides in turn, each round starting with the next side, so that
      // every side runs as often first, second and last in a round.
      for (let i = -1; i < runs; i++) {
        const k = i < 0 ? 0 : i % sides.length;
        for (const side of [...sides.slice(k), ...sides.slice(0, k)]) {
          const agent = paths[side]!;
          c.before?.(dir, side, agent);
          // The warm-up leaves the state the measured runs start from; it need not be counted.
          const s = once(c, side, agent, dir, INSTRUCTIONS && i >= 0);
          if (i >= 0) samples[side].push(s);
        }
      }
      if (INSTRUCTIONS) {
        const counted = (side: Side) => (samples[side].length === 0 ? undefined : summarize(samples[side].map((x) => x.instr ?? 0)));
        const sums = { ours: counted('ours'), baseline: counted('baseline'), upstream: counted('upstream') };
        const against: Record<string, ReturnType<typeof compare>> = {};
        for (const side of sideNames) {
          const x = sums[side];
          if (x === undefined) continue;
          const rc = [...new Set(samples[side].map((s) => s.rc))].join('/');
          const vs = side !== 'ours' && sums.ours !== undefined ? compare(sums.ours, x, PER_MS) : undefined;
          if (vs !== undefined) against[side] = vs;
          const shown = vs === undefined ? '' : `${vs.delta >= 0 ? '+' : ''}${mega(vs.delta)}  ${vs.ratio.toFixed(3)}${vs.ms === undefined ? '' : `  ${vs.ms >= 0 ? '+' : ''}${vs.ms.toFixed(2)} ms`}`;
          process.stdout.write(`${(side === sideNames.find((s) => sums[s] !== undefined) ? c.name : '').padEnd(46)} ${side.padEnd(9)} ${rc.padStart(3)} ${mega(x.median).padStart(13)} ${mega(x.min).padStart(7)} ${mega(x.max).padStart(7)} ${`${(100 * x.spread).toFixed(2)}%`.padStart(7)}   ${shown}\n`);
          if (c.expect !== undefined && side !== 'upstream' && rc !== String(c.expect)) process.stdout.write(`  ! ${side} exited ${rc}, expected ${String(c.expect)}\n`);
        }
        results.push({ name: c.name, runs, instructions: sums, against, samples: Object.fromEntries(sideNames.map((s) => [s, samples[s].map((x) => x.instr)])) });
        continue;
      }
      const row = (side: Side) => {
        const xs = samples[side];
        if (xs.length === 0) return undefined;
        return { wall: median(xs.map((x) => x.wallMs)), cpu: median(xs.map((x) => x.cpuMs)), rss: Math.max(...xs.map((x) => x.rssKb)) / 1024, rc: [...new Set(xs.map((x) => x.rc))].join('/') };
      };
      const r = { ours: row('ours'), baseline: row('baseline'), upstream: row('upstream') };
      // Paired: the median over rounds of ours/other within the round (the sides of a round ran
      // back to back, so a load that drifts during the case cancels out).
      const paired = (other: Side): { wall: number; cpu: number } | undefined => {
        const a = samples.ours;
        const b = samples[other];
        if (a.length === 0 || b.length !== a.length) return undefined;
        return { wall: median(a.map((x, i) => x.wallMs / b[i]!.wallMs)), cpu: median(a.map((x, i) => x.cpuMs / Math.max(b[i]!.cpuMs, 0.001))) };
      };
      const ratios = { upstream: paired('upstream'), baseline: paired('baseline') };
      const show = (q: { wall: number; cpu: number } | undefined, label: string): string => (q === undefined ? '' : `${label} ${q.wall.toFixed(2)} ${q.cpu.toFixed(2)}  `);
      for (const side of sideNames) {
        const x = r[side];
        if (x === undefined) continue;
        const shown = side === 'ours' ? `${show(ratios.upstream, '/upstream')}${show(ratios.baseline, '/baseline')}` : '';
        process.stdout.write(`${(side === sideNames.find((s) => r[s] !== undefined) ? c.name : '').padEnd(46)} ${side.padEnd(9)} ${x.rc.padStart(3)} ${x.wall.toFixed(1).padStart(8)} ${x.cpu.toFixed(1).padStart(7)} ${x.rss.toFixed(1).padStart(7)}   ${shown}\n`);
      }
      if (c.expect !== undefined) {
        for (const side of ['ours', 'baseline'] as const) {
          const x = r[side];
          if (x !== undefined && x.rc !== String(c.expect)) process.stdout.write(`  ! ${side} exited ${x.rc}, expected ${String(c.expect)}\n`);
        }
      }
      results.push({ name: c.name, runs, ...r, paired: ratios });
    } finally {
      try {
        c.teardown?.(dir);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.stdout.write(`load average at end: ${loadavg()}\n`);
if (opts.json !== undefined) writeFileSync(opts.json, JSON.stringify({ loadavg: loadavg(), baseline: BASELINE, mode: INSTRUCTIONS ? 'instructions' : 'time', perMs: PER_MS, results }, null, 2));
