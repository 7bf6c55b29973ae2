#!/usr/bin/env bats
# `make rpm`: the package holds the agents (one executable, hard links), the admin link, the
# man pages and the docs, and the packaged executable still runs (rpmbuild must not strip it).

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
  command -v rpmbuild >/dev/null || skip "rpmbuild not installed (Debian package rpm)"
  export TOP="$BATS_TEST_DIRNAME/../.."
  # The agents from the registry (agents/index.ts).
  AGENTS=$(cd "$TOP" && node_modules/.bin/node tools/agents.ts | xargs)
  export AGENTS
  make -C "$TOP" --no-print-directory rpm >"$BATS_FILE_TMPDIR/rpm.log" 2>&1
  RPM=$(ls "$TOP"/rpm/_build/RPMS/x86_64/nfsha-agents-*.x86_64.rpm)
  export RPM
}

@test "the RPM's file list is the agents, the admin link, the man pages and the docs" {
  run bash -c "rpm -qlp '$RPM' | grep -v '^/usr/share/doc/' | grep -v '^/usr/share/licenses/'"
  assert_success
  local want=(/usr/lib/ocf /usr/lib/ocf/resource.d /usr/lib/ocf/resource.d/nfsha /usr/sbin/nfsha /usr/share/man/man8/nfsha.8)
  for a in $AGENTS; do want+=("/usr/lib/ocf/resource.d/nfsha/$a" "/usr/share/man/man7/ocf_nfsha_$a.7"); done
  assert_output "$(printf '%s\n' "${want[@]}" | LC_ALL=C sort)"
  run bash -c "rpm -qlp '$RPM' | grep -c '^/usr/share/doc/nfsha-agents-[^/]*/\(README.md\|compat.md\)$'"
  assert_output 2
}

@test "the RPM is x86_64 only and names what the agents run as file requirements" {
  run rpm -qp --qf '%{ARCH}\n' "$RPM"
  assert_output x86_64
  run rpm -qp --requires "$RPM"
  assert_line /usr/sbin/exportfs
  assert_line /usr/sbin/sm-notify
  assert_line /usr/bin/logger
}

@test "the packaged executable runs, and the agents are hard links of it" {
  local x="$BATS_FILE_TMPDIR/x"
  mkdir -p "$x"
  (cd "$x" && rpm2cpio "$RPM" | cpio -idm --quiet)
  local n=0
  for a in $AGENTS; do
    run "$x/usr/lib/ocf/resource.d/nfsha/$a" meta-data
    assert_success
    assert_output --partial "<resource-agent name=\"$a\""
    n=$((n + 1))
  done
  assert_equal "$(stat -c %h "$x/usr/lib/ocf/resource.d/nfsha/${AGENTS##* }")" "$n"
}
