#!/usr/bin/env bats
# The compiled nfsserver agent through ocf-tester (validate, probes, start, double start, stop,
# double stop…) in the direct mode with the real rpcbind, rpc.statd and rpc.mountd and a real
# bind mount of the shared infodir, inside test/lib/sandbox.sh (private mount/PID/network
# namespaces, overlay /var/lib and /etc, fake /proc/fs/nfsd). The kernel has no nfsd here:
# test/integration/nfsserver/fake-bin/rpc.nfsd writes the thread count into the fake
# /proc/fs/nfsd instead. Needs root, ocf-tester and nfs-kernel-server; skipped otherwise.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
load ../lib/bats-common

setup_file() {
  nfsha_public_install nfsserver
  export FAKE_BIN="$BATS_TEST_DIRNAME/../integration/nfsserver/fake-bin"
}

teardown_file() {
  rm -rf "${PUB:?}"
}

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root (mount, PID and network namespaces)"
  command -v ocf-tester >/dev/null || skip "ocf-tester (resource-agents) not installed"
  command -v rpc.mountd >/dev/null || skip "rpc.mountd (nfs-kernel-server) not installed"
  T="$PUB/$BATS_TEST_NUMBER"
  mkdir -p "$T/info"
}

tester() {
  run env PATH="$FAKE_BIN:$PATH" HA_LOGFACILITY=none bash "$SANDBOX" --net --fake-nfsd --threads 0 "$T/sbx" -- \
    ocf-tester -n nfs1 "$@" "$PUB/ocf/resource.d/nfsha/nfsserver"
  assert_success
  assert_output --partial "passed all tests"
  # Stopped at the end: no threads, the infodir unbound and filled in.
  assert_equal "$(cat "$T/sbx/procnfsd/threads")" 0
  [ -e "$T/info/sm.ha/state" ]
  [ -e "$T/info/etab" ]
}

@test "ocf-tester: shared infodir, no notification" {
  tester -o "nfs_shared_infodir=$T/info" -o nfs_no_notify=true
}

@test "ocf-tester: shared infodir, notification from 127.0.0.1, fixed ports" {
  tester -o "nfs_shared_infodir=$T/info" -o nfs_ip=127.0.0.1 -o statd_port=662 -o mountd_port=20048 -o nfs_smnotify_retry_time=1
}

@test "ocf-tester: NFSv4 only" {
  tester -o "nfs_shared_infodir=$T/info" -o nfsv4_only=true -o nfs_no_notify=true
}

@test "meta-data lists the nfsha additions and validates against the OCF DTD" {
  run "$NFSHA_BIN" nfsserver meta-data
  assert_success
  assert_output --partial '<parameter name="nfsv4_lease_time"'
  assert_output --partial '<parameter name="nfsv4_grace_time"'
  if [ -e /usr/share/resource-agents/ra-api-1.dtd ]; then
    cd /usr/share/resource-agents && "$NFSHA_BIN" nfsserver meta-data | xmllint --noout --valid -
  fi
}
