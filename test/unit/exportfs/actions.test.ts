import { describe, expect, it } from 'vitest';
import { runAgent } from '../../../lib/ocf/run.ts';
import { exportfs } from '../../../agents/exportfs.ts';
import { OCF } from '../../../lib/ocf/codes.ts';
import { ScriptedSystem, type ExpectedCall } from '../../../lib/system/scripted.ts';
import { CACHE_FLUSH_TRIES } from '../../../lib/exportfs/actions.ts';

const ETAB = '/var/lib/nfs/etab';
const RMTAB = '/var/lib/nfs/rmtab';
const STATE = '/run/resource-agents/exp1';
const UNLOCK = '/proc/fs/nfsd/unlock_filesystem';
const CACHE = '/proc/net/rpc/nfsd.export/content';
const OPTS = '(rw,sync,wdelay,hide,no_subtree_check,fsid=1,sec=sys,rw,no_root_squash,no_all_squash)';

function machine(): ScriptedSystem {
  const sys = new ScriptedSystem();
  sys.programs.add('exportfs');
  sys.file('/usr/lib/ocf', '', 'dir');
  sys.file('/run/resource-agents', '', 'dir');
  sys.file('/etc/nfs.conf', '[mountd]\nmanage-gids=y\n');
  sys.file(ETAB, '');
  sys.file(RMTAB, '');
  sys.file('/srv/a', '', 'dir');
  sys.file('/srv/b', '', 'dir');
  return sys;
}

interface Act { code: number; log: string }

async function act(sys: ScriptedSystem, action: string, params: Record<string, string>, env: Record<string, string> = {}): Promise<Act> {
  const full: Record<string, string> = { OCF_ROOT: '/usr/lib/ocf', OCF_RESOURCE_INSTANCE: 'exp1', HA_LOGFACILITY: 'none', ...env };
  for (const [k, v] of Object.entries(params)) full[`OCF_RESKEY_${k}`] = v;
  const before = sys.stderr.length;
  const code = await runAgent({ agent: exportfs, args: [action], env: full, sys, invokedAs: '/usr/lib/ocf/resource.d/nfsha/exportfs' });
  return { code, log: sys.stderr.slice(before) };
}

const addLine = (line: string) => (s: ScriptedSystem) => { s.appendFileSync(ETAB, `${line}\n`); };
const dropLine = (path: string, client: string) => (s: ScriptedSystem) => {
  const f = s.files.get(ETAB);
  if (f) f.data = f.data.split('\n').filter((l) => !l.startsWith(`${path}\t${client}(`)).join('\n');
};
const exporting = (client: string, path: string, listed = client, opts = OPTS): Partial<ExpectedCall> => ({
  stdout: `exporting ${listed}:${path}\n`, stderr: 'exportfs: No file systems exported!\n', effect: addLine(`${path}\t${listed}${opts}`),
});
const unexporting = (client: string, path: string, listed = client): Partial<ExpectedCall> => ({
  stdout: `unexporting ${listed}:${path}\n`, effect: dropLine(path, listed),
});
const UNEXPORT_A: ExpectedCall = { argv: ['exportfs', '-v', '-u', '127.0.0.1:/srv/a'], ...unexporting('127.0.0.1', '/srv/a') };
const P = { clientspec: '127.0.0.1', directory: '/srv/a', fsid: '1', options: 'rw,no_root_squash' };
const RECURRING = { OCF_RESKEY_CRM_meta_interval: '10000' };

