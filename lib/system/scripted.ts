// A scripted System for unit tests (after pcs's mock_runner): every external command the code
// under test runs must be the next expected call, in order; a mismatch fails with
// "call #N: expected … got …". Files live in an in-memory map; the clock is virtual.

import type { FileStat, RunOptions, RunResult, System } from './types.ts';

export interface ExpectedCall {
  readonly argv: readonly string[];
  readonly exitCode?: number;
  readonly stdout?: string;
  readonly stderr?: string;
  readonly timedOut?: boolean;
  readonly notFound?: boolean;
  // Virtual milliseconds the command takes.
  readonly takesMs?: number;
  // Checks the options (input, env, timeout) the call was made with.
  readonly check?: (opts: RunOptions) => void;
  // Side effect on the fake machine (a mount appearing, a file written by the tool).
  readonly effect?: (sys: ScriptedSystem) => void;
  // A poll: the same call once and then up to this many times in all, in a row (how often a
  // wait polls before its deadline is the code's business; that it stops is the test's).
  readonly repeat?: number;
}

export class ScriptMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptMismatch';
  }
}

interface FakeFile {
  kind: 'file' | 'dir' | 'block' | 'link';
  data: string;
  mode: number;
  uid?: number;
  gid?: number;
  target?: string;
  rdev?: number;
  // st_dev of the file (default 1).
  dev?: number;
  ino: number;
  // Binary content (writeBytes); readFile sees it as latin1 text.
  bytes?: Uint8Array;
  // Modification time; the virtual clock when unset.
  mtimeMs?: number;
}

// Every ScriptedSystem made since the last check: test/setup.ts calls checkScripts() after each
// test, so an expected call that never happened fails the test without it asking.
const unchecked = new Set<ScriptedSystem>();

// Fails (one error naming every script) unless each ScriptedSystem made since the last check
// ran its whole script; forgets them either way.
export function checkScripts(): void {
  const problems: string[] = [];
  for (const s of unchecked) {
    try {
      s.done();
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
    }
  }
  unchecked.clear();
  if (problems.length > 0) throw new ScriptMismatch(problems.join('\n'));
}

export class ScriptedSystem implements System {
  readonly pid: number;
  readonly calls: RunResult[] = [];
  readonly killed: { pid: number; signal: string | number }[] = [];
  readonly stderrText: string[] = [];
  readonly stdoutText: string[] = [];
  readonly spawned: (readonly string[])[] = [];
  readonly files = new Map<string, FakeFile>();
  // Processes the fake machine has; kill(pid, 0) reports them alive.
  readonly alive = new Set<number>();
  programs = new Set<string>();
  // What localAddresses() reports.
  addresses: string[] = ['127.0.0.1', '::1'];
  // Paths whose readDirect/writeDurable/writeFile fail with this error code (EIO, EROFS...).
  readonly ioErrors = new Map<string, string>();
  // Every writeDurable call, in order.
  readonly durableWrites: { path: string; direct: boolean }[] = [];
  // Whether every fd is a terminal, or which ones are.
  tty: boolean | readonly number[] = false;
  host = 'node1';
  // What randomBytes returns next (each call takes the next entry; then zero bytes).
  readonly random: Uint8Array[] = [];
  #script: ExpectedCall[];
  // How often the repeated call at the head of the script was made so far.
  #repeated = 0;
  #n = 0;
  #clock: number;
  readonly #started: number;
  // How long the scripted process had been running when the test began (processStart()).
  startupMs = 0;
  #ino = 100;

  constructor(script: ExpectedCall[] = [], opts: { pid?: number; startMs?: number } = {}) {
    this.#script = [...script];
    this.pid = opts.pid ?? 4242;
    this.#clock = opts.startMs ?? Date.UTC(2026, 10, 25, 12, 0, 0);
    this.#started = this.#clock;
    this.file('/', '', 'dir');
    unchecked.add(this);
  }

  // Adds expected calls to the end of the script.
  expect(...calls: ExpectedCall[]): this {
    this.#script.push(...calls);
    return this;
  }

