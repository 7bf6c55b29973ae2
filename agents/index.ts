// The agent registry: the build, the install list, meta-data files and man pages all come from here.

import type { AnyAgent } from '../lib/ocf/define.ts';
import { Filesystem } from './Filesystem.ts';
import { nfsserver } from './nfsserver.ts';
import { exportfs } from './exportfs.ts';
import { nfsnotify } from './nfsnotify.ts';

export const AGENTS: readonly AnyAgent[] = [Filesystem, nfsserver, exportfs, nfsnotify];

export function findAgent(name: string): AnyAgent | undefined {
  return AGENTS.find((a) => a.name === name);
}
