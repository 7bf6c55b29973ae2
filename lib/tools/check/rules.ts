// The rules of `nfsha check`, with their ids (scripts and --ignore use them).

import type { Discovery } from '../cib/stacks.ts';
import type { Finding } from './findings.ts';

export const RULE_IDS: readonly string[] = [
  'order-fs-before-server', 'order-server-before-exports', 'order-exports-before-ip', 'order-ip-before-notify',
  'colocation', 'no-notify', 'notify-source', 'infodir-on-stack-fs', 'export-on-stack-fs', 'fsid-missing',
  'fsid-unique', 'clone-infodir', 'one-server-per-node',
  'fencing', 'server-scope', 'missing-notify', 'missing-ip', 'op-timeout', 'no-monitor', 'outdated-parameter',
  'not-checked',
];

export function runRules(d: Discovery): Finding[] {
  const findings: Finding[] = [];
  for (const p of d.others) {
    findings.push({ severity: 'info', rule: 'not-checked', resources: [p.clone ?? p.id], message: `${p.cls}:${p.type} is an NFS server outside the nfsserver agent: its stack was not checked`, fix: '' });
  }
  return findings;
}
