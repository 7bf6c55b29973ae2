// validate-all at check level 0: parameter checks only (what pcs runs at resource creation).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchCase } from '../types.ts';

export const cases: BenchCase[] = [
  { name: 'Filesystem validate-all', agent: 'Filesystem', action: 'validate-all', params: { device: '/dev/nfsha-bench-absent', directory: '/mnt/nfsha-bench', fstype: 'ext4' } },
  { name: 'nfsserver validate-all', agent: 'nfsserver', action: 'validate-all' },
  {
    name: 'exportfs validate-all',
    agent: 'exportfs',
    action: 'validate-all',
    setup: (dir) => { mkdirSync(join(dir, 'export'), { recursive: true }); },
    // The directory is per-case scratch; the parameter is set in setup through env below.
    params: { clientspec: '*', fsid: '1', directory: '/tmp' },
  },
  { name: 'nfsnotify validate-all', agent: 'nfsnotify', action: 'validate-all' },
];
