#!/bin/bash
# Builds the VM lab's boot files from Debian packages only, cached by content:
#   kernel/<pkg>_<version>/   Debian's kernel package unpacked, depmod'ed   (key: package + version)
#   initrd-<key>.gz           busybox initramfs that loads virtio + ext4 and switches root
#   rootfs-<key>/             mmdebstrap tree: NFS server and client, Pacemaker, corosync,
#                             resource-agents, pruned kernel modules   (key: packages, recipe, apt sources, kernel)
#   root-<key>.img            ext4 image of rootfs + the lab's guest files + our agents   (key: all of the above)
# Nothing names a mirror: mmdebstrap and apt-get read this machine's apt configuration.
# A second run with unchanged inputs rebuilds nothing. Older entries of each kind are removed,
# so the cache holds one generation.
#
# Usage: build.sh [--flavour plain|systemd] [--agents DIR]
#   prints "KEY=VALUE" lines (KERNEL, INITRD, IMAGE, KVER) on stdout.
#   --flavour plain (default): no systemd; guest/lab-init is PID 1 and the lab starts the services.
#   --flavour systemd: systemd-sysv is PID 1 (/sbin/init), services run from their own units,
#   nfs-server.service disabled at boot (the cluster owns it); guest/lab-setup names the machine.
#   Each flavour has its own rootfs and image in the cache (rootfs-<flavour>-<key>).
#   --agents DIR: a staging root containing usr/libexec/nfsha-agents/nfsha (make stage), or the
#   path of the nfsha binary itself; its content is part of the image key.
# Environment: LAB_CACHE (default <repo>/.cache/lab), LAB_SUITE (default: this machine's suite).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${LAB_CACHE:-$ROOT/.cache/lab}
AGENTS=""
FLAVOUR=plain
while [ $# -gt 0 ]; do
  case "$1" in
    --agents) AGENTS=$2; shift 2 ;;
    --flavour) FLAVOUR=$2; shift 2 ;;
    *) echo "build.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

log() { printf '[build %s] %s\n' "$(date +%T)" "$*" >&2; }
hash_of() { sha256sum | cut -c1-16; }
# Keep only $2 among the cache entries matching the glob $1.
prune() { local keep=$2 e; for e in $1; do [ -e "$e" ] && [ "$e" != "$keep" ] && rm -rf --one-file-system "$e"; done; return 0; }

case "$FLAVOUR" in plain|systemd) ;; *) echo "build.sh: unknown flavour $FLAVOUR (plain, systemd)" >&2; exit 2 ;; esac
BUILT=()
mkdir -p "$CACHE"
exec 9>"$CACHE/.build.lock"
flock 9

# Guest packages. python3 runs the lab's command agent; tcpdump is for looking at NSM/NLM traffic.
PACKAGES=(nfs-kernel-server nfs-common rpcbind pacemaker pacemaker-cli-utils corosync resource-agents
          util-linux psmisc iproute2 e2fsprogs kmod procps netbase python3 iputils-arping tcpdump)
# systemd flavour: systemd as PID 1 and the D-Bus a distribution node has.
if [ "$FLAVOUR" = systemd ]; then PACKAGES+=(systemd-sysv dbus); fi
SUITE=${LAB_SUITE:-$(. /etc/os-release && echo "$VERSION_CODENAME")}

# ---- kernel -------------------------------------------------------------------------------
KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ && !k {k=$2} END {print k}')
[ -n "$KPKG" ] || { echo "build.sh: cannot find Debian's kernel package (apt-get update?)" >&2; exit 1; }
KVER=${KPKG#linux-image-}
KPKGVER=$(apt-cache policy "$KPKG" | awk '/Candidate:/ && !v {v=$2} END {print v}')
KDIR=$CACHE/kernel/${KPKG}_${KPKGVER}
if [ ! -f "$KDIR/.done" ]; then
  log "kernel: $KPKG $KPKGVER"
  BUILT+=(kernel)
  rm -rf "$KDIR"; mkdir -p "$KDIR/dl"
  (cd "$KDIR/dl" && apt-get download -q "$KPKG=$KPKGVER" >/dev/null 2>&1) || { echo "build.sh: apt-get download $KPKG failed" >&2; exit 1; }
  dpkg -x "$KDIR"/dl/*.deb "$KDIR/root"
  rm -rf "$KDIR/dl"
  # Keep what a virtio guest with NFS and ext4 needs; drop sound, GPU, wireless, real NIC drivers.
  M=$KDIR/root/lib/modules/$KVER/kernel
  for d in "$M"/drivers/*; do
    case "${d##*/}" in virtio|block|char|net|md|nvme|scsi) ;; *) rm -rf "$d" ;; esac
  done
  find "$M/drivers/net" -mindepth 1 -maxdepth 1 ! -name 'virtio_net.ko' ! -name 'net_failover.ko' ! -name 'dummy.ko' ! -name 'tun.ko' ! -name 'veth.ko' -exec rm -rf {} +
  rm -rf "$M/sound"
  depmod -b "$KDIR/root" "$KVER"
  echo "$KVER" > "$KDIR/kver"
  touch "$KDIR/.done"
