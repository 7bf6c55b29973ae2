// The OCF run loop: action from argv, meta-data/usage/methods answered
// here, unknown actions → 3, one deadline for the whole operation, exactly one exit reason on
// failure, and no stack trace ever reaching the caller.

import { OCF, OcfError, isOcfError, statusName, statusWords } from './codes.ts';
import { budgetFor, Deadline } from './deadline.ts';
import type { AnyAgent, Context, ParamSpecs } from './define.ts';
import { readOcfEnv, type Env } from './env.ts';
import { makeLogger, type Logger } from './log.ts';
import { metadataXml, usageLine, advertisedActions } from './metadata.ts';
import { parseParams } from './params.ts';
import { makeTracer, noTracer, traceTarget, type Tracer } from './trace.ts';
import { withPolicy } from './policy.ts';
import type { System } from '../system/types.ts';

// Longest exit reason Pacemaker keeps.
export const EXIT_REASON_MAX = 128;

export interface RunRequest {
  readonly agent: AnyAgent;
  // Arguments after the program name: [action, ...ignored].
  readonly args: readonly string[];
  readonly env: Env;
  readonly sys: System;
  // The name we were invoked by (path as given), for usage text.
  readonly invokedAs: string;
}

// Formats a reason as one line of at most EXIT_REASON_MAX characters.
export function oneLine(text: string): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return flat.length > EXIT_REASON_MAX ? `${flat.slice(0, EXIT_REASON_MAX - 1)}…` : flat;
}

// The closing line at a terminal: `monitor: not running (7): /mnt/x is not mounted`.
export function closingLine(action: string, code: number, why: string | undefined): string {
  const head = `${action}: ${statusWords(code, action)} (${String(code)})`;
  return why === undefined || why === '' ? head : `${head}: ${oneLine(why)}`;
}

// Only a person reads a terminal: when stderr is one, an action ends with its closing line.
// Pacemaker, crm_resource, ocf-tester and ocft capture stderr (pipes, files), so nothing
// changes for them (docs/architecture.md, "By hand").
function closeAtTerminal(sys: System, action: string, code: number, why: string | undefined): void {
  if (sys.isatty(2)) sys.writeStderr(`${closingLine(action, code, why)}\n`);
}

export function exitReason(sys: System, env: Env, log: Logger | undefined, reason: string): void {
  const line = oneLine(reason);
  sys.writeStderr(`${env.OCF_EXIT_REASON_PREFIX ?? 'ocf-exit-reason:'}${line}\n`);
  // Logged as an error too, but never a second time on stderr.
  log?.log('err', line, { noStderr: true });
}

// Readable help for an admin at a terminal: actions, parameters, how to run one by hand.
export function helpText(agent: AnyAgent, invokedAs: string): string {
  const lines = [`${agent.name} — ${agent.shortdesc}`, '', usageLine(agent, invokedAs), '', 'Parameters (set as OCF_RESKEY_<name>=<value> in the environment):'];
  for (const [name, p] of Object.entries(agent.parameters)) {
    const def = p.metaDefault ?? p.default;
    const flags = [p.type, p.required ? 'required' : undefined, def !== undefined && def !== '' ? `default ${def}` : undefined].filter(Boolean).join(', ');
    lines.push(`  ${name} (${flags})`, `      ${p.shortdesc}`);
  }
  lines.push('', 'Actions and their suggested timeouts:');
  for (const [name, a] of advertisedActions(agent)) lines.push(`  ${name.padEnd(13)} timeout ${a.timeout}${a.interval !== undefined ? `, interval ${a.interval}` : ''}`);
  lines.push(
    '',
    'Example, by hand (logs go to this terminal):',
    `  OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=test OCF_RESKEY_<name>=<value> ${invokedAs} monitor`,
    `  or: nfsha ${agent.name} monitor <name>=<value> ...   (-o <name>=<value> works too)`,
    'Exit codes: 0 success, 1 generic error, 2 invalid argument, 3 unimplemented, 5 not installed,',
    '            6 not configured, 7 not running. See also: man ocf_nfsha_' + agent.name,
    '',
  );
  return lines.join('\n');
}

