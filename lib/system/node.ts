// The real System: node:child_process for processes (argv arrays, never a shell), node:fs (and
// fs-extra for the harder copies and moves) for files; everything beyond node:fs is loaded on first use.

import {
  access, accessSync, appendFile, appendFileSync, chmod, close, constants, copyFile, fstatSync, fsync, lchown, lstat, mkdir, open, read, readFile,
  readFileSync, readdir, readdirSync, readlink, readlinkSync, realpath, rename, rm, rmdir, stat, statSync, utimes, write, writeFile, writeSync,
  type Stats,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import type { FileStat, RunOptions, RunResult, System } from './types.ts';

// Start-up time matters (a monitor runs every few seconds): node:fs/promises pulls in streams
// and readline, node:tty pulls in net, ≈3 ms for every run. Files go through the callback API
// of node:fs, which Node has loaded anyway (named imports: a namespace import would make the
// bundle copy the whole module object at start); tty and os are loaded on first use only.

function settle<T>(run: (cb: (e: NodeJS.ErrnoException | null, v: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    run((e, v) => { if (e) reject(e); else resolve(v); });
  });
}

// Clock ticks per second of /proc/<pid>/stat times: USER_HZ, 100 on every Linux architecture
// Node runs on.
const USER_HZ = 100;

// How long ago this process was forked, by the kernel's clock; undefined when /proc cannot say.
export function processAgeMs(stat: string, uptime: string): number | undefined {
  // Field 22 (starttime) counts from the one after the command name, whose ")" ends it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTicks = Number(fields[19]);
  const upMs = Number(uptime.split(' ')[0]) * 1000;
  if (fields[19] === undefined || !Number.isFinite(startTicks) || !Number.isFinite(upMs)) return undefined;
  const age = upMs - (startTicks * 1000) / USER_HZ;
  return age >= 0 ? age : undefined;
}

function kernelAgeMs(): number | undefined {
  try {
    return processAgeMs(readFileSync('/proc/self/stat', 'utf8'), readFileSync('/proc/uptime', 'utf8'));
  } catch {
    return undefined;
  }
}

const cbfs = {
  stat: (p: string) => settle<Stats>((cb) => { stat(p, cb); }),
  lstat: (p: string) => settle<Stats>((cb) => { lstat(p, cb); }),
  realpath: (p: string) => settle<string>((cb) => { realpath(p, cb); }),
  readlink: (p: string) => settle<string>((cb) => { readlink(p, cb); }),
  readdir: (p: string) => settle<string[]>((cb) => { readdir(p, cb); }),
  readFile: (p: string) => settle<string>((cb) => { readFile(p, 'utf8', cb); }),
  readBytes: (p: string) => settle<Buffer>((cb) => { readFile(p, cb); }),
  writeFile: (p: string, data: string | Uint8Array, mode: number | undefined, flush = false) => settle<undefined>((cb) => { writeFile(p, data, { mode, flush }, (e) => { cb(e, undefined); }); }),
  appendFile: (p: string, data: string) => settle<undefined>((cb) => { appendFile(p, data, (e) => { cb(e, undefined); }); }),
  access: (p: string, mode: number) => settle<undefined>((cb) => { access(p, mode, (e) => { cb(e, undefined); }); }),
  rm: (p: string) => settle<undefined>((cb) => { rm(p, (e) => { cb(e, undefined); }); }),
  rmdir: (p: string) => settle<undefined>((cb) => { rmdir(p, (e) => { cb(e, undefined); }); }),
  rename: (from: string, to: string) => settle<undefined>((cb) => { rename(from, to, (e) => { cb(e, undefined); }); }),
  copyFile: (from: string, to: string) => settle<undefined>((cb) => { copyFile(from, to, (e) => { cb(e, undefined); }); }),
  utimes: (p: string, atime: Date, mtime: Date) => settle<undefined>((cb) => { utimes(p, atime, mtime, (e) => { cb(e, undefined); }); }),
  chmod: (p: string, mode: number) => settle<undefined>((cb) => { chmod(p, mode, (e) => { cb(e, undefined); }); }),
  lchown: (p: string, uid: number, gid: number) => settle<undefined>((cb) => { lchown(p, uid, gid, (e) => { cb(e, undefined); }); }),
  open: (p: string, flags: number, mode: number) => settle<number>((cb) => { open(p, flags, mode, cb); }),
  read: (fd: number, b: Buffer, off: number, len: number, pos: number) => settle<number>((cb) => { read(fd, b, off, len, pos, cb); }),
  write: (fd: number, b: Buffer, off: number, len: number, pos: number) => settle<number>((cb) => { write(fd, b, off, len, pos, cb); }),
  fsync: (fd: number) => settle<undefined>((cb) => { fsync(fd, (e) => { cb(e, undefined); }); }),
  close: (fd: number) => settle<undefined>((cb) => { close(fd, (e) => { cb(e, undefined); }); }),
};

function toStat(s: Stats): FileStat {
  return {
    isFile: s.isFile(),
    isDirectory: s.isDirectory(),
    isBlockDevice: s.isBlockDevice(),
    isSymbolicLink: s.isSymbolicLink(),
    mode: s.mode,
    uid: s.uid,
    gid: s.gid,
    size: s.size,
    dev: s.dev,
    rdev: s.rdev,
    ino: s.ino,
    mtimeMs: s.mtimeMs,
  };
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

// Writes everything to fd, waiting out EAGAIN on a non-blocking pipe; a closed pipe is ignored.
export function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EPIPE' || code === 'EBADF') return;
      throw e;
    }
  }
}