describe('exportfs start', () => {
  it('exports with exportfs -v -o, creates the state file first, records the listed client and verifies', async () => {
    const sys = machine();
    sys.expect({ argv: ['exportfs', '-v', '-o', 'rw,no_root_squash,fsid=1', '127.0.0.1:/srv/a'], ...exporting('127.0.0.1', '/srv/a'), check: () => { expect(sys.files.has(STATE)).toBe(true); } });
    const r = await act(sys, 'start', P);
    expect(r.code).toBe(OCF.SUCCESS);
    sys.done();
    expect(sys.files.get(STATE)?.data).toBe('/srv/a\t127.0.0.1\n');
    expect(r.log).toContain('directory /srv/a exported');
    expect(r.log).toContain('WARNING: rmtab backup /srv/a/.rmtab not found or not readable.');
    expect((await act(sys, 'monitor', P, RECURRING)).code).toBe(OCF.SUCCESS);
  });

  it('exports several directories with incremented fsids and creates missing ones', async () => {
    const sys = machine();
    sys.expect(
      { argv: ['exportfs', '-v', '-o', 'fsid=7', '*:/srv/a'], ...exporting('*', '/srv/a') },
      { argv: ['exportfs', '-v', '-o', 'fsid=8', '*:/srv/new'], ...exporting('*', '/srv/new') },
    );
    const r = await act(sys, 'start', { clientspec: '*', directory: '/srv/a/ /srv/new//', fsid: '7' });
    expect(r.code).toBe(OCF.SUCCESS);
    sys.done();
    expect(sys.files.get('/srv/new')?.kind).toBe('dir');
  });

  it('really exports when there are neither options nor fsid', async () => {
    const sys = machine();
    sys.expect({ argv: ['exportfs', '-v', '*:/srv/a'], ...exporting('*', '/srv/a') });
    expect((await act(sys, 'start', { clientspec: '*', directory: '/srv/a' })).code).toBe(OCF.SUCCESS);
    sys.done();
  });

  it('fails with the reason exportfs gave when the client cannot be resolved (exportfs exits 0, exports nothing)', async () => {
    const sys = machine();
    sys.expect(
      { argv: ['exportfs', '-v', '-o', 'rw', 'no-such-host.invalid:/srv/a'], stderr: 'exportfs: No file systems exported!\nexportfs: Failed to resolve no-such-host.invalid\n' },
      { argv: ['exportfs'], stdout: '' },
    );
    const r = await act(sys, 'start', { clientspec: 'no-such-host.invalid', directory: '/srv/a', options: 'rw' });
    expect(r.code).toBe(OCF.ERR_GENERIC);
    expect(r.log).toContain('ocf-exit-reason:Failed to resolve no-such-host.invalid: no-such-host.invalid:/srv/a is not in the export table after exportfs');
    sys.done();
  });

  it('tells a state directory it cannot see from a failed export', async () => {
    const sys = machine();
    sys.file('/etc/nfs.conf.d/zz.conf', '[exportd]\nstate-directory-path=/elsewhere\n');
    sys.expect(
      { argv: ['exportfs', '-v', '*:/srv/a'], stdout: 'exporting *:/srv/a\n' },
      { argv: ['exportfs'], stdout: '/srv/a        \t<world>\n' },
    );
    const r = await act(sys, 'start', { clientspec: '*', directory: '/srv/a' });
    expect(r.code).toBe(OCF.ERR_GENERIC);
    expect(r.log).toContain('exportfs lists /srv/a but /elsewhere/etab does not');
  });

  it('reads etab from the state directory nfs.conf names', async () => {
    const sys = machine();
    sys.file('/etc/nfs.conf.d/zz.conf', '[mountd]\nstate-directory-path=/st\n');
    sys.file('/st/etab', '/srv/a\t*(rw)\n');
    sys.file(STATE, '');
    expect((await act(sys, 'monitor', { clientspec: '*', directory: '/srv/a' })).code).toBe(OCF.SUCCESS);
  });

  it('returns 1 at once with the full command when exportfs fails, leaving the state file for stop', async () => {
    const sys = machine();
    sys.expect(
      { argv: ['exportfs', '-v', '-o', 'fsid=1', 'h:/srv/a'], ...exporting('h', '/srv/a') },
      { argv: ['exportfs', '-v', '-o', 'fsid=2', 'h:/srv/b'], exitCode: 1, stderr: 'exportfs: Failed to stat /srv/b: Permission denied\n' },
    );
    const r = await act(sys, 'start', { clientspec: 'h', directory: '/srv/a /srv/b', fsid: '1' });
    expect(r.code).toBe(OCF.ERR_GENERIC);
    expect(r.log).toContain('ocf-exit-reason:exportfs failed - exportfs -v -o fsid=2 h:/srv/b');
    expect(sys.files.get(STATE)?.data).toBe('/srv/a\th\n');
    sys.done();
  });

  it('is idempotent: already exported with the state file → no exportfs call', async () => {
    const sys = machine();
    sys.file(ETAB, `/srv/a\t127.0.0.1${OPTS}\n`);
    sys.file(STATE, '');
    expect((await act(sys, 'start', P)).code).toBe(OCF.SUCCESS);
    sys.done();
  });

  it('returns 5 when a directory cannot be created (a file is in the way)', async () => {
    const sys = machine();
    sys.file('/srv/file', 'x');
    const r = await act(sys, 'start', { ...P, directory: '/srv/file' });
    expect(r.code).toBe(OCF.ERR_INSTALLED);
    expect(r.log).toContain('Unable to create directory /srv/file');
  });

  it('restores the rmtab backup into rmtab, sorted and unique, mode 0644', async () => {
    const sys = machine();
    sys.file('/srv/a/.rmtab', 'h2:/srv/a:0x00000001\nh1:/srv/a:0x00000001\n');
    sys.file(RMTAB, 'h1:/srv/a:0x00000001\nz:/other:0x00000001\n', 'file', { mode: 0o600 });
    sys.expect({ argv: ['exportfs', '-v', '-o', 'rw,no_root_squash,fsid=1', '127.0.0.1:/srv/a'], ...exporting('127.0.0.1', '/srv/a') });
    expect((await act(sys, 'start', P)).code).toBe(OCF.SUCCESS);
    expect(sys.files.get(RMTAB)?.data).toBe('h1:/srv/a:0x00000001\nh2:/srv/a:0x00000001\nz:/other:0x00000001\n');
    expect(sys.files.get(RMTAB)?.mode).toBe(0o644);
    // Replaced durably on the shared /var/lib/nfs: the data fsynced, then the directory.
    expect(sys.flushedWrites).toEqual([expect.stringMatching(/^\/var\/lib\/nfs\/rmtab\.nfsha-\d+$/)]);
    expect(sys.syncedDirs).toEqual(['/var/lib/nfs']);
  });

  it('warns about another export with the same fsid (the seed gives export-root and export1 fsid=1)', async () => {
    const sys = machine();
    sys.file(ETAB, `/srv/b\t127.0.0.1${OPTS}\n`);
    const r = await act(sys, 'validate-all', P);
    expect(r.code).toBe(OCF.SUCCESS);
    expect(r.log).toContain('WARNING: fsid 1 of /srv/a is also used by /srv/b in the export table');
    const clean = await act(machine(), 'validate-all', P);
    expect(clean.log).not.toContain('WARNING');
  });
});

