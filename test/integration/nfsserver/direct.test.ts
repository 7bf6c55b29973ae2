// nfsserver in the direct mode with the real daemons, as root, inside a private mount + PID +
// network namespace (test/lib/sandbox.sh): a real bind mount of the infodir onto /var/lib/nfs,
// real rpcbind, rpc.statd, rpc.mountd and sm-notify.
//
// What is faked, and why: this kernel has no nfsd and no rpc_pipefs. The sandbox's --fake-nfsd
// puts a scratch directory on /proc/fs/nfsd, and fake-bin/rpc.nfsd, first on PATH, does to it
// what the real rpc.nfsd does to the kernel (writes the thread count). rpc_pipefs is not mounted
// (the agent sees the kernel lacks it), so rpc.idmapd and nfsdcld are not started. Both are
// exercised for real in the VM lab.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentRoot, cannotSandbox, needBinary, scratch, type Result } from '../../lib/sandbox.ts';
import { Holder } from './holder.ts';

const FAKE_BIN = join(import.meta.dirname, 'fake-bin');
const skip = cannotSandbox() ?? needBinary();
if (skip !== undefined) console.warn(`nfsserver integration tests skipped: ${skip}`);

// A statd monitor record for `localhost` (nfs-utils support/nsm/file.c format).
const RECORD = '0100007f 000186b5 00000004 00000010 0123456789abcdef0123456789abcdef localhost nfsha-node1\n';

function tree(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = `${prefix}${e.name}`;
    out.push(rel);
    if (e.isDirectory()) out.push(...tree(join(dir, e.name), `${rel}/`));
  }
  return out.sort();
}

function state(path: string): number {
  return readFileSync(path).readUInt32LE(0);
}

