// nfsha.8 and the tools' --help come from one text (lib/tools/help.ts) and the rule table.
import { describe, expect, it } from 'vitest';
import { AGENTS } from '../../../agents/index.ts';
import { frontEndManPage } from '../../../lib/tools/manpage.ts';
import { toolUsage } from '../../../lib/tools/help.ts';
import { RULES } from '../../../lib/tools/check/rules.ts';
import { TOOL_NAMES } from '../../../lib/tools/names.ts';

describe('nfsha.8', () => {
  const page = frontEndManPage(AGENTS, { version: '9.9.9', date: '0' });
  it('is a section 8 page dated from SOURCE_DATE_EPOCH', () => {
    expect(page.split('\n')[0]).toBe('.TH NFSHA 8 "1970-01-01" "nfsha-agents 9.9.9" "System Administration"');
  });
  it('has a section per tool and lists every rule id of check with its severity', () => {
    for (const t of TOOL_NAMES) expect(page).toContain(`.SH ${t.name.toUpperCase()}\n`);
    for (const r of RULES) expect(page).toContain(`.TP\n\\fB${r.id.replace(/-/g, '\\-')}\\fR (${r.severity})\n`);
  });
  it('every tool has a usage text with its synopsis and exit codes', () => {
    for (const t of TOOL_NAMES) {
      const u = toolUsage(t.name);
      expect(u).toMatch(new RegExp(`^Usage:\\n {2}nfsha ${t.name}`));
      expect(u).toContain('Exit status:\n  0  ');
    }
  });
});
