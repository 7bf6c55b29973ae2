#!/bin/bash
# The VM lab: the seed's HA NFS failover, end to end, with real kernel NFS, a real two-node
# corosync/Pacemaker cluster and a client holding locks. See test/e2e/README.md.
#
#   lab.sh [--flavour plain|systemd|all] [--providers heartbeat,nfsha] [--agents PATH] [--keep]
#                                build (cached), run, report
#   lab.sh --soak N [...]        failover after failover instead of the scenarios (make lab-soak):
#                                N crashes in a row, alternating; ours only unless --providers
#   lab.sh deps                  install the host packages the lab needs (Debian)
#   lab.sh sh HOST 'script'      run a script in a VM of a lab left running with --keep
#   lab.sh clean                 stop a kept or interrupted lab (VMs, namespace, run files)
#   lab.sh clean-cache           also remove the image cache
#
# Everything runs inside one network namespace created here (a bridge and three taps, nothing
# else; no route leaves it) and is removed on exit, on Ctrl-C and on TERM. qemu processes are
# killed by their recorded PID, after checking that the PID's command line is ours.
# Environment: LAB_OUT (default build/lab: report, logs), LAB_CACHE (default .cache/lab: images),
# LAB_TIMEOUT (seconds after which the scenarios are stopped and the lab removed; default 4500 per
# flavour and provider, for a soak 600 per failover + 1800),
# LAB_MOUNT_OPTS (extra client mount options, e.g. timeo=50), LAB_TRACE=1 (our agents write
# OCF_TRACE_RA traces, collected as logs/<flavour>/<provider>/<node>-trace_ra.log), LAB_FLAVOUR
# (default all: plain and systemd), LAB_UPSTREAM (default all; compare: upstream's agents run only
# the scenarios the side-by-side comparison needs: start, client, crash, rejoin, move), LAB_NICE
# (default -10: the qemu processes' nice value and that of their autogroups, see driver/vm.ts;
# empty: unchanged), LAB_FENCED_STOP (default nfsha: which providers run the fenced-stop scenario:
# nfsha, heartbeat, all or none), LAB_SCENARIOS (a comma-separated subset of the scenarios, e.g.
# start,client,fenced-stop,fenced-rejoin).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${LAB_OUT:-$ROOT/build/lab}
RUN=$OUT/run
CACHE=${LAB_CACHE:-$ROOT/.cache/lab}
NODE=$ROOT/node_modules/.bin/node

# Host packages (Debian names) and the commands that prove each is there.
HOST_PACKAGES=(qemu-system-x86 mmdebstrap busybox-static cpio kmod e2fsprogs iproute2 util-linux)
HOST_COMMANDS=(qemu-system-x86_64 mmdebstrap busybox cpio depmod mke2fs ip flock)

die() { echo "lab.sh: $*" >&2; exit 2; }
now_ms() { date +%s%3N; }