describe('exportfs monitor', () => {
  it('is 7 without the state file even when etab lists the export (stale etab after a reboot)', async () => {
    const sys = machine();
    sys.file(ETAB, `/srv/a\t127.0.0.1${OPTS}\n`);
    expect((await act(sys, 'monitor', P)).code).toBe(OCF.NOT_RUNNING);
  });

  it('matches a short clientspec against the FQDN exportfs stored, and a CNAME through the record', async () => {
    const sys = machine();
    sys.file(STATE, '');
    sys.file(ETAB, `/srv/a\tnfsclient.example.test${OPTS}\n`);
    expect((await act(sys, 'monitor', { ...P, clientspec: 'nfsclient' })).code).toBe(OCF.SUCCESS);
    sys.file(ETAB, `/srv/a\thost42.example.test${OPTS}\n`);
    expect((await act(sys, 'monitor', { ...P, clientspec: 'nfs-clients' }, RECURRING)).code).toBe(OCF.NOT_RUNNING);
    sys.file(STATE, '/srv/a\thost42.example.test\n');
    expect((await act(sys, 'monitor', { ...P, clientspec: 'nfs-clients' }, RECURRING)).code).toBe(OCF.SUCCESS);
  });

  it('reports a partial multi-directory export as stopped, at err level in a recurring monitor and info in a probe', async () => {
    const sys = machine();
    sys.file(STATE, '');
    sys.file(ETAB, `/srv/a\t*${OPTS}\n`);
    const rec = await act(sys, 'monitor', { clientspec: '*', directory: '/srv/a /srv/b' }, RECURRING);
    expect(rec.code).toBe(OCF.NOT_RUNNING);
    expect(rec.log).toContain('ERROR: /srv/b not exported to * (stopped).');
    const probe = await act(sys, 'monitor', { clientspec: '*', directory: '/srv/a /srv/b' });
    expect(probe.code).toBe(OCF.NOT_RUNNING);
    expect(probe.log).toContain('INFO: /srv/b not exported to * (stopped).');
  });

  it('matches bracketed IPv6 clientspecs', async () => {
    const sys = machine();
    sys.file(STATE, '');
    sys.file(ETAB, `/srv/a\tfe80::/64${OPTS}\n`);
    expect((await act(sys, 'monitor', { clientspec: '[fe80::]/64', directory: '/srv/a' })).code).toBe(OCF.SUCCESS);
    expect((await act(sys, 'monitor', { clientspec: '[fe80::]/48', directory: '/srv/a' })).code).toBe(OCF.NOT_RUNNING);
  });

  it('refreshes the rmtab backups of every directory, and leaves an unchanged backup alone', async () => {
    const sys = machine();
    sys.file(STATE, '');
    sys.file(ETAB, `/srv/a\t*${OPTS}\n/srv/b\t*${OPTS}\n`);
    sys.file(RMTAB, 'c1:/srv/b:0x00000001\nc2:/srv/ab:0x00000001\n');
    expect((await act(sys, 'monitor', { clientspec: '*', directory: '/srv/a /srv/b' })).code).toBe(OCF.SUCCESS);
    expect(sys.files.get('/srv/a/.rmtab')?.data).toBe('');
    expect(sys.files.get('/srv/b/.rmtab')?.data).toBe('c1:/srv/b:0x00000001\n');
    const ino = sys.files.get('/srv/b/.rmtab')?.ino;
    await act(sys, 'monitor', { clientspec: '*', directory: '/srv/a /srv/b' });
    expect(sys.files.get('/srv/b/.rmtab')?.ino).toBe(ino);
    await act(sys, 'monitor', { clientspec: '*', directory: '/srv/a /srv/b', rmtab_backup: 'none' });
    expect(sys.files.has('/srv/a/.none')).toBe(false);
  });

  it('monitors a directory that does not exist as stopped', async () => {
    const sys = machine();
    sys.file(STATE, '');
    expect((await act(sys, 'monitor', { ...P, directory: '/nope' }, RECURRING)).code).toBe(OCF.NOT_RUNNING);
  });

  it('runs no program', async () => {
    const sys = machine();
    sys.file(STATE, '');
    sys.file(ETAB, `/srv/a\t127.0.0.1${OPTS}\n`);
    expect((await act(sys, 'monitor', P, RECURRING)).code).toBe(OCF.SUCCESS);
    expect(sys.calls).toHaveLength(0);
  });
});

