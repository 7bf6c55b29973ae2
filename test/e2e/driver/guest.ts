// Host side of the lab's command agent (test/e2e/guest/lab-agent): one TCP connection runs one
// bash script in a guest; its output streams back, then a last line "__RC=<status>".
// The driver runs inside the lab's network namespace, so the guests' addresses reach nothing else.

import { connect, type Socket } from 'node:net';

export const PORT = 7000;

export interface ShResult {
  rc: number;
  out: string;
}

export class GuestError extends Error {}

const RC_RE = /\n__RC=(-?\d+)\n$/;

function parse(host: string, raw: string): ShResult {
  const m = RC_RE.exec(raw);
  if (!m) throw new GuestError(`${host}: connection ended without an exit status (guest died?)\n${raw.slice(-400)}`);
  return { rc: Number(m[1]), out: raw.slice(0, m.index) };
}

// Runs a script, resolves with its status and output. Rejects on timeout or a lost connection.
export function sh(ip: string, host: string, script: string, timeoutMs = 60_000): Promise<ShResult> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: ip, port: PORT });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new GuestError(`${host}: timed out after ${timeoutMs} ms: ${firstLine(script)}`));
    }, timeoutMs);
    sock.setNoDelay(true);
    sock.on('connect', () => sock.end(script));
    sock.on('data', (b: Buffer) => chunks.push(b));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(new GuestError(`${host}: ${e.message}`));
    });
    sock.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parse(host, Buffer.concat(chunks).toString('utf8')));
      } catch (e) {
        reject(e instanceof Error ? e : new GuestError(String(e)));
      }
    });
  });
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0]?.slice(0, 120) ?? '';
}

// A long-running script whose output lines are handed over as they arrive, stamped with the
// host's clock on arrival (one clock for every machine of the lab).
export class Stream {
  private sock: Socket;
  private buf = '';
  closed = false;
  readonly host: string;

  constructor(ip: string, host: string, script: string, onLine: (line: string, t: number) => void) {
    this.host = host;
    this.sock = connect({ host: ip, port: PORT });
    this.sock.setNoDelay(true);
    this.sock.on('connect', () => this.sock.end(script));
    this.sock.on('data', (b: Buffer) => {
      const t = Date.now();
      this.buf += b.toString('utf8');
      let i: number;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        if (line !== '' && !line.startsWith('__RC=')) onLine(line, t);
      }
    });
    this.sock.on('error', () => { this.closed = true; });
    this.sock.on('close', () => { this.closed = true; });
  }

  close(): void {
    this.sock.destroy();
    this.closed = true;
  }
}

// Polls until the agent answers (the guest has booted), or the deadline passes.
export async function waitAgent(ip: string, host: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await sh(ip, host, 'true', 5_000);
      if (r.rc === 0) return;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new GuestError(`${host}: agent did not answer within ${timeoutMs / 1000} s`);
    await sleep(500);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
