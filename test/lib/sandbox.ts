// Test helpers for running real programs as root inside test/lib/sandbox.sh, and for running the
// compiled agent binary under an agent's name.
import { AGENT_NAMES } from '../../agents/index.ts';
import { execaSync } from 'execa';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SANDBOX = join(ROOT, 'test/lib/sandbox.sh');
export const BINARY = process.env.NFSHA_BIN ?? join(ROOT, 'dist/nfsha');

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

// Why integration tests cannot run here, or undefined when they can.
export function cannotSandbox(): string | undefined {
  if (!isRoot()) return 'needs root (mount and PID namespaces)';
  const r = execaSync('unshare', ['--mount', '--pid', '--fork', 'true'], { reject: false });
  if (r.exitCode !== 0) return 'unshare of mount/PID namespaces is not permitted here';
  return undefined;
}

export function needBinary(): string | undefined {
  return existsSync(BINARY) ? undefined : `${BINARY} is not built (run make build)`;
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface SandboxOptions {
  fakeNfsd?: boolean;
  threads?: number;
  net?: boolean;
  uts?: boolean;
  timeoutMs?: number;
  input?: string;
  env?: Record<string, string>;
}

// A scratch directory removed by the returned cleanup function.
export function scratch(prefix = 'nfsha-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => { rmSync(dir, { recursive: true, force: true }); } };
}

export function sandboxed(dir: string, argv: string[], opts: SandboxOptions = {}): Result {
  const flags: string[] = [];
  if (opts.fakeNfsd) flags.push('--fake-nfsd', '--threads', String(opts.threads ?? 8));
  if (opts.net) flags.push('--net');
  if (opts.uts) flags.push('--uts');
  const r = execaSync('bash', [SANDBOX, ...flags, dir, '--', ...argv], {
    reject: false,
    timeout: opts.timeoutMs ?? 60000,
    input: opts.input,
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...opts.env },
    extendEnv: false,
    stripFinalNewline: false,
  });
  return { code: r.exitCode ?? null, stdout: r.stdout, stderr: r.stderr };
}

// An OCF root with the binary linked under every agent name: <dir>/resource.d/nfsha/<Agent>.
export function agentRoot(dir: string): string {
  const d = join(dir, 'ocf', 'resource.d', 'nfsha');
  mkdirSync(d, { recursive: true });
  for (const a of AGENT_NAMES) {
    if (!existsSync(join(d, a))) symlinkSync(BINARY, join(d, a));
  }
  return join(dir, 'ocf');
}

// Runs an agent action the way Pacemaker does: exactly one argument, parameters in the environment.
export function runAgentBinary(ocfRoot: string, agent: string, action: string, params: Record<string, string>, extraEnv: Record<string, string> = {}): Result {
  const env: Record<string, string> = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', OCF_ROOT: ocfRoot, OCF_RESOURCE_INSTANCE: 'test', ...extraEnv };
  for (const [k, v] of Object.entries(params)) env[`OCF_RESKEY_${k}`] = v;
  const r = execaSync(join(ocfRoot, 'resource.d/nfsha', agent), [action], { env, extendEnv: false, timeout: 120000, reject: false, stripFinalNewline: false });
  return { code: r.exitCode ?? null, stdout: r.stdout, stderr: r.stderr };
}