  // Fails unless every expected call was made (checked after every test; a test may call it
  // earlier, between two steps).
  done(): void {
    if (this.#repeated > 0) this.#endRepeat();
    if (this.#script.length > 0) {
      throw new ScriptMismatch(`call #${String(this.#n + 1)}: expected ${JSON.stringify(this.#script[0]?.argv)} got no call (${String(this.#script.length)} expected call(s) left)`);
    }
  }

  // A repeated call made at least once is satisfied: the script goes on after it.
  #endRepeat(): void {
    this.#script.shift();
    this.#repeated = 0;
  }

  // Creates a file, directory, block device or link (parents are created as directories).
  file(path: string, data = '', kind: FakeFile['kind'] = 'file', extra: Partial<FakeFile> = {}): this {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const dir = `/${parts.slice(0, i).join('/')}`;
      if (!this.files.has(dir)) this.files.set(dir, { kind: 'dir', data: '', mode: 0o755, ino: this.#ino++ });
    }
    this.files.set(path === '/' ? '/' : `/${parts.join('/')}`, { kind, data, mode: kind === 'dir' ? 0o755 : 0o644, ino: this.#ino++, ...extra });
    return this;
  }

  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    await Promise.resolve();
    this.#n++;
    const same = (c: ExpectedCall | undefined): boolean => JSON.stringify(c?.argv) === JSON.stringify(argv);
    if (this.#repeated > 0 && !same(this.#script[0])) this.#endRepeat();
    const exp = this.#script[0];
    if (exp === undefined) throw new ScriptMismatch(`call #${String(this.#n)}: expected no more calls got ${JSON.stringify(argv)}`);
    if (!same(exp)) {
      this.#script.shift();
      throw new ScriptMismatch(`call #${String(this.#n)}: expected ${JSON.stringify(exp.argv)} got ${JSON.stringify(argv)}`);
    }
    if (exp.repeat === undefined) this.#script.shift();
    else if (++this.#repeated >= exp.repeat) this.#endRepeat();
    // A feed is read to its end (the caller ends it, as the logger's flush does); check() sees
    // what was fed as input.
    if (opts.feed !== undefined) {
      let fed = '';
      for (let t = await opts.feed.next(); t !== undefined; t = await opts.feed.next()) fed += t;
      opts = { ...opts, input: fed, feed: undefined };
    }
    exp.check?.(opts);
    const takes = exp.takesMs ?? 1;
    const timedOut = exp.timedOut ?? (opts.timeoutMs !== undefined && takes > opts.timeoutMs);
    this.#clock += timedOut && opts.timeoutMs !== undefined ? opts.timeoutMs : takes;
    if (!timedOut) exp.effect?.(this);
    const r: RunResult = {
      argv: [...argv],
      exitCode: timedOut ? null : exp.notFound ? 127 : (exp.exitCode ?? 0),
      signal: timedOut ? 'SIGKILL' : null,
      stdout: exp.stdout ?? '',
      stderr: exp.stderr ?? '',
      timedOut,
      notFound: exp.notFound ?? false,
      durationMs: takes,
    };
    this.calls.push(r);
    return r;
  }

  async spawnDetached(argv: readonly string[]): Promise<number> {
    await Promise.resolve();
    this.spawned.push(argv);
    const pid = 10000 + this.spawned.length;
    this.alive.add(pid);
    return pid;
  }

  kill(pid: number, signal: string | number): boolean {
    if (!this.alive.has(pid)) return false;
    if (signal !== 0) this.killed.push({ pid, signal });
    return true;
  }

  async which(program: string): Promise<string | null> {
    await Promise.resolve();
    if (program.includes('/')) return this.files.has(program) || this.programs.has(program) ? program : null;
    return this.programs.has(program) ? `/usr/sbin/${program}` : null;
  }

  #get(path: string): FakeFile | undefined {
    return this.files.get(path);
  }

  // Follows links in every component of the path, as the kernel does (targets are absolute).
  #resolve(path: string, depth = 0): string {
    if (depth >= 16) return path;
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const f = this.#get(parts.slice(0, i + 1).join('/'));
      if (f?.kind === 'link' && f.target !== undefined) {
        const rest = parts.slice(i + 1).filter((x) => x !== '').join('/');
        return this.#resolve(rest === '' ? f.target : `${f.target}/${rest}`, depth + 1);
      }
    }
    return path;
  }

  async readFile(path: string): Promise<string> {
    const r = await this.readFileIfExists(path);
    if (r === null) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return r;
  }

  async readFileIfExists(path: string): Promise<string | null> {
    await Promise.resolve();
    const f = this.#get(this.#resolve(path));
    return f === undefined || f.kind === 'dir' ? null : f.data;
  }

  // Paths written with flush (fsync), in order.
  readonly flushedWrites: string[] = [];

  async writeFile(path: string, data: string, opts: { mode?: number; flush?: boolean } = {}): Promise<void> {
    await Promise.resolve();
    this.#ioError(path);
    if (opts.flush === true) this.flushedWrites.push(path);
    this.file(path, data, 'file', opts.mode === undefined ? {} : { mode: opts.mode });
  }

  async appendFile(path: string, data: string): Promise<void> {
    await Promise.resolve();
    this.appendFileSync(path, data);
  }

  appendFileSync(path: string, data: string): void {
    const f = this.#get(path);
    if (f === undefined) this.file(path, data);
    else f.data += data;
  }

  #stat(f: FakeFile | undefined): FileStat | null {
    if (f === undefined) return null;
    return {
      isFile: f.kind === 'file',
      isDirectory: f.kind === 'dir',
      isBlockDevice: f.kind === 'block',
      isSymbolicLink: f.kind === 'link',
      mode: f.mode,
      uid: f.uid ?? 0,
      gid: f.gid ?? 0,
      size: f.bytes?.length ?? f.data.length,
      dev: f.dev ?? 1,
      rdev: f.rdev ?? 0,
      ino: f.ino,
      mtimeMs: f.mtimeMs ?? this.#clock,
    };
  }

