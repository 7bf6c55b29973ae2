// nfsha check's rules on real CIBs made with pcs -f (test/fixtures/cib/make.sh): every rule
// broken, and almost broken; groups, pairwise constraints, resource sets, both providers, the
// LINBIT and SUSE layouts, two stacks, and the seed's own example.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCib } from '../../../lib/tools/cib/parse.ts';
import { checkCib } from '../../../lib/tools/check/index.ts';
import { RULES } from '../../../lib/tools/check/rules.ts';
import type { Finding } from '../../../lib/tools/check/findings.ts';

const DIR = new URL('../../fixtures/cib/', import.meta.url);

function check(name: string): { findings: readonly Finding[]; stacks: number } {
  const cib = parseCib(readFileSync(new URL(`${name}.xml`, DIR), 'utf8'), name);
  const r = checkCib(cib);
  return { findings: r.findings, stacks: r.discovery.stacks.length };
}

const rules = (fs: readonly Finding[], severity: string): string[] => [...new Set(fs.filter((f) => f.severity === severity).map((f) => f.rule))].sort();

// fixture → the error rules it must report (exactly), and warnings it must (+) or must not (-) report.
const CASES: Record<string, { errors: string[]; warn?: string[]; noWarn?: string[]; info?: string[]; stacks?: number }> = {
  'good-group-heartbeat': { errors: [], warn: [], stacks: 1 },
  'good-group-nfsha': { errors: [], warn: [], stacks: 1 },
  'good-pairwise': { errors: [], warn: [] },
  'good-sets': { errors: [], warn: [] },
  'good-linbit': { errors: [], warn: ['missing-notify'] },
  'good-suse': { errors: [], warn: [] },
  'two-stacks-apart': { errors: [], warn: [], stacks: 2 },
  'two-stacks-together': { errors: ['fsid-unique', 'one-server-per-node'], stacks: 2 },
  'systemd-clone': { errors: [], info: ['not-checked'], stacks: 0 },
  'seed-literal': { errors: ['fsid-unique', 'no-notify'], warn: ['fencing', 'server-scope'] },

  'order-fs-after-server': { errors: ['infodir-on-stack-fs', 'order-fs-before-server'] },
  'order-fs-asymmetric': { errors: ['order-fs-before-server'] },
  'almost-order-fs-unrelated': { errors: [] },
  'order-export-before-server': { errors: ['order-server-before-exports'] },
  'order-optional': { errors: ['order-server-before-exports'] },
  'almost-order-export-moved': { errors: [] },
  'order-ip-before-export': { errors: ['order-exports-before-ip'] },
  'order-linbit-unblock-early': { errors: ['order-exports-before-ip'] },
  'order-notify-before-ip': { errors: ['order-ip-before-notify'] },
  'colocation-missing': { errors: ['colocation'] },
  'colocation-finite': { errors: ['colocation'] },
  'no-notify': { errors: ['no-notify'] },
  'almost-no-notify-yes': { errors: [] },
  'notify-source-other': { errors: ['notify-source'] },
  'notify-source-empty': { errors: ['notify-source'] },
  'almost-notify-source-name': { errors: [] },
  'infodir-prefix': { errors: ['infodir-on-stack-fs'] },
  'infodir-unset': { errors: ['infodir-on-stack-fs'] },
  'infodir-untied': { errors: ['infodir-on-stack-fs'] },
  'almost-infodir-subdir': { errors: [] },
  'export-local-dir': { errors: ['export-on-stack-fs'] },
  'fsid-missing-root': { errors: ['fsid-missing'] },
  'almost-fsid-missing-block': { errors: [], warn: ['fsid-missing'] },
  'fsid-duplicate-uuid': { errors: ['fsid-unique'] },
  'fsid-in-options': { errors: ['fsid-unique'] },
  'almost-fsid-same-dir': { errors: [] },
  'clone-infodir': { errors: ['clone-infodir'] },
  'fencing-disabled': { errors: [], warn: ['fencing'] },
  'fencing-none': { errors: [], warn: ['fencing'] },
  'server-scope': { errors: [], warn: ['server-scope'] },
  'missing-notify': { errors: [], warn: ['missing-notify'] },
  'missing-ip': { errors: ['notify-source'], warn: ['missing-ip'] },
  'empty': { errors: [], warn: [], info: ['no-stack'], stacks: 0 },
  'op-timeout-short': { errors: [], warn: ['op-timeout'] },
  'no-monitor': { errors: [], warn: ['no-monitor'] },
  'leasetime-on-stop': { errors: [], warn: ['outdated-parameter'] },
  'almost-leasetime-off': { errors: [], noWarn: ['outdated-parameter'] },
  'nfsha-order-ip-before-export': { errors: ['order-exports-before-ip'], warn: [] },
  'nfsha-no-notify': { errors: ['no-notify'], warn: [] },
};

describe('nfsha check on pcs-made CIBs', () => {
  for (const [name, want] of Object.entries(CASES)) {
    it(name, () => {
      const { findings, stacks } = check(name);
      expect(rules(findings, 'error'), name).toEqual(want.errors);
      if (want.warn !== undefined) {
        if (want.warn.length === 0) expect(rules(findings, 'warning')).toEqual([]);
        else for (const w of want.warn) expect(rules(findings, 'warning')).toContain(w);
      }
      for (const w of want.noWarn ?? []) expect(rules(findings, 'warning')).not.toContain(w);
      if (want.info !== undefined) expect(rules(findings, 'info')).toEqual(want.info);
      if (want.stacks !== undefined) expect(stacks).toBe(want.stacks);
    });
  }

  it('every rule is broken by at least one fixture', () => {
    const seen = new Set(Object.keys(CASES).flatMap((n) => check(n).findings.map((f) => f.rule)));
    expect(RULES.map((r) => r.id).filter((id) => !seen.has(id))).toEqual([]);
  });
});
