// nfsha doctor on a real single-node Pacemaker cluster (as root, in test/lib/sandbox.sh) that runs
// the stack `nfsha plan --format cib` made from a small ini: every check passes on the healthy
// stack, and a deliberately wrong source_host on nfsnotify is named. What is faked: the kernel
// has no nfsd here, so /proc/fs/nfsd is the sandbox's (--fake-nfsd) and rpc.nfsd the stand-in of
// the nfsserver integration tests; everything else is real (Pacemaker, corosync, rpcbind,
// rpc.statd, rpc.mountd, exportfs, IPaddr2 on a veth pair, sm-notify, getent on /etc/hosts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, readFileSync } from 'node:fs';
import { execaSync } from 'execa';
import { join } from 'node:path';
import { BINARY, ROOT, SANDBOX, cannotSandbox, needBinary, scratch } from '../../lib/sandbox.ts';

const FAKE_BIN = join(ROOT, 'test/integration/nfsserver/fake-bin');
const SCENARIO = join(import.meta.dirname, 'doctor-scenario.sh');
const haveCluster = execaSync('sh', ['-c', 'command -v pacemakerd && command -v corosync && command -v xmllint'], { reject: false }).exitCode === 0;
const skip = cannotSandbox() ?? needBinary() ?? (haveCluster ? undefined : 'pacemaker, corosync or xmllint not installed');
if (skip !== undefined) console.warn(`doctor integration test skipped: ${skip}`);

interface Report {
  node: string;
  stacks: { server: string; group: string | null; runsOn: string[]; here: boolean }[];
  checks: { id: string; stack: string | null; status: string; evidence: string; fix: string | null }[];
  summary: { pass: number; fail: number; skipped: number };
}

describe.skipIf(skip)('nfsha doctor on a live single-node cluster', () => {
  let s: { dir: string; cleanup: () => void };
  let out: string;
  let log: string;

  beforeAll(() => {
    s = scratch('nfsha-doctor-');
    chmodSync(s.dir, 0o755);
    out = join(s.dir, 'out');
    const r = execaSync('bash', [SANDBOX, '--net', '--fake-nfsd', '--threads', '0', join(s.dir, 'sbx'), '--', 'bash', SCENARIO, s.dir, BINARY, FAKE_BIN, ROOT, out], {
      reject: false, timeout: 300000, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, extendEnv: false,
    });
    log = `${r.stdout}\n${r.stderr}`;
    expect(r.exitCode, log).toBe(0);
  });

  afterAll(() => {
    s.cleanup();
  });

  const report = (name: string): Report => JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8')) as Report;

  it('passes every check of the active node on the healthy stack', () => {
    expect(log).toContain('HEALTHY_RC 0');
    const r = report('healthy');
    expect(r.stacks).toEqual([{ server: 'nfsserver', group: 'nfsgroup', runsOn: [r.node], here: true }]);
    expect(r.checks.map((c) => [c.id, c.status])).toEqual([
      ['config', 'pass'], ['boot-services', 'skipped'], ['stack-location', 'pass'], ['infodir-bind', 'pass'], ['nsm-state', 'pass'], ['statd-no-notify', 'pass'],
      ['nfsd-threads', 'pass'], ['exports-in-table', 'pass'], ['floating-name', 'pass'], ['nsm-monitor-list', 'pass'], ['last-notification', 'pass'],
    ]);
    const ev = Object.fromEntries(r.checks.map((c) => [c.id, c.evidence]));
    expect(ev['infodir-bind']).toMatch(/^\/var\/lib\/nfs is a bind of .*\/srv /);
    expect(ev['statd-no-notify']).toContain('its command line has --no-notify');
    expect(ev['floating-name']).toBe('192.168.122.200 -> nfshost -> 192.168.122.200');
    expect(ev['last-notification']).toMatch(/^nfsnotify notified for rpc.statd [0-9]+ \(the one running\) from 192\.168\.122\.200/);
    expect(readFileSync(join(out, 'healthy.txt'), 'utf8')).toMatch(/\n10 passed, 0 failed, 1 skipped\n$/);
  });

  it('names a deliberately wrong source_host', () => {
    expect(log).toContain('BROKEN_RC 1');
    const r = report('broken');
    const failed = r.checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => c.id)).toContain('last-notification');
    expect(failed.find((c) => c.id === 'last-notification')?.evidence).toBe('nfsnotify notifies from 192.168.122.11, which is not the floating IP 192.168.122.200');
    expect(failed.find((c) => c.id === 'last-notification')?.fix).toBe('pcs resource update nfsnotify source_host=192.168.122.200');
  });
});