  statSync(path: string): FileStat | null {
    return this.#stat(this.#get(this.#resolve(path)));
  }

  async stat(path: string): Promise<FileStat | null> {
    await Promise.resolve();
    return this.#stat(this.#get(this.#resolve(path)));
  }

  async lstat(path: string): Promise<FileStat | null> {
    await Promise.resolve();
    return this.#stat(this.#get(path));
  }

  async realpath(path: string): Promise<string | null> {
    await Promise.resolve();
    const r = this.#resolve(path);
    return this.files.has(r) ? r : null;
  }

  async readlink(path: string): Promise<string | null> {
    await Promise.resolve();
    const f = this.#get(path);
    return f?.kind === 'link' ? (f.target ?? null) : null;
  }

  async readdir(path: string): Promise<string[]> {
    await Promise.resolve();
    const prefix = path.endsWith('/') ? path : `${path}/`;
    const out: string[] = [];
    for (const k of this.files.keys()) {
      if (k !== path && k.startsWith(prefix) && !k.slice(prefix.length).includes('/')) out.push(k.slice(prefix.length));
    }
    return out.sort();
  }

  async mkdirp(path: string, mode?: number): Promise<void> {
    await Promise.resolve();
    const real = this.#resolve(path);
    if (!this.files.has(real)) this.file(real, '', 'dir', mode === undefined ? {} : { mode });
  }

  async remove(path: string): Promise<boolean> {
    await Promise.resolve();
    return this.files.delete(path);
  }

  // Directories synced (syncDir), in order.
  readonly syncedDirs: string[] = [];

  async syncDir(path: string): Promise<void> {
    await Promise.resolve();
    this.#ioError(path);
    this.syncedDirs.push(path);
  }

  async rename(from: string, to: string): Promise<void> {
    await Promise.resolve();
    const f = this.files.get(from);
    if (f === undefined) throw Object.assign(new Error(`ENOENT: ${from}`), { code: 'ENOENT' });
    // A directory moves with everything under it.
    for (const [k, v] of [...this.files]) {
      if (k === from || k.startsWith(`${from}/`)) {
        this.files.delete(k);
        this.files.set(`${to}${k.slice(from.length)}`, v);
      }
    }
  }