// O_DIRECT needs a buffer aligned to the device's logical block size, and Node's Buffers give
// no alignment guarantee. The memory of a WebAssembly.Memory is allocated by pages (mmap), so a
// view on it starts on a page boundary: aligned for every block size up to the page size.
// (The ES2024 lib has no WebAssembly typings; this is the one constructor used.)
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number; maximum: number }) => { buffer: ArrayBuffer } } }).WebAssembly.Memory;

function alignedBuffer(length: number): Buffer {
  const pages = Math.max(1, Math.ceil(length / 65536));
  return Buffer.from(new WasmMemory({ initial: pages, maximum: pages }).buffer, 0, length);
}

export interface NodeSystemOptions {
  // Environment of child processes (see childEnv).
  readonly env: Readonly<Record<string, string>>;
  // OCF_TESTER_FAIL_HAVE_BINARY: pretend every program is missing.
  readonly failHaveBinary?: boolean;
}

export class NodeSystem implements System {
  readonly pid = process.pid;
  readonly #env: Readonly<Record<string, string>>;
  readonly #failHaveBinary: boolean;

  constructor(opts: NodeSystemOptions) {
    this.#env = opts.env;
    this.#failHaveBinary = opts.failHaveBinary ?? false;
  }

  // node:child_process directly (execa's module graph costs more start-up time than the
  // whole monitor): argv array, no shell, output collected, SIGKILL at the timeout.
  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const [file, ...args] = argv;
    if (file === undefined) throw new Error('run: empty argv');
    const { spawn } = process.getBuiltinModule('node:child_process');
    const started = Date.now();
    return new Promise<RunResult>((resolve) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      let done = false;
      const finish = (r: Omit<RunResult, 'argv' | 'durationMs'>): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve({ argv: [...argv], ...r, durationMs: Date.now() - started });
      };
      const child = spawn(file, args, {
        env: { ...this.#env, ...opts.env },
        cwd: opts.cwd,
        stdio: [opts.input === undefined && opts.feed === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      let timer: NodeJS.Timeout | undefined;
      const arm = (): void => {
        if (opts.timeoutMs !== undefined && !done) timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs);
      };
      if (opts.feed === undefined) arm();
      else {
        const feed = opts.feed;
        child.stdin?.on('error', () => undefined);
        void (async () => {
          for (let t = await feed.next(); t !== undefined; t = await feed.next()) child.stdin?.write(t);
          child.stdin?.end();
          arm();
        })();
      }
      child.stdout?.on('data', (d: Buffer) => { out.push(d); });
      child.stderr?.on('data', (d: Buffer) => { err.push(d); });
      if (opts.input !== undefined) {
        child.stdin?.on('error', () => undefined);
        child.stdin?.end(opts.input);
      }
      child.on('error', (e: NodeJS.ErrnoException) => {
        const notFound = e.code === 'ENOENT' || e.code === 'EACCES';
        finish({
          exitCode: notFound ? (e.code === 'ENOENT' ? 127 : 126) : null,
          signal: null,
          stdout: '',
          stderr: notFound ? `${file}: ${e.code === 'ENOENT' ? 'command not found' : 'permission denied'}` : e.message,
          timedOut: false,
          notFound,
        });
      });
      child.on('close', (code, signal) => {
        finish({
          exitCode: code,
          signal: signal ?? null,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          timedOut,
          notFound: false,
        });
      });
    });
  }

