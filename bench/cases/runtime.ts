// Start-up cost: meta-data of every agent (no parameters, nothing spawned).
import type { BenchCase } from '../types.ts';

export const cases: BenchCase[] = (['Filesystem', 'nfsserver', 'exportfs', 'nfsnotify'] as const).map((agent) => ({
  name: `${agent} meta-data`,
  agent,
  action: 'meta-data',
  expect: 0,
}));
