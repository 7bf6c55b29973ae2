// Unmounting a busy mount within one time budget (upstream's stop loop without the defects
// docs/compat/Filesystem.md lists):
// try umount at once; then a graceful phase (term_signals) for half of what is left and a
// forceful phase (kill_signals, umount -f for network filesystems) for the rest. Each round
// finds the holders in /proc, signals them, waits up to signal_delay for them to exit (and no
// longer: it tries again as soon as they are gone), then tries umount. Rounds never spin: a round
// that found nobody to signal waits signal_delay (at least MIN_ROUND_MS) before the next attempt.
// Nothing in a round outlives the phase: the /proc scan is abandoned at the phase's end (on a
// slow or loaded machine one scan can take seconds), and the umount is bounded by the deadline.
// When nobody can be signalled, loop devices backed by a file on the mount are looked for once,
// so that the failure can name what holds the filesystem.

import type { Logger } from '../ocf/log.ts';
import type { System } from '../system/types.ts';
import type { ForceUnmount, Signal } from './settings.ts';
import { describeLoops, describeProcess, findHolders, findLoopHolders, parsePasswd, processGone, type HolderPolicy, type LoopHolder } from './holders.ts';
import { mountAt, readMounts, type MountEntry } from '../host/mounts.ts';
import { within } from '../util/within.ts';

export const MIN_ROUND_MS = 100;
// How often a round checks whether signalled processes have exited.
const POLL_FIRST_MS = 5;
const POLL_MAX_MS = 50;

export interface UnmountSettings {
  readonly force: ForceUnmount;
  // fuser-style discovery is replaced by path-based discovery (bind resources).
  readonly policy: HolderPolicy | 'none';
  readonly termSignals: readonly Signal[];
  readonly killSignals: readonly Signal[];
  readonly signalDelayMs: number;
  // umount -f in the forceful phase.
  readonly network: boolean;
  // Absolute time (System clock) by which the whole stop must be over.
  readonly endAt: number;
  // Whether the mount on this point is done with: by default, nothing is mounted there any more.
  readonly isGone?: (mounts: readonly MountEntry[], mountPoint: string) => boolean | Promise<boolean>;
}

interface Env {
  readonly sys: System;
  readonly log: Logger;
}

// The default success test: nothing is mounted on the point.
function nothingThere(mounts: readonly MountEntry[], mountPoint: string): boolean {
  return mountAt(mounts, mountPoint) === undefined;
}

// Mounts stacked on one point come off one per umount call: this many calls at most per attempt.
const MAX_STACK = 8;

// One umount attempt; true when the mount is gone afterwards. When umount succeeded but the
// point still carries a mount that isGone does not accept (mounts stacked on one point),
// umount is called again at once.
export async function tryUmount(env: Env, sub: string, forced: boolean, s: Pick<UnmountSettings, 'isGone'>, quiet = false): Promise<boolean> {
  const argv = forced ? ['umount', '-f', sub] : ['umount', sub];
  const isGone = s.isGone ?? nothingThere;
  for (let i = 0; i < MAX_STACK; i++) {
    const r = await env.sys.run(argv);
    const text = r.stderr.trim().replace(/\n/g, ' ');
    if (text !== '') env.log.log(quiet ? 'debug' : 'warn', text);
    const mounts = readMounts(env.sys);
    if (await isGone(mounts, sub)) {
      env.log.info(`unmounted ${sub} successfully`);
      return true;
    }
    if (r.exitCode !== 0 || mountAt(mounts, sub) === undefined) return false;
  }
  return false;
}

async function waitGone(env: Env, pids: readonly number[], maxMs: number): Promise<void> {
  const until = env.sys.now() + maxMs;
  let step = POLL_FIRST_MS;
  let left = [...pids];
  while (left.length > 0 && env.sys.now() < until) {
    await env.sys.sleep(Math.min(step, until - env.sys.now()));
    const gone = await Promise.all(left.map((p) => processGone(env.sys, p)));
    left = left.filter((_, i) => !gone[i]);
    step = Math.min(step * 2, POLL_MAX_MS);
  }
}

// Elides a long pid list the way upstream's xargs report does: first 10, "...", last 10.
export function elidePids(pids: readonly number[]): string {
  if (pids.length <= 24) return pids.join(' ');
  return [...pids.slice(0, 10), '... and more ...', ...pids.slice(-10)].join(' ');
}