fi
prune "$CACHE/kernel/*" "$KDIR"
KERNEL=$KDIR/root/boot/vmlinuz-$KVER

# ---- initramfs ----------------------------------------------------------------------------
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] && file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' || BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || { echo "build.sh: busybox-static is needed (apt-get install busybox-static)" >&2; exit 1; }
IKEY=$( { echo "$KDIR"; cat "$HERE/guest/initramfs-init"; sha256sum < "$BUSYBOX"; } | hash_of)
INITRD=$CACHE/initrd-$IKEY.gz
if [ ! -f "$INITRD" ]; then
  log "initramfs"
  BUILT+=(initramfs)
  T=$(mktemp -d "$CACHE/.initrd.XXXXXX")
  mkdir -p "$T"/{bin,dev,proc,sys,newroot,lib/modules}
  cp "$BUSYBOX" "$T/bin/busybox"
  for a in sh mount umount insmod sleep switch_root mkdir cat echo ls; do ln -s busybox "$T/bin/$a"; done
  i=0
  while read -r kind path _; do
    [ "$kind" = insmod ] || continue
    i=$((i + 1))
    cp "$path" "$T/lib/modules/$(printf '%02d' $i)-$(basename "$path")"
  done < <(modprobe -d "$KDIR/root" -S "$KVER" --show-depends -a virtio_pci virtio_blk ext4)
  install -m 0755 "$HERE/guest/initramfs-init" "$T/init"
  (cd "$T" && find . | cpio -o -H newc --quiet | gzip -1) > "$INITRD.tmp"
  mv "$INITRD.tmp" "$INITRD"
  rm -rf "$T"
fi
prune "$CACHE/initrd-*.gz" "$INITRD"

# ---- rootfs -------------------------------------------------------------------------------
RKEY=$( { echo "v1 $FLAVOUR $SUITE ${PACKAGES[*]}"; echo "$KDIR"; cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } | hash_of)
RDIR=$CACHE/rootfs-$FLAVOUR-$RKEY
if [ ! -f "$RDIR.done" ]; then
  BUILT+=(rootfs)
  log "rootfs: mmdebstrap $SUITE (${#PACKAGES[@]} packages)"
  rm -rf --one-file-system "$RDIR"
  IFS=, ; INCLUDE="${PACKAGES[*]}"; unset IFS
  # --variant=minbase, no recommends; the service starts of postinst scripts are refused by
  # mmdebstrap's policy-rc.d. Documentation, manuals and locales are left out.
  mmdebstrap --quiet --variant=minbase --include="$INCLUDE" \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    "$SUITE" "$RDIR" >&2
  mkdir -p "$RDIR/lib/modules"
  cp -a "$KDIR/root/lib/modules/$KVER" "$RDIR/lib/modules/"
  # plain: no systemd, no udev. systemd: an empty machine-id makes each boot generate its own.
  rm -f "$RDIR/etc/machine-id"; : > "$RDIR/etc/machine-id"
  touch "$RDIR.done"
fi
for e in "$CACHE"/rootfs-"$FLAVOUR"-*; do case "$e" in "$RDIR"|"$RDIR.done") ;; *) rm -rf --one-file-system "$e" ;; esac; done

# ---- agents (ours) ------------------------------------------------------------------------
NFSHA_BIN=""
if [ -n "$AGENTS" ]; then
  if [ -f "$AGENTS" ]; then NFSHA_BIN=$AGENTS
  elif [ -f "$AGENTS/usr/libexec/nfsha-agents/nfsha" ]; then NFSHA_BIN=$AGENTS/usr/libexec/nfsha-agents/nfsha
  else echo "build.sh: no nfsha binary under $AGENTS" >&2; exit 1; fi
