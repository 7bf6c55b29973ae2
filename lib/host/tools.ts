// The one check that the programs an action needs are installed (ocf-shellfuncs' check_binary):
// exit 5 with upstream's reason for the first one missing.

import { OCF, OcfError } from '../ocf/codes.ts';
import type { ToolSpecs } from '../ocf/define.ts';
import type { System } from '../system/types.ts';

export function missingTool(program: string): OcfError {
  return new OcfError(OCF.ERR_INSTALLED, `Setup problem: couldn't find command: ${program}`);
}

// Throws for the first of `programs` that is not on PATH (looked up in parallel).
export async function requirePrograms(sys: Pick<System, 'which'>, programs: readonly string[]): Promise<void> {
  const found = await Promise.all(programs.map((t) => sys.which(t)));
  const missing = programs.find((_, i) => found[i] === null);
  if (missing !== undefined) throw missingTool(missing);
}

// A checker that accepts only the programs an agent declares in its tools.ts, so that every
// check names a declared (and packaged) program: the type checker refuses other names.
export function toolChecker<T extends ToolSpecs>(tools: T): (sys: Pick<System, 'which'>, ...names: (keyof T & string)[]) => Promise<void> {
  return (sys, ...names) => requirePrograms(sys, names.filter((n) => n in tools));
}
