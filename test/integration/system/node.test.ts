// The real System: process running and the O_DIRECT file I/O used by the Filesystem monitor.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeSystem } from '../../../lib/system/node.ts';

const sys = new NodeSystem({ env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' } });
const dir = mkdtempSync(join(tmpdir(), 'nfsha-sys-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe('NodeSystem.run', () => {
  it('collects stdout, stderr and the exit status, without a shell', async () => {
    const r = await sys.run(['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false, notFound: false, signal: null });
    const lit = await sys.run(['echo', '$HOME;', '*']);
    expect(lit.stdout).toBe('$HOME; *\n');
  });

  it('passes input and environment', async () => {
    expect((await sys.run(['cat'], { input: 'hello' })).stdout).toBe('hello');
    expect((await sys.run(['sh', '-c', 'echo $X'], { env: { X: 'y' } })).stdout).toBe('y\n');
    expect((await sys.run(['pwd'], { cwd: '/' })).stdout).toBe('/\n');
  });

  it('reports a missing program as not found (127)', async () => {
    const r = await sys.run(['/nonexistent/prog']);
    expect(r).toMatchObject({ exitCode: 127, notFound: true });
  });

  it('kills a command at its timeout', async () => {
    const r = await sys.run(['sleep', '5'], { timeoutMs: 100 });
    expect(r).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
  });
});

describe('NodeSystem direct I/O', () => {
  it('writes a padded, synced file and reads it back with O_DIRECT where the filesystem allows it', async () => {
    const f = join(dir, 'status');
    await sys.writeDurable(f, 'inst\n', { direct: false });
    expect(statSync(f).size).toBe(4096);
    expect(readFileSync(f, 'utf8').startsWith('inst\n\0')).toBe(true);
    let direct = true;
    try {
      await sys.writeDurable(f, 'again\n', { direct: true });
    } catch (e) {
      // tmpfs before Linux 6.6 and some overlays refuse O_DIRECT.
      expect((e as NodeJS.ErrnoException).code).toBe('EINVAL');
      direct = false;
    }
    if (direct) {
      const back = await sys.readDirect(f, 4096);
      expect(new TextDecoder().decode(back.subarray(0, 6))).toBe('again\n');
    }
  });

  it('creates directories with their parents and reports a file in the way', async () => {
    await sys.mkdirp(join(dir, 'a/b/c'));
    expect(statSync(join(dir, 'a/b/c')).isDirectory()).toBe(true);
    await sys.writeDurable(join(dir, 'file'), 'x', { direct: false });
    await expect(sys.mkdirp(join(dir, 'file'))).rejects.toThrow();
  });
});
