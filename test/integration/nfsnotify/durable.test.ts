// The connection record survives the death of the node that wrote it (issue 15; found by the VM
// lab, where a node killed a few seconds after its monitor left the next node the previous
// record, so no tickle ACK reached the client). Real ext4 on a loop device; the record is written
// by the agent's own code (NodeSystem) for a real TCP connection; then the filesystem is shut
// down without flushing its journal (FS_IOC_SHUTDOWN, NOLOGFLUSH, through `xfs_io -x -c
// shutdown`: what the disk holds when the node loses power at that moment) and mounted again.
// Without the directory fsync after the rename, ext4 still shows the old record (and the fsynced
// temp file beside it); with it, the new one.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeLogger } from '../../../lib/ocf/log.ts';
import { NodeSystem } from '../../../lib/system/node.ts';
import { recordConnections, setUpRecording } from '../../../lib/nfsnotify/tickle.ts';
import { RECORD_HEADER } from '../../../lib/nfsnotify/tickle-record.ts';
import { isRoot } from '../../lib/sandbox.ts';

const PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

function why(): string | undefined {
  if (!isRoot()) return 'needs root (loop mount)';
  for (const t of ['mkfs.ext4', 'xfs_io', 'mount', 'umount']) {
    if (spawnSync('which', [t], { env: { PATH } }).status !== 0) return `${t} is not installed`;
  }
  return undefined;
}

const skip = why();
if (skip !== undefined) console.warn(`record durability test skipped: ${skip}`);

function must(argv: string[]): void {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { PATH } });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr || r.stdout || `status ${String(r.status)}`}`);
}

describe.skipIf(skip !== undefined)('the connection record after a crash (ext4, journal not flushed)', () => {
  const dir = mkdtempSync('/tmp/nfsha-durable-');
  const img = join(dir, 'shared.img');
  const mnt = join(dir, 'mnt');
  let mounted = false;
  let server: Server | undefined;
  let sock: Socket | undefined;

  afterAll(() => {
    sock?.destroy();
    server?.close();
    if (mounted) spawnSync('umount', [mnt], { env: { PATH } });
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds the connections the monitor recorded just before the node died', async () => {
    mkdirSync(mnt);
    must(['truncate', '-s', '64M', img]);
    must(['mkfs.ext4', '-q', '-F', img]);
    must(['mount', '-o', 'loop', img, mnt]);
    mounted = true;
    const statd = join(mnt, 'nfs');
    mkdirSync(statd);
    const record = join(statd, 'nfsnotify_d.connections');
    // What an earlier monitor left, committed long ago.
    writeFileSync(record, `${RECORD_HEADER}\n# written by node0 at 2026-01-01T00:00:00.000Z\n`);
    must(['sync']);

    // A connection of the "floating" address 127.0.0.1.
    server = createServer(() => undefined);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    sock = createConnection(port, '127.0.0.1');
    await new Promise<void>((r) => sock!.once('connect', r));
    const line = `127.0.0.1:${String(port)} 127.0.0.1:${String(sock.localPort)}`;

    const sys = new NodeSystem({ env: { PATH, LC_ALL: 'C' } });
    const log = makeLogger({ io: sys, tag: 'nfsnotify(d)', env: {} });
    const state = join(dir, 'tickle-state');
    await setUpRecording(sys, log, state, { statdDir: statd, instance: 'd', addresses: ['127.0.0.1'] });
    await recordConnections(sys, log, state);
    expect(readFileSync(record, 'utf8')).toContain(`\n${line}\n`);

    // The node dies now: nothing more reaches the disk.
    must(['xfs_io', '-x', '-c', 'shutdown', mnt]);
    must(['umount', mnt]);
    mounted = false;
    must(['mount', '-o', 'loop', img, mnt]);
    mounted = true;
    expect(readFileSync(record, 'utf8')).toContain(`\n${line}\n`);
  });
});
