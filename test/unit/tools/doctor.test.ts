// nfsha doctor as a whole on a scripted node: the cluster's view from real crm_mon and CIB
// captures (test/fixtures/doctor, from a single-node Pacemaker rig), the course over stacks,
// and the text and JSON reports.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScriptedSystem } from '../../../lib/system/scripted.ts';
import { clusterView, parseActive, parseLastStarts } from '../../../lib/tools/doctor/cluster.ts';
import { runToolWith } from '../../../lib/tools/main.ts';
import { readPlan } from '../../../lib/tools/plan/topology.ts';
import { renderCib } from '../../../lib/tools/plan/render.ts';
import { DOCTOR_CHECKS, runDoctor } from '../../../lib/tools/doctor/run.ts';
import type { ClusterView, StackView } from '../../../lib/tools/doctor/checks.ts';

const FIX = join(import.meta.dirname, '../../fixtures/doctor');
const CRM_MON = readFileSync(join(FIX, 'crm_mon-group.xml'), 'utf8');
const CIB_STATUS = readFileSync(join(FIX, 'cib-group-status.xml'), 'utf8');
const SEED = readFileSync(join(import.meta.dirname, '../../../examples/seed.ini'), 'utf8');

describe('the cluster view', () => {
  it('reads where resources are active from crm_mon', () => {
    expect(parseActive(CRM_MON)).toEqual(new Map([['d1', ['vm']], ['d2', ['vm']]]));
  });

  it('reads the last start per node from the CIB status', () => {
    expect(parseLastStarts(CIB_STATUS).get('vm\u0000d1')).toEqual({ atMs: 1796305392000, execMs: 33 });
    const v = clusterView('vm', CRM_MON, CIB_STATUS);
    expect(v.runsOn('d2')).toEqual(['vm']);
    expect(v.runsOn('nope')).toEqual([]);
    expect(v.lastStart('d1', 'other')).toBeUndefined();
  });

  it('ignores a last operation that is not a successful start', () => {
    const probed = CIB_STATUS.replace('operation_key="d1_start_0" operation="start"', 'operation_key="d1_monitor_0" operation="monitor"');
    expect(parseLastStarts(probed).has('vm\u0000d1')).toBe(false);
  });
});

// The seed's group (from plan) in a CIB, running on node1 or node2 per crm_mon.
const CIB = renderCib(readPlan(SEED, 'seed.ini')).replace('<status/>', `<status>
  <node_state id="1" uname="node1"><lrm id="1"><lrm_resources>
    <lrm_resource id="nfsserver" type="nfsserver" class="ocf" provider="nfsha">
      <lrm_rsc_op id="nfsserver_last_0" operation_key="nfsserver_start_0" operation="start" call-id="9" rc-code="0" op-status="0" interval="0" last-rc-change="1764770000" exec-time="1500"/>
    </lrm_resource>
  </lrm_resources></lrm></node_state>
</status>`);

function crmMon(node: string): string {
  const ids = ['fs1', 'fs2', 'fs3', 'nfsserver', 'export-root', 'export1', 'export2', 'vip1', 'nfsnotify'];
  return `<pacemaker-result api-version="2.25"><resources><group id="nfsgroup" number_resources="9">${ids.map((id) => `<resource id="${id}" role="Started" active="true" nodes_running_on="1"><node name="${node}" id="1" cached="true"/></resource>`).join('')}</group></resources><status code="0" message="OK"/></pacemaker-result>`;
}

function standbyNode(runsOn: string): ScriptedSystem {
  const sys = new ScriptedSystem();
  sys.file('/proc', '', 'dir');
  sys.file('/proc/fs/nfsd/threads', '0\n');
  sys.expect(
    { argv: ['cibadmin', '--query'], stdout: CIB },
    { argv: ['crm_node', '--name'], stdout: 'node2\n' },
    { argv: ['crm_mon', '--one-shot', '--output-as=xml'], stdout: crmMon(runsOn) },
    { argv: ['getent', 'hosts', '192.168.122.200'], stdout: '192.168.122.200  nfshost\n' },
    { argv: ['getent', 'ahosts', 'nfshost'], stdout: '192.168.122.200 STREAM nfshost\n' },
  );
  return sys;
}