describe.skipIf(skip)('nfsserver direct mode in a sandbox', () => {
  let s: { dir: string; cleanup: () => void };
  let h: Holder;
  let info: string;
  let agent: string;

  beforeEach(() => {
    s = scratch('nfsha-nfsserver-');
    chmodSync(s.dir, 0o755);
    info = join(s.dir, 'info');
    agent = join(agentRoot(s.dir), 'resource.d/nfsha/nfsserver');
  });

  afterEach(() => {
    h.close();
    s.cleanup();
  });

  function ocf(action: string, params: Record<string, string>, env: Record<string, string> = {}): Result & { reason: string | undefined } {
    const e: Record<string, string> = {
      PATH: `${FAKE_BIN}:/usr/sbin:/usr/bin:/sbin:/bin`,
      OCF_ROOT: join(s.dir, 'ocf'),
      OCF_RESOURCE_INSTANCE: 'nfs1',
      HA_LOGFACILITY: 'none',
      NFSHA_FAKE_NFSD_LOG: join(s.dir, 'rpc.nfsd.log'),
      ...env,
    };
    for (const [k, v] of Object.entries(params)) e[`OCF_RESKEY_${k}`] = v;
    const r = h.exec([agent, action], e);
    return { ...r, reason: /ocf-exit-reason:(.*)/.exec(r.stderr)?.[1] };
  }

  const pids = (name: string): string => h.sh(`pgrep -x ${name} || true`).stdout.trim();
  const bound = (): boolean => h.sh('test -e /var/lib/nfs/infodir-marker').code === 0;

  function seedInfodir(): number {
    mkdirSync(join(info, 'sm'), { recursive: true });
    writeFileSync(join(info, 'sm', 'localhost'), RECORD);
    const st = Buffer.alloc(4);
    st.writeUInt32LE(1001);
    writeFileSync(join(info, 'state'), st);
    writeFileSync(join(info, 'infodir-marker'), '');
    return 1001;
  }

  it('start binds the infodir, refreshes the NSM state, runs the daemons without notifying; stop releases everything', () => {
    h = Holder.open(s.dir);
    const before = seedInfodir();
    const params = { nfs_shared_infodir: info, nfs_no_notify: 'true' };

    expect(ocf('monitor', params).code).toBe(7);
    const start = ocf('start', params);
    expect(start.code, start.stderr).toBe(0);

    // The bind mount and the daemons.
    expect(bound()).toBe(true);
    expect(h.sh('findmnt -n -o TARGET /var/lib/nfs').stdout.trim()).toBe('/var/lib/nfs');
    expect(pids('rpcbind')).not.toBe('');
    expect(h.sh('ps -o args= -p "$(pgrep -x rpc.statd)"').stdout.trim()).toBe('rpc.statd --no-notify');
    expect(pids('rpc.mountd')).not.toBe('');
    const rpc = h.sh('rpcinfo -p').stdout;
    expect(rpc).toMatch(/100024\s+1\s+tcp.*status/);
    expect(rpc).toMatch(/100005\s+3\s+tcp.*mountd/);
    expect(readFileSync(join(s.dir, 'sbx/procnfsd/threads'), 'utf8').trim()).toBe('8');

    // Exactly these files in the shared directory: the state is new, sm.ha has the monitor list.
    expect(tree(info)).toEqual(['etab', 'infodir-marker', 'rmtab', 'rpc_pipefs', 'sm', 'sm.bak', 'sm.ha', 'sm.ha/sm', 'sm.ha/sm.bak', 'sm.ha/sm/localhost', 'sm.ha/state', 'sm/localhost', 'state', 'v4recovery', 'xtab']);
    const fresh = state(join(info, 'state'));
    expect(fresh).not.toBe(before);
    expect(state(join(info, 'sm.ha/state'))).toBe(fresh);
    expect(readFileSync(join(info, 'sm.ha/sm/localhost'), 'utf8')).toBe(RECORD);
    // statd (--no-notify) and the agent (nfs_no_notify) sent nothing: the record is still to notify.
    expect(pids('sm-notify')).toBe('');
    expect(existsSync(join(info, 'sm/localhost'))).toBe(true);
    expect(tree(join(info, 'sm.bak'))).toEqual([]);
    // Nothing was written under the real /etc or /var/lib/nfs (their overlays hold only the
    // copies sandbox.sh itself makes of two /etc symlinks).
    expect(tree(join(s.dir, 'sbx/etc-upper')).filter((f) => f !== 'mtab' && f !== 'os-release')).toEqual([]);
    expect(tree(join(s.dir, 'sbx/varlib-upper'))).toEqual([]);

    expect(ocf('monitor', params).code).toBe(0);
    expect(ocf('monitor', params, { OCF_RESKEY_CRM_meta_interval: '10000' }).code).toBe(0);
    // A second start changes nothing.
    expect(ocf('start', params).code).toBe(0);
    expect(state(join(info, 'state'))).toBe(fresh);

    const stop = ocf('stop', params);
    expect(stop.code, stop.stderr).toBe(0);
    expect(bound()).toBe(false);
    expect(h.sh('findmnt -n /var/lib/nfs').stdout.trim()).toBe('');
    expect(pids('rpc.statd')).toBe('');
    expect(pids('rpc.mountd')).toBe('');
    expect(pids('rpcbind')).not.toBe('');
    expect(readFileSync(join(s.dir, 'sbx/procnfsd/threads'), 'utf8').trim()).toBe('0');
    expect(ocf('monitor', params).code).toBe(7);
    expect(ocf('stop', params).code).toBe(0);
    expect(tree(join(s.dir, 'sbx/varlib-upper'))).toEqual([]);
  });

  it('monitor reports the locking daemons down, and start brings them back', () => {
    h = Holder.open(s.dir);
    seedInfodir();
    const params = { nfs_shared_infodir: info, nfs_no_notify: 'true' };
    expect(ocf('start', params).code).toBe(0);
    h.sh('pkill -x rpc.statd; while pgrep -x rpc.statd >/dev/null; do sleep 0.05; done');
    const m = ocf('monitor', params, { OCF_RESKEY_CRM_meta_interval: '10000' });
    expect(m).toMatchObject({ code: 1, reason: 'NFS server is up, but the locking daemons are down' });
    expect(ocf('monitor', { ...params, nfsv4_only: 'true' }).code).toBe(0);
    expect(ocf('start', params).code).toBe(0);
    expect(ocf('monitor', params).code).toBe(0);
    expect(ocf('stop', params).code).toBe(0);
  });

  it('without nfs_no_notify, sm-notify runs from the nfs_ip address and bumps the fresh state', () => {
    h = Holder.open(s.dir);
    seedInfodir();
    const params = { nfs_shared_infodir: info, nfs_ip: '127.0.0.1', nfs_smnotify_retry_time: '1' };
    const start = ocf('start', params);
    expect(start.code, start.stderr).toBe(0);
    const fresh = Number(/NSM state in \/var\/lib\/nfs\/state \(layout\): \d+ -> (\d+)/.exec(start.stderr)?.[1]);
    const odd = fresh % 2 === 0 ? fresh + 1 : fresh;
    // sm-notify (in the background) adds 2 to the state when it has hosts to notify; our own
    // statd answers the notification for `localhost`, and the record leaves the notify list.
    expect(h.waitFor(`test "$(od -An -tu4 /var/lib/nfs/state | tr -d ' ')" = ${String((odd + 2) >>> 0)}`)).toBe(true);
    expect(h.waitFor('test -z "$(ls -A /var/lib/nfs/sm; ls -A /var/lib/nfs/sm.bak)"')).toBe(true);
    // sm.ha still has the record for the next start.
    expect(existsSync(join(info, 'sm.ha/sm/localhost'))).toBe(true);
    expect(ocf('stop', params).code).toBe(0);
  });

  it('stop fails while something keeps /var/lib/nfs busy, and succeeds once it is gone', () => {
    h = Holder.open(s.dir);
    seedInfodir();
    const params = { nfs_shared_infodir: info, nfs_no_notify: 'true' };
    expect(ocf('start', params).code).toBe(0);
    h.sh('cd /var/lib/nfs/v4recovery && (setsid sleep 1000 >/dev/null 2>&1 &)');
    const stop = ocf('stop', params, { OCF_RESKEY_CRM_meta_timeout: '10000' });
    expect(stop).toMatchObject({ code: 1, reason: 'Failed to unmount a bind mount' });
    expect(bound()).toBe(true);
    h.sh('pkill -f "^sleep 1000"');
    expect(h.waitFor('! pgrep -f "^sleep 1000"')).toBe(true);
    expect(ocf('stop', params).code).toBe(0);
    expect(bound()).toBe(false);
  });

  it('nfs_server_scope: nfsd starts in a UTS namespace with that name; the node keeps its own', () => {
    h = Holder.open(s.dir, { uts: true });
    const params = { nfs_shared_infodir: info, nfs_no_notify: 'true', nfs_server_scope: 'nfs-scope.example.test', nfsv4_lease_time: '30', nfsv4_grace_time: '40' };
    expect(ocf('start', params).code).toBe(0);
    expect(readFileSync(join(s.dir, 'rpc.nfsd.log'), 'utf8')).toBe('nfs-scope.example.test 8\n');
    expect(h.sh('hostname').stdout.trim()).toBe('nfsha-node1');
    expect(readFileSync(join(s.dir, 'sbx/procnfsd/nfsv4leasetime'), 'utf8').trim()).toBe('30');
    expect(readFileSync(join(s.dir, 'sbx/procnfsd/nfsv4gracetime'), 'utf8').trim()).toBe('40');
    expect(ocf('stop', params).code).toBe(0);
  });

  it('nfsv4_only: neither rpcbind nor statd is started; mountd serves NFSv4 only', () => {
    h = Holder.open(s.dir);
    const params = { nfs_shared_infodir: info, nfs_no_notify: 'true', nfsv4_only: 'true' };
    const start = ocf('start', params);
    expect(start.code, start.stderr).toBe(0);
    expect(pids('rpcbind')).toBe('');
    expect(pids('rpc.statd')).toBe('');
    expect(h.sh('ps -o args= -p "$(pgrep -x rpc.mountd)"').stdout.trim()).toBe('rpc.mountd -N 2 -N 3');
    expect(ocf('monitor', params).code).toBe(0);
    expect(ocf('stop', params).code).toBe(0);
  });
});
