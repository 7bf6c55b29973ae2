// The real System: execa for processes (argv arrays, never a shell), fs-extra and node:fs for
// files. execa and fs-extra are loaded on first use so that meta-data starts fast.

import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { isatty } from 'node:tty';
import { hostname } from 'node:os';
import { delimiter, join } from 'node:path';
import type { FileStat, RunOptions, RunResult, System } from './types.ts';

function toStat(s: fs.Stats): FileStat {
  return {
    isFile: s.isFile(),
    isDirectory: s.isDirectory(),
    isBlockDevice: s.isBlockDevice(),
    isSymbolicLink: s.isSymbolicLink(),
    mode: s.mode,
    uid: s.uid,
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
function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off);
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

  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const { execa } = await import('execa');
    const [file, ...args] = argv;
    if (file === undefined) throw new Error('run: empty argv');
    const started = Date.now();
    const r = await execa(file, args, {
      reject: false,
      env: { ...this.#env, ...opts.env },
      extendEnv: false,
      input: opts.input,
      stdin: opts.input === undefined ? 'ignore' : 'pipe',
      cwd: opts.cwd,
      timeout: opts.timeoutMs,
      killSignal: 'SIGKILL',
      stripFinalNewline: false,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const code = (r as { code?: string }).code;
    const notFound = code === 'ENOENT' || code === 'EACCES';
    return {
      argv: [...argv],
      exitCode: notFound ? (code === 'ENOENT' ? 127 : 126) : (r.exitCode ?? null),
      signal: r.signal ?? null,
      stdout: typeof r.stdout === 'string' ? r.stdout : '',
      stderr: notFound ? `${file}: ${code === 'ENOENT' ? 'command not found' : 'permission denied'}` : typeof r.stderr === 'string' ? r.stderr : '',
      timedOut: r.timedOut,
      notFound,
      durationMs: Date.now() - started,
    };
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

  async which(program: string): Promise<string | null> {
    if (this.#failHaveBinary) return null;
    const candidates = program.includes('/') ? [program] : (this.#env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, program));
    for (const c of candidates) {
      try {
        await fsp.access(c, fs.constants.X_OK);
        if ((await fsp.stat(c)).isFile()) return c;
      } catch {
        // not this one
      }
    }
    return null;
  }

  readFile(path: string): Promise<string> {
    return fsp.readFile(path, 'utf8');
  }

  async readFileIfExists(path: string): Promise<string | null> {
    try {
      return await fsp.readFile(path, 'utf8');
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async writeFile(path: string, data: string, opts: { mode?: number } = {}): Promise<void> {
    await fsp.writeFile(path, data, { mode: opts.mode });
  }

  async appendFile(path: string, data: string): Promise<void> {
    await fsp.appendFile(path, data);
  }

  appendFileSync(path: string, data: string): void {
    fs.appendFileSync(path, data);
  }

  async stat(path: string): Promise<FileStat | null> {
    try {
      return toStat(await fsp.stat(path));
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async lstat(path: string): Promise<FileStat | null> {
    try {
      return toStat(await fsp.lstat(path));
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async realpath(path: string): Promise<string | null> {
    try {
      return await fsp.realpath(path);
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async readlink(path: string): Promise<string | null> {
    try {
      return await fsp.readlink(path);
    } catch (e) {
      if (isMissing(e) || (e as NodeJS.ErrnoException).code === 'EINVAL') return null;
      throw e;
    }
  }

  readdir(path: string): Promise<string[]> {
    return fsp.readdir(path);
  }

  async mkdirp(path: string, mode?: number): Promise<void> {
    const fse = await import('fs-extra');
    await fse.default.ensureDir(path, mode);
  }

  async remove(path: string): Promise<boolean> {
    try {
      await fsp.rm(path);
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      if ((e as NodeJS.ErrnoException).code === 'EISDIR' || (e as NodeJS.ErrnoException).code === 'ERR_FS_EISDIR') {
        await fsp.rmdir(path);
        return true;
      }
      throw e;
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const fse = await import('fs-extra');
    await fse.default.move(from, to, { overwrite: true });
  }

  async copyFile(from: string, to: string): Promise<void> {
    const fse = await import('fs-extra');
    await fse.default.copy(from, to, { overwrite: true, preserveTimestamps: true });
  }

  async readDirect(path: string, length: number): Promise<Uint8Array> {
    const buf = alignedBuffer(length);
    const fh = await fsp.open(path, fs.constants.O_RDONLY | fs.constants.O_DIRECT);
    try {
      let off = 0;
      while (off < length) {
        const { bytesRead } = await fh.read(buf, off, length - off, off);
        if (bytesRead === 0) break;
        off += bytesRead;
      }
      return Uint8Array.prototype.slice.call(buf, 0, off);
    } finally {
      await fh.close();
    }
  }

  async writeDurable(path: string, data: string, opts: { direct: boolean }): Promise<void> {
    const bytes = Buffer.from(data, 'utf8');
    const length = Math.max(4096, Math.ceil(bytes.length / 4096) * 4096);
    const buf = alignedBuffer(length);
    buf.fill(0);
    bytes.copy(buf);
    const c = fs.constants;
    const flags = c.O_WRONLY | c.O_CREAT | c.O_TRUNC | c.O_SYNC | (opts.direct ? c.O_DIRECT : 0);
    const fh = await fsp.open(path, flags, 0o644);
    try {
      let off = 0;
      while (off < length) off += (await fh.write(buf, off, length - off, off)).bytesWritten;
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  now(): number {
    return Date.now();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }

  hostname(): string {
    return hostname();
  }

  isatty(fd: number): boolean {
    return isatty(fd);
  }

  writeStderr(text: string): void {
    writeAll(2, text);
  }

  writeStdout(text: string): void {
    writeAll(1, text);
  }
}