cleanup_run() {
  local f pid ns
  if [ -d "$RUN/pids" ]; then
    for f in "$RUN"/pids/*.pid; do
      [ -f "$f" ] || continue
      pid=$(cat "$f" 2>/dev/null || true)
      if [ -n "$pid" ] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$f"; then
        kill -9 "$pid" 2>/dev/null || true
      fi
    done
  fi
  if [ -f "$RUN/netns" ]; then
    ns=$(cat "$RUN/netns")
    case "$ns" in nfshalab-*) ip netns del "$ns" 2>/dev/null || true ;; esac
  fi
  rm -rf --one-file-system "$RUN"
}

case "${1:-}" in
  deps)
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${HOST_PACKAGES[@]}"
    exit 0 ;;
  sh)
    shift
    [ -f "$RUN/netns" ] || die "no lab is running (start one with --keep)"
    exec ip netns exec "$(cat "$RUN/netns")" "$NODE" "$HERE/driver/labctl.ts" "$@" ;;
  clean)
    cleanup_run; echo "lab.sh: cleaned"; exit 0 ;;
  clean-cache)
    cleanup_run; rm -rf --one-file-system "$CACHE"; echo "lab.sh: cache removed"; exit 0 ;;
  run) shift ;;
esac

PROVIDERS=
SOAK=0
FLAVOURS=${LAB_FLAVOUR:-all}
AGENTS=""
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --providers) PROVIDERS=$2; shift 2 ;;
    --flavour) FLAVOURS=$2; shift 2 ;;
    --agents) AGENTS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --soak) SOAK=$2; shift 2 ;;
    *) die "unknown argument $1 (see the header of $0)" ;;
  esac
done

[[ $SOAK =~ ^[0-9]+$ ]] || die "--soak wants a number of failovers, got $SOAK"
if [ -z "$PROVIDERS" ]; then
  if [ "$SOAK" -gt 0 ]; then PROVIDERS=nfsha; else PROVIDERS=heartbeat,nfsha; fi
fi
case "$FLAVOURS" in
  all) FLAVOURS=plain,systemd ;;
  plain|systemd|plain,systemd|systemd,plain) ;;
  *) die "unknown flavour $FLAVOURS (plain, systemd, all)" ;;
esac
[ "$(id -u)" = 0 ] || die "must run as root (network namespace, taps, qemu)"
missing=()
for c in "${HOST_COMMANDS[@]}"; do command -v "$c" >/dev/null || missing+=("$c"); done
[ ${#missing[@]} = 0 ] || die "missing commands: ${missing[*]} — run: $0 deps   (apt-get install ${HOST_PACKAGES[*]})"
[ -x "$NODE" ] || die "the project's Node is missing (make deps)"

mkdir -p "$OUT"
exec 8>"$OUT/.lock"
flock -n 8 || die "another lab run holds $OUT/.lock"
# Leftovers of an interrupted run (its lock is gone, so it is dead).
cleanup_run
rm -rf --one-file-system "$OUT/logs"; rm -f "$OUT"/report.*
mkdir -p "$RUN/pids"

DRIVER=""
WATCHDOG=""
on_exit() {
  local rc=$?
  if [ -n "$WATCHDOG" ]; then kill "$WATCHDOG" 2>/dev/null || true; fi
  if [ -n "$DRIVER" ] && kill -0 "$DRIVER" 2>/dev/null; then
    kill -TERM "$DRIVER" 2>/dev/null || true
    wait "$DRIVER" 2>/dev/null || true
  fi
  if [ "$KEEP" = 1 ] && [ "$rc" != 130 ] && [ "$rc" != 143 ]; then
    echo "lab.sh: --keep: lab left running; '$0 sh node1 ...' to look, '$0 clean' to stop it" >&2
  else
    cleanup_run
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# ---- images ----
# Our executable goes into the image whenever it is built (one image serves both providers).
if [ -z "$AGENTS" ] && [ -x "$ROOT/dist/nfsha" ]; then AGENTS=$ROOT/dist/nfsha; fi
t0=$(now_ms)
BUILD_ARGS=()
[ -n "$AGENTS" ] && BUILD_ARGS=(--agents "$AGENTS")
IMAGES=()
BUILT_ALL=()
for fl in ${FLAVOURS//,/ }; do
  BUILD_OUT=$(bash "$HERE/build.sh" --flavour "$fl" "${BUILD_ARGS[@]}")
  eval "$(grep -E '^(KERNEL|INITRD|IMAGE|KVER|NFSHA|BUILT)=' <<< "$BUILD_OUT")"
  IMAGES+=(--image "$fl=$IMAGE")
  BUILT_ALL+=("$fl ${BUILT:-}")
  echo "lab.sh: $fl image ready (${BUILT:-}) — kernel $KVER, image $(basename "$IMAGE")"
done
BUILT=$(IFS=';'; echo "${BUILT_ALL[*]}")
BUILD_MS=$(( $(now_ms) - t0 ))
echo "lab.sh: images ready in $((BUILD_MS / 1000)) s"

# ---- network: a bridge that exists only inside this namespace ----
NS=nfshalab-$$
echo "$NS" > "$RUN/netns"
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add br0 type bridge
ip -n "$NS" addr add 192.168.122.1/24 dev br0
ip -n "$NS" link set br0 up
for t in node1 node2 client; do
  ip -n "$NS" tuntap add dev "tap-$t" mode tap
  ip -n "$NS" link set "tap-$t" master br0 up
done

# ---- scenarios ----
# In the background, so that INT/TERM reach the traps at once (bash defers them during a
# foreground child); the driver is stopped by its PID in on_exit.
ip netns exec "$NS" "$NODE" "$HERE/driver/main.ts" --out "$OUT" --run "$RUN" \
  --kernel "$KERNEL" --initrd "$INITRD" "${IMAGES[@]}" --providers "$PROVIDERS" \
  --build-ms "$BUILD_MS" --build-note "${BUILT:-}" --nfsha "${NFSHA:-no}" --soak "$SOAK" $([ "$KEEP" = 1 ] && echo --keep) &
DRIVER=$!
# A bound for the whole run, whatever hangs: the driver is stopped (it writes what it measured).
# By default 75 min for each flavour and provider run (a loaded 2-core machine has taken 37 min
# for upstream's and 60+ for ours in the systemd flavour, every scenario), or 10 min a failover
# plus 30 min for a soak.
IFS=, read -r -a _f <<< "$FLAVOURS"; IFS=, read -r -a _p <<< "$PROVIDERS"
if [ "$SOAK" -gt 0 ]; then TIMEOUT=${LAB_TIMEOUT:-$(( (SOAK * 10 + 30) * 60 ))}; else TIMEOUT=${LAB_TIMEOUT:-$(( ${#_f[@]} * ${#_p[@]} * 4500 ))}; fi
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "LAB_TIMEOUT wants seconds, got $TIMEOUT"
(
  trap 'kill "$nap" 2>/dev/null; exit 0' TERM
  sleep "$TIMEOUT" & nap=$!
  wait "$nap" || exit 0
  echo "lab.sh: LAB_TIMEOUT reached, stopping" >&2
  kill -TERM "$DRIVER" 2>/dev/null
) &
WATCHDOG=$!
set +e
wait "$DRIVER"
rc=$?
set -e
DRIVER=
echo "lab.sh: report: $OUT/report.txt, $OUT/report.svg; logs: $OUT/logs/"
exit $rc
