// A finding of `nfsha check` and how it is printed: one line `SEVERITY  RULE  RESOURCES  message`,
// the fix (a command) indented below it, or JSON.

import { paint } from '../cli.ts';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  readonly severity: Severity;
  readonly rule: string;
  readonly resources: readonly string[];
  readonly message: string;
  // Commands that fix it, one a line; '' when there is no single command.
  readonly fix: string;
}

const SEVERITY_COLOUR = { error: 'red', warning: 'yellow', info: 'cyan' } as const;

export function formatText(findings: readonly Finding[], colour: boolean): string {
  const sevWidth = Math.max(0, ...findings.map((f) => f.severity.length));
  const ruleWidth = Math.max(0, ...findings.map((f) => f.rule.length));
  const out: string[] = [];
  for (const f of findings) {
    const sev = paint(colour, SEVERITY_COLOUR[f.severity], f.severity.toUpperCase().padEnd(sevWidth));
    const rsc = f.resources.length === 0 ? '-' : f.resources.join(',');
    out.push(`${sev}  ${f.rule.padEnd(ruleWidth)}  ${rsc}  ${f.message}`);
    for (const cmd of f.fix.split('\n').filter(Boolean)) out.push(paint(colour, 'dim', `    fix: ${cmd}`));
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

export function summary(findings: readonly Finding[], stacks: number): string {
  const n = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  const plural = (k: number, w: string): string => `${k} ${w}${k === 1 ? '' : 's'}`;
  return `${plural(stacks, 'NFS stack')} checked: ${plural(n('error'), 'error')}, ${plural(n('warning'), 'warning')}\n`;
}
