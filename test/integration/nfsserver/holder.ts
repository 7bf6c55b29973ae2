// A sandbox that outlives one command: test/lib/sandbox.sh runs a holder
// loop as the namespace's init's child, each step enters the namespaces with nsenter, and
// close() kills the namespace's init, which takes every daemon started inside with it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SANDBOX, type Result } from '../../lib/sandbox.ts';

export interface HolderOptions {
  fakeNfsd?: boolean;
  threads?: number;
  uts?: boolean;
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export class Holder {
  readonly dir: string;
  readonly #child: ChildProcess;
  readonly #init: number;
  readonly #uts: boolean;

  private constructor(dir: string, child: ChildProcess, init: number, uts: boolean) {
    this.dir = dir;
    this.#child = child;
    this.#init = init;
    this.#uts = uts;
  }

  static open(dir: string, opts: HolderOptions = {}): Holder {
    const flags = ['--net'];
    if (opts.fakeNfsd ?? true) flags.push('--fake-nfsd', '--threads', String(opts.threads ?? 0));
    // Never `hostname` without --uts: it would rename the host.
    if (opts.uts) flags.push('--uts');
    const ready = join(dir, 'holder.ready');
    const child = spawn('bash', [SANDBOX, ...flags, join(dir, 'sbx'), '--', 'bash', '-c', `${opts.uts ? 'hostname nfsha-node1; ' : ''}touch ${ready}; while :; do sleep 3600 & wait $!; done`], {
      stdio: 'ignore',
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    });
    const until = Date.now() + 20000;
    let init: number | undefined;
    while (Date.now() < until) {
      if (existsSync(ready) && child.pid !== undefined) {
        const kids = readFileSync(`/proc/${String(child.pid)}/task/${String(child.pid)}/children`, 'utf8').trim();
        if (kids !== '') {
          init = Number(kids.split(' ')[0]);
          break;
        }
      }
      sleepMs(20);
    }
    if (init === undefined) {
      child.kill('SIGKILL');
      throw new Error('sandbox holder did not come up');
    }
    return new Holder(dir, child, init, opts.uts ?? false);
  }

  // The command prefix that enters the sandbox (nsenter), for argv run by others (the bench).
  prefix(): string[] {
    return ['/usr/bin/nsenter', '-t', String(this.#init), '-m', '-n', '-p', ...(this.#uts ? ['-u'] : []), '--'];
  }

  // Runs argv inside the sandbox (absolute paths: the working directory is /).
  exec(argv: string[], env: Record<string, string> = {}, timeoutMs = 60000): Result {
    const [nsenter = '/usr/bin/nsenter', ...args] = this.prefix();
    const r = spawnSync(nsenter, [...args, ...argv], {
      encoding: 'utf8',
      timeout: timeoutMs,
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...env },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  sh(script: string): Result {
    return this.exec(['bash', '-c', script]);
  }

  // Polls a shell condition inside the sandbox (for effects of daemons that background).
  waitFor(script: string, timeoutMs = 10000): boolean {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (this.sh(script).code === 0) return true;
      sleepMs(50);
    }
    return false;
  }

  close(): void {
    try {
      process.kill(this.#init, 'SIGKILL');
    } catch {
      // already gone
    }
    this.#child.kill('SIGKILL');
  }
}
