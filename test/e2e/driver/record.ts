// Steps (with durations) and checks (pass/fail, with the measured value) of one lab run.

export interface Step {
  provider: string;
  name: string;
  start: number;
  end: number;
  ok: boolean;
  detail: string;
}

export interface Check {
  provider: string;
  scenario: string;
  name: string;
  ok: boolean;
  detail: string;
}

export class Record {
  readonly steps: Step[] = [];
  readonly checks: Check[] = [];
  provider = '';

  log(msg: string): void {
    const p = this.provider ? `[${this.provider}] ` : '';
    process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${p}${msg}\n`);
  }

  // Runs fn as a named step: its duration is recorded; an exception fails the step and propagates.
  async step<T>(name: string, fn: () => Promise<T>, detail?: (v: T) => string): Promise<T> {
    const start = Date.now();
    this.log(`${name} ...`);
    try {
      const v = await fn();
      const s: Step = { provider: this.provider, name, start, end: Date.now(), ok: true, detail: detail ? detail(v) : '' };
      this.steps.push(s);
      this.log(`${name}: ok ${fmtS(s.end - s.start)}${s.detail ? ` (${s.detail})` : ''}`);
      return v;
    } catch (e) {
      const s: Step = { provider: this.provider, name, start, end: Date.now(), ok: false, detail: firstLine(e) };
      this.steps.push(s);
      this.log(`${name}: FAILED after ${fmtS(s.end - s.start)}: ${firstLine(e)}`);
      throw e;
    }
  }

  check(scenario: string, name: string, ok: boolean, detail = ''): boolean {
    this.checks.push({ provider: this.provider, scenario, name, ok, detail });
    this.log(`  ${ok ? 'PASS' : 'FAIL'} ${scenario}: ${name}${detail ? ` — ${detail}` : ''}`);
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
