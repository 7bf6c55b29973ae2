// Entry point of the one executable: it is installed under each agent's name and dispatches on
// the name it is invoked by. Invoked as `nfsha` it offers help, an admin form
// `nfsha <Agent> <action> [-o name=value]...` and the administrator's tools (`nfsha check ...`),
// which live in a bundle of their own (lib/tools/main.ts), loaded only when a tool runs.
// This is the only place that exits the process.

import { parseArgs } from 'node:util';
import { AGENTS, findAgent } from '../agents/index.ts';
import { OCF } from './ocf/codes.ts';
import { childEnv } from './ocf/env.ts';
import { oneLine, runAgent } from './ocf/run.ts';
import { NodeSystem, writeAll } from './system/node.ts';
import { isTrue } from './ocf/bool.ts';
import { TOOL_NAMES, isToolName } from './tools/names.ts';

declare const NFSHA_VERSION: string | undefined;
const VERSION = typeof NFSHA_VERSION === 'string' ? NFSHA_VERSION : 'dev';

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

// Output goes straight to fds 1 and 2: touching process.stdout or process.stderr builds a stream
// object and loads the streams stack, about 5 ms of CPU for one line.
function die(text: string): never {
  writeAll(2, `${process.env.OCF_EXIT_REASON_PREFIX ?? 'ocf-exit-reason:'}${oneLine(text)}\n`);
  process.exit(OCF.ERR_GENERIC);
}

function multiCallHelp(): string {
  const lines = [
    `nfsha ${VERSION} — Pacemaker OCF resource agents for highly available NFS`,
    '',
    'This program is installed once and linked under each agent name in',
    '/usr/lib/ocf/resource.d/nfsha/; Pacemaker runs it as ocf:nfsha:<Agent>.',
    '',
    'Agents:',
    ...AGENTS.map((a) => `  ${a.name.padEnd(11)} ${a.shortdesc}`),
    '',
    'Tools (read only; one-line errors, exit 2):',
    ...TOOL_NAMES.map((t) => `  ${t.name.padEnd(11)} ${t.summary}`),
    '',
    'Usage:',
    '  nfsha <Agent> <action> [-o name=value]...   run an action by hand (logs to this terminal)',
    '  nfsha <Agent> --help                         parameters and actions of an agent',
    '  nfsha <tool> [options] ...                   run a tool; nfsha <tool> --help for its options',
    '  nfsha --version',
    '',
    'More: man nfsha, man ocf_nfsha_<Agent>.',
    '',
  ];
  return lines.join('\n');
}

// The tools' entry point (lib/tools/main.ts), as its bundle exports it.
interface ToolsEntry {
  runTool(name: string, args: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number>;
}

// In the executable, tools/sea-main.cjs provides the loader of the tools' bundle (an asset of
// its own, so that nothing of the tools, the XML library included, is parsed for an agent
// action). From the sources (node lib/main.ts) the module is imported directly; its path is a
// variable so that esbuild leaves it out of the agents' bundle.
async function runTool(name: string, args: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const load = (globalThis as { nfshaTools?: () => ToolsEntry }).nfshaTools;
  let tools: ToolsEntry;
  if (load !== undefined) {
    tools = load();
  } else {
    const source = './tools/main.ts';
    try {
      tools = await import(source) as ToolsEntry;
    } catch {
      writeAll(2, `nfsha ${name}: the tools are not part of this build\n`);
      return 2;
    }
  }
  return tools.runTool(name, args, env);
}

async function main(): Promise<number> {
  const invokedAs = process.argv[1] ?? 'nfsha';
  let name = basename(invokedAs);
  let args = process.argv.slice(2);
  const env: Record<string, string | undefined> = { ...process.env };

  if (findAgent(name) === undefined) {
    // Multi-call front end: nfsha <Agent> <action> [-o k=v]...
    const first = args[0];
    if (first === '--version' || first === '-V') {
      writeAll(1, `nfsha ${VERSION}\n`);
      return 0;
    }
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      writeAll(1, multiCallHelp());
      return 0;
    }
    if (first !== undefined && isToolName(first)) return runTool(first, args.slice(1), env);
    if (findAgent(first) === undefined) {
      writeAll(2, `nfsha: unknown agent or tool '${first}'; agents: ${AGENTS.map((a) => a.name).join(', ')}; tools: ${TOOL_NAMES.map((t) => t.name).join(', ')}\n`);
      return OCF.ERR_ARGS;
    }
    name = first;
    const { values, positionals } = parseArgs({ args: args.slice(1), options: { o: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: false });
    for (const kv of (values.o ?? [])) {
      if (typeof kv !== 'string') continue;
      const eq = kv.indexOf('=');
      if (eq <= 0) {
        writeAll(2, `nfsha: -o wants name=value, got '${kv}'\n`);
        return OCF.ERR_ARGS;
      }
      env[`OCF_RESKEY_${kv.slice(0, eq)}`] = kv.slice(eq + 1);
    }
    env.OCF_ROOT ??= '/usr/lib/ocf';
    env.OCF_RESOURCE_INSTANCE ??= name;
    args = values.help === true ? ['--help'] : positionals;
  }
  const agent = findAgent(name);
  if (agent === undefined) return OCF.ERR_GENERIC;
  const sys = new NodeSystem({ env: childEnv(env), failHaveBinary: isTrue(env.OCF_TESTER_FAIL_HAVE_BINARY) });
  return runAgent({ agent, args, env: env, sys, invokedAs: findAgent(basename(invokedAs)) ? invokedAs : name });
}

process.on('uncaughtException', (e) => { die(`internal error: ${e instanceof Error ? e.message : String(e)}`); });
process.on('unhandledRejection', (e) => { die(`internal error: ${e instanceof Error ? e.message : String(e)}`); });

main().then(
  (code) => process.exit(code),
  (e: unknown) => { die(`internal error: ${e instanceof Error ? e.message : String(e)}`); },
);
