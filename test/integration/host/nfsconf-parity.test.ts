// Our nfs.conf reader against nfs-utils' own (`nfsconf --file F --get SECTION KEY`), on the
// quirks that matter: drop-ins, includes, quotes, comments, case, continued lines, repeats.
// No root needed: everything lives in a scratch directory.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nfsConfGet, readNfsConf } from '../../../lib/host/nfsconf.ts';
import { NodeSystem } from '../../../lib/system/node.ts';
import { scratch } from '../../lib/sandbox.ts';

const haveNfsconf = spawnSync('nfsconf', ['--help'], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } }).error === undefined;

const CASES: Record<string, { main: string; dropins?: Record<string, string>; extra?: Record<string, string> }> = {
  plain: { main: '[statd]\nstate-directory-path=/srv/statd\n' },
  commented: { main: '[statd]\n# state-directory-path=/var/lib/nfs/statd\n' },
  trailingComment: { main: '[statd]\nstate-directory-path = /srv/a   # note\n' },
  semicolon: { main: '[statd]\nstate-directory-path = /srv/b;x\n' },
  quoted: { main: '[statd]\nstate-directory-path = "/srv/c#d" trailing\n' },
  singleQuoted: { main: "[statd]\nstate-directory-path = '/srv/e f'\n" },
  unmatchedQuote: { main: '[statd]\nstate-directory-path = "/srv/g\n' },
  upperCase: { main: '  [STATD]  # section\n  State-Directory-Path=/srv/h\n' },
  repeated: { main: '[statd]\nstate-directory-path=/one\nstate-directory-path=/two\n' },
  continued: { main: '[statd]\nstate-directory-path=/srv/i\\\nj\n' },
  noEquals: { main: '[statd]\nstate-directory-path\n' },
  dropins: { main: '[statd]\nstate-directory-path=/main\n', dropins: { '9-a.conf': '[statd]\nstate-directory-path=/nine\n', '10-b.conf': '[statd]\nstate-directory-path=/ten\n', 'z.conf.off': '[statd]\nstate-directory-path=/off\n' } },
  include: { main: '[statd]\ninclude = inc.conf\n', extra: { 'inc.conf': 'state-directory-path=/included\n[mountd]\nport=1\n' } },
  includeThenOverride: { main: '[statd]\ninclude=-inc.conf\nstate-directory-path=/after\n', extra: { 'inc.conf': 'state-directory-path=/included\n' } },
  otherSection: { main: '[sm-notify]\nstate-directory-path=/wrong\n' },
  emptyLater: { main: '[statd]\nstate-directory-path=/main\n', dropins: { 'z.conf': '[statd]\nstate-directory-path=\n' } },
  emptyOnly: { main: '[statd]\nstate-directory-path=\n' },
};

describe.skipIf(!haveNfsconf)('nfs.conf reading matches nfs-utils (nfsconf --get)', () => {
  const s = scratch('nfsha-nfsconf-');
  afterAll(() => { s.cleanup(); });
  const sys = new NodeSystem({ env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });

  for (const [name, c] of Object.entries(CASES)) {
    it(name, async () => {
      const dir = join(s.dir, name);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'nfs.conf');
      writeFileSync(file, c.main);
      if (c.dropins) {
        mkdirSync(`${file}.d`);
        for (const [n, t] of Object.entries(c.dropins)) writeFileSync(join(`${file}.d`, n), t);
      }
      for (const [n, t] of Object.entries(c.extra ?? {})) writeFileSync(join(dir, n), t);
      const r = spawnSync('nfsconf', ['--file', file, '--get', 'statd', 'state-directory-path'], { encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
      const theirs = r.status === 0 ? r.stdout.replace(/\n$/, '') : undefined;
      const ours = nfsConfGet(await readNfsConf(sys, file), 'statd', 'state-directory-path');
      expect(ours).toBe(theirs);
    });
  }
});
