// Copies of statd's state (sm/, sm.bak/, state) that keep owner and mode: sm-notify takes the
// user it drops to from the owner of sm/ and must be able to remove what it notified.

import type { System } from '../system/types.ts';

export const STATD_ITEMS = ['sm', 'sm.bak', 'state'] as const;

// Removes a file or a whole directory tree (symlinks are removed, never followed).
export async function removeTree(sys: System, path: string): Promise<void> {
  const st = await sys.lstat(path);
  if (st === null) return;
  if (st.isDirectory) {
    for (const name of await sys.readdir(path)) await removeTree(sys, `${path}/${name}`);
  }
  await sys.remove(path);
}

async function mirror(sys: System, from: { uid: number; gid: number; mode: number }, to: string): Promise<void> {
  await sys.chown(to, from.uid, from.gid);
  await sys.chmod(to, from.mode & 0o7777);
}

// Copies `from` to `to` (which must not exist): directories and regular files, owner and mode
// kept. Below the top, anything else (symlinks, devices) is skipped: statd creates none. The top
// itself is followed when `followTop` (an admin may have made sm/ a link to shared storage).
export async function copyTree(sys: System, path: string, to: string, followTop = false): Promise<void> {
  const from = followTop ? ((await sys.realpath(path)) ?? path) : path;
  const st = await sys.lstat(from);
  if (st === null) return;
  if (st.isDirectory) {
    await sys.mkdirp(to);
    await mirror(sys, st, to);
    for (const name of await sys.readdir(from)) await copyTree(sys, `${from}/${name}`, `${to}/${name}`);
  } else if (st.isFile) {
    await sys.copyFile(from, to);
    await mirror(sys, st, to);
  }
}

// Makes `dest` a fresh copy of the statd items of `src`: built beside it and renamed into place,
// so that an interrupted copy never leaves a half list where a whole one was. The directory
// itself gets the owner and mode of `modelDir` (the real statd directory).
export async function replaceWithCopy(sys: System, src: string, dest: string, modelDir: string): Promise<void> {
  const tmp = `${dest}.new`;
  await removeTree(sys, tmp);
  await sys.mkdirp(tmp);
  const model = await sys.stat(modelDir);
  if (model !== null) await mirror(sys, model, tmp);
  for (const item of STATD_ITEMS) await copyTree(sys, `${src}/${item}`, `${tmp}/${item}`, true);
  await removeTree(sys, dest);
  await sys.rename(tmp, dest);
}

// Replaces the `state` file of a copy by the one of `src` (owner and mode kept).
export async function copyState(sys: System, src: string, dest: string): Promise<void> {
  await removeTree(sys, `${dest}/state`);
  await copyTree(sys, `${src}/state`, `${dest}/state`, true);
}