describe('nfsha doctor on a standby node', () => {
  it('says where the stack runs and checks only what a standby can (json)', async () => {
    const sys = standbyNode('node1');
    expect(await runToolWith('doctor', ['--format', 'json'], { sys, env: {} })).toBe(0);
    sys.done();
    const out = JSON.parse(sys.stdoutText.join('')) as { node: string; stacks: unknown[]; checks: { id: string; status: string; evidence: string }[]; summary: unknown };
    expect(out.node).toBe('node2');
    expect(out.stacks).toEqual([{ server: 'nfsserver', group: 'nfsgroup', runsOn: ['node1'], here: false }]);
    expect(out.checks.map((c) => [c.id, c.status])).toEqual([
      ['config', 'pass'], ['boot-services', 'skipped'], ['stack-location', 'pass'],
      ['infodir-bind', 'skipped'], ['nsm-state', 'skipped'], ['statd-no-notify', 'skipped'], ['nfsd-threads', 'skipped'],
      ['exports-in-table', 'skipped'], ['nsm-monitor-list', 'skipped'], ['last-notification', 'skipped'],
      ['floating-name', 'pass'], ['standby-daemons', 'pass'],
    ]);
    expect(out.checks[2]?.evidence).toBe('nfsgroup runs on node1; node2 is a standby for it');
    expect(out.summary).toEqual({ pass: 4, fail: 0, skipped: 8 });
  });

  it('fails, with the fix, when nfsd runs outside the cluster (text)', async () => {
    const sys = standbyNode('node1');
    sys.file('/proc/fs/nfsd/threads', '8\n');
    expect(await runToolWith('doctor', [], { sys, env: {} })).toBe(1);
    const text = sys.stdoutText.join('');
    expect(text).toContain('nfsha doctor on node2: 1 NFS server stack\n');
    expect(text).toMatch(/\nFAIL {5}standby-daemons {4}nfsserver {2}the stack runs on node1, yet here run: nfsd \(8 threads\)\n {39}fix: stop and disable/);
    expect(text).toContain('3 passed, 1 failed, 8 skipped\n');
  });

  it('fails stack-location when the stack runs nowhere', async () => {
    const none = new ScriptedSystem();
    none.file('/proc', '', 'dir');
    none.expect(
      { argv: ['cibadmin', '--query'], stdout: CIB },
      { argv: ['crm_node', '--name'], stdout: 'node2\n' },
      { argv: ['crm_mon', '--one-shot', '--output-as=xml'], stdout: '<pacemaker-result><resources/></pacemaker-result>' },
      { argv: ['getent', 'hosts', '192.168.122.200'], stdout: '192.168.122.200  nfshost\n' },
      { argv: ['getent', 'ahosts', 'nfshost'], stdout: '192.168.122.200 STREAM nfshost\n' },
    );
    expect(await runToolWith('doctor', ['--format', 'json'], { sys: none, env: {} })).toBe(1);
    const out = JSON.parse(none.stdoutText.join('')) as { checks: { id: string; status: string; evidence: string; fix: string | null }[] };
    expect(out.checks[2]).toEqual({ id: 'stack-location', stack: 'nfsserver', status: 'fail', evidence: 'nfsgroup runs on no node', fix: 'pcs resource status nfsgroup; pcs resource enable nfsgroup; pcs resource cleanup nfsgroup' });
  });
});