async function signalAll(env: Env, pids: readonly number[], sig: Signal, s: UnmountSettings): Promise<void> {
  const { force } = s;
  let users: Map<number, string> | undefined;
  const describe = async (pid: number): Promise<string> => {
    users ??= parsePasswd(await env.sys.readFileIfExists('/etc/passwd').catch(() => null));
    return describeProcess(env.sys, pid, users);
  };
  if (force.xargs) {
    if (force.ps) {
      env.log.info(`sending signal ${sig.name} to ${String(pids.length)} processes:`);
      for (const line of await Promise.all(pids.map(describe))) env.log.info(line);
    }
    for (const pid of pids) env.sys.kill(pid, sig.number);
    if (!force.ps) env.log.info(`sent signal ${sig.name} to ${String(pids.length)} processes [${elidePids(pids)}]`);
    return;
  }
  const lines = force.ps ? await Promise.all(pids.map(describe)) : [];
  pids.forEach((pid, i) => {
    env.log.info(force.ps ? `sending signal ${sig.name} to: ${lines[i] ?? String(pid)}` : `sending signal ${sig.name} to ${String(pid)}`);
    env.sys.kill(pid, sig.number);
  });
}

// What one mount point's unmount found out across its phases.
interface Findings {
  // Loop devices holding the mount, once looked for (when nobody could be signalled).
  loops?: LoopHolder[];
}

// Signals holders in rounds until the mount is gone or `phaseEnd`; true when it is gone.
async function phase(env: Env, sub: string, signals: readonly Signal[], forced: boolean, phaseEnd: number, s: UnmountSettings, found: Findings): Promise<boolean> {
  let reportedNobody = false;
  let lastRound = -Infinity;
  const left = (): number => Math.max(0, phaseEnd - env.sys.now());
  while (env.sys.now() < phaseEnd) {
    // Never more than one round per MIN_ROUND_MS, whatever signal_delay says.
    const early = lastRound + MIN_ROUND_MS - env.sys.now();
    if (early > 0) await env.sys.sleep(Math.min(early, left()));
    lastRound = env.sys.now();
    let signalled: number[] = [];
    if (s.policy !== 'none') {
      for (const sig of signals) {
        const mounts = readMounts(env.sys);
        const entry = mountAt(mounts, sub);
        if (entry === undefined || left() === 0) break;
        const pids = await within(findHolders(env.sys, { policy: s.policy, mountPoint: sub, entry, mounts, selfPid: env.sys.pid, statOtherNs: !s.network }), left()) ?? [];
        if (pids.length === 0) continue;
        await signalAll(env, pids, sig, s);
        signalled = [...new Set([...signalled, ...pids])];
      }
    }
    if (signalled.length > 0) {
      reportedNobody = false;
      await waitGone(env, signalled, Math.min(s.signalDelayMs, left()));
    } else {
      if (!reportedNobody) {
        env.log.info(`No processes on ${sub} were signalled. force_unmount is set to '${s.force.value}'`);
        reportedNobody = true;
        if (found.loops === undefined) await lookForLoops(env, sub, s, found, left());
      }
      await env.sys.sleep(Math.min(Math.max(s.signalDelayMs, MIN_ROUND_MS), left()));
    }
    if (await tryUmount(env, sub, forced, s, true)) return true;
  }
  return false;
}

// Loop devices backed by a file on the mount keep it busy whatever is signalled: say so once.
async function lookForLoops(env: Env, sub: string, s: UnmountSettings, found: Findings, ms: number): Promise<void> {
  const mounts = readMounts(env.sys);
  const entry = mountAt(mounts, sub);
  if (entry === undefined) return;
  // By filesystem (as fuser would) unless the resource is a bind mount: then by path.
  const policy = s.policy === 'fuser' ? 'fuser' : 'safe';
  found.loops = await within(findLoopHolders(env.sys, { policy, mountPoint: sub, entry, mounts }), ms) ?? [];
  if (found.loops.length > 0) env.log.warn(`${sub} is held by ${describeLoops(found.loops)}: no process to signal, and a loop device is not detached by this agent`);
}

export type UnmountResult = { readonly ok: true } | { readonly ok: false; readonly loops: readonly LoopHolder[] };

// Unmounts one mount point within the budget; when it could not, the reason is logged and the
// loop devices found holding it are returned.
export async function unmountOne(env: Env, sub: string, s: UnmountSettings): Promise<UnmountResult> {
  if (await tryUmount(env, sub, false, s)) return { ok: true };
  const found: Findings = {};
  const termEnd = env.sys.now() + Math.max(0, s.endAt - env.sys.now()) / 2;
  if (await phase(env, sub, s.termSignals, false, termEnd, s, found)) return { ok: true };
  if (await phase(env, sub, s.killSignals, s.network, s.endAt, s, found)) return { ok: true };
  env.log.err(`Couldn't unmount ${sub} within given timeout`);
  return { ok: false, loops: found.loops ?? [] };
}
