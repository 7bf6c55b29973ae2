#!/usr/bin/env bats
# The compiled Filesystem agent as its real callers run it: ocf-tester (resource-agents) and a
# single-node Pacemaker cluster, on a loop-device ext4, as root, inside test/lib/sandbox.sh.

bats_require_minimum_version 1.5.0

setup_file() {
  export REPO="$BATS_TEST_DIRNAME/../.."
  export BIN="${NFSHA_BIN:-$REPO/dist/nfsha}"
  export SANDBOX="$REPO/test/lib/sandbox.sh"
  export RIG="$REPO/test/lib/pcmk-rig.sh"
}

setup() {
  bats_load_library bats-support
  bats_load_library bats-assert
  [ "$(id -u)" = 0 ] || skip "needs root (loop devices, mount and PID namespaces)"
  [ -x "$BIN" ] || skip "$BIN is not built (make build)"
  unshare --mount --pid --fork true 2>/dev/null || skip "mount/PID namespaces not permitted here"
  T=$(mktemp -d /tmp/nfsha-fs-bats-XXXXXX)
  chmod 755 "$T"
  mkdir -p "$T/ocf/resource.d/nfsha"
  ln -s "$(readlink -f "$BIN")" "$T/ocf/resource.d/nfsha/Filesystem"
  LOOP=""
}

teardown() {
  # Only the device this test created, by name.
  [ -z "${LOOP:-}" ] || losetup -d "$LOOP" 2>/dev/null || true
  # ocft's own loop device, by its backing file, should the run have stopped before its cleanup.
  if [ -n "${T:-}" ] && [ -e "$T/sbx/run/resource-agents/ocft-Filesystem-fs" ]; then
    losetup -n -O NAME -j "$T/sbx/run/resource-agents/ocft-Filesystem-fs" | xargs -r -n1 losetup -d 2>/dev/null || true
  fi
  [ -z "${T:-}" ] || rm -rf "$T"
}

make_loop() {
  truncate -s 64M "$T/img"
  mkfs.ext4 -q -F "$T/img"
  LOOP=$(losetup --find --show "$T/img")
}

@test "ocf-tester passes with a loop-device ext4" {
  command -v ocf-tester >/dev/null || skip "ocf-tester is not installed (resource-agents)"
  make_loop
  run -0 "$SANDBOX" "$T/sbx" -- env OCF_ROOT="$T/ocf" ocf-tester -n nfshafs \
    -o device="$LOOP" -o directory="$T/mnt" -o fstype=ext4 "$T/ocf/resource.d/nfsha/Filesystem"
  assert_output --partial "passed all tests"
  refute_output --partial "* rc="
}

@test "ocft: resource-agents' own Filesystem cases pass" {
  local cfg=/usr/share/resource-agents/ocft/configs/Filesystem
  command -v ocft >/dev/null && [ -r "$cfg" ] || skip "ocft is not installed (resource-agents)"
  [ -L /var/run ] || skip "/var/run is not a link to /run here"
  mkdir -p "$T/ocft"
  # The case file as shipped, with two changes: our agent instead of upstream's, and the mount
  # point under /var/run, which is what ocft's get_rundir answers on a host whose /run is not a
  # mount of its own (here the sandbox mounts one). The first case then starts on a directory that
  # does not exist yet and whose path goes through the /var/run -> /run link.
  sed -e "s#^\([[:space:]]*AgentRoot[[:space:]]\).*#\1$T/ocf/resource.d/nfsha#" \
    -e 's#^\([[:space:]]*OCFT_rundir=\).*#\1/var/run#' "$cfg" >"$T/ocft/Filesystem"
  grep -q "AgentRoot $T/ocf/resource.d/nfsha" "$T/ocft/Filesystem"
  grep -q 'OCFT_rundir=/var/run$' "$T/ocft/Filesystem"
  local cases
  cases=$(grep -c '^CASE ' "$cfg")
  # ocft writes its case scripts to /var/lib/resource-agents (an overlay in the sandbox).
  run "$SANDBOX" "$T/sbx" -- bash -c 'ocft make -d "$1" Filesystem >/dev/null && ocft test -v Filesystem' _ "$T/ocft"
  assert_success
  refute_output --partial "FAILED"
  assert_output --partial "case 0 '"$'\e'"[33mcheck base env"
  [ "$(grep -c 'Checking return value:.*OK.*==' <<<"$output")" -eq "$cases" ]
}

