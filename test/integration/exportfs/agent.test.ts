// The exportfs agent (compiled binary) with the real nfs-utils exportfs, its state confined to a
// sandbox (private mount + PID + network namespaces, overlay /var/lib and /etc, fake /proc/fs/nfsd).
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cannotSandbox, needBinary, scratch } from '../../lib/sandbox.ts';
import { etabAfter, scenario, type Step } from './scenario.ts';

const skip = cannotSandbox() ?? needBinary();
if (skip !== undefined) console.warn(`exportfs integration tests skipped: ${skip}`);

const SBX = { net: true, fakeNfsd: true };

describe.skipIf(skip !== undefined)('exportfs agent with the real exportfs', () => {
  let dir = '';
  let cleanup: () => void = () => undefined;
  let data = '';
  beforeEach(() => {
    ({ dir, cleanup } = scratch('nfsha-exportfs-'));
    data = join(dir, 'data');
    mkdirSync(join(data, 'export1'), { recursive: true });
    mkdirSync(join(data, 'export2'), { recursive: true });
  });
  afterEach(() => { cleanup(); });

  const run = (steps: Step[]) => scenario(dir, steps, SBX);
  const a = (action: string, params: Record<string, string>, env: Record<string, string> = {}): Step => ({ agent: action, params, env });
  const recurring = { OCF_RESKEY_CRM_meta_interval: '10000' };
  const stateFile = () => join(dir, 'sbx/run/resource-agents/exp1');

  it('starts, monitors, stops (idempotently) one directory with options and fsid', () => {
    const P = { clientspec: '127.0.0.1', directory: `${data}/export1/`, fsid: '1', options: 'rw,no_root_squash' };
    const r = run([
      a('validate-all', P), a('monitor', P), a('start', P), { sh: 'cat /var/lib/nfs/etab; exportfs' },
      a('monitor', P, recurring), a('start', P), a('monitor', P), a('stop', P), { sh: 'cat /var/lib/nfs/etab' },
      a('monitor', P, recurring), a('stop', P), { sh: 'cat /proc/fs/nfsd/unlock_filesystem' },
    ]);
    expect(r.map((x) => x.code)).toEqual([0, 7, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0]);
    expect(r[3]?.stdout).toMatch(new RegExp(`^${data}/export1\\t127\\.0\\.0\\.1\\(rw,.*no_root_squash,.*fsid=1,`, 'm'));
    expect(r[3]?.stdout).toContain(`${data}/export1\n\t\t127.0.0.1\n`);
    expect(r[2]?.stderr).toContain(`directory ${data}/export1 exported`);
    expect(r[8]?.stdout).toBe('');
    expect(r[11]?.stdout).toBe(`${data}/export1\n`);
    expect(existsSync(stateFile())).toBe(false);
    // monitor wrote the (empty) rmtab backup into the export
    expect(readFileSync(join(data, 'export1/.rmtab'), 'utf8')).toBe('');
  });

  it('exports several directories with incremented fsids, canonical paths and created missing directories', () => {
    symlinkSync(join(data, 'export2'), join(data, 'link2'));
    const P = { clientspec: '*', directory: `${data}/export1 ${data}/link2/ ${data}/new3`, options: 'rw,fsid=5' };
    const r = run([a('start', P), { sh: 'cat /var/lib/nfs/etab; exportfs' }, a('monitor', P, recurring), a('stop', P), { sh: 'cat /var/lib/nfs/etab' }]);
    expect(r.map((x) => x.code)).toEqual([0, 0, 0, 0, 0]);
    const etab = r[1]?.stdout ?? '';
    expect(etab).toMatch(new RegExp(`^${data}/export1\\t\\*\\(rw,.*fsid=5,`, 'm'));
    expect(etab).toMatch(new RegExp(`^${data}/export2\\t\\*\\(rw,.*fsid=6,`, 'm'));
    expect(etab).toMatch(new RegExp(`^${data}/new3\\t\\*\\(rw,.*fsid=7,`, 'm'));
    expect(etab).toContain(`${data}/new3\n\t\t<world>\n`);
    expect(statSync(join(data, 'new3')).isDirectory()).toBe(true);
    expect(r[4]?.stdout).toBe('');
  });

  it('really exports without options and fsid (upstream exports nothing then)', () => {
    const P = { clientspec: '*', directory: `${data}/export1` };
    const r = run([a('start', P), a('monitor', P, recurring), a('stop', P)]);
    expect(r.map((x) => x.code)).toEqual([0, 0, 0]);
    expect(etabAfter(dir)).toBe('');
  });

  it('fails start with a clear reason when the client does not resolve, and stop cleans up', () => {
    const P = { clientspec: 'no-such-host.invalid', directory: `${data}/export1`, fsid: '3' };
    const r = run([a('start', P), a('stop', P), { sh: 'cat /var/lib/nfs/etab' }]);
    expect(r.map((x) => x.code)).toEqual([1, 0, 0]);
    expect(r[0]?.stderr).toMatch(/ocf-exit-reason:Failed to resolve no-such-host\.invalid: no-such-host\.invalid:\S*export1 is/);
    expect(existsSync(stateFile())).toBe(false);
  });

  it('notices an exportfs -r behind its back, and start exports again', () => {
    const P = { clientspec: '127.0.0.1', directory: `${data}/export1`, fsid: '1' };
    const r = run([a('start', P), { sh: 'exportfs -r' }, a('monitor', P, recurring), a('start', P), a('monitor', P, recurring)]);
    expect(r.map((x) => x.code)).toEqual([0, 0, 7, 0, 0]);
    expect(r[2]?.stderr).toContain(`ERROR: ${data}/export1 not exported to 127.0.0.1 (stopped).`);
  });

  it('stop unexports without the state file, and a partial multi-directory export', () => {
    const P = { clientspec: '127.0.0.1', directory: `${data}/export1 ${data}/export2`, fsid: '1' };
    const r = run([
      a('start', P), { sh: 'rm /run/resource-agents/exp1' }, a('monitor', P), a('stop', P), { sh: 'cat /var/lib/nfs/etab' },
      a('start', P), { sh: `exportfs -u 127.0.0.1:${data}/export1` }, a('monitor', P, recurring), a('stop', P), { sh: 'cat /var/lib/nfs/etab' },
    ]);
    expect(r.map((x) => x.code)).toEqual([0, 0, 7, 0, 0, 0, 0, 7, 0, 0]);
    expect(r[4]?.stdout).toBe('');
    expect(r[9]?.stdout).toBe('');
    expect(r[8]?.stderr).toContain(`unexporting 127.0.0.1:${data}/export2`);
  });

  it('tolerates the FQDN exportfs stores for a short clientspec, also across a lost record', () => {
    const P = { clientspec: 'nfsclient', directory: `${data}/export1`, fsid: '1' };
    const r = run([
      { sh: 'echo "192.0.2.5 nfsclient.example.test nfsclient" >> /etc/hosts' },
      a('start', P), { sh: 'cat /run/resource-agents/exp1; exportfs' }, a('monitor', P, recurring),
      { sh: ': > /run/resource-agents/exp1' }, a('monitor', P, recurring), a('stop', P), { sh: 'cat /var/lib/nfs/etab' },
    ]);
    expect(r.map((x) => x.code)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(r[2]?.stdout).toContain(`${data}/export1\tnfsclient.example.test\n`);
    expect(r[7]?.stdout).toBe('');
  });

  it.each([['[fd00::1]'], ['[fe80::]/64'], ['10.0.0.0/24'], ['*.example.test'], ['@netgrp']])('monitors clientspec %s as exportfs lists it', (clientspec) => {
    const P = { clientspec, directory: `${data}/export1`, fsid: '2' };
    const r = run([a('start', P), a('monitor', P, recurring), a('stop', P), { sh: 'cat /var/lib/nfs/etab' }]);
    expect(r.map((x) => x.code)).toEqual([0, 0, 0, 0]);
    expect(r[3]?.stdout).toBe('');
  });

  it('carries the rmtab to the next node: monitor backs it up, start elsewhere merges it (mode 0644)', () => {
    const P = { clientspec: '*', directory: `${data}/export1`, fsid: '1' };
    const line = `192.168.122.21:${data}/export1:0x00000001`;
    const first = run([a('start', P), { sh: `echo ${line} >> /var/lib/nfs/rmtab; echo other:/x:0x00000001 >> /var/lib/nfs/rmtab` }, a('monitor', P, recurring)]);
    expect(first.map((x) => x.code)).toEqual([0, 0, 0]);
    expect(readFileSync(join(data, 'export1/.rmtab'), 'utf8')).toBe(`${line}\n`);
    // "The other node": a fresh sandbox (its own /var/lib) sharing the exported directory.
    const other = scratch('nfsha-exportfs-b-');
    try {
      const r = scenario(other.dir, [{ sh: 'umask 077; echo z:/y:0x00000001 > /var/lib/nfs/rmtab' }, a('start', P), { sh: 'cat /var/lib/nfs/rmtab; stat -c %a:%U /var/lib/nfs/rmtab' }], SBX);
      expect(r.map((x) => x.code)).toEqual([0, 0, 0]);
      expect(r[2]?.stdout).toBe(`${line}\nz:/y:0x00000001\n644:root\n`);
    } finally {
      other.cleanup();
    }
  });

  it('waits for the NFSv4 lease time when asked, and leaves unlock_filesystem alone with unlock_on_stop=0', () => {
    const P = { clientspec: '*', directory: `${data}/export1`, fsid: '1', wait_for_leasetime_on_stop: 'true', unlock_on_stop: '0' };
    const r = run([{ sh: 'echo 0 > /proc/fs/nfsd/nfsv4leasetime' }, a('start', P), a('stop', P), { sh: 'cat /proc/fs/nfsd/unlock_filesystem' }]);
    expect(r.map((x) => x.code)).toEqual([0, 0, 0, 0]);
    expect(r[2]?.stderr).toContain('Sleeping 2 seconds to accommodate for NFSv4 lease expiry');
    expect(r[3]?.stdout).toBe('');
  });

  it('warns in validate-all about a duplicate fsid in the export table and stops cleanly (the seed\'s export-root/export1)', () => {
    const root = { clientspec: '*', directory: data, fsid: '1' };
    const e1 = { clientspec: '*', directory: `${data}/export1`, fsid: '1' };
    const r = run([
      { agent: 'start', params: root, instance: 'export-root' },
      { agent: 'validate-all', params: e1, instance: 'export1' },
      { agent: 'start', params: e1, instance: 'export1' },
      { agent: 'stop', params: e1, instance: 'export1' },
      { agent: 'monitor', params: root, instance: 'export-root', env: recurring },
      { agent: 'stop', params: root, instance: 'export-root' },
      { sh: 'cat /var/lib/nfs/etab' },
    ]);
    expect(r.map((x) => x.code)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(r[1]?.stderr).toContain(`WARNING: fsid 1 of ${data}/export1 is also used by ${data} in the export table`);
    expect(r[6]?.stdout).toBe('');
  });

  it('follows the exit-code matrix for a missing exportfs and invalid parameters', () => {
    const P = { clientspec: '*', directory: `${data}/export1`, fsid: '1' };
    const noBin = { PATH: '/nonexistent', OCF_TESTER_FAIL_HAVE_BINARY: '1' };
    const comma = { ...P, fsid: '1,2' };
    writeFileSync(join(data, 'afile'), 'x');
    const file = { ...P, directory: `${data}/afile` };
    const r = run([
      a('validate-all', P, noBin), a('start', P, noBin), a('stop', P, noBin), a('monitor', P, noBin), a('monitor', P, { ...noBin, ...recurring }),
      a('validate-all', comma), a('start', comma), a('stop', comma), a('monitor', comma), a('monitor', comma, recurring),
      a('validate-all', file), a('start', file), a('stop', file), a('monitor', file), a('monitor', file, recurring),
      a('validate-all', { clientspec: '*' }), a('stop', { directory: data }), a('status', P), a('meta-data', { directory: '/nonexistent' }),
    ]);
    expect(r.map((x) => x.code)).toEqual([5, 5, 0, 7, 1, 6, 6, 0, 7, 1, 0, 5, 0, 7, 7, 6, 6, 3, 0]);
    expect(r[6]?.stderr).toContain('ocf-exit-reason:1,2 cannot contain a comma');
    expect(r[15]?.stderr).toContain('ocf-exit-reason:directory: required parameter not set');
  });
});
