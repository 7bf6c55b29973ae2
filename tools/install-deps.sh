#!/bin/bash
# Installs what building and testing nfsha-agents needs on a Debian 12 machine: Debian packages
# (as root, only those missing) and the pinned npm packages (npm ci, which also brings the
# project's own Node 24). Nothing is downloaded from anywhere else.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  make git ca-certificates
  # meta-data validation, conformance, cluster
  libxml2-utils resource-agents pacemaker pacemaker-cli-utils corosync pcs crmsh
  # packaging
  rpm cpio
  # what the agents drive, for integration tests
  util-linux mount e2fsprogs xfsprogs btrfs-progs psmisc procps iproute2 kmod
  nfs-common nfs-kernel-server rpcbind tshark
  # benchmarks
  hyperfine time valgrind
  # the VM lab (test/e2e): emulated machines, a Debian root tree, an initramfs
  qemu-system-x86 mmdebstrap busybox-static
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing Debian packages (run as root to install): ${missing[*]}" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # tshark asks whether non-root users may capture: answer no, non-interactively.
  echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -f node_modules/.installed ] || [ package-lock.json -nt node_modules/.installed ]; then
  npm ci --no-audit --no-fund
  touch node_modules/.installed
fi
