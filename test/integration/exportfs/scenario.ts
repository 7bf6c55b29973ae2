// Runs a sequence of steps (agent actions as Pacemaker runs them, or shell commands) inside ONE
// sandbox, so that state (etab, the state file in /run) carries from step to step, and returns
// every step's exit status and output. The sandbox's writes land under the scratch directory:
// <dir>/varlib-upper/nfs/etab, <dir>/run/resource-agents/<instance>, <dir>/procnfsd/…
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BINARY, sandboxed, type SandboxOptions } from '../../lib/sandbox.ts';

export type Step =
  | { readonly agent: string; readonly params: Readonly<Record<string, string>>; readonly env?: Readonly<Record<string, string>>; readonly instance?: string }
  | { readonly sh: string };

export interface StepResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function scenario(dir: string, steps: readonly Step[], opts: SandboxOptions = {}): StepResult[] {
  const out = join(dir, 'steps');
  const bin = join(dir, 'bin');
  mkdirSync(out, { recursive: true });
  mkdirSync(bin, { recursive: true });
  // The agent under its own name (the multi-call binary dispatches on it).
  const agent = join(bin, 'exportfs');
  if (!existsSync(agent)) symlinkSync(BINARY, agent);
  const lines = ['set +e'];
  steps.forEach((s, i) => {
    const o = q(join(out, String(i)));
    if ('sh' in s) {
      lines.push(`( ${s.sh} ) > ${o}.out 2> ${o}.err; echo $? > ${o}.rc`);
      return;
    }
    const env: Record<string, string> = {
      PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
      OCF_ROOT: '/usr/lib/ocf',
      OCF_RESOURCE_INSTANCE: s.instance ?? 'exp1',
      HA_LOGFACILITY: 'none',
      OCF_RESKEY_CRM_meta_timeout: '20000',
      ...s.env,
    };
    for (const [k, v] of Object.entries(s.params)) env[`OCF_RESKEY_${k}`] = v;
    const assigns = Object.entries(env).map(([k, v]) => `${k}=${q(v)}`).join(' ');
    lines.push(`env -i ${assigns} ${q(agent)} ${q(s.agent)} > ${o}.out 2> ${o}.err; echo $? > ${o}.rc`);
  });
  const script = join(dir, 'scenario.sh');
  writeFileSync(script, `${lines.join('\n')}\n`);
  chmodSync(script, 0o755);
  const r = sandboxed(join(dir, 'sbx'), ['bash', script], opts);
  if (r.code !== 0) throw new Error(`sandbox failed (${String(r.code)}): ${r.stderr}`);
  return steps.map((_s, i) => {
    const f = (ext: string) => readFileSync(join(out, `${String(i)}.${ext}`), 'utf8');
    return { code: Number(f('rc').trim()), stdout: f('out'), stderr: f('err') };
  });
}

// The sandbox's etab, as the host sees it after the run.
export function etabAfter(dir: string): string {
  try {
    return readFileSync(join(dir, 'sbx/varlib-upper/nfs/etab'), 'utf8');
  } catch {
    return '';
  }
}
