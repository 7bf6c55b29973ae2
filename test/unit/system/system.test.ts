import { mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeSystem, processAgeMs } from '../../../lib/system/node.ts';
import { ScriptedSystem, ScriptMismatch } from '../../../lib/system/scripted.ts';
import { childEnv } from '../../../lib/ocf/env.ts';

describe('ScriptedSystem', () => {
  it('replays expected calls in order and names the first mismatch', async () => {
    const sys = new ScriptedSystem([{ argv: ['exportfs', '-v'], stdout: 'x' }, { argv: ['sm-notify', '-f'] }]);
    expect((await sys.run(['exportfs', '-v'])).stdout).toBe('x');
    await expect(sys.run(['sm-notify', '-v', 'vip'])).rejects.toThrow(new ScriptMismatch('call #2: expected ["sm-notify","-f"] got ["sm-notify","-v","vip"]'));
  });
  it('fails done() while expected calls are left, and rejects unexpected ones', async () => {
    const sys = new ScriptedSystem([{ argv: ['a'] }]);
    expect(() => { sys.done(); }).toThrow('call #1: expected ["a"] got no call');
    await sys.run(['a']);
    sys.done();
    await expect(sys.run(['b'])).rejects.toThrow('call #2: expected no more calls got ["b"]');
  });
  it('models time-outs with the virtual clock', async () => {
    const sys = new ScriptedSystem([{ argv: ['slow'], takesMs: 5000 }]);
    const t0 = sys.now();
    const r = await sys.run(['slow'], { timeoutMs: 1000 });
    expect(r).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
    expect(sys.now() - t0).toBe(1000);
  });
});

