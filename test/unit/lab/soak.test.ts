// make lab-soak's figures (test/e2e/driver/soak.ts): min / median / max, the lost files in
// sha256sum's output, and the soak member of report.json built from the failovers.
import { describe, expect, it } from 'vitest';
import { parseReport, labReport } from '../../e2e/driver/report-json.ts';
import type { Failover } from '../../e2e/driver/scenarios.ts';
import { failedFiles, soakSummary, stats } from '../../e2e/driver/soak.ts';

describe('stats', () => {
  it('min, median (mean of the middle two for an even count), max, to 0.1 s', () => {
    expect(stats([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3 });
    expect(stats([40.04, 30.01, 35.55, 31.2])).toEqual({ min: 30, median: 33.4, max: 40 });
    expect(stats([7])).toEqual({ min: 7, median: 7, max: 7 });
    expect(stats([])).toBeUndefined();
  });
});

it('failedFiles: one name per missing or changed file, nothing for a clean check', () => {
  const out = 'f00012: FAILED\nsha256sum: f00013: No such file or directory\nf00013: FAILED open or read\nsha256sum: WARNING: 1 listed file could not be read\nsha256sum: WARNING: 1 computed checksum did NOT match\n';
  expect(failedFiles(out)).toEqual(['f00012', 'f00013']);
  expect(failedFiles('')).toEqual([]);
});

const T = 1_000_000;
function failover(i: number, lockV3: number | undefined, gapV4: number, started = true): Failover {
  const t0 = T + i * 600_000;
  return {
    scenario: `soak ${i}`, from: i % 2 ? 'node1' : 'node2', to: i % 2 ? 'node2' : 'node1', t0, t0Label: 'the kill',
    starts: [], stops: [], ...(started ? { groupStarted: t0 + 30_000 } : {}),
    lock: { ...(lockV3 !== undefined ? { v3: t0 + lockV3 } : {}), v4: t0 + 50_000 },
    lastWriteBefore: { v4: t0 - 1000 }, firstWriteAfter: { v4: t0 - 1000 + gapV4 }, writes: {},
  };
}

it('soakSummary: failovers whose group started; per protocol, only the failovers that measured it', () => {
  const s = soakSummary([failover(1, 33_000, 45_000), failover(2, undefined, 41_000), failover(3, 39_000, 60_000, false)], 1234, 0);
  expect(s).toEqual({
    failovers: 2, acknowledgedWrites: 1234, lostWrites: 0,
    lockReclaimS: { v3: { min: 33, median: 36, max: 39 }, v4: { min: 50, median: 50, max: 50 } },
    writeGapS: { v4: { min: 41, median: 45, max: 60 } },
  });
  // and report.json carries it as such
  const r = parseReport(JSON.stringify(labReport({ started: T, buildMs: 0, steps: [], checks: [], results: [], pass: true, summary: 'x', soak: s })));
  expect(r.soak).toEqual(s);
});
