// The systemd flavour's node facts (test/e2e/driver/systemd.ts): parsed from what the lab's
// scripts print on a node (fixtures: output taken from a lab node running the group).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leftBehind, parseFacts, parseUnits, SERVER_UNITS } from '../../e2e/driver/systemd.ts';

const FIX = join(import.meta.dirname, '../../fixtures/lab');
const read = (f: string) => readFileSync(join(FIX, f), 'utf8');

describe('systemd facts of a node running the group', () => {
  it('every server unit active, statd told not to notify, the scope drop-in, rpc_pipefs on the shared bind, nfsdcld used', () => {
    const f = parseFacts(read('systemd-facts.txt'));
    expect(SERVER_UNITS.every((u) => f.active[u] === 'active')).toBe(true);
    expect(f.statdNoNotify).toContain('env:RPC_STATD_NO_NOTIFY=1');
    expect(f.scopeDropin).toMatch(/51-resource-agents-unshare-uts\.conf$/);
    expect(f.scopeExec).toBe(true);
    expect(f.scopeEnv).toBe('nfsvip.lab.test');
    expect(f.pipefsOnBind).toBe(true);
    expect(f.varlibnfs).toBe('/dev/vdb3');
    expect(f.cldDb).toBe(true);
    expect(f.tracking).toMatch(/nfsdcld client tracking/);
  });

  it('what is missing stays missing (a node where the agent did nothing)', () => {
    const f = parseFacts('unit nfs-server.service inactive\nstatd \ndropin \nscopeenv \npipefs no\nvarlibnfs \ntracking \n');
    expect(f.active['nfs-server.service']).toBe('inactive');
    expect(f.active['rpc-statd.service']).toBeUndefined();
    expect([f.statdNoNotify, f.scopeDropin, f.scopeEnv, f.varlibnfs, f.tracking]).toEqual(['', '', '', '', '']);
    expect([f.scopeExec, f.pipefsOnBind, f.cldDb]).toEqual([false, false, false]);
  });
});

describe('units left behind by a stop', () => {
  const boot = parseUnits('nfs-blkmap.service=active\nrpc-statd-notify.service=active\nnfs-client.target=active\n');
  const running = parseUnits(read('systemd-units.txt'));

  it('parses name=state lines', () => {
    expect(running.get('nfs-server.service')).toBe('active');
    expect(running.get('var-lib-nfs.mount')).toBe('active');
    expect(running.size).toBe(12);
  });

  it('names what is active or failed now and was not at boot; a unit failed at boot still counts', () => {
    expect(leftBehind(boot, running)).toContain('nfs-server.service active');
    expect(leftBehind(boot, running)).not.toContain('rpc-statd-notify.service active');
    expect(leftBehind(boot, boot)).toEqual([]);
    const failed = parseUnits('nfs-blkmap.service=failed\n');
    expect(leftBehind(failed, failed)).toEqual(['nfs-blkmap.service failed']);
  });
});
