import { describe, expect, it } from 'vitest';
import { copyState, removeTree, replaceWithCopy } from '../../../lib/nfsnotify/tree.ts';
import { ScriptedSystem } from '../../../lib/system/scripted.ts';

function statdDir(): ScriptedSystem {
  return new ScriptedSystem()
    .file('/var/lib/nfs', '', 'dir', { uid: 0, gid: 0, mode: 0o755 })
    .file('/var/lib/nfs/sm', '', 'dir', { uid: 104, gid: 65534, mode: 0o700 })
    .file('/var/lib/nfs/sm/a', 'A', 'file', { uid: 104, gid: 65534, mode: 0o600 })
    .file('/var/lib/nfs/sm.bak', '', 'dir', { uid: 104, gid: 65534 })
    .file('/var/lib/nfs/sm.bak/b', 'B', 'file', { uid: 104, gid: 65534 })
    .file('/var/lib/nfs/state', 'S1', 'file', { uid: 104, gid: 0 })
    .file('/var/lib/nfs/etab', 'not statd');
}

const attrs = (s: ScriptedSystem, p: string) => {
  const f = s.files.get(p);
  return f === undefined ? undefined : { uid: f.uid, gid: f.gid, mode: f.mode & 0o7777, data: f.data };
};

describe('replaceWithCopy', () => {
  it('copies sm/, sm.bak/ and state with owners and modes, nothing else', async () => {
    const s = statdDir();
    await replaceWithCopy(s, '/var/lib/nfs', '/var/lib/nfs/nfsnotify_x.bu', '/var/lib/nfs');
    const bu = '/var/lib/nfs/nfsnotify_x.bu';
    expect([...s.files.keys()].filter((k) => k.startsWith(bu)).sort()).toEqual([bu, `${bu}/sm`, `${bu}/sm.bak`, `${bu}/sm.bak/b`, `${bu}/sm/a`, `${bu}/state`]);
    expect(attrs(s, `${bu}/sm`)).toEqual({ uid: 104, gid: 65534, mode: 0o700, data: '' });
    expect(attrs(s, `${bu}/sm/a`)).toEqual({ uid: 104, gid: 65534, mode: 0o600, data: 'A' });
    expect(attrs(s, `${bu}/state`)).toEqual({ uid: 104, gid: 0, mode: 0o644, data: 'S1' });
    expect(attrs(s, bu)).toEqual({ uid: 0, gid: 0, mode: 0o755, data: '' });
  });

  it('replaces an older copy entirely: removed clients do not survive', async () => {
    const s = statdDir().file('/var/lib/nfs/nfsnotify_x.bu/sm/gone', 'old').file('/var/lib/nfs/nfsnotify_x.bu.new/sm/half', 'x');
    await replaceWithCopy(s, '/var/lib/nfs', '/var/lib/nfs/nfsnotify_x.bu', '/var/lib/nfs');
    expect(s.files.has('/var/lib/nfs/nfsnotify_x.bu/sm/gone')).toBe(false);
    expect(s.files.has('/var/lib/nfs/nfsnotify_x.bu.new')).toBe(false);
    expect(s.files.has('/var/lib/nfs/nfsnotify_x.bu.new/sm/half')).toBe(false);
  });

  it('follows a symlinked sm/ at the top, never links below it', async () => {
    const s = statdDir()
      .file('/srv/shared/sm', '', 'dir', { uid: 104, gid: 65534 })
      .file('/srv/shared/sm/c', 'C', 'file', { uid: 104, gid: 65534 })
      .file('/srv/shared/sm/link', '', 'link', { target: '/etc/shadow' });
    s.files.delete('/var/lib/nfs/sm/a');
    s.file('/var/lib/nfs/sm', '', 'link', { target: '/srv/shared/sm' });
    await replaceWithCopy(s, '/var/lib/nfs', '/var/lib/nfs/c', '/var/lib/nfs');
    expect(attrs(s, '/var/lib/nfs/c/sm/c')?.data).toBe('C');
    expect(s.files.has('/var/lib/nfs/c/sm/link')).toBe(false);
  });

  it('copyState puts the real state into a copy', async () => {
    const s = statdDir().file('/var/lib/nfs/p/state', 'OLD');
    await copyState(s, '/var/lib/nfs', '/var/lib/nfs/p');
    expect(attrs(s, '/var/lib/nfs/p/state')).toEqual({ uid: 104, gid: 0, mode: 0o644, data: 'S1' });
  });
});

describe('removeTree', () => {
  it('removes a tree and only that tree', async () => {
    const s = statdDir();
    await removeTree(s, '/var/lib/nfs/sm');
    expect([...s.files.keys()].filter((k) => k.startsWith('/var/lib/nfs/sm'))).toEqual(['/var/lib/nfs/sm.bak', '/var/lib/nfs/sm.bak/b']);
    await removeTree(s, '/nonexistent');
  });
});
