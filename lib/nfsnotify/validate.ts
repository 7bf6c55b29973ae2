// nfsnotify validation: source hosts and sm-notify arguments checked, sm-notify found; the
// first step of start and reload, and the validate-all action.

import { OCF, OcfError, type OcfStatus } from '../ocf/codes.ts';
import { missingTool } from '../host/tools.ts';
import type { NfsnotifyContext } from './params.ts';
import { parseNotifyArgs, parseSourceHosts, sourceHostProblem } from './settings.ts';
import { tickleTcpPath } from './tickle.ts';

export const MAX_TICKLE_ROUNDS = 10;

export interface Config {
  readonly binary: string;
  readonly hosts: string[];
  readonly args: string[];
  readonly rounds: number;
}

// validate-all, and the first step of start and reload.
export async function validate(ctx: NfsnotifyContext): Promise<Config> {
  const hosts = parseSourceHosts(ctx.params.source_host);
  for (const h of hosts) {
    const problem = sourceHostProblem(h);
    if (problem !== undefined) throw new OcfError(OCF.ERR_CONFIGURED, problem);
  }
  const args = parseNotifyArgs(ctx.params.notify_args);
  if (args.problem !== undefined) throw new OcfError(OCF.ERR_CONFIGURED, args.problem);
  const rounds = ctx.params.tickle_rounds;
  if (rounds === undefined || ctx.invalid.tickle_rounds !== undefined || rounds < 1 || rounds > MAX_TICKLE_ROUNDS) {
    throw new OcfError(OCF.ERR_CONFIGURED, `tickle_rounds must be a whole number from 1 to ${String(MAX_TICKLE_ROUNDS)}, got '${ctx.invalid.tickle_rounds ?? ''}'`);
  }
  if (ctx.params.tickle && ctx.env.action === 'validate-all' && (await ctx.sys.which(tickleTcpPath(ctx.env.raw))) === null) {
    ctx.log.warn(`tickle_tcp not found at ${tickleTcpPath(ctx.env.raw)} (resource-agents): start will send no tickle ACKs`);
  }
  const wanted = `${ctx.env.sbinDir}/sm-notify`;
  const binary = (await ctx.sys.which(wanted)) ?? (await ctx.sys.which('sm-notify'));
  if (binary === null) throw missingTool(wanted);
  return { binary, hosts, args: args.args, rounds };
}

export async function validateAll(ctx: NfsnotifyContext): Promise<OcfStatus> {
  await validate(ctx);
  return OCF.SUCCESS;
}
