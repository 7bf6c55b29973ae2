// The bench's instruction-count mode (bench/run.ts --instructions): what a callgrind output file
// says, and how the runs of one side are summed up. Instruction counts do not depend on the load
// of the machine, unlike CPU time; what still varies from run to run is small (address-space
// layout and hash seeds change the paths taken through hash tables and the allocator).

export interface CallgrindTotals {
  // The process's pid and command line, from the file's header ("pid:", "cmd:").
  readonly pid: number | undefined;
  readonly cmd: string | undefined;
  // Event name -> total count, from "events:" and the "totals:" line (or "summary:" when a file
  // has no totals line). Ir is the number of instructions executed.
  readonly events: ReadonlyMap<string, number>;
}

// Parses the header and the totals of a callgrind output file (format: valgrind's
// docs/callgrind-format). The cost lines in between are not read. Throws on a file that is not
// callgrind's or that was cut short (no totals: the process did not exit).
export function parseCallgrind(text: string): CallgrindTotals {
  const lines = text.split('\n');
  if (!lines.slice(0, 5).some((l) => /^(# callgrind format|version: \d)/.test(l))) throw new Error('not a callgrind output file');
  let names: string[] | undefined;
  let pid: number | undefined;
  let cmd: string | undefined;
  let totals: string | undefined;
  let summary: string | undefined;
  for (const line of lines) {
    if (line.startsWith('events:')) names ??= line.slice(7).trim().split(/\s+/);
    else if (line.startsWith('pid:')) pid ??= Number(line.slice(4).trim());
    else if (line.startsWith('cmd:')) cmd ??= line.slice(4).trim();
    else if (line.startsWith('totals:')) totals = line.slice(7);
    else if (line.startsWith('summary:')) summary = line.slice(8);
  }
  const counts = totals ?? summary;
  if (names === undefined) throw new Error('callgrind output without an events: line');
  if (counts === undefined) throw new Error('callgrind output without totals (the process did not finish)');
  const values = counts.trim().split(/\s+/);
  const events = new Map<string, number>();
  names.forEach((name, i) => {
    const v = values[i];
    if (v === undefined || !/^\d+$/.test(v)) throw new Error(`callgrind totals: no count for ${name}`);
    events.set(name, Number(v));
  });
  return { pid: Number.isInteger(pid) ? pid : undefined, cmd, events };
}

// Instructions executed (event Ir) of the files of one run: the agent's, and its children's when
// they were followed (--trace-children writes one file per process).
export function instructions(files: readonly string[]): number {
  let sum = 0;
  for (const text of files) {
    const ir = parseCallgrind(text).events.get('Ir');
    if (ir === undefined) throw new Error('callgrind output without the Ir event (instructions)');
    sum += ir;
  }
  return sum;
}

export interface RunSummary {
  readonly runs: number;
  readonly min: number;
  readonly median: number;
  readonly max: number;
  // (max - min) / median: how much the runs of one side differ.
  readonly spread: number;
}

// The median (of an even count, the mean of the two middle values); the time mode uses it too.
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function summarize(xs: readonly number[]): RunSummary {
  if (xs.length === 0) throw new Error('no runs');
  const m = median(xs);
  const min = Math.min(...xs);
  const max = Math.max(...xs);
  return { runs: xs.length, min, median: m, max, spread: m === 0 ? 0 : (max - min) / m };
}

// "ours against another side": the difference of the medians, their ratio, and the difference as
// milliseconds of CPU at a measured instructions-per-millisecond rate of this machine.
export function compare(ours: RunSummary, other: RunSummary, perMs?: number): { delta: number; ratio: number; ms: number | undefined } {
  const delta = ours.median - other.median;
  return { delta, ratio: ours.median / other.median, ms: perMs === undefined ? undefined : delta / perMs };
}

// Millions, one decimal: 82094307 -> "82.1".
export function mega(n: number): string {
  return (n / 1e6).toFixed(1);
}
