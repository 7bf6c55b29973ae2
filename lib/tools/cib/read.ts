// Where a tool's CIB comes from: a file, standard input (-), or the running cluster through
// `cibadmin --query` (read only), always through the System interface.

import type { System } from '../../system/types.ts';
import { CliError } from '../cli.ts';
import type { Cib } from './model.ts';
import { parseCib } from './parse.ts';

const CIBADMIN_TIMEOUT_MS = 60000;

// Reads the CIB XML; `input` is a path, '-' or undefined (the live CIB).
export async function readCibXml(sys: System, input: string | undefined): Promise<{ xml: string; source: string }> {
  if (input === undefined) {
    const r = await sys.run(['cibadmin', '--query'], { timeoutMs: CIBADMIN_TIMEOUT_MS });
    if (r.notFound) throw new CliError('cibadmin not found: give a CIB file (nfsha check FILE, or - for standard input)');
    if (r.timedOut) throw new CliError(`cibadmin --query did not answer within ${CIBADMIN_TIMEOUT_MS / 1000} s`);
    if (r.exitCode !== 0) {
      const why = r.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit code ${r.exitCode ?? r.signal ?? '?'}`;
      throw new CliError(`cibadmin --query failed: ${why}`);
    }
    return { xml: r.stdout, source: 'the live CIB (cibadmin --query)' };
  }
  const path = input === '-' ? '/dev/stdin' : input;
  const source = input === '-' ? 'standard input' : input;
  try {
    return { xml: await sys.readFile(path), source };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : e instanceof Error ? e.message : String(e);
    throw new CliError(`cannot read ${source}: ${why}`);
  }
}

export async function readCib(sys: System, input: string | undefined): Promise<Cib> {
  const { xml, source } = await readCibXml(sys, input);
  if (xml.trim() === '') throw new CliError(`${source} is empty`);
  return parseCib(xml, source);
}
