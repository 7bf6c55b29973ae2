// What the administrator's tools share: their context, argument parsing, the one-line error
// (exit 2) and colour on a terminal only.

import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import type { System } from '../system/types.ts';

// Exit codes of the tools: 0 fine, 1 findings (errors), 2 the command could not do its work.
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

// A failure the user can act on: printed as one line `nfsha <tool>: message`, exit 2.
export class CliError extends Error {
  override readonly name = 'CliError';
}

export interface ToolContext {
  readonly sys: System;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export type Tool = (args: readonly string[], ctx: ToolContext) => Promise<number>;

// node:util parseArgs, strict, with its errors turned into one clear line.
export function parseToolArgs<O extends ParseArgsOptionsConfig>(args: readonly string[], options: O): { values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values']; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // parseArgs' messages end with advice on `--` that does not fit our tools.
    throw new CliError(msg.replace(/\. To specify a positional argument.*$/s, '').replace(/^Unknown option/, 'unknown option'));
  }
}

// Colour only on a terminal, and not when NO_COLOR (no-color.org) is set or TERM is dumb.
export function colourOn(ctx: ToolContext, fd: number): boolean {
  if (ctx.env.NO_COLOR !== undefined && ctx.env.NO_COLOR !== '') return false;
  if (ctx.env.TERM === 'dumb') return false;
  return ctx.sys.isatty(fd);
}

const SGR = { red: '31', yellow: '33', cyan: '36', bold: '1', dim: '2' } as const;
export type Colour = keyof typeof SGR;

export function paint(on: boolean, colour: Colour, text: string): string {
  return on ? `\u001b[${SGR[colour]}m${text}\u001b[0m` : text;
}
