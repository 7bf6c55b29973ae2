// Durable replacement of a small file on shared storage: the node that mounts the filesystem
// after this one crashed must read the old content or the new one, whole, and never lose a
// replacement that had returned.

import { dirname } from 'node:path';
import type { System } from '../system/types.ts';

export interface ReplaceOptions {
  // The temporary file beside `path` (default `<path>.new`).
  readonly tmp?: string;
  // Permission bits, set exactly (chmod, past the umask) when given.
  readonly mode?: number;
  readonly owner?: { readonly uid: number; readonly gid: number };
}

// Writes `data` to a temporary file beside `path` and fsyncs it, renames it into place, then
// fsyncs the directory: the rename is on disk when this returns, not in the journal's next commit
// (ext4 commits every 5 s; a crash inside that window left the old file behind in the lab).
export async function replaceFile(sys: System, path: string, data: string | Uint8Array, opts: ReplaceOptions = {}): Promise<void> {
  const tmp = opts.tmp ?? `${path}.new`;
  const w = { ...(opts.mode === undefined ? {} : { mode: opts.mode }), flush: true };
  if (typeof data === 'string') await sys.writeFile(tmp, data, w);
  else await sys.writeBytes(tmp, data, w);
  if (opts.mode !== undefined) await sys.chmod(tmp, opts.mode);
  if (opts.owner !== undefined) await sys.chown(tmp, opts.owner.uid, opts.owner.gid);
  await sys.rename(tmp, path);
  await sys.syncDir(dirname(path));
}
