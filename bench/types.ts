// A benchmark case: one agent action run repeatedly, ours, the baseline build when one is given,
// and upstream's shell agent in turn in the same run (bench/run.ts), so that ratios come from one
// noisy machine state.
import type { AgentName } from '../agents/index.ts';

export interface BenchCase {
  // e.g. "Filesystem monitor depth 10"
  readonly name: string;
  readonly agent: AgentName;
  // Executables to run instead of ours (installed as the agent) and upstream's; a side whose file
  // does not exist is not run. A case with its own `ours` has no baseline counterpart.
  readonly paths?: { readonly ours?: string; readonly upstream?: string };
  readonly action: string;
  // OCF_RESKEY_* parameters (without the prefix).
  readonly params?: Readonly<Record<string, string>>;
  // Other environment (OCF_CHECK_LEVEL, OCF_RESKEY_CRM_meta_interval, ...), over Pacemaker's.
  readonly env?: Readonly<Record<string, string>>;
  // Runs once before the measured runs / after them (mount a loop device, start a daemon...).
  // Each gets the scratch directory of the case, where DIR/ocf/resource.d/nfsha/<agent> is the
  // current build.
  readonly setup?: (dir: string) => void;
  readonly teardown?: (dir: string) => void;
  // Runs before each measured run, not measured (e.g. stop needs a started resource), with the
  // side about to run and the path of its agent.
  readonly before?: (dir: string, side: Side, agent: string) => void;
  // The host PID of a process (a sandbox's init) whose network, UTS, mount and PID namespaces
  // the measured runs join: the launcher joins them before it forks, so no wrapper is measured.
  readonly sandbox?: (dir: string) => number;
  readonly runs?: number;
  // Expected exit status (a run with another status fails the bench).
  readonly expect?: number;
}

export type Side = 'ours' | 'baseline' | 'upstream';
