// OCF_TRACE_RA: a structured trace of one agent run (environment, every external command with
// its argv, exit status and duration, every log line, the result), written where ocf-shellfuncs
// would write its `set -x` trace.

import type { RunResult } from '../system/types.ts';
import { isTrue } from './bool.ts';
import type { Env } from './env.ts';

export interface Tracer {
  readonly enabled: boolean;
  command(r: RunResult): void;
  note(text: string): void;
}

export const noTracer: Tracer = { enabled: false, command: () => undefined, note: () => undefined };

export interface TraceSink {
  // Append to a file (created with its directories) or write to an fd.
  write(text: string): void;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function clock(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

// Where the trace goes, or undefined when tracing is off.
//  - OCF_TRACE_FILE = 3..9: that already-open descriptor; an absolute path: that file;
//  - otherwise stderr on a terminal, else <trace_dir>/<type>/<instance>.<action>.<date>.
export type TraceTarget = { kind: 'fd'; fd: number } | { kind: 'file'; path: string };

export function traceTarget(env: Env, type: string, instance: string, action: string, onTty: boolean, now: Date): TraceTarget | undefined {
  const on = env.OCF_TRACE_RA ?? env.OCF_RESKEY_trace_ra;
  if (!isTrue(on)) return undefined;
  const file = env.OCF_TRACE_FILE ?? env.OCF_RESKEY_trace_file;
  if (file !== undefined && /^[3-9]$/.test(file)) return { kind: 'fd', fd: Number(file) };
  if (file !== undefined && /^\/.*\//.test(file)) return file === '/dev/stderr' ? { kind: 'fd', fd: 2 } : { kind: 'file', path: file };
  if (onTty) return { kind: 'fd', fd: 2 };
  const dir = env.OCF_RESKEY_trace_dir || `${env.HA_VARLIB || '/var/lib/heartbeat'}/trace_ra`;
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
  return { kind: 'file', path: `${dir}/${type}/${instance}.${action}.${stamp}` };
}

export function makeTracer(sink: TraceSink, env: Env, header: string): Tracer {
  const t = (text: string): void => {
    sink.write(`+ ${clock(new Date())} ${text}\n`);
  };
  t(header);
  for (const k of Object.keys(env).sort()) {
    if (/^(OCF_|HA_|PCMK_|PATH$|LC_ALL$)/.test(k)) sink.write(`  env ${k}=${JSON.stringify(env[k])}\n`);
  }
  return {
    enabled: true,
    command(r: RunResult): void {
      const how = r.timedOut ? 'timed out' : r.signal !== null ? `signal ${r.signal}` : `rc=${String(r.exitCode)}`;
      t(`run ${JSON.stringify(r.argv)} -> ${how} in ${String(r.durationMs)} ms`);
      if (r.stdout !== '') sink.write(`  stdout: ${JSON.stringify(r.stdout.length > 4000 ? `${r.stdout.slice(0, 4000)}…` : r.stdout)}\n`);
      if (r.stderr !== '') sink.write(`  stderr: ${JSON.stringify(r.stderr.length > 4000 ? `${r.stderr.slice(0, 4000)}…` : r.stderr)}\n`);
    },
    note: t,
  };
}
