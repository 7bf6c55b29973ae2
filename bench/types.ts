// A benchmark case: one agent action run repeatedly, ours and upstream's shell agent alternately
// in the same run (bench/run.ts), so that ratios come from one noisy machine state.
import type { AgentName } from '../agents/index.ts';

export interface BenchCase {
  // e.g. "Filesystem monitor depth 10"
  readonly name: string;
  readonly agent: AgentName;
  // Executables to run instead of ours (linked as the agent) and upstream's; a side whose file
  // does not exist is not run.
  readonly paths?: { readonly ours?: string; readonly upstream?: string };
  readonly action: string;
  // OCF_RESKEY_* parameters (without the prefix).
  readonly params?: Readonly<Record<string, string>>;
  // Other environment (OCF_CHECK_LEVEL, OCF_RESKEY_CRM_meta_interval, ...).
  readonly env?: Readonly<Record<string, string>>;
  // Runs once before the measured runs / after them (mount a loop device, start a daemon...).
  // Each gets the scratch directory of the case.
  readonly setup?: (dir: string) => void;
  readonly teardown?: (dir: string) => void;
  // Runs before each measured run, not measured (e.g. stop needs a started resource).
  readonly before?: (dir: string, which: 'ours' | 'upstream') => void;
  // Wrapper argv prefix the action runs under, e.g. a sandbox: [...prefix, agentPath, action].
  readonly wrap?: (dir: string) => string[];
  readonly runs?: number;
  // Expected exit status (a run with another status fails the bench).
  readonly expect?: number;
}
