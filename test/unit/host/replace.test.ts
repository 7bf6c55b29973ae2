// replaceFile: a small file on shared storage replaced durably (data, rename, directory).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replaceFile } from '../../../lib/host/replace.ts';
import { ScriptedSystem } from '../../../lib/system/scripted.ts';
import { NodeSystem } from '../../../lib/system/node.ts';

describe('replaceFile', () => {
  it('fsyncs the data, renames it into place, then fsyncs the directory', async () => {
    const sys = new ScriptedSystem();
    sys.file('/shared', '', 'dir');
    sys.file('/shared/f', 'old\n');
    await replaceFile(sys, '/shared/f', 'new\n', { mode: 0o640, owner: { uid: 7, gid: 8 } });
    expect(sys.files.get('/shared/f')).toMatchObject({ data: 'new\n', mode: 0o640, uid: 7, gid: 8 });
    expect(sys.files.has('/shared/f.new')).toBe(false);
    expect(sys.flushedWrites).toEqual(['/shared/f.new']);
    expect(sys.syncedDirs).toEqual(['/shared']);
  });

  it('writes bytes through the given temporary name', async () => {
    const sys = new ScriptedSystem();
    sys.file('/s', '', 'dir');
    await replaceFile(sys, '/s/state', new Uint8Array([1, 2, 3, 4]), { tmp: '/s/state.tmp' });
    expect(Array.from((await sys.readBytes('/s/state')) ?? [])).toEqual([1, 2, 3, 4]);
    expect(sys.flushedWrites).toEqual(['/s/state.tmp']);
  });

  it('leaves the old file in place when the write fails', async () => {
    const sys = new ScriptedSystem();
    sys.file('/s', '', 'dir');
    sys.file('/s/f', 'old\n');
    sys.ioErrors.set('/s/f.new', 'EIO');
    await expect(replaceFile(sys, '/s/f', 'new\n')).rejects.toThrow();
    expect(sys.files.get('/s/f')?.data).toBe('old\n');
    expect(sys.syncedDirs).toEqual([]);
  });

  describe('on a real filesystem', () => {
    let dir = '';
    afterEach(() => { if (dir !== '') rmSync(dir, { recursive: true, force: true }); });

    it('replaces the file with the exact mode and leaves no temporary file', async () => {
      dir = mkdtempSync(join(tmpdir(), 'nfsha-replace-'));
      const f = join(dir, 'rmtab');
      await replaceFile(new NodeSystem({ env: {} }), f, 'a:/x:0x00000001\n', { mode: 0o644 });
      await replaceFile(new NodeSystem({ env: {} }), f, 'b:/x:0x00000001\n', { mode: 0o644 });
      expect(readFileSync(f, 'utf8')).toBe('b:/x:0x00000001\n');
      expect(statSync(f).mode & 0o7777).toBe(0o644);
      expect(readdirSync(dir)).toEqual(['rmtab']);
    });
  });
});
