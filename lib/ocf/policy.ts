// Wraps a System so that every external command honours the operation deadline and is traced
// (OCF_TRACE_RA): argv, exit status and duration.

import type { Deadline } from './deadline.ts';
import type { Tracer } from './trace.ts';
import type { RunOptions, RunResult, System } from '../system/types.ts';

export function withPolicy(sys: System, deadline: Deadline, tracer: Tracer): System {
  const run = async (argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> => {
    const left = deadline.remaining();
    const timeoutMs = Math.min(opts.timeoutMs ?? left, left);
    let r: RunResult;
    if (timeoutMs <= 0) {
      r = { argv: [...argv], exitCode: null, signal: null, stdout: '', stderr: 'not started: operation timeout reached', timedOut: true, notFound: false, durationMs: 0 };
    } else {
      r = await sys.run(argv, { ...opts, timeoutMs });
    }
    if (!opts.quiet) tracer.command(r);
    return r;
  };
  // Sleeping past the deadline is never useful: cut it to what is left.
  const sleep = (ms: number): Promise<void> => sys.sleep(Math.min(ms, deadline.remaining()));
  return new Proxy(sys, {
    get(target, prop, receiver) {
      if (prop === 'run') return run;
      if (prop === 'sleep') return sleep;
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