  async spawnDetached(argv: readonly string[], opts: { env?: Readonly<Record<string, string>> } = {}): Promise<number> {
    const { spawn } = await import('node:child_process');
    const [file, ...args] = argv;
    if (file === undefined) throw new Error('spawnDetached: empty argv');
    const child = spawn(file, args, { env: { ...this.#env, ...opts.env }, detached: true, stdio: 'ignore' });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        resolve(child.pid ?? -1);
      });
    });
  }

  kill(pid: number, signal: string | number): boolean {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  // Synchronous lookups: PATH directories are local, and a monitor that only checks its
  // programs then never starts the thread pool.
  // eslint-disable-next-line @typescript-eslint/require-await
  async which(program: string): Promise<string | null> {
    if (this.#failHaveBinary) return null;
    const candidates = program.includes('/') ? [program] : (this.#env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, program));
    for (const c of candidates) {
      try {
        accessSync(c, constants.X_OK);
        if (statSync(c).isFile()) return c;
      } catch {
        // not this one
      }
    }
    return null;
  }

  readFile(path: string): Promise<string> {
    return cbfs.readFile(path);
  }

  async readFileIfExists(path: string): Promise<string | null> {
    try {
      return await cbfs.readFile(path);
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async writeFile(path: string, data: string, opts: { mode?: number; flush?: boolean } = {}): Promise<void> {
    await cbfs.writeFile(path, data, opts.mode, opts.flush);
  }

  async appendFile(path: string, data: string): Promise<void> {
    await cbfs.appendFile(path, data);
  }

  appendFileSync(path: string, data: string): void {
    appendFileSync(path, data);
  }

  statSync(path: string): FileStat | null {
    try {
      return toStat(statSync(path));
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async stat(path: string): Promise<FileStat | null> {
    try {
      return toStat(await cbfs.stat(path));
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async lstat(path: string): Promise<FileStat | null> {
    try {
      return toStat(await cbfs.lstat(path));
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async realpath(path: string): Promise<string | null> {
    try {
      return await cbfs.realpath(path);
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async readlink(path: string): Promise<string | null> {
    try {
      return await cbfs.readlink(path);
    } catch (e) {
      if (isMissing(e) || (e as NodeJS.ErrnoException).code === 'EINVAL') return null;
      throw e;
    }
  }

  readdir(path: string): Promise<string[]> {
    return cbfs.readdir(path);
  }

  async mkdirp(path: string, mode?: number): Promise<void> {
    await settle<string | undefined>((cb) => { mkdir(path, { recursive: true, mode }, cb); });
  }

  async remove(path: string): Promise<boolean> {
    try {
      await cbfs.rm(path);
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      if ((e as NodeJS.ErrnoException).code === 'EISDIR' || (e as NodeJS.ErrnoException).code === 'ERR_FS_EISDIR') {
        await cbfs.rmdir(path);
        return true;
      }
      throw e;
    }
  }

  async syncDir(path: string): Promise<void> {
    const fd = await cbfs.open(path, constants.O_RDONLY | constants.O_DIRECTORY, 0);
    try {
      await cbfs.fsync(fd);
    } finally {
      await cbfs.close(fd);
    }
  }

  // rename(2) for the common case (a file or fresh directory beside its destination); fs-extra's
  // move for the rest (another filesystem, a directory in the way). fs-extra costs about 15 ms of
  // CPU to load, so it is loaded only then.
  async rename(from: string, to: string): Promise<void> {
    try {
      await cbfs.rename(from, to);
    } catch (e) {
      if (!['EXDEV', 'EISDIR', 'ENOTEMPTY', 'EEXIST', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
      const fse = await import('fs-extra');
      await fse.default.move(from, to, { overwrite: true });
    }
  }

  // A regular file: copy_file_range through fs.copyFile (mode kept), then its timestamps;
  // anything else (a directory tree) through fs-extra's copy.
  async copyFile(from: string, to: string): Promise<void> {
    const st = await cbfs.stat(from);
    if (!st.isFile()) {
      const fse = await import('fs-extra');
      await fse.default.copy(from, to, { overwrite: true, preserveTimestamps: true });
      return;
    }
    await cbfs.copyFile(from, to);
    await cbfs.utimes(to, st.atime, st.mtime);
  }

  async readDirect(path: string, length: number): Promise<Uint8Array> {
    const buf = alignedBuffer(length);
    const fd = await cbfs.open(path, constants.O_RDONLY | constants.O_DIRECT, 0);
    try {
      let off = 0;
      while (off < length) {
        const n = await cbfs.read(fd, buf, off, length - off, off);
        if (n === 0) break;
        off += n;
      }
      return Uint8Array.prototype.slice.call(buf, 0, off);
    } finally {
      await cbfs.close(fd);
    }
  }

  async writeDurable(path: string, data: string, opts: { direct: boolean }): Promise<void> {
    const bytes = Buffer.from(data, 'utf8');
    const length = Math.max(4096, Math.ceil(bytes.length / 4096) * 4096);
    const buf = alignedBuffer(length);
    buf.fill(0);
    bytes.copy(buf);
    const c = constants;
    const flags = c.O_WRONLY | c.O_CREAT | c.O_TRUNC | c.O_SYNC | (opts.direct ? c.O_DIRECT : 0);
    const fd = await cbfs.open(path, flags, 0o644);
    try {
      let off = 0;
      while (off < length) off += await cbfs.write(fd, buf, off, length - off, off);
      await cbfs.fsync(fd);
    } finally {
      await cbfs.close(fd);
    }
  }

  async chmod(path: string, mode: number): Promise<void> {
    await cbfs.chmod(path, mode);
  }

  // Ownership of a path, not following a final symlink.
  async chown(path: string, uid: number, gid: number): Promise<void> {
    await cbfs.lchown(path, uid, gid);
  }

  localAddresses(): string[] {
    const ifs = process.getBuiltinModule('node:os').networkInterfaces();
    return Object.values(ifs).flatMap((list) => (list ?? []).map((a) => a.address));
  }

  async readBytes(path: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await cbfs.readBytes(path));
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async writeBytes(path: string, data: Uint8Array, opts: { mode?: number; flush?: boolean } = {}): Promise<void> {
    await cbfs.writeFile(path, data, opts.mode, opts.flush);
  }

  readProcFile(path: string): string | null {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  }

  readProcDir(path: string): string[] {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  }

  readProcLink(path: string): string | null {
    try {
      return readlinkSync(path);
    } catch {
      return null;
    }
  }

  // Web Crypto's CSPRNG: loaded on first use, so that other actions do not pay for node:crypto.
  randomBytes(n: number): Uint8Array {
    return globalThis.crypto.getRandomValues(new Uint8Array(n));
  }

  now(): number {
    return Date.now();
  }

  // The kernel's record of the fork (/proc/self/stat starttime against /proc/uptime, both since
  // boot), which also counts the loading of this large executable before the runtime's own
  // clock starts (process.uptime()); the earlier of the two.
  processStart(): number {
    const runtimeMs = process.uptime() * 1000;
    return Date.now() - Math.round(Math.max(runtimeMs, kernelAgeMs() ?? 0));
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }

  hostname(): string {
    return process.getBuiltinModule('node:os').hostname();
  }

  isatty(fd: number): boolean {
    // Only a character device other than /dev/null (1:3, what Pacemaker gives) can be a terminal.
    try {
      const st = fstatSync(fd);
      if (!st.isCharacterDevice() || st.rdev === 0x103) return false;
    } catch {
      return false;
    }
    return process.getBuiltinModule('node:tty').isatty(fd);
  }

  writeStderr(text: string): void {
    writeAll(2, text);
  }

  writeStdout(text: string): void {
    writeAll(1, text);
  }
}
