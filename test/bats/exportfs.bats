#!/usr/bin/env bats
# The compiled exportfs agent through ocf-tester (the conformance sequence: validate, probes,
# start, double start, stop, double stop…) with the real exportfs, inside test/lib/sandbox.sh
# (private mount/PID/network namespaces, overlay /var/lib and /etc, fake /proc/fs/nfsd).
# Needs root, ocf-tester (resource-agents) and exportfs (nfs-kernel-server); skipped otherwise.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
load ../lib/bats-common

setup_file() {
  nfsha_public_install exportfs
}

teardown_file() {
  rm -rf "${PUB:?}"
}

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root (mount, PID and network namespaces)"
  command -v ocf-tester >/dev/null || skip "ocf-tester (resource-agents) not installed"
  command -v exportfs >/dev/null || skip "exportfs (nfs-kernel-server) not installed"
  T="$PUB/$BATS_TEST_NUMBER"
  mkdir -p "$T/data/export1" "$T/data/export2"
}

# ocf-tester in a fresh sandbox; afterwards the sandbox's etab and state file must be gone/empty.
tester() {
  run bash "$SANDBOX" --net --fake-nfsd "$T/sbx" -- ocf-tester -n exp1 "$@" "$PUB/ocf/resource.d/nfsha/exportfs"
  assert_success
  assert_output --partial "passed all tests"
  [ ! -s "$T/sbx/varlib-upper/nfs/etab" ]
  [ ! -e "$T/sbx/run/resource-agents/exp1" ]
}

@test "ocf-tester: one directory, options and fsid" {
  tester -o clientspec=127.0.0.1 -o "directory=$T/data/export1/" -o fsid=1 -o options=rw,no_root_squash
  # monitor kept the rmtab backup in the export
  [ -e "$T/data/export1/.rmtab" ]
}

@test "ocf-tester: several directories to the world with incremented fsids" {
  tester -o 'clientspec=*' -o "directory=$T/data/export1 $T/data/export2 $T/data/export3" -o fsid=10
  [ -d "$T/data/export3" ]
  # the last unlock written to the fake nfsd is the last directory
  assert_equal "$(cat "$T/sbx/procnfsd/unlock_filesystem")" "$T/data/export3"
}

@test "ocf-tester: IPv6 network clientspec, neither options nor fsid" {
  tester -o 'clientspec=[fd00:1::]/64' -o "directory=$T/data/export1"
}
