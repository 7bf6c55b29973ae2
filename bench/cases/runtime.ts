// Start-up cost: meta-data of every agent (no parameters, nothing spawned), and the runtime's
// floor: an executable built like ours whose main script does nothing (tools/build.mjs --floor,
// made by `make bench`). Upstream has no counterpart to the floor; compare it with upstream's
// rows of the other cases (e.g. nfsnotify monitor) to see what no Node executable can beat.
import { resolve } from 'node:path';
import { AGENT_NAMES } from '../../agents/index.ts';
import type { BenchCase } from '../types.ts';

const FLOOR = resolve(import.meta.dirname, '../../dist/nfsha-floor');

export const cases: BenchCase[] = [
  ...AGENT_NAMES.map((agent) => ({
    name: `${agent} meta-data`,
    agent,
    action: 'meta-data',
    expect: 0,
  })),
  {
    name: 'runtime floor (empty SEA, same build)',
    agent: 'nfsnotify',
    action: 'meta-data',
    paths: { ours: FLOOR, upstream: '/nonexistent/no-upstream-counterpart' },
    expect: 0,
  },
];
