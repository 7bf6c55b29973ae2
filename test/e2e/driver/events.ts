// What the lab sees happen, on one clock (the host's, stamped when a line arrives): Pacemaker's
// executor and controller log lines from the nodes, the POSIX locks in each node's /proc/locks,
// the NFS server's export cache, and the client's completed writes. Parsed into events that the
// scenarios wait for and the report draws.

import { sleep } from './guest.ts';

export type Ev =
  | { t: number; host: string; kind: 'exec'; rsc: string; action: string; call: number }
  | { t: number; host: string; kind: 'done'; rsc: string; action: string; call: number; status: number; execMs: number }
  | { t: number; host: string; kind: 'result'; rsc: string; action: string; node: string; result: string; rc: number }
  | { t: number; host: string; kind: 'lost'; node: string }
  | { t: number; host: string; kind: 'locks'; ids: string[] }
  | { t: number; host: string; kind: 'expcache'; paths: string[] }
  | { t: number; host: string; kind: 'write'; tag: string; seq: number }
  | { t: number; host: string; kind: 'werr'; tag: string; seq: number }
  | { t: number; host: string; kind: 'notify'; src: string }
  | { t: number; host: string; kind: 'scope'; name: string }
  | { t: number; host: string; kind: 'vipup' }
  | { t: number; host: string; kind: 'rst'; port: number }
  | { t: number; host: string; kind: 'tack'; port: number }
  | { t: number; host: string; kind: 'tcp'; conns: { port: number; st: string }[] }
  | { t: number; host: string; kind: 'mark'; text: string };

