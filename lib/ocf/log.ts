// ocf_log for TypeScript: one log(level, msg) with the sinks ocf-shellfuncs uses:
// a terminal gets readable stderr; otherwise syslog through `logger`
// (HA_LOGFACILITY, not "none"), HA_LOGFILE, HA_DEBUGLOG, and stderr when nothing else is set.
// Debug lines only with HA_debug set and not 0. Tag: Agent(instance)[pid].

import { defineTools } from './define.ts';
import type { Env } from './env.ts';
import type { InputFeed, System } from '../system/types.ts';
import { within } from '../util/within.ts';

// The program logging needs (part of every agent's tools; the RPM requires it).
export const LOG_TOOLS = defineTools({
  logger: { path: '/usr/bin/logger', need: 'requires' },
});

export type Level = 'crit' | 'err' | 'warn' | 'info' | 'debug';

const LABEL: Record<Level, string> = { crit: 'CRIT', err: 'ERROR', warn: 'WARNING', info: 'INFO', debug: 'DEBUG' };
// syslog priorities (syslog.h numbers: crit, err, warning, info, debug); upstream guesses them
// from the text (and files CRIT under notice).
const PRIO: Record<Level, number> = { crit: 2, err: 3, warn: 4, info: 6, debug: 7 };

// The lines for `logger`'s stdin: pushed as they are logged, read as the pipe takes them.
interface LineFeed extends InputFeed {
  push(text: string): void;
  end(): void;
}

