// Where rpc.statd and sm-notify keep their state (`sm/`, `sm.bak/`, `state`): the one rule
// nfsserver and nfsnotify share. Upstream nfsnotify hard-codes /var/lib/nfs/statd, which does not
// exist on Debian, so sm-notify notifies nobody and the agent still succeeds. The rule, first
// match wins:
//   1. the running statd's own `-P dir` / `--state-directory-path dir` (when the caller has it);
//   2. nfs.conf `[statd] state-directory-path` (sm-notify and statd read the same key);
//   3. the layout: /var/lib/nfs/statd when it has `sm/` (Red Hat, SUSE), else /var/lib/nfs (Debian).

import { nfsConfGet, readNfsConf, type NfsConf } from './nfsconf.ts';
import type { System } from '../system/types.ts';
import { stripTrailingSlashes } from './paths.ts';

export const NFS_STATE_ROOT = '/var/lib/nfs';
export const STATD_SUBDIR = `${NFS_STATE_ROOT}/statd`;

export type StatdDirSource = 'statd command line' | 'nfs.conf' | 'layout';

export interface StatdDir {
  readonly dir: string;
  readonly source: StatdDirSource;
}

function clean(dir: string): string {
  return stripTrailingSlashes(dir.trim()) || '/';
}

// rpc.statd's options (utils/statd/statd.c): short ones that take an argument, and the long
// names with whether they take one. getopt_long also accepts an unambiguous prefix of a long name.
const STATD_SHORT_WITH_ARG = new Set(['H', 'n', 'p', 'o', 'P', 'T', 'U']);
const STATD_LONG: readonly (readonly [string, boolean])[] = [
  ['foreground', false], ['no-syslog', false], ['help', false], ['version', false],
  ['outgoing-port', true], ['port', true], ['name', true], ['state-directory-path', true],
  ['notify-mode', false], ['ha-callout', true], ['no-notify', false], ['nlm-port', true], ['nlm-udp-port', true],
];

function longOption(name: string): readonly [string, boolean] | undefined {
  const exact = STATD_LONG.find(([n]) => n === name);
  if (exact) return exact;
  const prefixed = STATD_LONG.filter(([n]) => n.startsWith(name));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

// The state directory given on a statd command line (argv[0] first), if any, read the way
// getopt_long reads it: -P dir, -Pdir, -FP dir, --state-directory-path[=]dir, --state=dir.
// The last one wins.
export function statdDirFromArgv(argv: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') break;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const opt = longOption(eq < 0 ? a.slice(2) : a.slice(2, eq));
      if (opt === undefined || !opt[1]) continue;
      const value = eq < 0 ? argv[++i] : a.slice(eq + 1);
      if (opt[0] === 'state-directory-path' && value !== undefined) found = value;
    } else if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a.charAt(j);
        if (!STATD_SHORT_WITH_ARG.has(c)) continue;
        const value = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
        if (c === 'P' && value !== undefined) found = value;
        break;
      }
    }
  }
  return found === undefined || found === '' ? undefined : clean(found);
}

// `[statd] state-directory-path` from a merged nfs.conf, if set and not empty.
export function statdDirFromConf(conf: NfsConf): string | undefined {
  const v = nfsConfGet(conf, 'statd', 'state-directory-path');
  return v === undefined || v.trim() === '' ? undefined : clean(v);
}

// The rule over already-gathered facts (pure).
export function chooseStatdDir(facts: { readonly argvDir?: string | undefined; readonly confDir?: string | undefined; readonly subdirHasSm: boolean }): StatdDir {
  if (facts.argvDir !== undefined) return { dir: facts.argvDir, source: 'statd command line' };
  if (facts.confDir !== undefined) return { dir: facts.confDir, source: 'nfs.conf' };
  return { dir: facts.subdirHasSm ? STATD_SUBDIR : NFS_STATE_ROOT, source: 'layout' };
}

// Detects the statd directory on this machine. `statdArgv` is the running statd's command line
// when the caller knows it; `conf` a merged nfs.conf already read (else /etc/nfs.conf is read).
export async function detectStatdDir(sys: System, opts: { statdArgv?: readonly string[]; conf?: NfsConf } = {}): Promise<StatdDir> {
  const argvDir = opts.statdArgv === undefined ? undefined : statdDirFromArgv(opts.statdArgv);
  if (argvDir !== undefined) return chooseStatdDir({ argvDir, subdirHasSm: false });
  const confDir = statdDirFromConf(opts.conf ?? (await readNfsConf(sys)));
  if (confDir !== undefined) return chooseStatdDir({ confDir, subdirHasSm: false });
  const sm = await sys.stat(`${STATD_SUBDIR}/sm`);
  return chooseStatdDir({ subdirHasSm: sm?.isDirectory === true });
}
