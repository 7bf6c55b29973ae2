// System methods added for nfsserver: binary files, chown, random bytes, synchronous /proc reads.
import { mkdtempSync, rmSync, symlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeSystem } from '../../../lib/system/node.ts';
import { ScriptedSystem } from '../../../lib/system/scripted.ts';

const dir = mkdtempSync(join(tmpdir(), 'nfsha-sys-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe.each([
  ['NodeSystem', () => new NodeSystem({ env: { PATH: '/usr/bin:/bin' } }), dir],
  ['ScriptedSystem', () => new ScriptedSystem().file(dir, '', 'dir'), dir],
] as const)('%s', (_name, make, base) => {
  it('writes and reads bytes unchanged, including high bytes', async () => {
    const sys = make();
    const bytes = new Uint8Array([0x00, 0x7f, 0x80, 0xff]);
    await sys.writeBytes(join(base, 'state'), bytes, { mode: 0o644 });
    expect(Array.from((await sys.readBytes(join(base, 'state')))!)).toEqual([0x00, 0x7f, 0x80, 0xff]);
    expect(await sys.readBytes(join(base, 'missing'))).toBeNull();
  });

  it('reads /proc-like files, directories and links synchronously, null or [] when missing', async () => {
    const sys = make();
    await sys.writeFile(join(base, 'threads'), '8\n');
    expect(sys.readProcFile(join(base, 'threads'))).toBe('8\n');
    expect(sys.readProcFile(join(base, 'nope'))).toBeNull();
    expect(sys.readProcDir(join(base, 'nope'))).toEqual([]);
    expect(sys.readProcDir(base)).toContain('threads');
    expect(sys.readProcLink(join(base, 'nope'))).toBeNull();
  });
});

describe('NodeSystem only', () => {
  it('gives random bytes of the asked length that differ between calls', () => {
    const sys = new NodeSystem({ env: {} });
    const a = sys.randomBytes(16);
    const b = sys.randomBytes(16);
    expect(a).toHaveLength(16);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it('reads a link and changes ownership', async () => {
    const sys = new NodeSystem({ env: {} });
    symlinkSync('target-x', join(dir, 'link'));
    expect(sys.readProcLink(join(dir, 'link'))).toBe('target-x');
    await sys.writeFile(join(dir, 'owned'), '');
    const uid = process.getuid?.() ?? 0;
    await sys.chown(join(dir, 'owned'), uid, process.getgid?.() ?? 0);
    expect(statSync(join(dir, 'owned')).uid).toBe(uid);
    expect(sys.readProcFile('/proc/self/stat')).toMatch(/^[0-9]+ \(/);
  });
});

describe('ScriptedSystem only', () => {
  it('hands out the scripted random bytes in order, then zeros', () => {
    const sys = new ScriptedSystem();
    sys.random.push(new Uint8Array([1, 2, 3, 4]));
    expect(Array.from(sys.randomBytes(4))).toEqual([1, 2, 3, 4]);
    expect(Array.from(sys.randomBytes(2))).toEqual([0, 0]);
  });

  it('records chown on the file', async () => {
    const sys = new ScriptedSystem().file('/f');
    await sys.chown('/f', 104, 65534);
    expect((await sys.stat('/f'))?.uid).toBe(104);
    await expect(sys.chown('/nope', 1, 1)).rejects.toThrow('ENOENT');
  });
});
