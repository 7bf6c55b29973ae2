#!/usr/bin/env bats
# The compiled executable as Pacemaker, ocf-tester, crm_resource and pcs see it.
# Needs: dist/nfsha (make build); xmllint and Debian's resource-agents (DTD, RNG);
# root for the `nobody` and crm_resource checks (skipped with the reason otherwise).

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

RA_SHARE=/usr/share/resource-agents

setup_file() {
  # The agents from the registry (agents/index.ts).
  AGENTS=$(cd "$BATS_TEST_DIRNAME/../.." && node_modules/.bin/node tools/agents.ts | xargs)
  [ -n "$AGENTS" ]
  export AGENTS
  : "${NFSHA_BIN:=$BATS_TEST_DIRNAME/../../dist/nfsha}"
  export NFSHA_BIN
  export SCRATCH="$BATS_FILE_TMPDIR"
  mkdir -p "$SCRATCH/ocf/resource.d/nfsha"
  chmod 755 "$SCRATCH" "$SCRATCH/ocf" "$SCRATCH/ocf/resource.d" "$SCRATCH/ocf/resource.d/nfsha"
  install -m 0755 "$NFSHA_BIN" "$SCRATCH/nfsha"
  for a in $AGENTS; do ln -f "$SCRATCH/nfsha" "$SCRATCH/ocf/resource.d/nfsha/$a"; done
}

agent() { echo "$SCRATCH/ocf/resource.d/nfsha/$1"; }

@test "meta-data of every agent is valid against ra-api-1.dtd (as ocf-tester checks it)" {
  [ -f "$RA_SHARE/ra-api-1.dtd" ] || skip "resource-agents not installed"
  for a in $AGENTS; do
    run bash -c "cd $RA_SHARE && '$(agent "$a")' meta-data | xmllint --noout --valid -"
    assert_success
  done
}

@test "meta-data of every agent is valid against resource-agents' metadata.rng" {
  [ -f "$RA_SHARE/metadata.rng" ] || skip "resource-agents not installed"
  for a in $AGENTS; do
    run bash -c "'$(agent "$a")' meta-data | xmllint --noout --relaxng $RA_SHARE/metadata.rng -"
    assert_success
  done
}

@test "meta-data equals the checked-in metadata/<Agent>.xml" {
  for a in $AGENTS; do
    run diff <("$(agent "$a")" meta-data) "$BATS_TEST_DIRNAME/../../metadata/$a.xml"
    assert_success
  done
}

@test "meta-data needs no parameters, no binaries, no node on PATH and no writable home" {
  for a in $AGENTS; do
    run env -i PATH=/nonexistent HOME=/nonexistent OCF_TESTER_FAIL_HAVE_BINARY=1 OCF_OUTPUT_FORMAT=log "$(agent "$a")" meta-data
    assert_success
    assert_output --partial "<resource-agent name=\"$a\""
  done
}

@test "meta-data works as user nobody from an unreadable cwd (Pacemaker's controller, ocf-tester)" {
  [ "$(id -u)" = 0 ] || skip "needs root to switch to nobody"
  # bats' own temporary directories are private: install where nobody can reach the program.
  local pub
  pub=$(mktemp -d /tmp/nfsha-nobody.XXXXXX)
  chmod 755 "$pub"
  mkdir -m 700 "$pub/closed"
  for a in $AGENTS; do install -m 0755 "$SCRATCH/nfsha" "$pub/$a"; done
  for a in $AGENTS; do
    run bash -c "cd '$pub/closed' && setpriv --reuid=nobody --regid=nogroup --clear-groups env -i PATH=/usr/bin:/bin HOME=/nonexistent '$pub/$a' meta-data"
    assert_success
    assert_output --partial "</resource-agent>"
  done
  rm -rf "$pub"
}

@test "unsupported actions exit 3 with exactly one exit reason" {
  for action in promote demote notify migrate_to migrate_from frobnicate; do
    run --separate-stderr env -i PATH=/usr/bin:/bin "$(agent exportfs)" "$action"
    assert_equal "$status" 3
    assert_equal "$(grep -c '^ocf-exit-reason:' <<<"$stderr")" 1
    assert_equal "$output" ""
  done
}

@test "no stack trace ever reaches the caller" {
  run --separate-stderr env -i PATH=/usr/bin:/bin OCF_ROOT=/nonexistent "$(agent Filesystem)" monitor
  assert_equal "$status" 1
  refute_output --partial "    at "
  [[ "$stderr" != *"    at "* ]]
  assert_equal "$stderr" "ocf-exit-reason:OCF_ROOT (/nonexistent) is not a directory"
}

@test "usage and methods answer 0" {
  run "$(agent nfsnotify)" usage
  assert_success
  assert_output --regexp '^usage: .*nfsnotify \{start\|stop\|monitor\|reload\|meta-data\|validate-all\}$'
  run "$(agent Filesystem)" methods
  assert_success
  assert_line "validate-all"
}

@test "invoked as nfsha it lists the agents; nfsha <Agent> --help describes one" {
  run "$SCRATCH/nfsha"
  assert_success
  for a in $AGENTS; do assert_output --partial "  $a "; done
  run "$SCRATCH/nfsha" exportfs --help
  assert_success
  assert_output --partial "clientspec (string, required)"
  run "$SCRATCH/nfsha" nosuchagent start
  assert_equal "$status" 2
}