fi
AKEY=none
[ -n "$NFSHA_BIN" ] && AKEY=$(sha256sum < "$NFSHA_BIN" | cut -c1-16)

# ---- image --------------------------------------------------------------------------------
GKEY=$( { echo "$RKEY $AKEY"; cat "$HERE"/build.sh "$HERE"/guest/lab-init "$HERE"/guest/lab-agent "$HERE"/guest/lab-setup "$HERE"/guest/fence_lab "$HERE"/guest/*.service; } | hash_of)
IMAGE=$CACHE/root-$FLAVOUR-$GKEY.img
if [ ! -f "$IMAGE" ]; then
  log "image (agents: ${NFSHA_BIN:-none})"
  BUILT+=(image)
  T=$(mktemp -d "$CACHE/.image.XXXXXX")
  # Hard-linked view of the cached tree; only NEW files are added to it, nothing is modified.
  cp -al "$RDIR" "$T/tree"
  install -D -m 0755 "$HERE/guest/lab-init" "$T/tree/sbin/lab-init"
  install -D -m 0755 "$HERE/guest/lab-agent" "$T/tree/usr/local/sbin/lab-agent"
  # The lab's fence device (lab only, driver/fence.ts); Pacemaker's fencer finds fence_* in /usr/sbin.
  install -D -m 0755 "$HERE/guest/fence_lab" "$T/tree/usr/sbin/fence_lab"
  install -D -m 0755 "$HERE/guest/lab-setup" "$T/tree/usr/local/sbin/lab-setup"
  if [ "$FLAVOUR" = systemd ]; then
    # The tree is hard-linked to the cache: only new files and new directory entries here.
    W=$T/tree/etc/systemd/system
    for u in lab-setup lab-agent; do
      install -D -m 0644 "$HERE/guest/$u.service" "$W/$u.service"
      mkdir -p "$W/multi-user.target.wants"; ln -sf "../$u.service" "$W/multi-user.target.wants/$u.service"
    done
    # The cluster owns the NFS server; corosync and Pacemaker start once the lab has written
    # their configuration (systemctl start pacemaker); no login prompt on the console.
    for u in nfs-server corosync pacemaker logd; do rm -f "$W"/*.wants/$u.service; done
    # Nor the periodic jobs of a workstation (apt, fstrim, e2scrub), nor cluster-glue's logd
    # (Pacemaker and the agents log to their files and the journal without it): they would only
    # steal the emulated CPU.
    for u in serial-getty@ttyS0.service getty@tty1.service apt-daily.timer apt-daily-upgrade.timer \
             dpkg-db-backup.timer e2scrub_all.timer fstrim.timer e2scrub_reap.service logd.service; do
      ln -sf /dev/null "$W/$u"
    done
    mkdir -p "$T/tree/var/log/cluster"
  fi
  if [ -n "$NFSHA_BIN" ]; then
    install -D -m 0755 "$NFSHA_BIN" "$T/tree/usr/libexec/nfsha-agents/nfsha"
    mkdir -p "$T/tree/usr/lib/ocf/resource.d/nfsha"
    # The agents from the registry (agents/index.ts).
    for a in $(cd "$ROOT" && node_modules/.bin/node tools/agents.ts); do
      ln "$T/tree/usr/libexec/nfsha-agents/nfsha" "$T/tree/usr/lib/ocf/resource.d/nfsha/$a"
    done
  fi
  SIZE_MB=$(( $(du -sm "$T/tree" | cut -f1) * 3 / 2 + 512 ))
  truncate -s "${SIZE_MB}M" "$T/root.img"
  mke2fs -q -t ext4 -L labroot -E lazy_itable_init=1 -d "$T/tree" "$T/root.img"
  mv "$T/root.img" "$IMAGE"
  rm -rf --one-file-system "$T"
fi
prune "$CACHE/root-$FLAVOUR-*.img" "$IMAGE"

echo "KERNEL=$KERNEL"
echo "INITRD=$INITRD"
echo "IMAGE=$IMAGE"
echo "KVER=$KVER"
echo "FLAVOUR=$FLAVOUR"
echo "NFSHA=$([ -n "$NFSHA_BIN" ] && echo yes || echo no)"
if [ ${#BUILT[@]} = 0 ]; then echo "BUILT=cached"; else IFS=,; echo "BUILT=built:${BUILT[*]}"; fi
