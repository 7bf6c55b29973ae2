// make lab-soak (issue 13 §4): failover after failover. After the start and the client's mounts,
// locks and writers (as in the lab's run), the node running the group is crashed N times in a
// row, alternating: each time the survivor fences it, the group starts there, both locks come
// back and the writes resume (the crash scenario's checks), then the fenced node boots and
// rejoins (the group stays). At the end every write the client saw acknowledged (fsync'ed, its
// checksum recorded) is checked on the shared disk. Report: failovers, acknowledged writes, lost
// writes, lock reclaim and write-gap times (min / median / max) per protocol.

import * as client from './client.ts';
import { sleep } from './guest.ts';
import type { Guest } from './guests.ts';
import type { JsonSoak } from './report-json.ts';
import { fmtS } from './record.ts';
import type { Failover, Run } from './scenarios.ts';

type Node = 'node1' | 'node2';
type Stats = { min: number; median: number; max: number };

// min / median / max of seconds, rounded to 0.1 s; undefined for no values.
export function stats(xs: number[]): Stats | undefined {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  const r = (x: number) => Math.round(x * 10) / 10;
  return { min: r(s[0]!), median: r(median), max: r(s[s.length - 1]!) };
}

// The lost writes in `sha256sum --check --quiet` output: one "NAME: FAILED" or
// "NAME: FAILED open or read" line per file that is missing or differs.
export function failedFiles(out: string): string[] {
  return [...out.matchAll(/^(\S+): FAILED/gm)].map((m) => m[1]!);
}

// Acknowledged writes of each mount and those not intact on the shared disk (checked on `server`).
export async function lostWrites(c: Guest, server: Guest): Promise<{ acknowledged: number; lost: string[] }> {
  let acknowledged = 0;
  const lost: string[] = [];
  for (const t of client.TAGS) {
    const list = (await client.sums(c, t)).trim();
    if (!list) continue;
    acknowledged += list.split('\n').length;
    const r = await server.sh(`cd ${client.MOUNTS[t].serverDir}/data && sha256sum --quiet --check - 2>&1 <<'LAB_EOF'\n${list}\nLAB_EOF`, 300_000);
    lost.push(...failedFiles(r.out).map((f) => `${t}/${f}`));
    if (r.rc !== 0 && failedFiles(r.out).length === 0) lost.push(`${t}: sha256sum exit ${r.rc}: ${r.out.trim().slice(0, 200)}`);
  }
  return { acknowledged, lost };
}

export function soakSummary(failovers: Failover[], acknowledged: number, lost: number): JsonSoak {
  const per = (get: (f: Failover, t: client.Tag) => number | undefined) => {
    const o: Record<string, Stats> = {};
    for (const t of client.TAGS) {
      const s = stats(failovers.map((f) => get(f, t)).filter((x): x is number => x !== undefined).map((ms) => ms / 1000));
      if (s) o[t] = s;
    }
    return o;
  };
  const done = failovers.filter((f) => f.groupStarted !== undefined);
  return {
    failovers: done.length,
    acknowledgedWrites: acknowledged,
    lostWrites: lost,
    lockReclaimS: per((f, t) => (f.lock[t] !== undefined ? f.lock[t] - f.t0 : undefined)),
    writeGapS: per((f, t) => (f.firstWriteAfter[t] !== undefined && f.lastWriteBefore[t] !== undefined ? f.firstWriteAfter[t] - f.lastWriteBefore[t] : undefined)),
  };
}

export async function soak(run: Run, n: number): Promise<JsonSoak> {
  const { rec, log } = run;
  const failovers: Failover[] = [];
  let active: Node = 'node1';
  try {
    await run.start();
    await run.clientSetup();
    for (let i = 1; i <= n; i++) {
      const from: Node = active;
      const to: Node = from === 'node1' ? 'node2' : 'node1';
      const sc = `soak ${i}`;
      // The first round follows the client's mount by seconds: like the crash scenario, it waits
      // for a monitor to record the client's connections (later rounds find the last one's).
      if (i === 1 && run.provider === 'nfsha') await run.waitRecorded(from, sc);
      await sleep(3000); // a few writes in steady state
      const f = await run.killNode(sc, from, to, `${sc}/${n}: kill -9 ${from} qemu`);
      const t0 = f.t0;
      // Tickling is on (the seed's group, our default): the crash scenario's tickle check runs
      // after every failover. From the second round on the record is the last monitor's on the
      // node that died, or an older one: the client's NFSv3 connection keeps its port.
      if (run.provider === 'nfsha') f.tickle = true;
      failovers.push(f);
      await rec.step(`${sc}/${n}: crash ${from} → fenced, group started on ${to}, locks reclaimed, writes resumed`, () => run.followFailover(f));
      f.detected = log.find('lost', t0, (e) => e.host === to && e.node === from)?.t;
      run.fenceChecks(f);
      run.failoverChecks(f);
      active = to;
      await run.bootAndRejoin(sc, from, to);
    }
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    rec.check('soak', 'every failover ran to its end', false, msg);
    run.result.aborted = `soak: ${msg}`;
  }
  let acknowledged = 0;
  let lost: string[] = [];
  try {
    await client.stopWriters(run.g.client);
    ({ acknowledged, lost } = await lostWrites(run.g.client, run.g[active]));
  } catch (e) {
    lost = [`not checked: ${e instanceof Error ? e.message.split('\n')[0]! : String(e)}`];
  }
  const s = soakSummary(failovers, acknowledged, lost.length);
  rec.check('soak', `${n} failovers, group started each time`, s.failovers === n, `${s.failovers} of ${n}`);
  rec.check('soak', 'no acknowledged write lost (every one checked on the shared disk)', acknowledged > 0 && lost.length === 0,
    `${acknowledged} acknowledged, ${lost.length} lost${lost.length ? `: ${lost.slice(0, 5).join(' ')}` : ''}`);
  for (const t of client.TAGS) {
    const l = s.lockReclaimS[t];
    const g = s.writeGapS[t];
    rec.log(`soak ${t}: lock reclaim ${l ? `${fmtS(l.min * 1000)} / ${fmtS(l.median * 1000)} / ${fmtS(l.max * 1000)}` : '—'} (min / median / max after the kill), write gap ${g ? `${fmtS(g.min * 1000)} / ${fmtS(g.median * 1000)} / ${fmtS(g.max * 1000)}` : '—'}`);
  }
  rec.log(`timer probe (1 s sleeps): ${run.fencer.tickSummary(5000)}`);
  await run.collectLogs();
  return s;
}
