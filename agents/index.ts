// The agent registry: the one list of agents. The build, the install list, the RPM, meta-data
// files, man pages, tests, bench and lab image all take it from here (tools/agents.ts prints it
// for make, rpmbuild and shell scripts; test/unit/registry checks no other list exists).

import type { AnyAgent } from '../lib/ocf/define.ts';
import { Filesystem } from './Filesystem.ts';
import { nfsserver } from './nfsserver.ts';
import { exportfs } from './exportfs.ts';
import { nfsnotify } from './nfsnotify.ts';

const REGISTRY = [Filesystem, nfsserver, exportfs, nfsnotify] as const;

// The agents in the order they are installed (the first is the file the others link to).
export const AGENTS: readonly AnyAgent[] = REGISTRY;
export type AgentName = (typeof REGISTRY)[number]['name'];
export const AGENT_NAMES: readonly AgentName[] = REGISTRY.map((a) => a.name);

export function findAgent(name: string): AnyAgent | undefined {
  return AGENTS.find((a) => a.name === name);
}
