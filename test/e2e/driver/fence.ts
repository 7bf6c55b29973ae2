// Fencing in the lab (LAB ONLY): the cluster runs with stonith-enabled=true and one fence device,
// guest/fence_lab, which asks this driver to power a node off: the agent appends
// "LABFENCE <id> <action> <node>" to /run/lab-fence/requests on the node that runs it; the
// node's fence stream (FENCE_WATCH) brings the line here; the driver kills the target's qemu
// (Lab.powerOff: only node1 or node2, only a qemu of this run) and answers through the node's
// command agent (/run/lab-fence/ack.<id>). "reboot" is answered once the node is off; its power
// on is the scenario's rejoin step (the lab starts the VM and its cluster services), so that no
// boot competes for the emulated CPUs with the failover being measured.
// Why not SBD: test/e2e/README.md ("Fencing").
//
// The same stream carries the controller's verdict ("Peer node1 was terminated (reboot) by
// node2 ...: OK"), the time the timeline calls "fenced", and a timer probe: how late a 1 s
// sleep of the guest wakes up (the largest lateness of every 30 s, "TICKLATE <ms>"), the figure
// that decides whether a watchdog (SBD) could be kept fed under emulation.

import type { EventLog } from './events.ts';
import type { Guest } from './guests.ts';
import { MACHINES, type Lab } from './vm.ts';

export const FENCE_DEVICE = 'fence-lab';
export const FENCE_DIR = '/run/lab-fence';
// Nodes the lab's fence device may power off (never the client, never anything else).
export const FENCEABLE = ['node1', 'node2'] as const;

export type FenceLine =
  | { kind: 'request'; id: string; action: string; target: string }
  | { kind: 'terminated'; target: string; action: string; by: string; ok: boolean; result: string }
  | { kind: 'tick'; lateMs: number };

const REQUEST_RE = /^LABFENCE ([0-9]+-[0-9]+) ([a-z-]+) (\S+)$/;
// Pacemaker 2.1's controller: "Peer node1 was terminated (reboot) by node2 on behalf of
// pacemaker-controld.1234@node2: OK | event=..." ("was not terminated ...: Error" when it failed).
const TERMINATED_RE = /pacemaker-controld.*Peer (\S+) was( not)? terminated \((\w+)\) by (\S+) on behalf of \S+: ([^|]+?)\s*(?:\||$)/;

export function parseFenceLine(line: string): FenceLine | undefined {
  let m: RegExpExecArray | null;
  if ((m = REQUEST_RE.exec(line))) return { kind: 'request', id: m[1]!, action: m[2]!, target: m[3]! };
  if ((m = TERMINATED_RE.exec(line))) return { kind: 'terminated', target: m[1]!, ok: m[2] === undefined, action: m[3]!, by: m[4]!, result: m[5]! };
  if ((m = /^TICKLATE (-?\d+)$/.exec(line))) return { kind: 'tick', lateMs: Math.max(0, Number(m[1])) };
  return undefined;
}

// One stream per cluster node: fence requests, the controller's fencing verdicts, the timer probe.
export const FENCE_WATCH = `
exec 2>/dev/null
mkdir -p ${FENCE_DIR} && : >> ${FENCE_DIR}/requests
tail -n0 -s 0.2 -F ${FENCE_DIR}/requests /var/log/pacemaker/pacemaker.log | grep --line-buffered -E '^LABFENCE |terminated \\(|pacemaker-fenced.*(Operation|returned)' &
mkfifo /run/lab-tick.$$ && exec {nap}<>/run/lab-tick.$$ && rm -f /run/lab-tick.$$ || exit 1
max=0; n=0
while :; do
  a=\${EPOCHREALTIME/[.,]/}; read -t 1 -u $nap; b=\${EPOCHREALTIME/[.,]/}
  late=$(( (b - a) / 1000 - 1000 )); [ $late -gt $max ] && max=$late
  n=$((n + 1)); [ $n -ge 30 ] && { echo "TICKLATE $max"; max=0; n=0; }
done
`;

