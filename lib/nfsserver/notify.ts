// The reboot notification at the end of start, unless nfs_no_notify.

import type { System } from '../system/types.ts';
import { mergeFromHa, type Owner } from './nsm.ts';
import type { NfsCtx, NfsParams } from './types.ts';

// nfs_ip: comma (or blank) separated addresses.
export function notifyAddresses(nfsIp: string): string[] {
  return nfsIp.split(/[\s,]+/).filter((a) => a !== '');
}

// sm-notify [-d] [-m minutes] [-p port] -f [-v address]
export function smNotifyArgv(program: string, p: Pick<NfsParams, 'nfs_notify_foreground' | 'nfs_smnotify_retry_time' | 'statd_outgoing_port'>, address?: string): string[] {
  return [
    program,
    ...(p.nfs_notify_foreground ? ['-d'] : []),
    ...(p.nfs_smnotify_retry_time !== undefined ? ['-m', String(p.nfs_smnotify_retry_time)] : []),
    ...(p.statd_outgoing_port !== undefined ? ['-p', String(p.statd_outgoing_port)] : []),
    '-f',
    ...(address !== undefined ? ['-v', address] : []),
  ];
}

// The program: nfs_notify_cmd when it is sm-notify (upstream validates it but always runs
// sm-notify from PATH), else sm-notify.
export function notifyProgram(notifyCmd: string): string {
  return notifyCmd.slice(notifyCmd.lastIndexOf('/') + 1) === 'sm-notify' ? notifyCmd : 'sm-notify';
}

async function runNotify(ctx: NfsCtx, argv: string[]): Promise<void> {
  const r = await ctx.sys.run(argv);
  if (r.timedOut) ctx.log.warn(`${argv.join(' ')} was still notifying when the operation time ran out`);
  else if (r.exitCode !== 0) ctx.log.warn(`${argv.join(' ')} failed (rc ${String(r.exitCode)}): ${r.stderr.trim()}`);
}

// Notifies the clients in the monitor list. Failures are logged, never fatal (as upstream).
export async function notifyClients(ctx: NfsCtx, sys: System, notifyCmd: string, statdDir: string, owner: Owner | undefined): Promise<void> {
  const { params, log } = ctx;
  if (params.nfs_no_notify) {
    log.info('nfs_no_notify is set: not sending reboot notifications');
    return;
  }
  const program = notifyProgram(notifyCmd);
  const addresses = notifyAddresses(params.nfs_ip);
  log.info('executing sm-notify');
  if (addresses.length === 0) {
    await runNotify(ctx, smNotifyArgv(program, params));
    return;
  }
  for (const address of addresses) {
    // The previous run moved sm/ to sm.bak/ and drops hosts once notified: bring them back.
    await mergeFromHa(sys, statdDir, owner);
    await runNotify(ctx, smNotifyArgv(program, params, address));
  }
}