export async function runAgent(req: RunRequest): Promise<number> {
  const { agent, env, sys } = req;
  const action = req.args[0];
  const scriptName = req.invokedAs.split('/').pop() ?? agent.name;

  if (action === undefined || action === '') {
    sys.writeStdout(`${usageLine(agent, req.invokedAs)}\n`);
    exitReason(sys, env, undefined, 'no action given');
    return OCF.ERR_ARGS;
  }
  switch (action) {
    case 'meta-data':
      sys.writeStdout(metadataXml(agent));
      return OCF.SUCCESS;
    case 'usage':
      sys.writeStdout(`${usageLine(agent, req.invokedAs)}\n`);
      return OCF.SUCCESS;
    case 'methods':
      sys.writeStdout(`${advertisedActions(agent).map(([n]) => n).join('\n')}\n`);
      return OCF.SUCCESS;
    case 'help':
    case '--help':
    case '-h':
      sys.writeStdout(helpText(agent, req.invokedAs));
      return OCF.SUCCESS;
    default:
  }

  const spec = Object.hasOwn(agent.actions, action) ? agent.actions[action] : undefined;
  if (spec === undefined || action === 'meta-data') {
    const reason = `${action}: action not supported by ${agent.name}`;
    exitReason(sys, env, undefined, reason);
    closeAtTerminal(sys, action, OCF.ERR_UNIMPLEMENTED, reason);
    return OCF.ERR_UNIMPLEMENTED;
  }

  const ocfEnv = readOcfEnv(env, scriptName, action);
  const target = traceTarget(env, ocfEnv.resourceType, ocfEnv.instance, action, () => sys.isatty(0), new Date(sys.now()));
  let tracer: Tracer = noTracer;
  if (target !== undefined) {
    tracer = makeTracer(
      {
        write: (text) => {
          try {
            if (target.kind === 'fd' && target.fd === 2) sys.writeStderr(text);
            else if (target.kind === 'fd') sys.appendFileSync(`/proc/self/fd/${String(target.fd)}`, text);
            else sys.appendFileSync(target.path, text);
          } catch {
            // An unwritable trace destination must not fail the operation.
          }
        },
      },
      env,
      `${agent.name} ${action} instance=${ocfEnv.instance} pid=${String(sys.pid)}`,
    );
    if (target.kind === 'file') {
      const dir = target.path.slice(0, target.path.lastIndexOf('/'));
      await sys.mkdirp(dir).catch(() => undefined);
    }
  }
  const tag = env.HA_LOGTAG ?? `${scriptName}(${ocfEnv.instance})[${String(sys.pid)}]`;
  const log = makeLogger({ io: sys, env, tag, onLine: tracer.enabled ? (l) => { tracer.note(`log ${l}`); } : undefined });

  let code: number;
  let reason: string | undefined;
  let deadline: Deadline | undefined;
  try {
    const rootDir = env.OCF_ROOT;
    if (rootDir !== undefined && rootDir !== '' && sys.statSync(rootDir)?.isDirectory !== true) {
      throw new OcfError(OCF.ERR_GENERIC, `OCF_ROOT (${rootDir}) is not a directory`);
    }
    if (env.OCF_RA_VERSION_MAJOR !== undefined && (env.OCF_RESOURCE_INSTANCE ?? '') === '') {
      throw new OcfError(OCF.ERR_ARGS, 'Need to tell us our resource instance name (OCF_RESOURCE_INSTANCE)');
    }
    deadline = new Deadline(sys, budgetFor(ocfEnv.timeoutMs, spec.timeout), sys.processStart());
    const parsed = parseParams(agent.parameters, env);
    const ctx: Context<ParamSpecs> = {
      params: parsed.params,
      invalid: parsed.invalid,
      paramProblems: parsed.problems,
      env: ocfEnv,
      sys: withPolicy(sys, deadline, tracer),
      log,
      deadline,
    };
    code = await spec.run(ctx);
  } catch (e) {
    if (isOcfError(e)) {
      code = e.code;
      reason = e.message;
      exitReason(sys, env, log, e.message);
    } else {
      code = OCF.ERR_GENERIC;
      const msg = e instanceof Error ? e.message : String(e);
      reason = `internal error in ${action}: ${msg}`;
      exitReason(sys, env, log, reason);
      if (e instanceof Error && e.stack !== undefined) log.debug(e.stack.replace(/\n\s*/g, ' | '));
    }
  }
  tracer.note(`exit ${String(code)} (${statusName(code)})`);
  // Syslog writers get what is left of the operation's time, and no more.
  await log.flush(deadline?.flushWindow());
  closeAtTerminal(sys, action, code, reason ?? log.explanation());
  return code;
}
