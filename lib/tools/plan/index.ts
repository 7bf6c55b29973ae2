// nfsha plan: prints the commands that create an NFS stack from a short description (issue 14, §3):
// `nfsha plan [--format pcs|crm|cib] FILE.ini` (or - for standard input).

import { CliError, EXIT_OK, parseToolArgs, type Tool } from '../cli.ts';
import { readPlan, PlanError } from './topology.ts';
import { render, type PlanFormat } from './render.ts';

const FORMATS: readonly PlanFormat[] = ['pcs', 'crm', 'cib'];

export const plan: Tool = async (args, ctx) => {
  const { values, positionals } = parseToolArgs(args, { format: { type: 'string', default: 'pcs' } });
  const format = FORMATS.find((f) => f === values.format);
  if (format === undefined) throw new CliError(`--format wants pcs, crm or cib, not '${values.format}'`);
  if (positionals.length !== 1) throw new CliError(`one description file (FILE.ini, or - for standard input), got ${String(positionals.length)} arguments`);
  const file = positionals[0] ?? '';
  const source = file === '-' ? 'standard input' : file;
  let text: string;
  try {
    text = await ctx.sys.readFile(file === '-' ? '/dev/stdin' : file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${source}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : e instanceof Error ? e.message : String(e)}`);
  }
  try {
    ctx.sys.writeStdout(render(readPlan(text, source), format));
  } catch (e) {
    if (e instanceof PlanError) throw new CliError(`${source}: ${e.message}`);
    throw e;
  }
  return EXIT_OK;
};
