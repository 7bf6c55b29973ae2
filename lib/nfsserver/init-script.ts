// The init-script mode (nfs_init_script, no systemd): the script starts and stops the server;
// the agent starts rpcbind and rpc.statd before it (the script's own statd would notify too
// early) and applies the server scope by running the script in it.

import { OCF, OcfError, type OcfStatus } from '../ocf/codes.ts';
import { ensureRpcbind, inScope, LOCKING_DOWN, startStatd, statdProcess } from './daemons.ts';
import type { NfsCtx, ServiceControl } from './types.ts';

export function initScriptControl(script: string): ServiceControl {
  return {
    kind: 'init',
    usesNfsConf: true,
    async status(ctx: NfsCtx): Promise<OcfStatus> {
      const r = await ctx.sys.run(inScope(ctx.params.nfs_server_scope, [script, 'status']));
      if (r.exitCode === 3 || r.exitCode === 7) return OCF.NOT_RUNNING;
      if (r.exitCode !== 0) throw new OcfError(OCF.ERR_GENERIC, `${script} status failed (${r.timedOut ? 'timed out' : `rc ${String(r.exitCode)}`})`);
      if (!ctx.params.nfsv4_only && statdProcess(ctx) === undefined) throw new OcfError(OCF.ERR_GENERIC, LOCKING_DOWN);
      return OCF.SUCCESS;
    },
    beforeBind: () => Promise.resolve(),
    setScope: () => Promise.resolve(),
    wantsPipefs: () => Promise.resolve(true),
    async start(ctx: NfsCtx): Promise<void> {
      const { sys, log, params } = ctx;
      if (!params.nfsv4_only) {
        await ensureRpcbind(ctx);
        await startStatd(ctx);
      }
      const r = await sys.run(inScope(params.nfs_server_scope, [script, 'start']));
      if (r.exitCode !== 0) {
        log.err(`${script} start: rc ${String(r.exitCode)} ${r.stderr.trim()}`);
        throw new OcfError(OCF.ERR_GENERIC, 'Failed to start NFS server');
      }
    },
    async stop(ctx: NfsCtx) {
      const r = await ctx.sys.run(inScope(ctx.params.nfs_server_scope, [script, 'stop']));
      if (r.exitCode !== 0) {
        ctx.log.err(`${script} stop: rc ${String(r.exitCode)} ${r.stderr.trim()}`);
        throw new OcfError(OCF.ERR_GENERIC, 'Failed to stop NFS server');
      }
      return [];
    },
  };
}