describe('exportfs stop', () => {
  const exported = () => {
    const sys = machine();
    sys.file(STATE, '/srv/a\t127.0.0.1\n');
    sys.file(ETAB, `/srv/a\t127.0.0.1${OPTS}\n`);
    sys.file(UNLOCK, '');
    sys.file('/proc/fs/nfsd/nfsv4leasetime', '90\n');
    sys.file(RMTAB, 'c:/srv/a:0x00000001\n');
    return sys;
  };

  it('backs up rmtab, unexports, unlocks with a newline, removes the state file', async () => {
    const sys = exported();
    sys.expect({ argv: ['exportfs', '-v', '-u', '127.0.0.1:/srv/a'], ...unexporting('127.0.0.1', '/srv/a'), check: () => { expect(sys.files.get('/srv/a/.rmtab')?.data).toBe('c:/srv/a:0x00000001\n'); } });
    const r = await act(sys, 'stop', P);
    expect(r.code).toBe(OCF.SUCCESS);
    sys.done();
    expect(sys.files.get(UNLOCK)?.data).toBe('/srv/a\n');
    expect(sys.files.has(STATE)).toBe(false);
    expect(r.log).toContain('Un-exported file system(s)');
    expect((await act(sys, 'stop', P)).code).toBe(OCF.SUCCESS);
  });

  it('unexports what is exported even without the state file, and only the exported directories', async () => {
    const sys = exported();
    sys.files.delete(STATE);
    sys.expect(UNEXPORT_A);
    expect((await act(sys, 'stop', { ...P, directory: '/srv/a /srv/b' })).code).toBe(OCF.SUCCESS);
    sys.done();
    expect(sys.files.get(ETAB)?.data.trim()).toBe('');
  });

  it('returns 0 without any exportfs call when nothing is exported or the directory is gone', async () => {
    const sys = machine();
    sys.file(STATE, '');
    expect((await act(sys, 'stop', P)).code).toBe(OCF.SUCCESS);
    expect((await act(sys, 'stop', { ...P, directory: '/gone' })).code).toBe(OCF.SUCCESS);
    expect(sys.calls).toHaveLength(0);
    expect(sys.files.has(STATE)).toBe(false);
  });

  it('fails with "Failed to un-export file system(s)" while the export is still listed', async () => {
    const sys = exported();
    sys.expect({ argv: ['exportfs', '-v', '-u', '127.0.0.1:/srv/a'], exitCode: 1, stderr: "exportfs: Could not find '127.0.0.1:/srv/a' to unexport.\n" });
    const r = await act(sys, 'stop', P);
    expect(r.code).toBe(OCF.ERR_GENERIC);
    expect(r.log).toContain('ocf-exit-reason:Failed to un-export file system(s)');
    expect(sys.files.has(STATE)).toBe(true);
  });

  it('unexports by the listed name when the clientspec no longer resolves to it', async () => {
    const sys = exported();
    sys.file(ETAB, `/srv/a\tfd00::7${OPTS}\n`);
    sys.file(STATE, '/srv/a\tfd00::7\n');
    sys.expect(
      { argv: ['exportfs', '-v', '-u', 'nfs-clients:/srv/a'], exitCode: 1 },
      { argv: ['exportfs', '-v', '-u', '[fd00::7]:/srv/a'], ...unexporting('[fd00::7]', '/srv/a', 'fd00::7') },
    );
    expect((await act(sys, 'stop', { ...P, clientspec: 'nfs-clients' })).code).toBe(OCF.SUCCESS);
    sys.done();
  });

  it('does not retry by a name it did not record (it might be another resource\'s export)', async () => {
    const sys = exported();
    sys.file(ETAB, `/srv/a\tnfsclient.example.test${OPTS}\n`);
    sys.file(STATE, '');
    sys.expect({ argv: ['exportfs', '-v', '-u', 'nfsclient:/srv/a'], exitCode: 1 });
    const r = await act(sys, 'stop', { ...P, clientspec: 'nfsclient' });
    expect(r.code).toBe(OCF.ERR_GENERIC);
    expect(r.log).toContain('ocf-exit-reason:Failed to un-export file system(s): nfsclient.example.test:/srv/a');
    sys.done();
  });

  it('warns and still succeeds when unlock_filesystem is missing; writes nothing with unlock_on_stop=0', async () => {
    const sys = exported();
    sys.files.delete(UNLOCK);
    sys.expect(UNEXPORT_A);
    const r = await act(sys, 'stop', P);
    expect(r.code).toBe(OCF.SUCCESS);
    expect(r.log).toContain('Unable to unlock NFS export /srv/a, /proc/fs/nfsd/unlock_filesystem not found or not writable');
    expect(sys.files.has(UNLOCK)).toBe(false);
    const sys2 = exported();
    sys2.expect(UNEXPORT_A);
    expect((await act(sys2, 'stop', { ...P, unlock_on_stop: 'false' })).code).toBe(OCF.SUCCESS);
    expect(sys2.files.get(UNLOCK)?.data).toBe('');
  });

  it('waits leasetime + 2 s when asked, within the stop timeout', async () => {
    const sys = exported();
    sys.expect(UNEXPORT_A);
    const t0 = sys.now();
    const r = await act(sys, 'stop', { ...P, wait_for_leasetime_on_stop: 'true' }, { OCF_RESKEY_CRM_meta_timeout: '120000' });
    expect(r.code).toBe(OCF.SUCCESS);
    expect(r.log).toContain('Sleeping 92 seconds to accommodate for NFSv4 lease expiry');
    expect(sys.now() - t0).toBeGreaterThanOrEqual(92000);
  });

  it('cuts the lease wait to the stop timeout instead of being killed by it', async () => {
    const sys = exported();
    sys.expect(UNEXPORT_A);
    const t0 = sys.now();
    const r = await act(sys, 'stop', { ...P, wait_for_leasetime_on_stop: 'true' }, { OCF_RESKEY_CRM_meta_timeout: '20000' });
    expect(r.code).toBe(OCF.SUCCESS);
    expect(r.log).toContain('for the 92 s NFSv4 lease wait; waiting only that long');
    expect(sys.now() - t0).toBeLessThan(20000);
    expect(sys.files.has(STATE)).toBe(false);
  });

  it('flushes the export cache while it holds our fsid', async () => {
    const sys = exported();
    sys.file(CACHE, `/srv/a\t127.0.0.1(rw,fsid=1,sec=1)\n`);
    sys.expect(
      UNEXPORT_A,
      { argv: ['exportfs', '-f'] },
      { argv: ['exportfs', '-f'], effect: (s) => { s.file(CACHE, '#path domain(flags)\n'); } },
    );
    const r = await act(sys, 'stop', P);
    expect(r.code).toBe(OCF.SUCCESS);
    expect(r.log).toContain('Cleanup export cache ... (try 2)');
    sys.done();
  });

  it('does not wait for an fsid another export still uses (duplicate fsids do not hang stop)', async () => {
    const sys = exported();
    sys.file(ETAB, `/srv/a\t127.0.0.1${OPTS}\n/srv/root\t127.0.0.1${OPTS}\n`);
    sys.file(CACHE, `/srv/root\t127.0.0.1(rw,fsid=1,sec=1)\n`);
    sys.expect(UNEXPORT_A);
    const r = await act(sys, 'stop', P);
    expect(r.code).toBe(OCF.SUCCESS);
    expect(r.log).toContain('fsid 1 is still exported by another export');
    sys.done();
  });

  it('bounds the cache flush loop when the cache never lets go', async () => {
    const sys = exported();
    sys.file(CACHE, `/srv/a\t127.0.0.1(rw,fsid=1,sec=1)\n`);
    sys.expect(UNEXPORT_A);
    for (let i = 0; i < CACHE_FLUSH_TRIES; i++) sys.expect({ argv: ['exportfs', '-f'] });
    const r = await act(sys, 'stop', P);
    expect(r.code).toBe(OCF.SUCCESS);
    expect(r.log).toContain(`the export cache still holds fsid 1 after ${String(CACHE_FLUSH_TRIES)} flushes`);
    sys.done();
  });

  it('stops flushing at the operation deadline', async () => {
    const sys = exported();
    sys.file(CACHE, `/srv/a\t127.0.0.1(rw,fsid=1,sec=1)\n`);
    sys.expect(UNEXPORT_A);
    for (let i = 0; i < 3; i++) sys.expect({ argv: ['exportfs', '-f'], takesMs: 1000 });
    const r = await act(sys, 'stop', P, { OCF_RESKEY_CRM_meta_timeout: '6000' });
    expect(r.code).toBe(OCF.SUCCESS);
    expect(r.log).toContain('the export cache still holds fsid 1 after 3 flushes');
    sys.done();
  });
});

