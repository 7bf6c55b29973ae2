import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { confDirOrder, expandIncludes, includeTarget, nfsConfGet, parseNfsConf, readNfsConf, resolveInclude } from '../../../lib/host/nfsconf.ts';
import { NodeSystem } from '../../../lib/system/node.ts';
import { ScriptedSystem } from '../../../lib/system/scripted.ts';

const FIX = join(import.meta.dirname, '../../fixtures/nfs.conf');
const fixture = (name: string): string => readFileSync(join(FIX, name), 'utf8');

const one = (text: string) => parseNfsConf([{ path: '/etc/nfs.conf', text }]);

describe('parseNfsConf', () => {
  it("reads Debian 12's shipped nfs.conf: only uncommented keys exist", () => {
    const conf = one(fixture('debian-12.conf'));
    expect(nfsConfGet(conf, 'general', 'pipefs-directory')).toBe('/run/rpc_pipefs');
    expect(nfsConfGet(conf, 'mountd', 'manage-gids')).toBe('y');
    expect(nfsConfGet(conf, 'statd', 'state-directory-path')).toBeUndefined();
    expect(conf.has('statd')).toBe(true);
  });

  it('matches section and key names case-insensitively and strips trailing comments', () => {
    const conf = one(fixture('redhat-statd.conf'));
    expect(nfsConfGet(conf, 'STATD', 'state-directory-path')).toBe('/var/lib/nfs/statd');
    expect(nfsConfGet(conf, 'sm-notify', 'retry-time')).toBe('5');
    expect(nfsConfGet(conf, 'sm-notify', 'lift-grace')).toBe('n');
    expect(nfsConfGet(conf, 'statd', 'ha-callout')).toBe('/usr/libexec/ha-callout');
  });

  it('takes a quoted value up to its closing quote, comment characters included', () => {
    const conf = one('[statd]\nstate-directory-path = "/srv/a;b#c" trailing\nname=\'x y\'\n');
    expect(nfsConfGet(conf, 'statd', 'state-directory-path')).toBe('/srv/a;b#c');
    expect(nfsConfGet(conf, 'statd', 'name')).toBe('x y');
  });

  it('drops lines with unmatched quotes, lines without "=" and keys outside sections', () => {
    const conf = one('orphan=1\n[statd]\nname="open\nstate-directory-path\nport=662\n');
    expect(nfsConfGet(conf, 'statd', 'name')).toBeUndefined();
    expect(nfsConfGet(conf, 'statd', 'state-directory-path')).toBeUndefined();
    expect(nfsConfGet(conf, 'statd', 'port')).toBe('662');
    expect([...conf.keys()]).toEqual(['statd']);
  });

  it('keeps values ini would turn into booleans or arrays as text', () => {
    const conf = one('[nfsd]\nvers3=true\nudp = false\nrdma=null\nhosts[]=a\n');
    expect(nfsConfGet(conf, 'nfsd', 'vers3')).toBe('true');
    expect(nfsConfGet(conf, 'nfsd', 'udp')).toBe('false');
    expect(nfsConfGet(conf, 'nfsd', 'rdma')).toBe('null');
    expect(nfsConfGet(conf, 'nfsd', 'hosts[]')).toBe('a');
  });

  it('reads indented headers, text after "]", continued lines and CRLF', () => {
    const conf = one('  [Statd]   # the statd section\r\nname = a\\\nb\r\n');
    expect(nfsConfGet(conf, 'statd', 'name')).toBe('a  b');
  });

  it('lets a later file win and merges sections across files', () => {
    const conf = parseNfsConf([
      { path: '/etc/nfs.conf', text: '[statd]\nstate-directory-path=/a\nport=1\n' },
      { path: '/etc/nfs.conf.d/50-ha.conf', text: '[statd]\nstate-directory-path=/b\n' },
    ]);
    expect(nfsConfGet(conf, 'statd', 'state-directory-path')).toBe('/b');
    expect(nfsConfGet(conf, 'statd', 'port')).toBe('1');
  });

  it('keeps "[statd \\"sub\\"]" apart from [statd]', () => {
    const conf = one('[statd "x"]\nstate-directory-path=/x\n');
    expect(nfsConfGet(conf, 'statd', 'state-directory-path')).toBeUndefined();
  });
});

