// What the filesystem type decides: the same lists as upstream HEAD.

const set = (words: string): ReadonlySet<string> => new Set(words.split(/\s+/).filter(Boolean));

// Not on a block device of their own: no device check, no fsck, no flush, no device comparison,
// monitor 10 is a no-op and the status file is written without O_DIRECT.
export const NON_BLOCK = set('nfs4 nfs aznfs efs smbfs cifs none glusterfs ceph tmpfs overlay overlayfs rozofs zfs cvfs lustre');

// Network filesystems: stop uses umount -f in its forceful phase.
export const NETWORK = set('nfs4 nfs aznfs efs cifs smbfs');

// run_fsck=auto does not check these (journaling, network, virtual and cluster filesystems).
export const NO_AUTO_FSCK = set(
  'ext4 ext4dev ext3 reiserfs reiser4 nss xfs jfs vfat fat nfs4 nfs aznfs efs cifs smbfs ocfs2 gfs2 none lustre glusterfs ceph tmpfs overlay overlayfs rozofs zfs cvfs',
);

// Clone safety.
const CLONE_SAFE_LOCAL = set('none overlay overlayfs tmpfs');
const CLONE_SAFE_SHARED = set('nfs4 nfs aznfs efs smbfs cifs gfs2 glusterfs ceph ocfs2 cvfs lustre');
const NEEDS_FORCE_CLONES = set('ext4 ext4dev ext3 reiserfs reiser4 xfs jfs');

export type CloneVerdict =
  | { readonly allowed: true; readonly warn?: 'forced' | 'read-only'; readonly dropIn: boolean }
  | { readonly allowed: false };

// Whether a resource of this type may run as a clone, and whether start writes the
// remote-fs.target drop-in (network and cluster filesystems, forced local ones).
export function cloneVerdict(fstype: string, forceClones: boolean, readOnly: boolean, isClone: boolean): CloneVerdict {
  if (CLONE_SAFE_LOCAL.has(fstype)) return { allowed: true, dropIn: false };
  if (CLONE_SAFE_SHARED.has(fstype)) return { allowed: true, dropIn: true };
  if (NEEDS_FORCE_CLONES.has(fstype)) {
    if (forceClones) return { allowed: true, warn: isClone ? 'forced' : undefined, dropIn: true };
    return isClone ? { allowed: false } : { allowed: true, dropIn: false };
  }
  if (!isClone) return { allowed: true, dropIn: false };
  return readOnly ? { allowed: true, warn: 'read-only', dropIn: false } : { allowed: false };
}

export function needsAutoFsck(fstype: string): boolean {
  return !NO_AUTO_FSCK.has(fstype);
}

// The name to look for in /proc/filesystems (and to modprobe), and a helper program the type
// needs, when it differs from the type itself.
export function kernelSupportName(fstype: string): { name: string; helper?: string } {
  if (fstype.startsWith('fuse.') || fstype === 'glusterfs' || fstype === 'rozofs') return { name: 'fuse' };
  if (fstype === 'efs') return { name: 'nfs4', helper: 'mount.efs' };
  if (fstype === 'aznfs') return { name: 'nfs4', helper: 'mount.aznfs' };
  return { name: fstype };
}