describe('exportfs validation and exit codes', () => {
  const run = async (sys: ScriptedSystem, action: string, params: Record<string, string>) =>
    (await act(sys, action === 'probe' || action === 'recurring' ? 'monitor' : action, params, action === 'recurring' ? RECURRING : {})).code;
  const actions = ['validate-all', 'start', 'stop', 'probe', 'recurring'] as const;

  it.each([
    ['directory param missing', { clientspec: '*' }, [6, 6, 6, 6, 6]],
    ['clientspec param missing', { directory: '/srv/a' }, [6, 6, 6, 6, 6]],
    ['fsid with a comma', { ...P, fsid: '1,2' }, [6, 6, 0, 7, 1]],
    ['2 dirs + fsid=root', { ...P, directory: '/srv/a /srv/b', fsid: 'root' }, [6, 6, 0, 7, 1]],
    ['2 dirs + options fsid=uuid', { ...P, directory: '/srv/a /srv/b', fsid: '', options: 'rw,fsid=9f6a3b6e-2c1f-4b7a-9e0e-1a2b3c4d5e6f' }, [6, 6, 0, 7, 1]],
    ['path is a file', { ...P, directory: '/srv/file' }, [0, 5, 0, 7, 7]],
    ['directory is only white space', { ...P, directory: ' \t ' }, [6, 6, 6, 6, 6]],
    ['two clients in one clientspec', { ...P, clientspec: '10.0.0.1 10.0.0.2' }, [6, 6, 0, 7, 1]],
  ])('%s', async (_name, params, codes) => {
    for (const [i, a] of actions.entries()) {
      const sys = machine();
      sys.file('/srv/file', 'x');
      expect([a, await run(sys, a, params)]).toEqual([a, codes[i]]);
    }
  });

  it('exportfs missing: validate 5, start 5, stop 0, probe 7, recurring monitor 1', async () => {
    const codes: number[] = [];
    for (const a of actions) {
      const sys = machine();
      sys.programs.clear();
      codes.push(await run(sys, a, P));
    }
    expect(codes).toEqual([5, 5, 0, 7, 1]);
  });

  it('a non-existent directory: validate 0, start creates it, stop 0, probe 7, recurring 7', async () => {
    const codes: number[] = [];
    for (const a of ['validate-all', 'stop', 'probe', 'recurring']) codes.push(await run(machine(), a, { ...P, directory: '/nope' }));
    expect(codes).toEqual([0, 0, 7, 7]);
  });

  it('answers meta-data with a non-existent directory set, and 3 to status', async () => {
    const sys = machine();
    expect((await act(sys, 'meta-data', { directory: '/nope' })).code).toBe(OCF.SUCCESS);
    expect(sys.stdout).toContain('<resource-agent name="exportfs"');
    expect((await act(sys, 'status', P)).code).toBe(OCF.ERR_UNIMPLEMENTED);
    expect((await act(sys, 'methods', P)).code).toBe(OCF.SUCCESS);
  });
});