describe('include handling', () => {
  it('recognises include lines, optional ones and quotes', () => {
    expect(includeTarget('include = /etc/nfs-ha.conf')).toEqual({ path: '/etc/nfs-ha.conf', optional: false });
    expect(includeTarget('  Include=-ha.conf # maybe')).toEqual({ path: 'ha.conf', optional: true });
    expect(includeTarget('include = "a b.conf"')).toEqual({ path: 'a b.conf', optional: false });
    expect(includeTarget('# include = x')).toBeUndefined();
    expect(includeTarget('included = x')).toBeUndefined();
  });

  it('resolves relative includes against the including file', () => {
    expect(resolveInclude('/etc/nfs.conf', 'ha.conf')).toBe('/etc/ha.conf');
    expect(resolveInclude('/etc/nfs.conf.d/a.conf', '/abs.conf')).toBe('/abs.conf');
  });

  it('expands in place: the included file inherits the section, and cannot change the includer\'s', async () => {
    const files: Record<string, string> = { '/etc/inc.conf': 'state-directory-path=/from-include\n[mountd]\nport=2\n' };
    const lines = await expandIncludes('/etc/nfs.conf', '[statd]\ninclude = inc.conf\nport=1\n', async (p) => files[p] ?? null);
    const conf = one(lines.join('\n'));
    expect(nfsConfGet(conf, 'statd', 'state-directory-path')).toBe('/from-include');
    expect(nfsConfGet(conf, 'statd', 'port')).toBe('1');
    expect(nfsConfGet(conf, 'mountd', 'port')).toBe('2');
  });

  it('gives a file without include lines as its lines, continued ones joined, reading nothing', async () => {
    const read = async (p: string): Promise<string | null> => { throw new Error(`read ${p}`); };
    expect(await expandIncludes('/etc/nfs.conf', '[statd]\nport=\\\n 1\r\n# included = no\n', read)).toEqual(['[statd]', 'port=   1', '# included = no', '']);
  });

  it('follows an include written in capitals', async () => {
    const lines = await expandIncludes('/etc/nfs.conf', '[statd]\nINCLUDE = /etc/inc.conf\n', async (p) => (p === '/etc/inc.conf' ? 'port=9\n' : null));
    expect(nfsConfGet(one(lines.join('\n')), 'statd', 'port')).toBe('9');
  });

  it('skips missing includes and stops include loops', async () => {
    const files: Record<string, string> = { '/etc/loop.conf': '[statd]\nname=n\ninclude=/etc/loop.conf\n' };
    const lines = await expandIncludes('/etc/nfs.conf', 'include=/etc/missing.conf\ninclude=/etc/loop.conf\n', async (p) => files[p] ?? null);
    expect(nfsConfGet(one(lines.join('\n')), 'statd', 'name')).toBe('n');
    expect(lines.length).toBeLessThan(100);
  });
});

describe('conf.d order', () => {
  it('loads *.conf only, no dot files, in version order', () => {
    expect(confDirOrder(['10-b.conf', '9-a.conf', '.hidden.conf', 'x.conf.bak', '.conf', 'README', '100-z.conf'])).toEqual(['9-a.conf', '10-b.conf', '100-z.conf']);
  });
});

describe('readNfsConf', () => {
  it('reads /usr/etc, /etc and their .d directories in nfs-utils order', async () => {
    const sys = new ScriptedSystem()
      .file('/usr/etc/nfs.conf', '[statd]\nstate-directory-path=/usr-etc\nport=7\n')
      .file('/etc/nfs.conf', '[statd]\nstate-directory-path=/etc-main\n')
      .file('/etc/nfs.conf.d', '', 'dir')
      .file('/etc/nfs.conf.d/20-ha.conf', '[statd]\nstate-directory-path=/etc-d-20\n')
      .file('/etc/nfs.conf.d/3-early.conf', '[statd]\nstate-directory-path=/etc-d-3\n')
      .file('/etc/nfs.conf.d/99-off.conf.disabled', '[statd]\nstate-directory-path=/nope\n');
    const conf = await readNfsConf(sys);
    expect(nfsConfGet(conf, 'statd', 'state-directory-path')).toBe('/etc-d-20');
    expect(nfsConfGet(conf, 'statd', 'port')).toBe('7');
  });

  it('reads the main file when a file, not a directory, has the name of its .d directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nfsha-nfsconf-'));
    try {
      writeFileSync(join(dir, 'nfs.conf'), '[mountd]\nstate-directory-path=/srv/state\n');
      writeFileSync(join(dir, 'nfs.conf.d'), '[mountd]\nstate-directory-path=/nope\n');
      const conf = await readNfsConf(new NodeSystem({ env: { PATH: '/usr/bin:/bin' } }), join(dir, 'nfs.conf'));
      expect(nfsConfGet(conf, 'mountd', 'state-directory-path')).toBe('/srv/state');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives an empty configuration when no file exists', async () => {
    expect((await readNfsConf(new ScriptedSystem())).size).toBe(0);
  });
});

describe('repeated keys', () => {
  it('keeps the last value of a key repeated in one file', () => {
    const conf = one('[statd]\nport=1\nport=2\nport=3\n');
    expect(nfsConfGet(conf, 'statd', 'port')).toBe('3');
  });

  it('keeps the earlier value when the key is repeated empty in the same file (conf_set ignores it)', () => {
    const conf = one('[statd]\nport=1\nport=\nport=""\n');
    expect(nfsConfGet(conf, 'statd', 'port')).toBe('1');
  });
});
