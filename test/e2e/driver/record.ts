// Steps (with durations) and checks (pass/fail, with the measured value) of one lab run.

export interface Step {
  flavour: string;
  provider: string;
  name: string;
  start: number;
  end: number;
  ok: boolean;
  detail: string;
}

export interface Check {
  flavour: string;
  provider: string;
  scenario: string;
  name: string;
  ok: boolean;
  detail: string;
  known?: string; // a documented upstream defect: its failure is shown (KNOWN), not counted
}

export function verdict(c: Check): 'PASS' | 'FAIL' | 'KNOWN' {
  if (c.ok) return 'PASS';
  return c.known ? 'KNOWN' : 'FAIL';
}

export class Record {
  readonly steps: Step[] = [];
  readonly checks: Check[] = [];
  flavour = '';
  provider = '';

  log(msg: string): void {
    const p = this.provider ? `[${this.flavour ? `${this.flavour}/` : ''}${this.provider}] ` : '';
    process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${p}${msg}\n`);
  }

  // Runs fn as a named step: its duration is recorded; an exception fails the step and propagates.
  async step<T>(name: string, fn: () => Promise<T>, detail?: (v: T) => string): Promise<T> {
    const start = Date.now();
    this.log(`${name} ...`);
    try {
      const v = await fn();
      const s: Step = { flavour: this.flavour, provider: this.provider, name, start, end: Date.now(), ok: true, detail: detail ? detail(v) : '' };
      this.steps.push(s);
      this.log(`${name}: ok ${fmtS(s.end - s.start)}${s.detail ? ` (${s.detail})` : ''}`);
      return v;
    } catch (e) {
      const s: Step = { flavour: this.flavour, provider: this.provider, name, start, end: Date.now(), ok: false, detail: firstLine(e) };
      this.steps.push(s);
      this.log(`${name}: FAILED after ${fmtS(s.end - s.start)}: ${firstLine(e)}`);
      throw e;
    }
  }

  check(scenario: string, name: string, ok: boolean, detail = '', known?: string): boolean {
    const c: Check = { flavour: this.flavour, provider: this.provider, scenario, name, ok, detail, ...(known ? { known } : {}) };
    this.checks.push(c);
    this.log(`  ${verdict(c)} ${scenario}: ${name}${detail ? ` — ${detail}` : ''}${!ok && known ? ` (known upstream defect: ${known})` : ''}`);
    return ok;
  }
}

export function fmtS(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function firstLine(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.split('\n')[0] ?? s;
}
