// The NSM (statd) state on disk: the state number clients compare after a failover, the
// monitor lists sm/ and sm.bak/, and this agent's own copy of them in sm.ha/ (so that a start
// on the other node, or after sm-notify consumed sm/, notifies every client again).

import type { Logger } from '../ocf/log.ts';
import type { System } from '../system/types.ts';
import { replaceFile } from '../host/replace.ts';

// nfs-utils reads the state file as one 32-bit integer in host byte order; an even value is
// made odd (odd = up), and every sm-notify run adds 2.
export function effectiveState(v: number): number {
  return (v % 2 === 0 ? v + 1 : v) >>> 0;
}

export function decodeState(bytes: Uint8Array | null): number | undefined {
  if (bytes?.length !== 4) return undefined;
  return new Uint32Array(bytes.slice(0, 4).buffer)[0];
}

export function encodeState(v: number): Uint8Array {
  return new Uint8Array(new Uint32Array([v >>> 0]).buffer);
}

// True when a candidate state would look, to a client, like the old one (the same value, or the
// old one bumped by one sm-notify run either way).
export function looksLikeOld(candidate: number, old: number | undefined): boolean {
  if (old === undefined) return false;
  const c = effectiveState(candidate);
  const o = effectiveState(old);
  return c === o || c === ((o + 2) >>> 0) || c === ((o - 2) >>> 0);
}

// Writes 4 fresh random bytes to <dir>/state, never a value a client could take for the old
// one; the write is atomic (temporary file, then rename), as nfs-utils does it.
export async function refreshState(sys: System, dir: string, owner: Owner | undefined): Promise<{ old: number | undefined; fresh: number }> {
  const path = `${dir}/state`;
  const old = decodeState(await sys.readBytes(path));
  let fresh = 0;
  for (let i = 0; i < 16; i++) {
    fresh = decodeState(sys.randomBytes(4)) ?? 0;
    if (!looksLikeOld(fresh, old)) break;
  }
  if (looksLikeOld(fresh, old)) fresh = ((old ?? 0) + 0x40000000) >>> 0;
  await replaceFile(sys, path, encodeState(fresh), { tmp: `${path}.nfsha-new`, mode: 0o644, ...(owner === undefined ? {} : { owner }) });
  return { old, fresh };
}

export interface Owner {
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
}

// The user rpc.statd and sm-notify run as: they drop privileges to the owner of sm/. Debian and
// SUSE create `statd`, the Red Hat family `rpcuser`; without either they run as root.
export function statdOwner(passwd: string | null): Owner | undefined {
  const users = new Map<string, Owner>();
  for (const line of (passwd ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || f[0] === undefined) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (Number.isInteger(uid) && Number.isInteger(gid)) users.set(f[0], { user: f[0], uid, gid });
  }
  return users.get('statd') ?? users.get('rpcuser');
}

async function chownTree(sys: System, path: string, owner: Owner): Promise<void> {
  const st = await sys.lstat(path);
  if (st === null || st.isSymbolicLink) return;
  await sys.chown(path, owner.uid, owner.gid);
  if (st.isDirectory) for (const e of await sys.readdir(path)) await chownTree(sys, `${path}/${e}`, owner);
}

// Removes everything inside dir (not dir itself).
export async function emptyDir(sys: System, dir: string): Promise<void> {
  for (const e of await sys.readdir(dir).catch(() => [])) await removeTree(sys, `${dir}/${e}`);
}

async function removeTree(sys: System, path: string): Promise<void> {
  const st = await sys.lstat(path);
  if (st === null) return;
  if (st.isDirectory) await emptyDir(sys, path);
  await sys.remove(path);
}

// Copies src into dst recursively. With noClobber, existing files in dst are kept (cp -n).
export async function copyTree(sys: System, src: string, dst: string, noClobber: boolean): Promise<number> {
  const st = await sys.lstat(src);
  if (st === null || st.isSymbolicLink) return 0;
  if (st.isDirectory) {
    if (!(await sys.stat(dst))?.isDirectory) await sys.mkdirp(dst, st.mode & 0o7777);
    let n = 0;
    for (const e of await sys.readdir(src)) n += await copyTree(sys, `${src}/${e}`, `${dst}/${e}`, noClobber);
    return n;
  }
  if (noClobber && (await sys.lstat(dst)) !== null) return 0;
  await sys.copyFile(src, dst);
  return 1;
}

// The statd files this agent keeps a copy of in sm.ha.
export const SNAPSHOT = ['sm', 'sm.bak', 'state'] as const;

// stop, and the end of the start-time sync: sm.ha := { sm, sm.bak, state }.
export async function snapshotToHa(sys: System, dir: string, owner: Owner | undefined): Promise<void> {
  const ha = `${dir}/sm.ha`;
  await sys.mkdirp(ha);
  await emptyDir(sys, ha);
  for (const name of SNAPSHOT) await copyTree(sys, `${dir}/${name}`, `${ha}/${name}`, false);
  if (owner !== undefined) await chownTree(sys, ha, owner);
}

// start, before statd runs: merge sm.ha back into the statd directory without overwriting, so
// that clients consumed by an earlier sm-notify are notified again while the fresh state file
// (already written) is kept.
export async function mergeFromHa(sys: System, dir: string, owner: Owner | undefined): Promise<number> {
  const ha = `${dir}/sm.ha`;
  let n = 0;
  for (const e of await sys.readdir(ha).catch(() => [])) n += await copyTree(sys, `${ha}/${e}`, `${dir}/${e}`, true);
  if (owner !== undefined) for (const d of ['sm', 'sm.bak']) await chownTree(sys, `${dir}/${d}`, owner);
  return n;
}

// The statd directory tree statd and sm-notify need, owned by the statd user.
export async function prepareStatdDir(sys: System, dir: string, owner: Owner | undefined, log: Logger): Promise<void> {
  const own = async (path: string): Promise<void> => {
    if (owner !== undefined) await chownTree(sys, path, owner);
  };
  if (!(await sys.stat(dir))?.isDirectory) {
    await sys.mkdirp(dir, 0o755);
    // A statd directory of its own (the statd/ layout) belongs to the statd user; /var/lib/nfs
    // itself stays root's.
    if (owner !== undefined && dir !== '/var/lib/nfs') await sys.chown(dir, owner.uid, owner.gid);
  }
  for (const sub of ['sm', 'sm.bak', 'sm.ha']) {
    await sys.mkdirp(`${dir}/${sub}`, 0o755);
    await own(`${dir}/${sub}`);
  }
  if (owner === undefined) log.debug('no statd or rpcuser user: rpc.statd and sm-notify will run as root');
}