@test "crm_resource --show-metadata prints it when installed as ocf:nfsha:<Agent>" {
  [ "$(id -u)" = 0 ] || skip "needs root for a private mount namespace"
  command -v crm_resource >/dev/null || skip "pacemaker-cli-utils not installed"
  [ -d /usr/lib/ocf/resource.d ] || skip "no OCF root on this machine"
  # Installed into a private overlay of the OCF directory: the host's stays untouched.
  mkdir -p "$SCRATCH/up/nfsha" "$SCRATCH/work"
  for a in $AGENTS; do ln -f "$SCRATCH/nfsha" "$SCRATCH/up/nfsha/$a"; done
  run unshare --mount --propagation private bash -c "
    mount -t overlay nfsha-ocf -o lowerdir=/usr/lib/ocf/resource.d,upperdir=$SCRATCH/up,workdir=$SCRATCH/work /usr/lib/ocf/resource.d &&
    for a in $AGENTS; do crm_resource --show-metadata ocf:nfsha:\$a | grep -c '<resource-agent name=\"'\$a'\"' || exit 1; done"
  assert_success
  assert_output "$(printf '1\n1\n1\n1')"
}

@test "runs with the network unplugged" {
  [ "$(id -u)" = 0 ] || skip "needs root for a private network namespace"
  run unshare --net env -i PATH=/nonexistent "$SCRATCH/nfsha" --version
  assert_success
  assert_output --regexp '^nfsha [0-9]'
  run unshare --net env -i PATH=/nonexistent "$(agent nfsserver)" meta-data
  assert_success
}

@test "make install puts one executable and hard links under the provider directory" {
  command -v make >/dev/null || skip "make not installed"
  local root="$SCRATCH/destdir"
  run make -C "$BATS_TEST_DIRNAME/../.." --no-print-directory install DESTDIR="$root"
  assert_success
  local exe="$root/usr/lib/ocf/resource.d/nfsha/Filesystem"
  [ -x "$exe" ]
  assert_equal "$(readlink "$root/usr/sbin/nfsha")" /usr/lib/ocf/resource.d/nfsha/Filesystem
  for a in $AGENTS; do
    local f="$root/usr/lib/ocf/resource.d/nfsha/$a"
    assert_equal "$(stat -c %a "$f")" 755
    assert_equal "$(stat -c %i "$f")" "$(stat -c %i "$exe")"
    [ -s "$root/usr/share/man/man7/ocf_nfsha_$a.7" ]
  done
}

# Runs a command with our agents installed as ocf:nfsha:* in a private overlay of the OCF directory.
with_provider() {
  mkdir -p "$SCRATCH/up/nfsha" "$SCRATCH/work"
  for a in $AGENTS; do ln -f "$SCRATCH/nfsha" "$SCRATCH/up/nfsha/$a"; done
  unshare --mount --propagation private bash -c "
    mount -t overlay nfsha-ocf -o lowerdir=/usr/lib/ocf/resource.d,upperdir=$SCRATCH/up,workdir=$SCRATCH/work /usr/lib/ocf/resource.d && $1"
}

@test "pcs accepts the meta-data (its own OCF 1.0 schema) and creates the seed's resources without --force" {
  [ "$(id -u)" = 0 ] || skip "needs root for a private mount namespace"
  command -v pcs >/dev/null || skip "pcs not installed"
  cibadmin --empty > "$SCRATCH/cib.xml"
  run with_provider "
    for a in $AGENTS; do pcs resource describe ocf:nfsha:\$a >/dev/null || exit 1; done &&
    pcs -f $SCRATCH/cib.xml resource create fs1 ocf:nfsha:Filesystem device=/dev/vda1 directory=/mnt/exports/export1 fstype=xfs --group nfsgroup --no-default-ops &&
    pcs -f $SCRATCH/cib.xml resource create nfsserver ocf:nfsha:nfsserver nfs_shared_infodir=/mnt/nfsinfo nfs_no_notify=true --group nfsgroup &&
    pcs -f $SCRATCH/cib.xml resource create export1 ocf:nfsha:exportfs directory=/mnt/exports/export1 clientspec=192.168.122.0/24 fsid=1 --group nfsgroup &&
    pcs -f $SCRATCH/cib.xml resource create nfsnotify ocf:nfsha:nfsnotify source_host=192.168.122.200 --group nfsgroup"
  assert_success
  # pcs took the advertised timeouts as the operations' defaults.
  run grep -c '<op name="stop" interval="0s" timeout="120s"' "$SCRATCH/cib.xml"
  assert_output 1
  # An unknown option is refused, as for any agent.
  run with_provider "pcs -f $SCRATCH/cib.xml resource create bad ocf:nfsha:exportfs directory=/x clientspec=* nosuchoption=1"
  assert_failure
  assert_output --partial "nosuchoption"
}

@test "an ambient NODE_OPTIONS cannot change or break the agents" {
  run --separate-stderr env NODE_OPTIONS='--require /nonexistent/preload.js' "$(agent exportfs)" meta-data
  assert_success
  assert_equal "$stderr" ""
}

@test "the built-in code cache is accepted, also with V8 flags in NODE_OPTIONS" {
  # tools/sea-main.cjs warns on stderr when V8 rejects the cache made at build time (flags or
  # Node version differ): the agents would still work, only slower.
  for opts in '' '--max-old-space-size=64 --stack-trace-limit=3'; do
    run --separate-stderr env NODE_OPTIONS="$opts" "$(agent Filesystem)" meta-data
    assert_success
    assert_equal "$stderr" ""
  done
}
