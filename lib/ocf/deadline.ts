// One time budget per operation. Pacemaker kills an agent with SIGKILL when the operation
// timeout (OCF_RESKEY_CRM_meta_timeout) expires, so every external command and wait loop is
// bounded by what is left, and a small reserve is kept to report the failure and exit cleanly.

import { OcfError, OCF } from './codes.ts';

export interface Clock {
  now(): number;
}

export const MAX_RESERVE_MS = 5000;

export class Deadline {
  readonly startedAt: number;
  readonly budgetMs: number;
  readonly reserveMs: number;
  readonly #clock: Clock;

  // `startedAt`: when the operation began (the process start), default now.
  constructor(clock: Clock, budgetMs: number, startedAt?: number) {
    this.#clock = clock;
    this.startedAt = Math.min(startedAt ?? clock.now(), clock.now());
    this.budgetMs = budgetMs;
    // Keep 10% (at least 0.3 s, at most 5 s) to log, write the exit reason and exit. On a loaded
    // machine (an emulated VM, a node under memory pressure) a late timer, the last round of a
    // loop and the exit itself take seconds: 2 s was not enough for a 120 s stop in the lab.
    this.reserveMs = Math.min(MAX_RESERVE_MS, Math.max(300, Math.floor(budgetMs / 10)));
  }

  // Milliseconds left for work, never negative.
  remaining(): number {
    return Math.max(0, this.startedAt + this.budgetMs - this.reserveMs - this.#clock.now());
  }

  // How long the last writes (syslog) may still take: until half of the reserve is left,
  // the rest being for the exit itself.
  flushWindow(): number {
    return Math.max(0, this.startedAt + this.budgetMs - Math.floor(this.reserveMs / 2) - this.#clock.now());
  }

  elapsed(): number {
    return this.#clock.now() - this.startedAt;
  }

  expired(): boolean {
    return this.remaining() === 0;
  }

  // Throws a generic error naming what could not be finished in time.
  check(what: string): void {
    if (this.expired()) throw new OcfError(OCF.ERR_GENERIC, `${what}: operation timeout reached`);
  }
}

// The budget of an operation: Pacemaker's timeout when given, else the advertised timeout of
// the action (a hand run gets what the meta-data suggests), else 20 s as ocf-shellfuncs assumes.
export function budgetFor(timeoutMs: number | undefined, advertised: string | undefined): number {
  if (timeoutMs !== undefined && timeoutMs > 0) return timeoutMs;
  const parsed = advertised === undefined ? undefined : parseDuration(advertised);
  return parsed ?? 20000;
}

// "60s", "2m", "1h", "500ms", "90" (seconds) → milliseconds.
export function parseDuration(text: string): number | undefined {
  const m = /^\s*([0-9]+)\s*(ms|s|m|min|h)?\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  switch (m[2]) {
    case 'ms': return n;
    case 'm': case 'min': return n * 60000;
    case 'h': return n * 3600000;
    default: return n * 1000;
  }
}