describe('NodeSystem (real processes and files, no root)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nfsha-sys-'));
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });
  const sys = new NodeSystem({ env: childEnv({ PATH: process.env.PATH, LANG: 'de_DE.UTF-8' }) });

  it('runs argv without a shell and captures output and status', async () => {
    const r = await sys.run(['sh', '-c', 'echo "$1"; echo err >&2; exit 3', 'sh', '$(touch /tmp/never); `x`']);
    expect(r).toMatchObject({ exitCode: 3, stdout: '$(touch /tmp/never); `x`\n', stderr: 'err\n', timedOut: false, notFound: false });
  });
  it('passes the C locale to children', async () => {
    const r = await sys.run(['sh', '-c', 'echo "$LC_ALL/${LANG-unset}"']);
    expect(r.stdout).toBe('C/unset\n');
  });
  it('kills a command at its time-out', async () => {
    const r = await sys.run(['sleep', '10'], { timeoutMs: 200 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
  });
  it('writes a feed to stdin as it comes, before the feed ends', async () => {
    // head exits after the first line; the feed never ends: the line went through on its own.
    const pieces = ['one\n'];
    const feed = { next: () => (pieces.length > 0 ? Promise.resolve(pieces.shift()) : new Promise<undefined>(() => undefined)) };
    const r = await sys.run(['head', '-n', '1'], { feed, timeoutMs: 5000 });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'one\n', timedOut: false });
  });
  it('closes stdin at the end of a feed, and counts the time-out from there', async () => {
    const pieces = ['a\n', 'b\n'];
    let ended = 0;
    const feed = { next: async () => { await new Promise((r) => setTimeout(r, 150)); const p = pieces.shift(); if (p === undefined) ended = Date.now(); return p; } };
    const r = await sys.run(['cat'], { feed, timeoutMs: 100 });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'a\nb\n', timedOut: false });
    expect(ended).toBeGreaterThan(0);
    const slow = await sys.run(['sleep', '10'], { feed: { next: () => Promise.resolve(undefined) }, timeoutMs: 200 });
    expect(slow.timedOut).toBe(true);
  });
  it('reports a missing program as not found (127), not as an exception', async () => {
    const r = await sys.run(['/nonexistent/program']);
    expect(r).toMatchObject({ notFound: true, exitCode: 127 });
  });
  it('finds programs on PATH, and finds none when OCF_TESTER_FAIL_HAVE_BINARY is set', async () => {
    expect(await sys.which('sh')).toMatch(/\/sh$/);
    expect(await sys.which('no-such-program-nfsha')).toBeNull();
    expect(await new NodeSystem({ env: { PATH: process.env.PATH ?? '' }, failHaveBinary: true }).which('sh')).toBeNull();
  });
  it('reads, writes, stats and removes files; missing files are null, not errors', async () => {
    const f = join(dir, 'a/b/state');
    await sys.mkdirp(join(dir, 'a/b'));
    await sys.writeFile(f, 'x', { mode: 0o600 });
    sys.appendFileSync(f, 'y');
    expect(await sys.readFile(f)).toBe('xy');
    expect((await sys.stat(f))?.mode).toBe(0o100600);
    expect(await sys.readFileIfExists(join(dir, 'nope'))).toBeNull();
    expect(await sys.stat(join(dir, 'nope'))).toBeNull();
    expect(await sys.realpath(join(dir, 'a/../a/b'))).toBe(join(dir, 'a/b'));
    expect(await sys.remove(f)).toBe(true);
    expect(await sys.remove(f)).toBe(false);
  });

  it('dates its own start before now, at the fork as the kernel records it, never after the runtime began', () => {
    const started = sys.processStart();
    expect(started).toBeLessThanOrEqual(sys.now());
    expect(started).toBeLessThanOrEqual(Date.now() - process.uptime() * 1000 + 1);
    const kernel = processAgeMs(readFileSync('/proc/self/stat', 'utf8'), readFileSync('/proc/uptime', 'utf8'));
    expect(kernel).toBeDefined();
    expect(Math.abs(started - (Date.now() - (kernel ?? 0)))).toBeLessThan(100);
  });

  it('reads the process age from /proc/<pid>/stat and /proc/uptime', () => {
    // starttime (field 22) is 12345 ticks after boot; a command name with spaces and ")".
    const stat = '4242 (a b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 12345 1000 10 0';
    expect(processAgeMs(stat, '200.00 150.00\n')).toBe(200000 - 123450);
    expect(processAgeMs(stat, '100.00 50.00\n')).toBeUndefined();
    expect(processAgeMs('4242 (x) S 1', '200.00 1.00')).toBeUndefined();
  });

  it('renames over a file, and moves over a directory in the way', async () => {
    const a = join(dir, 'mv/a');
    await sys.mkdirp(join(dir, 'mv'));
    await sys.writeFile(a, 'new');
    await sys.writeFile(join(dir, 'mv/b'), 'old');
    await sys.rename(a, join(dir, 'mv/b'));
    expect(await sys.readFile(join(dir, 'mv/b'))).toBe('new');
    expect(await sys.stat(a)).toBeNull();
    // A non-empty directory in the way: rename(2) refuses, the fs-extra fallback replaces it.
    await sys.mkdirp(join(dir, 'mv/src'));
    await sys.writeFile(join(dir, 'mv/src/f'), '1');
    await sys.mkdirp(join(dir, 'mv/dst/old'));
    await sys.rename(join(dir, 'mv/src'), join(dir, 'mv/dst'));
    expect(await sys.readdir(join(dir, 'mv/dst'))).toEqual(['f']);
  });

  it('copies a file with its mode and times, and a directory tree', async () => {
    const src = join(dir, 'cp/src');
    await sys.mkdirp(join(dir, 'cp/tree/sub'));
    await sys.writeFile(src, 'data', { mode: 0o640 });
    utimesSync(src, 1_000_000, 1_000_000);
    await sys.writeFile(join(dir, 'cp/dst'), 'older and longer');
    await sys.copyFile(src, join(dir, 'cp/dst'));
    const st = await sys.stat(join(dir, 'cp/dst'));
    expect(await sys.readFile(join(dir, 'cp/dst'))).toBe('data');
    expect(st?.mode).toBe(0o100640);
    expect(st?.mtimeMs).toBe(1_000_000_000);
    await sys.writeFile(join(dir, 'cp/tree/sub/x'), 'x');
    await sys.copyFile(join(dir, 'cp/tree'), join(dir, 'cp/tree2'));
    expect(await sys.readFile(join(dir, 'cp/tree2/sub/x'))).toBe('x');
  });
});
