#!/bin/bash
# Runs a command in a throw-away machine view, so that tests of the agents (real exportfs,
# rpc.statd, mounts, signals) can never touch the host:
#   - private mount namespace: /etc and /var/lib are overlays whose writes land in SCRATCH,
#     /run is SCRATCH/run, /proc/fs/nfsd can be faked (--fake-nfsd);
#   - private PID namespace: process tools see only the sandbox; when the command ends, the
#     namespace's init (this script, which reaps) exits and the kernel kills everything left;
#   - optional private network (--net, loopback up) and host name (--uts).
# Usage: sandbox.sh [--fake-nfsd] [--threads N] [--net] [--uts] SCRATCH -- command [args...]
# The command's stdin, stdout, stderr and exit status pass through.
set -euo pipefail

if [ "${1:-}" = "--inner" ]; then
  shift
  T=$1; FAKE_NFSD=$2; THREADS=$3; NET=$4; shift 5
  mount --make-rprivate /
  for d in etc varlib; do mkdir -p "$T/$d-upper" "$T/$d-work"; done
  mount -t overlay nfsha-sbx-varlib -o "lowerdir=/var/lib,upperdir=$T/varlib-upper,workdir=$T/varlib-work" /var/lib
  mount -t overlay nfsha-sbx-etc -o "lowerdir=/etc,upperdir=$T/etc-upper,workdir=$T/etc-work" /etc
  # Writes through these links would leave the overlay: replace them by copies inside it.
  for l in /etc/os-release /etc/mtab; do
    if [ -L "$l" ]; then tgt=$(readlink -f "$l"); rm -f "$l"; if [ -f "$tgt" ]; then cp "$tgt" "$l"; fi; fi
  done
  mkdir -p "$T/run"
  mount --bind "$T/run" /run
  mkdir -p /run/lock /run/rpcbind /run/resource-agents /run/sendsigs.omit.d
  if [ "$FAKE_NFSD" = 1 ]; then
    mkdir -p "$T/procnfsd"
    echo "$THREADS" > "$T/procnfsd/threads"
    : > "$T/procnfsd/unlock_filesystem"
    : > "$T/procnfsd/unlock_ip"
    echo 90 > "$T/procnfsd/nfsv4leasetime"
    echo 90 > "$T/procnfsd/nfsv4gracetime"
    echo "+3 +4 +4.1 +4.2" > "$T/procnfsd/versions"
    mount --bind "$T/procnfsd" /proc/fs/nfsd
  fi
  if [ "$NET" = 1 ]; then ip link set lo up; fi
  # Stay PID 1 (reap orphans): run the command as a child and pass its status on.
  set +e
  "$@"
  rc=$?
  exit $rc
fi

FAKE_NFSD=0; THREADS=0; NET=0; UTS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --fake-nfsd) FAKE_NFSD=1; shift ;;
    --threads) THREADS=$2; shift 2 ;;
    --net) NET=1; shift ;;
    --uts) UTS=(--uts); shift ;;
    --) shift; break ;;
    -*) echo "sandbox.sh: unknown option $1" >&2; exit 2 ;;
    *) T=$1; shift ;;
  esac
done
[ -n "${T:-}" ] && [ $# -gt 0 ] || { echo "usage: sandbox.sh [--fake-nfsd] [--threads N] [--net] [--uts] SCRATCH -- cmd..." >&2; exit 2; }
mkdir -p "$T"
T=$(cd "$T" && pwd)
NETOPT=()
[ "$NET" = 1 ] && NETOPT=(--net)
exec unshare --mount --propagation private --pid --fork --kill-child --mount-proc "${NETOPT[@]}" "${UTS[@]}" -- \
  bash "$0" --inner "$T" "$FAKE_NFSD" "$THREADS" "$NET" -- "$@"