function lineFeed(): LineFeed {
  const queue: string[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const poke = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  return {
    push: (t) => { queue.push(t); poke(); },
    end: () => { ended = true; poke(); },
    next: async () => {
      while (queue.length === 0 && !ended) await new Promise<void>((r) => { wake = r; });
      return queue.length > 0 ? queue.splice(0).join('') : undefined;
    },
  };
}

export interface Logger {
  crit(msg: string): void;
  err(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
  log(level: Level, msg: string, opts?: { noStderr?: boolean }): void;
  // Why the action ends as it does, in words, for the closing line at a terminal (lib/ocf/run.ts);
  // never logged, never shown to Pacemaker.
  outcome(why: string): void;
  // The last outcome given, else the last message logged at info or above.
  explanation(): string | undefined;
  // Waits for `logger` processes still writing to syslog, at most `maxMs` when given (a logger
  // still running then is left to finish on its own: the operation's time is up).
  flush(maxMs?: number): Promise<void>;
}

export type LogIO = Pick<System, 'run' | 'appendFileSync' | 'writeStderr' | 'isatty' | 'now'>;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function p2(n: number): string {
  return String(n).padStart(2, '0');
}

// The strftime subset HA_DATEFMT uses in practice; unknown conversions are kept literally.
export function strftime(fmt: string, d: Date): string {
  return fmt.replace(/%([a-zA-Z%])/g, (all, c: string) => {
    switch (c) {
      case 'b': case 'h': return MONTHS[d.getMonth()] ?? '';
      case 'a': return DAYS[d.getDay()] ?? '';
      case 'd': return p2(d.getDate());
      case 'e': return String(d.getDate()).padStart(2, ' ');
      case 'm': return p2(d.getMonth() + 1);
      case 'Y': return String(d.getFullYear());
      case 'y': return p2(d.getFullYear() % 100);
      case 'H': return p2(d.getHours());
      case 'M': return p2(d.getMinutes());
      case 'S': return p2(d.getSeconds());
      case 'T': return `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
      case 'F': return `${String(d.getFullYear())}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`;
      case 's': return String(Math.floor(d.getTime() / 1000));
      case '%': return '%';
      default: return all;
    }
  });
}

export interface LoggerOptions {
  readonly io: LogIO;
  readonly env: Env;
  readonly tag: string;
  // Extra observer of every line (the tracer).
  readonly onLine?: (line: string) => void;
}

export function makeLogger(opts: LoggerOptions): Logger {
  const { io, env, tag } = opts;
  const facility = env.HA_LOGFACILITY ?? env.HA_logfacility;
  const useSyslog = facility !== undefined && facility !== '' && facility !== 'none';
  const logfile = env.HA_LOGFILE || undefined;
  const debuglog = env.HA_DEBUGLOG || undefined;
  const debugOn = env.HA_debug !== undefined && env.HA_debug !== '' && env.HA_debug !== '0';
  const datefmt = env.HA_DATEFMT ?? '%b %d %T ';
  // Asked at the first line logged: an action that logs nothing never loads node:tty, which a
  // terminal on stdin would cost (docs/performance.md, "Which figure is true").
  let tty: boolean | undefined;
  const onTty = (): boolean => (tty ??= io.isatty(0));
  const pending: Promise<unknown>[] = [];
  let outcome: string | undefined;
  let lastMessage: string | undefined;

  const date = (): string => strftime(datefmt, new Date(io.now()));
  const append = (path: string, text: string): void => {
    try {
      io.appendFileSync(path, text);
    } catch {
      // A log file we cannot write must not fail the operation.
    }
  };
  // One `logger` for the whole action, started at the first line and fed every line on stdin
  // as it is logged, each with its priority (`--prio-prefix`: "<3>" is err in the facility of
  // -p). A child per line, as ocf-shellfuncs forks, cost a fork of this process each: the most
  // expensive thing a start did under emulation (docs/performance.md). Each line of a message
  // is one syslog message, as when logger reads a file.
  let sink: LineFeed | undefined;
  const syslog = (prio: Level, text: string): void => {
    if (sink === undefined) {
      sink = lineFeed();
      const argv = ['logger', '-t', tag, '-p', `${facility ?? 'daemon'}.info`, '--prio-prefix'];
      pending.push(io.run(argv, { quiet: true, timeoutMs: 5000, feed: sink }).catch(() => undefined));
    }
    for (const line of text.split('\n')) sink.push(`<${String(PRIO[prio])}>${line}\n`);
  };

  const log = (level: Level, msg: string, o: { noStderr?: boolean } = {}): void => {
    const text = `${LABEL[level]}: ${msg}`;
    opts.onLine?.(text);
    if (level === 'debug') {
      if (!debugOn) return;
      if (onTty()) {
        if (!o.noStderr) io.writeStderr(`${tag}: ${text}\n`);
        return;
      }
      if (useSyslog) syslog('debug', text);
      if (debuglog !== undefined) append(debuglog, `${tag}:\t${date()}${text}\n`);
      if (!useSyslog && debuglog === undefined && !o.noStderr) io.writeStderr(`${date()}${text}\n`);
      return;
    }
    if (!o.noStderr) lastMessage = msg;
    if (onTty()) {
      if (!o.noStderr) io.writeStderr(`${tag}: ${text}\n`);
      return;
    }
    if (useSyslog) syslog(level, text);
    if (logfile !== undefined) append(logfile, `${date()} ${tag}:    ${text}\n`);
    if (!useSyslog && logfile === undefined && !o.noStderr) io.writeStderr(`${date()}${text}\n`);
    if (debuglog !== undefined && debuglog !== logfile) append(debuglog, `${tag}:\t${date()}${text}\n`);
  };

  return {
    log,
    crit: (m) => { log('crit', m); },
    err: (m) => { log('err', m); },
    warn: (m) => { log('warn', m); },
    info: (m) => { log('info', m); },
    debug: (m) => { log('debug', m); },
    outcome: (why) => { outcome = why; },
    explanation: () => outcome ?? lastMessage,
    flush: async (maxMs) => {
      sink?.end();
      sink = undefined;
      const all = (async () => {
        while (pending.length > 0) await Promise.all(pending.splice(0));
      })();
      await (maxMs === undefined ? all : within(all, maxMs));
    },
  };
}