@test "ocf-tester passes with a bind mount" {
  command -v ocf-tester >/dev/null || skip "ocf-tester is not installed (resource-agents)"
  mkdir -p "$T/src"
  run -0 "$SANDBOX" "$T/sbx" -- env OCF_ROOT="$T/ocf" ocf-tester -n nfshabind \
    -o device="$T/src" -o directory="$T/bind" -o fstype=none -o options=bind "$T/ocf/resource.d/nfsha/Filesystem"
  assert_output --partial "passed all tests"
}

@test "runs under a single-node Pacemaker cluster: create, monitor, fail and recover, stop" {
  command -v pacemakerd >/dev/null && command -v corosync >/dev/null || skip "pacemaker/corosync not installed"
  make_loop
  mkdir -p "$T/provider"
  ln -s "$(readlink -f "$BIN")" "$T/provider/Filesystem"
  cat >"$T/scenario.sh" <<EOF
set -u
trap '"$RIG" down "$T/rig"' EXIT
"$RIG" up "$T/rig" nfsha="$T/provider" || { tail -40 "$T/rig/pacemaker.log" >&2; exit 10; }
cibadmin --create -o resources -X '<primitive id="nfshafs" class="ocf" provider="nfsha" type="Filesystem">
  <instance_attributes id="nfshafs-ia">
    <nvpair id="nfshafs-dev" name="device" value="$LOOP"/>
    <nvpair id="nfshafs-dir" name="directory" value="$T/mnt"/>
    <nvpair id="nfshafs-type" name="fstype" value="ext4"/>
  </instance_attributes>
  <operations><op id="nfshafs-mon" name="monitor" interval="2s" timeout="20s"/></operations>
</primitive>' || exit 11
"$RIG" wait "$T/rig" nfshafs "Started" 30 || exit 12
echo "MOUNTED1 \$(findmnt -n -o SOURCE "$T/mnt")"
umount "$T/mnt"
# The recurring monitor notices (not running), Pacemaker stops and starts it again.
for i in \$(seq 1 100); do crm_failcount --query -r nfshafs -N \$(uname -n) 2>/dev/null | grep -q 'value=1' && break; sleep 0.2; done
"$RIG" wait "$T/rig" nfshafs "Started" 30 || exit 13
for i in \$(seq 1 100); do findmnt -n "$T/mnt" >/dev/null && break; sleep 0.2; done
echo "MOUNTED2 \$(findmnt -n -o SOURCE "$T/mnt")"
echo "FAILCOUNT \$(crm_failcount --query -r nfshafs -N \$(uname -n))"
crm_mon -1 -rf | grep -A3 'Failed Resource Actions' || true
crm_resource -r nfshafs --meta -p target-role -v Stopped >/dev/null || exit 14
"$RIG" wait "$T/rig" nfshafs "Stopped" 30 || exit 15
echo "MOUNTED3 \$(findmnt -n "$T/mnt" | wc -l)"
grep -c 'Filesystem(nfshafs)' "$T/rig/pacemaker.log" | sed 's/^/LOGLINES /'
# No terminal under Pacemaker: no closing line (which execd would log as the agent's output).
grep -cE '(monitor|start|stop): [a-z, ]+ \([0-9]+\)' "$T/rig/pacemaker.log" | sed 's/^/CLOSING /'
EOF
  run -0 "$SANDBOX" --net "$T/sbx" -- bash "$T/scenario.sh"
  assert_line "MOUNTED1 $LOOP"
  assert_line "MOUNTED2 $LOOP"
  assert_line --partial "FAILCOUNT scope=status  name=fail-count-nfshafs value=1"
  assert_output --partial "monitor on"
  assert_output --partial "returned 'not running'"
  assert_line "MOUNTED3 0"
  refute_line "LOGLINES 0"
  assert_line "CLOSING 0"
  # Nothing of the cluster survives the sandbox.
  run pgrep -f "corosync -f -c $T/rig"
  assert_failure
}
