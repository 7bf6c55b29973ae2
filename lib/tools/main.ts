// Entry point of the administrator's tools (nfsha check|doctor|plan), a bundle of its own that
// lib/main.ts loads only when a tool runs: nothing here costs an agent action anything.

import { childEnv } from '../ocf/env.ts';
import { oneLine } from '../ocf/run.ts';
import { NodeSystem } from '../system/node.ts';
import { CliError, EXIT_USAGE, type Tool, type ToolContext } from './cli.ts';
import { toolUsage } from './help.ts';
import { check } from './check/index.ts';
import { doctor } from './doctor/index.ts';
import { plan } from './plan/index.ts';

const TOOLS: Readonly<Record<string, Tool>> = { check, doctor, plan };

// Runs a tool with a context (the unit tests give a scripted System).
export async function runToolWith(name: string, args: readonly string[], ctx: ToolContext): Promise<number> {
  const tool = TOOLS[name];
  try {
    if (tool === undefined) throw new CliError(`unknown tool; tools: ${Object.keys(TOOLS).join(', ')}`);
    if (args.includes('--help') || args.includes('-h')) {
      ctx.sys.writeStdout(toolUsage(name));
      return 0;
    }
    return await tool(args, ctx);
  } catch (e) {
    const msg = e instanceof CliError ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    ctx.sys.writeStderr(`nfsha ${name}: ${oneLine(msg)}\n`);
    return EXIT_USAGE;
  }
}

export async function runTool(name: string, args: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  return runToolWith(name, args, { sys: new NodeSystem({ env: childEnv(env) }), env });
}