describe('nfsha doctor on the active node', () => {
  it('runs the active node\'s checks and names what fails', async () => {
    const sys = new ScriptedSystem();
    sys.file('/proc', '', 'dir');
    sys.file('/proc/stat', 'btime 1764760000\n');
    sys.file('/proc/self/mountinfo', '22 1 8:1 / / rw - ext4 /dev/sda1 rw\n40 22 253:3 / /mnt/nfsinfo rw - xfs /dev/vda3 rw\n42 22 253:3 / /var/lib/nfs rw - xfs /dev/vda3 rw\n');
    sys.file('/proc/fs/nfsd/threads', '8\n');
    sys.file('/var/lib/nfs/sm', '', 'dir');
    sys.file('/var/lib/nfs/sm.bak', '', 'dir');
    // Written before the last start (1764770000 - 1.5 s): the restart did not refresh it.
    sys.file('/var/lib/nfs/state', '', 'file', { bytes: new Uint8Array([9, 0, 0, 0]), mtimeMs: 1764700000000 });
    sys.file('/var/lib/nfs/etab', '/mnt/exports\t192.168.122.0/24(rw,fsid=0)\n/mnt/exports/export1\t192.168.122.0/24(rw,fsid=1)\n/mnt/exports/export2\t192.168.122.0/24(rw,fsid=2)\n');
    for (const [pid, argv] of [[300, ['/usr/sbin/rpc.statd', '--no-notify']], [301, ['/usr/sbin/rpc.mountd']]] as const) {
      const comm = argv[0].slice(argv[0].lastIndexOf('/') + 1);
      sys.file(`/proc/${String(pid)}/comm`, `${comm}\n`);
      sys.file(`/proc/${String(pid)}/stat`, `${String(pid)} (${comm}) S ${Array(18).fill('0').join(' ')} 1000000 0\n`);
      sys.file(`/proc/${String(pid)}/cmdline`, `${argv.join('\0')}\0`);
    }
    sys.file('/run/resource-agents/nfsnotify_nfsnotify/statd.id', '300 1000000\n');
    sys.addresses = ['127.0.0.1', '192.168.122.11', '192.168.122.200'];
    sys.expect(
      { argv: ['cibadmin', '--query'], stdout: CIB },
      { argv: ['crm_node', '--name'], stdout: 'node1\n' },
      { argv: ['crm_mon', '--one-shot', '--output-as=xml'], stdout: crmMon('node1') },
      { argv: ['getent', 'hosts', '192.168.122.200'], stdout: '192.168.122.200  nfshost\n' },
      { argv: ['getent', 'ahosts', 'nfshost'], stdout: '192.168.122.200 STREAM nfshost\n' },
    );
    expect(await runToolWith('doctor', ['--format', 'json'], { sys, env: {} })).toBe(1);
    sys.done();
    const out = JSON.parse(sys.stdoutText.join('')) as { stacks: unknown[]; checks: { id: string; status: string; evidence: string }[] };
    expect(out.stacks).toEqual([{ server: 'nfsserver', group: 'nfsgroup', runsOn: ['node1'], here: true }]);
    expect(out.checks.map((c) => [c.id, c.status])).toEqual([
      ['config', 'pass'], ['boot-services', 'skipped'], ['stack-location', 'pass'], ['infodir-bind', 'pass'], ['nsm-state', 'fail'], ['statd-no-notify', 'pass'],
      ['nfsd-threads', 'pass'], ['exports-in-table', 'pass'], ['floating-name', 'pass'], ['nsm-monitor-list', 'pass'], ['last-notification', 'pass'],
    ]);
    expect(out.checks.find((c) => c.id === 'nsm-state')?.evidence).toContain('the state number did not change at the last start');
    // Every id is one of the documented ones, in their order.
    const ids: readonly string[] = DOCTOR_CHECKS;
    expect(out.checks.map((c) => ids.indexOf(c.id))).toEqual([...out.checks.map((c) => ids.indexOf(c.id))].sort((a, b) => a - b));
    expect(out.checks.every((c) => ids.includes(c.id))).toBe(true);
  });
});

describe('nfsha doctor: when it cannot run', () => {
  it.each([
    [[{ argv: ['cibadmin', '--query'], notFound: true }], 'nfsha doctor: cibadmin not found: give a CIB file (nfsha check FILE, or - for standard input)\n'],
    [[{ argv: ['cibadmin', '--query'], exitCode: 102, stderr: 'Could not connect to the CIB: Transport endpoint is not connected\n' }], 'nfsha doctor: cibadmin --query failed: Could not connect to the CIB: Transport endpoint is not connected\n'],
    [[{ argv: ['cibadmin', '--query'], stdout: CIB }, { argv: ['crm_node', '--name'], notFound: true }], 'nfsha doctor: crm_node not found: doctor runs on a cluster node (Pacemaker\'s command line tools)\n'],
  ])('%#: one line, exit 2', async (script, line) => {
    const sys = new ScriptedSystem(script);
    expect(await runToolWith('doctor', [], { sys, env: {} })).toBe(2);
    expect(sys.stderrText.join('')).toBe(line);
  });

  it('refuses arguments and unknown formats', async () => {
    const sys = new ScriptedSystem();
    expect(await runToolWith('doctor', ['--format', 'yaml'], { sys, env: {} })).toBe(2);
    expect(await runToolWith('doctor', ['cib.xml'], { sys, env: {} })).toBe(2);
    expect(sys.stderrText.join('')).toBe("nfsha doctor: --format wants text or json, not 'yaml'\nnfsha doctor: doctor takes no arguments: it reads the live CIB of this node's cluster\n");
  });
});

describe('a cloned nfsserver', () => {
  it('may run on several nodes', async () => {
    const sys = new ScriptedSystem();
    sys.file('/proc', '', 'dir');
    const stack: StackView = { group: undefined, cloned: true, server: { id: 'nfs', params: { nfsv4_only: 'true' } }, filesystems: [], exports: [], ips: [], notify: undefined };
    const cluster: ClusterView = { localNode: 'node3', runsOn: () => ['node1', 'node2'], lastStart: () => undefined };
    const r = await runDoctor({ sys, rsctmp: '' }, [stack], cluster, { id: 'config', stack: undefined, status: 'pass', evidence: '' });
    expect(r.checks.find((c) => c.id === 'stack-location')).toEqual({ id: 'stack-location', stack: 'nfs', status: 'pass', evidence: 'nfs is cloned and runs on node1, node2' });
    const unclonedTwice = await runDoctor({ sys, rsctmp: '' }, [{ ...stack, cloned: false }], cluster, { id: 'config', stack: undefined, status: 'pass', evidence: '' });
    expect(unclonedTwice.checks.find((c) => c.id === 'stack-location')?.status).toBe('fail');
  });
});