// "executing - rsc:fs1 action:start call_id:14"
const EXEC_RE = /\(log_execute\)\s+\S+ executing - rsc:(\S+) action:(\S+) call_id:(\d+)/;
// "fs1 start (call 14, PID 365) exited with status 0 (execution time 12.803s after being queued 2ms)";
// a failed action has its exit reason after the status: "… exited with status 1 (Failed to
// unmount a bind mount) (execution time 11.667s)" (the reason may hold parentheses itself).
const DONE_RE = /\(log_finished\)\s+\S+ (\S+) (\S+) \(call (\d+), PID \d+\) exited with status (-?\d+)(?: \(.*\))? \(execution time ([\d.]+)(m?s)/;
// "Result of monitor operation for nfsserver on node2: not running | ... rc=7"
const RESULT_RE = /\(log_executor_event\)\s+\S+ Result of (\S+) operation for (\S+) on (\S+): ([^|]+?)\s*(?:\|(.*))?$/;
// "Node node1 state is now lost"
const LOST_RE = /pacemaker-controld.*Node (\S+) state is now lost/;

export function parseLine(host: string, line: string, t: number): Ev | undefined {
  let m: RegExpExecArray | null;
  if ((m = EXEC_RE.exec(line))) return { t, host, kind: 'exec', rsc: m[1]!, action: m[2]!, call: Number(m[3]) };
  if ((m = DONE_RE.exec(line))) {
    const v = Number(m[5]);
    return { t, host, kind: 'done', rsc: m[1]!, action: m[2]!, call: Number(m[3]), status: Number(m[4]), execMs: m[6] === 's' ? v * 1000 : v };
  }
  if ((m = RESULT_RE.exec(line))) {
    const rc = /\brc=(-?\d+)/.exec(m[5] ?? '')?.[1];
    return { t, host, kind: 'result', action: m[1]!, rsc: m[2]!, node: m[3]!, result: m[4]!, rc: rc === undefined ? -1 : Number(rc) };
  }
  if ((m = LOST_RE.exec(line))) return { t, host, kind: 'lost', node: m[1]! };
  if (line.startsWith('LOCKS')) return { t, host, kind: 'locks', ids: line.slice(5).trim().split(/\s+/).filter(Boolean) };
  if (line.startsWith('EXPCACHE')) return { t, host, kind: 'expcache', paths: line.slice(8).trim().split(/\s+/).filter(Boolean) };
  if ((m = /^NOTIFY (\S+)$/.exec(line))) return { t, host, kind: 'notify', src: m[1]! };
  if ((m = /^SCOPE (\S+)$/.exec(line))) return { t, host, kind: 'scope', name: m[1]! };
  if (line === 'VIPUP') return { t, host, kind: 'vipup' };
  if ((m = /^RST (\d+)$/.exec(line))) return { t, host, kind: 'rst', port: Number(m[1]) };
  if ((m = /^TACK (\d+)$/.exec(line))) return { t, host, kind: 'tack', port: Number(m[1]) };
  if ((m = /^TCP((?: \d+:[0-9A-F]{2})*) ?$/.exec(line))) {
    return { t, host, kind: 'tcp', conns: m[1]!.trim().split(' ').filter(Boolean).map((c) => ({ port: Number(c.split(':')[0]), st: c.split(':')[1]! })) };
  }
  if ((m = /^W (\S+) (\d+)$/.exec(line))) return { t, host, kind: 'write', tag: m[1]!, seq: Number(m[2]) };
  if ((m = /^E (\S+) (\d+)$/.exec(line))) return { t, host, kind: 'werr', tag: m[1]!, seq: Number(m[2]) };
  return undefined;
}

export class EventLog {
  readonly events: Ev[] = [];
  readonly raw: string[] = [];

  add(ev: Ev): void {
    this.events.push(ev);
  }

  line(host: string, line: string, t: number): void {
    this.raw.push(`${new Date(t).toISOString()} ${host} ${line}`);
    const ev = parseLine(host, line, t);
    if (ev) this.add(ev);
  }

  mark(text: string, t = Date.now()): number {
    this.add({ t, host: 'lab', kind: 'mark', text });
    this.raw.push(`${new Date(t).toISOString()} lab ${text}`);
    return t;
  }

  find<K extends Ev['kind']>(kind: K, since: number, pred: (e: Extract<Ev, { kind: K }>) => boolean = () => true): Extract<Ev, { kind: K }> | undefined {
    for (const e of this.events) {
      if (e.kind === kind && e.t >= since && pred(e as Extract<Ev, { kind: K }>)) return e as Extract<Ev, { kind: K }>;
    }
    return undefined;
  }

  all<K extends Ev['kind']>(kind: K, since: number, until = Infinity, pred: (e: Extract<Ev, { kind: K }>) => boolean = () => true): Extract<Ev, { kind: K }>[] {
    return this.events.filter((e): e is Extract<Ev, { kind: K }> => e.kind === kind && e.t >= since && e.t <= until && pred(e as Extract<Ev, { kind: K }>));
  }

  last<K extends Ev['kind']>(kind: K, until: number, pred: (e: Extract<Ev, { kind: K }>) => boolean = () => true): Extract<Ev, { kind: K }> | undefined {
    let found: Extract<Ev, { kind: K }> | undefined;
    for (const e of this.events) {
      if (e.kind === kind && e.t <= until && pred(e as Extract<Ev, { kind: K }>)) found = e as Extract<Ev, { kind: K }>;
    }
    return found;
  }

  // Waits until an event of that kind (at or after `since`) satisfies pred; undefined on timeout.
  // `abort` is checked on every poll: it names a reason to stop waiting early (e.g. a failed start).
  async wait<K extends Ev['kind']>(kind: K, since: number, timeoutMs: number, pred: (e: Extract<Ev, { kind: K }>) => boolean = () => true, abort?: () => string | undefined): Promise<Extract<Ev, { kind: K }> | undefined> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const e = this.find(kind, since, pred);
      if (e) return e;
      if (Date.now() > end || abort?.() !== undefined) return undefined;
      await sleep(100);
    }
  }

  // The set of lock ids (dev:ino) a host showed at time t (from the last "locks" event before t).
  locksAt(host: string, t: number): string[] {
    return this.last('locks', t, (e) => e.host === host)?.ids ?? [];
  }
}
