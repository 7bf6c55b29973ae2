// /proc/filesystems: the filesystem types the running kernel can mount (without loading a
// module). Read synchronously: the kernel generates it and it never blocks.

import type { System } from '../system/types.ts';

export const PROC_FILESYSTEMS = '/proc/filesystems';

// Whether a /proc/filesystems text lists `name` ("nodev\tname" or "\tname" lines).
export function listsFs(procFilesystems: string, name: string): boolean {
  return procFilesystems.split('\n').some((line) => line.split('\t').at(-1)?.trim() === name);
}

// Whether the kernel lists `name`; an unreadable file lists nothing.
export function kernelHasFs(sys: Pick<System, 'readProcFile'>, name: string): boolean {
  return listsFs(sys.readProcFile(PROC_FILESYSTEMS) ?? '', name);
}
