// `nfsha plan [--format pcs|crm|cib] FILE.ini`: prints the commands (or the CIB) that create the
// seed's NFS group described in FILE.ini. Exit 0, or 2 with one line on stderr.

import { parseArgs } from 'node:util';
import type { System } from '../../system/types.ts';
import { readPlan, PlanError } from './topology.ts';
import { render, type PlanFormat } from './render.ts';

export const PLAN_USAGE = 'usage: nfsha plan [--format pcs|crm|cib] FILE.ini';

const FORMATS: readonly PlanFormat[] = ['pcs', 'crm', 'cib'];

export async function planCommand(args: readonly string[], sys: System): Promise<number> {
  const fail = (msg: string): number => {
    sys.writeStderr(`nfsha plan: ${msg}\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: { format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    return fail(`${e instanceof Error ? e.message : String(e)}; ${PLAN_USAGE}`);
  }
  if (parsed.values.help === true) {
    sys.writeStdout(`${PLAN_USAGE}\n`);
    return 0;
  }
  const format = FORMATS.find((f) => f === (parsed.values.format ?? 'pcs'));
  if (format === undefined) return fail(`--format must be pcs, crm or cib, not '${parsed.values.format ?? ''}'`);
  if (parsed.positionals.length !== 1) return fail(PLAN_USAGE);
  const file = parsed.positionals[0] ?? '';
  let text: string;
  try {
    text = await sys.readFile(file);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return fail(`cannot read ${file}: ${typeof code === 'string' ? code : e instanceof Error ? e.message : String(e)}`);
  }
  try {
    sys.writeStdout(render(readPlan(text, file), format));
    return 0;
  } catch (e) {
    if (e instanceof PlanError) return fail(`${file}: ${e.message}`);
    throw e;
  }
}