  async copyFile(from: string, to: string): Promise<void> {
    await Promise.resolve();
    const f = this.files.get(from);
    if (f === undefined) throw Object.assign(new Error(`ENOENT: ${from}`), { code: 'ENOENT' });
    // Like a copy made by root: same content and mode, owned by root.
    this.files.set(to, { ...f, uid: undefined, gid: undefined, ino: this.#ino++ });
  }

  async chown(path: string, uid: number, gid: number): Promise<void> {
    await Promise.resolve();
    const f = this.files.get(path);
    if (f === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    f.uid = uid;
    f.gid = gid;
  }

  #ioError(path: string): void {
    const code = this.ioErrors.get(path);
    if (code !== undefined) throw Object.assign(new Error(`${code}: ${path}`), { code });
  }

  async readDirect(path: string, length: number): Promise<Uint8Array> {
    await Promise.resolve();
    this.#ioError(path);
    const f = this.#get(this.#resolve(path));
    if (f === undefined || f.kind === 'dir') throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    const out = new Uint8Array(length);
    out.set(new TextEncoder().encode(f.data).subarray(0, length));
    return out;
  }

  async writeDurable(path: string, data: string, opts: { direct: boolean }): Promise<void> {
    await Promise.resolve();
    this.durableWrites.push({ path, direct: opts.direct });
    this.#ioError(path);
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    if (this.#get(this.#resolve(parent))?.kind !== 'dir') throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    this.file(path, data.padEnd(Math.max(4096, Math.ceil(data.length / 4096) * 4096), '\0'));
  }

  async chmod(path: string, mode: number): Promise<void> {
    await Promise.resolve();
    const f = this.files.get(this.#resolve(path));
    if (f === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    f.mode = mode;
  }

  localAddresses(): string[] {
    return [...this.addresses];
  }

  async readBytes(path: string): Promise<Uint8Array | null> {
    await Promise.resolve();
    const f = this.#get(this.#resolve(path));
    if (f === undefined || f.kind === 'dir') return null;
    return f.bytes !== undefined ? new Uint8Array(f.bytes) : new TextEncoder().encode(f.data);
  }

  async writeBytes(path: string, data: Uint8Array, opts: { mode?: number; flush?: boolean } = {}): Promise<void> {
    await Promise.resolve();
    this.#ioError(path);
    if (opts.flush === true) this.flushedWrites.push(path);
    this.file(path, Array.from(data, (b) => String.fromCharCode(b)).join(''), 'file', { bytes: new Uint8Array(data), ...(opts.mode === undefined ? {} : { mode: opts.mode }) });
  }

  readProcFile(path: string): string | null {
    const f = this.#get(this.#resolve(path));
    return f === undefined || f.kind === 'dir' ? null : f.data;
  }

  readProcDir(path: string): string[] {
    if (this.#get(path)?.kind !== 'dir') return [];
    const prefix = path.endsWith('/') ? path : `${path}/`;
    return [...this.files.keys()].filter((k) => k !== path && k.startsWith(prefix) && !k.slice(prefix.length).includes('/')).map((k) => k.slice(prefix.length)).sort();
  }

  readProcLink(path: string): string | null {
    const f = this.#get(path);
    return f?.kind === 'link' ? (f.target ?? null) : null;
  }

  randomBytes(n: number): Uint8Array {
    const next = this.random.shift() ?? new Uint8Array(n);
    return next.slice(0, n);
  }

  now(): number {
    return this.#clock;
  }

  // The scripted process started `startupMs` (default 0) before the clock's initial value.
  processStart(): number {
    return this.#started - this.startupMs;
  }

  // Advances the virtual clock instead of waiting.
  async sleep(ms: number): Promise<void> {
    await Promise.resolve();
    this.#clock += Math.max(0, ms);
  }

  advance(ms: number): void {
    this.#clock += ms;
  }

  hostname(): string {
    return this.host;
  }

  isatty(fd: number): boolean {
    return typeof this.tty === 'boolean' ? this.tty : this.tty.includes(fd);
  }

  writeStderr(text: string): void {
    this.stderrText.push(text);
  }

  writeStdout(text: string): void {
    this.stdoutText.push(text);
  }

  get stderr(): string {
    return this.stderrText.join('');
  }

  get stdout(): string {
    return this.stdoutText.join('');
  }
}
