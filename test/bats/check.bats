#!/usr/bin/env bats
# `nfsha check` as the compiled executable runs it: CIB fixtures made with pcs -f
# (test/fixtures/cib/make.sh), standard input, and the live path through Pacemaker's real
# cibadmin, pointed at a fixture with CIB_file (cibadmin then reads that file instead of
# connecting to a cluster). Needs dist/nfsha (make build); cibadmin for the live test.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
  : "${NFSHA_BIN:=$BATS_TEST_DIRNAME/../../dist/nfsha}"
  export NFSHA_BIN
  export FIX="$BATS_TEST_DIRNAME/../fixtures/cib"
  export BUILD="$BATS_TEST_DIRNAME/../../build"
}

# The front end is the executable under its own name (not an agent's).
nfsha() { "$NFSHA_BIN" "$@"; }

@test "nfsha --help lists the tools; nfsha check --help documents the command" {
  run nfsha --help
  assert_success
  assert_line --regexp '^  check +lint a cluster configuration'
  assert_line --regexp '^  doctor '
  assert_line --regexp '^  plan '
  run nfsha check --help
  assert_success
  assert_line '  nfsha check [--format text|json] [--ignore RULE[,RULE]...] [FILE | -]'
  run --separate-stderr nfsha chek
  assert_failure 2
  [[ $stderr =~ ^"nfsha: unknown agent or tool 'chek'; agents: "[A-Za-z]+(", "[A-Za-z]+)*"; tools: check, doctor, plan"$ ]]
}

@test "the seed's literal example reports fsid-unique and exits 1" {
  run nfsha check "$FIX/seed-literal.xml"
  assert_failure 1
  assert_line --regexp '^ERROR +fsid-unique +export-root,export1 +export-root, export1 share fsid 1 '
}

@test "the deployment guide's group, done right, exits 0 with no finding" {
  run nfsha check "$FIX/good-group-heartbeat.xml"
  assert_success
  assert_output '1 NFS stack checked: 0 errors, 0 warnings'
}

@test "- reads standard input; --format json is JSON with stacks and findings" {
  run bash -c "'$NFSHA_BIN' check --format json - < '$FIX/seed-literal.xml'"
  assert_failure 1
  run bash -c "'$NFSHA_BIN' check --format json - < '$FIX/seed-literal.xml' | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[\"stacks\"][0][\"server\"], sorted({f[\"rule\"] for f in d[\"findings\"] if f[\"severity\"]==\"error\"}))'"
  assert_output "nfsserver ['fsid-unique', 'no-notify']"
}

@test "the live CIB through the real cibadmin --query (CIB_file)" {
  command -v cibadmin >/dev/null || skip "cibadmin not installed (Debian package pacemaker-cli-utils)"
  CIB_file="$FIX/seed-literal.xml" run "$NFSHA_BIN" check
  assert_failure 1
  assert_line --regexp '^ERROR +fsid-unique '
  CIB_file="$FIX/good-group-heartbeat.xml" run "$NFSHA_BIN" check
  assert_success
  CIB_file="$BATS_FILE_TMPDIR/none.xml" run "$NFSHA_BIN" check
  assert_failure 2
  assert_output --regexp '^nfsha check: cibadmin --query failed: .+$'
  assert_equal "${#lines[@]}" 1
}

@test "bad input: one line on stderr, exit 2, no stack trace" {
  echo 'not xml at all' > "$BATS_FILE_TMPDIR/bad.xml"
  echo '<html/>' > "$BATS_FILE_TMPDIR/html.xml"
  for f in "$BATS_FILE_TMPDIR/bad.xml" "$BATS_FILE_TMPDIR/html.xml" "$BATS_FILE_TMPDIR/missing.xml"; do
    run --separate-stderr "$NFSHA_BIN" check "$f"
    assert_failure 2
    assert_output ''
    assert_equal "${#stderr_lines[@]}" 1
    [[ $stderr == "nfsha check: "* ]]
    [[ $stderr != *"    at "* ]]
  done
  run --separate-stderr "$NFSHA_BIN" check --format=yaml "$FIX/seed-literal.xml"
  assert_failure 2
  assert_equal "$stderr" "nfsha check: --format wants text or json, not 'yaml'"
}

@test "the agents' bundle holds nothing of the tools (no XML library at agent start)" {
  [ -f "$BUILD/nfsha.cjs" ] || skip "build/nfsha.cjs not built here"
  run grep -c -e 'DOMParser' -e 'infodir-on-stack-fs' "$BUILD/nfsha.cjs"
  assert_output 0
  run grep -c 'DOMParser' "$BUILD/nfsha-tools.cjs"
  refute_output 0
}

# Applies the fix of every finding of the given severities (default: error) that `nfsha check`
# reports, with pcs -f on the file itself.
apply_fixes() {
  local cib=$1 severities=${2:-error} fixes line
  fixes=$("$NFSHA_BIN" check --format json "$cib" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    if f["severity"] in sys.argv[1].split(","):
        for cmd in f["fix"].splitlines():
            print(cmd)' "$severities")
  [ -n "$fixes" ] || { echo "no fix printed for $cib" >&2; return 1; }
  while IFS= read -r line; do
    [[ $line == "pcs "* ]] || { echo "not a pcs command: $line" >&2; return 1; }
    # shellcheck disable=SC2086 # the fix is a plain command line without quoting
    pcs -f "$cib" ${line#pcs } >/dev/null || { echo "failed: $line" >&2; return 1; }
  done <<< "$fixes"
}

@test "the printed fixes, applied with pcs -f, leave no error" {
  command -v pcs >/dev/null || skip "pcs not installed"
  for f in seed-literal order-fs-after-server order-fs-asymmetric order-optional order-ip-before-export order-notify-before-ip colocation-missing colocation-finite infodir-untied fsid-missing-root two-stacks-together; do
    cp "$FIX/$f.xml" "$BATS_FILE_TMPDIR/$f.xml"
    run "$NFSHA_BIN" check "$BATS_FILE_TMPDIR/$f.xml"
    assert_failure 1
    apply_fixes "$BATS_FILE_TMPDIR/$f.xml"
    run "$NFSHA_BIN" check "$BATS_FILE_TMPDIR/$f.xml"
    [ "$status" -eq 0 ] || { echo "$f after its fixes:"; echo "$output"; false; }
  done
}

@test "the fixtures are valid CIBs (crm_verify, where they have a fencing device)" {
  command -v crm_verify >/dev/null || skip "crm_verify not installed"
  local f n=0
  for f in "$FIX"/*.xml; do
    grep -q 'class="stonith"' "$f" || continue
    grep -q 'name="stonith-enabled" value="false"' "$f" && continue
    run crm_verify -x "$f"
    [ "$status" -eq 0 ] || { echo "$f: $output"; false; }
    n=$((n + 1))
  done
  [ "$n" -ge 30 ]
}

@test "the printed fixes of warnings, applied with pcs -f, leave no warning" {
  command -v pcs >/dev/null || skip "pcs not installed"
  for f in missing-notify good-linbit server-scope op-timeout-short no-monitor leasetime-on-stop fencing-disabled almost-fsid-missing-block; do
    cp "$FIX/$f.xml" "$BATS_FILE_TMPDIR/$f.xml"
    apply_fixes "$BATS_FILE_TMPDIR/$f.xml" error,warning
    run "$NFSHA_BIN" check "$BATS_FILE_TMPDIR/$f.xml"
    [ "$output" = "1 NFS stack checked: 0 errors, 0 warnings" ] || { echo "$f after its fixes:"; echo "$output"; false; }
  done
}
