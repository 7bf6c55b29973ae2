// The lab's fencing, driver side (test/e2e/driver/fence.ts): the lines a node's fence stream
// carries, and the answers the driver gives the fence agent. The Lab and the guests are stand-ins
// that record what the driver did to them (the real ones need VMs: the lab itself runs those).
import { describe, expect, it } from 'vitest';
import { EventLog } from '../../e2e/driver/events.ts';
import { FENCE_DEVICE, Fencer, fenceDeviceXml, parseFenceLine } from '../../e2e/driver/fence.ts';
import type { Guest } from '../../e2e/driver/guests.ts';
import type { Lab } from '../../e2e/driver/vm.ts';

const TERMINATED = 'Dec 03 17:50:01.123 node2 pacemaker-controld  [1203] (handle_fence_notification) \tnotice: Peer node1 was terminated (reboot) by node2 on behalf of pacemaker-controld.1203@node2: OK | event=2a7c';
const NOT_TERMINATED = 'Dec 03 17:50:01.123 node2 pacemaker-controld  [1203] (handle_fence_notification) \tnotice: Peer node1 was not terminated (off) by node2 on behalf of pacemaker-controld.1203@node2: Error (Fencing did not complete) | event=2a7c';

describe('fence stream lines', () => {
  it('the fence agent\'s request', () => {
    expect(parseFenceLine('LABFENCE 812-1234 reboot node1')).toEqual({ kind: 'request', id: '812-1234', action: 'reboot', target: 'node1' });
    // an id that would reach a shell or a path is not a request
    expect(parseFenceLine('LABFENCE ../x reboot node1')).toBeUndefined();
    expect(parseFenceLine('LABFENCE 1-2 reboot node1; rm')).toBeUndefined();
  });

  it('the controller\'s verdict, success and failure', () => {
    expect(parseFenceLine(TERMINATED)).toEqual({ kind: 'terminated', target: 'node1', action: 'reboot', by: 'node2', ok: true, result: 'OK' });
    expect(parseFenceLine(NOT_TERMINATED)).toMatchObject({ kind: 'terminated', target: 'node1', action: 'off', ok: false, result: 'Error (Fencing did not complete)' });
  });

  it('the timer probe, and lines that are none of these', () => {
    expect(parseFenceLine('TICKLATE 2350')).toEqual({ kind: 'tick', lateMs: 2350 });
    expect(parseFenceLine('TICKLATE -1')).toEqual({ kind: 'tick', lateMs: 0 });
    expect(parseFenceLine('==> /run/lab-fence/requests <==')).toBeUndefined();
    expect(parseFenceLine('Dec 03 17:50:00.001 node2 pacemaker-fenced    [1199] (log_async_result) \tnotice: Operation \'reboot\' [412] targeting node1 using fence-lab returned 0')).toBeUndefined();
  });
});

it('the fence device: one stonith primitive for both nodes, a static host list', () => {
  const x = fenceDeviceXml();
  expect(x).toContain(`<primitive id="${FENCE_DEVICE}" class="stonith" type="fence_lab">`);
  expect(x).toContain('name="pcmk_host_list" value="node1 node2"');
  expect(x).toContain('name="pcmk_host_check" value="static-list"');
});

// A Lab that records power actions; guests that record the scripts the driver runs on them.
function rig(running: Record<string, boolean>) {
  const calls: string[] = [];
  const lab = {
    running: (n: string) => running[n] === true,
    powerOff: (n: string) => {
      const was = running[n] === true;
      if (was) calls.push(`kill ${n}`);
      running[n] = false;
      return was;
    },
    start: (m: { name: string }) => {
      calls.push(`start ${m.name}`);
      running[m.name] = true;
    },
  } as unknown as Lab;
  const scripts: string[] = [];
  const guest = (name: string) => ({ name, sh: (s: string) => { scripts.push(`${name}: ${s}`); return Promise.resolve({ rc: 0, out: '' }); } }) as unknown as Guest;
  const log = new EventLog();
  const fencer = new Fencer(lab, log, { node1: guest('node1'), node2: guest('node2'), client: guest('client') });
  const settle = () => new Promise((r) => setTimeout(r, 10));
  return { calls, scripts, log, fencer, settle };
}

describe('the driver\'s answers', () => {
  it('reboot of a running node: its qemu is killed, then the agent is answered on the asking node', async () => {
    const r = rig({ node1: true, node2: true });
    const off: string[] = [];
    r.fencer.onPowerOff = (n) => off.push(n);
    r.fencer.line('node2', 'LABFENCE 7-42 reboot node1', 1000);
    await r.settle();
    expect(r.calls).toEqual(['kill node1']);
    expect(off).toEqual(['node1']);
    expect(r.scripts).toEqual(["node2: printf '%s\\n' '0 powered off (qemu killed)' > /run/lab-fence/ack.7-42"]);
    expect(r.fencer.records).toMatchObject([{ target: 'node1', action: 'reboot', by: 'node2', source: 'lab', detail: 'qemu killed' }]);
  });

  it('a node already dead (the crash) is confirmed off without killing anything', async () => {
    const r = rig({ node1: false, node2: true });
    r.fencer.line('node2', 'LABFENCE 7-43 reboot node1', 1000);
    await r.settle();
    expect(r.calls).toEqual([]);
    expect(r.scripts[0]).toContain("'0 already off (no qemu)'");
  });

  it('status and on', async () => {
    const r = rig({ node1: false, node2: true });
    r.fencer.line('node2', 'LABFENCE 1-1 status node1', 1);
    r.fencer.line('node1', 'LABFENCE 1-2 status node2', 1);
    await r.settle();
    expect(r.scripts).toEqual(["node2: printf '%s\\n' '2 off' > /run/lab-fence/ack.1-1", "node1: printf '%s\\n' '0 on' > /run/lab-fence/ack.1-2"]);
    r.fencer.line('node2', 'LABFENCE 1-3 on node1', 1);
    await r.settle();
    expect(r.calls).toEqual(['start node1']);
  });

  it('never powers off anything but node1 and node2', async () => {
    const r = rig({ node1: true, node2: true, client: true });
    r.fencer.line('node1', 'LABFENCE 1-4 off client', 1);
    await r.settle();
    expect(r.calls).toEqual([]);
    expect(r.scripts[0]).toContain("'1 not a lab node: client'");
  });

  it('fencedAt: the controller\'s confirmation of that node from that time on', () => {
    const r = rig({});
    r.fencer.line('node2', NOT_TERMINATED, 500);
    r.fencer.line('node2', TERMINATED, 900);
    expect(r.fencer.fencedAt('node1', 0)?.t).toBe(900);
    expect(r.fencer.fencedAt('node1', 901)).toBeUndefined();
    expect(r.fencer.fencedAt('node2', 0)).toBeUndefined();
  });

  it('the timer probe summary per node', () => {
    const r = rig({});
    for (const [h, ms] of [['node1', 200], ['node1', 6100], ['node2', 900]] as const) r.fencer.line(h, `TICKLATE ${ms}`, 1);
    expect(r.fencer.tickSummary(5000)).toBe('node1: max 6.1 s late, 1/2 windows over 5 s; node2: max 0.9 s late, 0/1 windows over 5 s');
  });
});
