// nfsnotify validation: source hosts and sm-notify arguments checked, sm-notify found; the
// first step of start and reload, and the validate-all action.

import { OCF, OcfError, type OcfStatus } from '../ocf/codes.ts';
import { missingTool } from '../host/tools.ts';
import type { NfsnotifyContext } from './params.ts';
import { parseNotifyArgs, parseSourceHosts, sourceHostProblem } from './settings.ts';

export interface Config {
  readonly binary: string;
  readonly hosts: string[];
  readonly args: string[];
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
  const wanted = `${ctx.env.sbinDir}/sm-notify`;
  const binary = (await ctx.sys.which(wanted)) ?? (await ctx.sys.which('sm-notify'));
  if (binary === null) throw missingTool(wanted);
  return { binary, hosts, args: args.args };
}

export async function validateAll(ctx: NfsnotifyContext): Promise<OcfStatus> {
  await validate(ctx);
  return OCF.SUCCESS;
}