// The lab's fence device in the CIB: one device for both nodes (pcmk_host_list, static list).
export function fenceDeviceXml(): string {
  return `<primitive id="${FENCE_DEVICE}" class="stonith" type="fence_lab">
  <instance_attributes id="${FENCE_DEVICE}-ia">
    <nvpair id="${FENCE_DEVICE}-hosts" name="pcmk_host_list" value="${FENCEABLE.join(' ')}"/>
    <nvpair id="${FENCE_DEVICE}-check" name="pcmk_host_check" value="static-list"/>
  </instance_attributes>
  <operations>
    <op id="${FENCE_DEVICE}-monitor" name="monitor" interval="120s" timeout="60s"/>
  </operations>
</primitive>`;
}

export interface FenceRecord {
  t: number;
  target: string;
  action: string;
  by: string; // the node that asked (lab) or executed (controller)
  source: 'lab' | 'controller';
  ok: boolean;
  detail: string;
}

// Answers the fence agent's requests and keeps what was fenced when.
export class Fencer {
  readonly records: FenceRecord[] = [];
  readonly ticks: { t: number; host: string; lateMs: number }[] = [];
  private readonly lab: Lab;
  private readonly log: EventLog;
  private readonly guests: Record<string, Guest>;
  // Called after a node's qemu was killed (the scenario closes its streams).
  onPowerOff?: (node: string) => void;

  constructor(lab: Lab, log: EventLog, guests: Record<string, Guest>) {
    this.lab = lab;
    this.log = log;
    this.guests = guests;
  }

  watch(g: Guest): void {
    g.stream(FENCE_WATCH, this.log, (line, t) => this.line(g.name, line, t));
  }

  line(host: string, line: string, t: number): void {
    const p = parseFenceLine(line);
    if (!p) return;
    if (p.kind === 'tick') this.ticks.push({ t, host, lateMs: p.lateMs });
    else if (p.kind === 'terminated') this.records.push({ t, target: p.target, action: p.action, by: p.by, source: 'controller', ok: p.ok, detail: `${p.result} (seen on ${host})` });
    else void this.serve(host, p.id, p.action, p.target);
  }

  private async serve(host: string, id: string, action: string, target: string): Promise<void> {
    const answer = async (rc: number, msg: string) => {
      this.log.mark(`fence_lab: ${action} ${target} asked by ${host}: ${rc} ${msg}`);
      await this.guests[host]?.sh(`printf '%s\\n' '${rc} ${msg.replace(/[^\w .,:()-]/g, '_')}' > ${FENCE_DIR}/ack.${id}`, 30_000).catch(() => undefined);
    };
    if (!(FENCEABLE as readonly string[]).includes(target)) return answer(1, `not a lab node: ${target}`);
    if (action === 'status') return answer(this.lab.running(target) ? 0 : 2, this.lab.running(target) ? 'on' : 'off');
    if (action === 'on') {
      if (!this.lab.running(target)) this.lab.start(MACHINES[target as 'node1' | 'node2']);
      return answer(0, 'powered on');
    }
    // off, reboot: power off first, confirm, then (reboot) power on again.
    const was = this.lab.powerOff(target);
    const t = Date.now();
    this.records.push({ t, target, action, by: host, source: 'lab', ok: true, detail: was ? 'qemu killed' : 'qemu already gone' });
    this.onPowerOff?.(target);
    await answer(0, was ? 'powered off (qemu killed)' : 'already off (no qemu)');
  }

  // The first successful fencing of `target` the controller reported at or after `since`.
  fencedAt(target: string, since: number): FenceRecord | undefined {
    return this.records.find((r) => r.source === 'controller' && r.ok && r.target === target && r.t >= since);
  }

  // Every fence request or verdict at or after `since` (any node).
  since(since: number): FenceRecord[] {
    return this.records.filter((r) => r.t >= since);
  }

  // The timer probe: largest lateness of a 1 s sleep per node, and how many 30 s windows had one
  // beyond `limitMs`.
  tickSummary(limitMs: number): string {
    const hosts = [...new Set(this.ticks.map((x) => x.host))].sort();
    return hosts.map((h) => {
      const l = this.ticks.filter((x) => x.host === h).map((x) => x.lateMs);
      return `${h}: max ${(Math.max(...l) / 1000).toFixed(1)} s late, ${l.filter((x) => x > limitMs).length}/${l.length} windows over ${limitMs / 1000} s`;
    }).join('; ');
  }
}
