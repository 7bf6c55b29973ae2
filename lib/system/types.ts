// The system boundary: the only way agents and the runtime reach the machine. The real
// implementation (node.ts) spawns with argv arrays (never a shell) and touches files; the
// scripted one (scripted.ts) replays expected calls in unit tests.

export interface RunOptions {
  // Milliseconds before the command is killed; defaults to what the operation has left.
  readonly timeoutMs?: number;
  readonly input?: string;
  // Input written while the program runs, as it comes (one `logger` for every line an action
  // logs); stdin is closed when the feed ends. With a feed, timeoutMs counts from that end.
  readonly feed?: InputFeed;
  // Extra environment for this command (merged over the agent's child environment).
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  // Leave it out of the trace (the logger's own `logger` calls).
  readonly quiet?: boolean;
}

// Text for a running program's stdin: next() resolves to the next piece, undefined at the end.
export interface InputFeed {
  next(): Promise<string | undefined>;
}

export interface RunResult {
  readonly argv: readonly string[];
  // null when killed by a signal or not started.
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  // The program could not be started (ENOENT, EACCES): exitCode is 127 / 126 then.
  readonly notFound: boolean;
  readonly durationMs: number;
}

export interface FileStat {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly isBlockDevice: boolean;
  readonly isSymbolicLink: boolean;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly dev: number;
  readonly rdev: number;
  readonly ino: number;
  readonly mtimeMs: number;
}

export interface System {
  // Processes
  run(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
  // Starts a program that outlives us (daemons that fork themselves are run with run()).
  spawnDetached(argv: readonly string[], opts?: { env?: Readonly<Record<string, string>> }): Promise<number>;
  kill(pid: number, signal: string | number): boolean;
  // Full path of a program on PATH (ocf have_binary), honouring OCF_TESTER_FAIL_HAVE_BINARY.
  which(program: string): Promise<string | null>;

  // Files
  readFile(path: string): Promise<string>;
  // null when the file does not exist.
  readFileIfExists(path: string): Promise<string | null>;
  // flush: fsync the file before returning (data another node reads after a crash).
  writeFile(path: string, data: string, opts?: { mode?: number; flush?: boolean }): Promise<void>;
  appendFile(path: string, data: string): Promise<void>;
  // Synchronous append, for log sinks that must not be lost when the process exits.
  appendFileSync(path: string, data: string): void;
  stat(path: string): Promise<FileStat | null>;
  // The same, synchronously, for local paths checked on every run (no thread pool start-up).
  statSync(path: string): FileStat | null;
  lstat(path: string): Promise<FileStat | null>;
  realpath(path: string): Promise<string | null>;
  readlink(path: string): Promise<string | null>;
  readdir(path: string): Promise<string[]>;
  mkdirp(path: string, mode?: number): Promise<void>;
  // Removes a file or an empty directory; true when something was removed.
  remove(path: string): Promise<boolean>;
  rename(from: string, to: string): Promise<void>;
  // fsync(2) of a directory: makes a rename or a new entry in it durable (a file renamed into
  // place on shared storage must still be there for the node that mounts it after a crash; ext4
  // commits its journal only every few seconds).
  syncDir(path: string): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  // Ownership of a path (not following a final symlink: lchown).
  chown(path: string, uid: number, gid: number): Promise<void>;
  // Reads `length` bytes from the start of path with O_DIRECT (past the page cache, as
  // `dd iflag=direct` does), into a page-aligned buffer. length: a multiple of 4096.
  readDirect(path: string, length: number): Promise<Uint8Array>;
  // Creates or truncates path and writes data padded with NULs to a multiple of 4096 bytes,
  // opened O_SYNC (and O_DIRECT when `direct`), then fsyncs it (`dd oflag=direct,sync conv=fsync`).
  writeDurable(path: string, data: string, opts: { direct: boolean }): Promise<void>;
  // Sets the permission bits exactly (writeFile's mode is subject to the umask).
  chmod(path: string, mode: number): Promise<void>;

  // Network: the addresses configured on this host's interfaces (in its network namespace).
  localAddresses(): string[];
  // Binary files (the NSM state number is 4 raw bytes). readBytes: null when the file does not exist.
  readBytes(path: string): Promise<Uint8Array | null>;
  // flush: fsync before returning, as writeFile's.
  writeBytes(path: string, data: Uint8Array, opts?: { mode?: number; flush?: boolean }): Promise<void>;
  // Cryptographically random bytes (scriptable in tests).
  randomBytes(n: number): Uint8Array;
  // Kernel pseudo-files (/proc, /sys, the nfsd filesystem) and small files on tmpfs (/run pid
  // files), read synchronously: they never block, and a recurring monitor cannot afford the
  // thread pool's start-up for a handful of tiny reads. null (or []) when missing or
  // unreadable. Not for files on disk or network filesystems (a hung mount would block).
  readProcFile(path: string): string | null;
  readProcDir(path: string): string[];
  readProcLink(path: string): string | null;

  // Time
  now(): number;
  // When this process started (Date.now() scale): Pacemaker's operation timeout counts from the
  // fork, so the deadline does too, not from when the agent's code began to run.
  processStart(): number;
  sleep(ms: number): Promise<void>;

  // This process
  readonly pid: number;
  hostname(): string;
  isatty(fd: number): boolean;
  writeStderr(text: string): void;
  writeStdout(text: string): void;
}
