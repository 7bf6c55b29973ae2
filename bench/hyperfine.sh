#!/bin/bash
# Cross-check of `make bench` with another tool: Filesystem monitor (recurring, depth 0) of ours,
# optionally of a previous build, and of upstream's shell agent on a mounted ext4 loop device,
# timed by `hyperfine -N` (no shell in between: fork and exec, as Pacemaker's executor does).
# Runs in a private mount namespace (the mount is never visible on the host); stdin is
# /dev/null (hyperfine gives no input), output goes through pipes, and the environment is the one
# execd gives, as in bench/run.ts.
# Usage (root): bench/hyperfine.sh [--baseline OLDER/dist/nfsha] [--runs N]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${NFSHA_BIN:-$ROOT/dist/nfsha}
BASELINE=""
RUNS=40
while [ $# -gt 0 ]; do
  case "$1" in
    --baseline) BASELINE=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --inner) shift; break ;;
    *) echo "usage: $0 [--baseline OLDER/dist/nfsha] [--runs N]" >&2; exit 2 ;;
  esac
done

if [ "${1:-}" != "" ]; then
  # Inside the private mount namespace: $1 scratch, $2 loop device.
  T=$1 LOOP=$2
  mkdir -p "$T/mnt"
  mount -t ext4 "$LOOP" "$T/mnt"
  cmds=("$T/ours/Filesystem monitor")
  [ -e "$T/baseline/Filesystem" ] && cmds+=("$T/baseline/Filesystem monitor")
  cmds+=("/usr/lib/ocf/resource.d/heartbeat/Filesystem monitor")
  exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \
    OCF_RA_VERSION_MAJOR=1 OCF_RA_VERSION_MINOR=1 OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=bench \
    OCF_RESOURCE_TYPE=Filesystem OCF_EXIT_REASON_PREFIX=ocf-exit-reason: OCF_OUTPUT_FORMAT=text \
    OCF_RESKEY_CRM_meta_timeout=20000 OCF_RESKEY_CRM_meta_interval=20000 HA_LOGFILE="$T/pacemaker.log" HA_debug=0 \
    OCF_RESKEY_device="$LOOP" OCF_RESKEY_directory="$T/mnt" OCF_RESKEY_fstype=ext4 \
    hyperfine -N --warmup 3 --runs "$RUNS" --output pipe "${cmds[@]}"
fi

[ "$(id -u)" = 0 ] || { echo "$0: needs root (loop device, mount namespace)" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "$0: hyperfine is not installed" >&2; exit 2; }
T=$(mktemp -d /tmp/nfsha-hyperfine-XXXXXX)
LOOP=""
trap '[ -z "$LOOP" ] || losetup -d "$LOOP"; rm -rf "$T"' EXIT
# Installed as `make install` does: one copy, the agent's name.
install -D -m 0755 "$BIN" "$T/ours/Filesystem"
[ -z "$BASELINE" ] || install -D -m 0755 "$BASELINE" "$T/baseline/Filesystem"
truncate -s 64M "$T/fs.img"
mkfs.ext4 -q -F "$T/fs.img"
LOOP=$(losetup --find --show "$T/fs.img")
unshare --mount --propagation private -- bash "$0" --inner "$T" "$LOOP"
