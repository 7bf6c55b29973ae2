#!/usr/bin/env bats
# nfsha plan's three outputs applied for real: the CIB through crm_verify and nfsha check; the pcs
# commands run with `pcs -f` on an empty CIB; the crm input loaded by crmsh into a CIB file. The
# agents are installed as ocf:nfsha in a private mount namespace (root), as pcs and crmsh read
# their meta-data.
# Needs: dist/nfsha (make build), pacemaker-cli-utils; pcs and crmsh where installed.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
  AGENTS=$(cd "$BATS_TEST_DIRNAME/../.." && node_modules/.bin/node tools/agents.ts | xargs)
  export AGENTS
  : "${NFSHA_BIN:=$BATS_TEST_DIRNAME/../../dist/nfsha}"
  export NFSHA_BIN
  export SEED="$BATS_TEST_DIRNAME/../../examples/seed.ini"
  export SCRATCH="$BATS_FILE_TMPDIR"
  install -m 0755 "$NFSHA_BIN" "$SCRATCH/nfsha"
  # The seed plus a fence device (fence_watchdog comes with sbd, which is installed here).
  { cat "$SEED"; printf '\n[fencing wd]\nagent = fence_watchdog\n'; } > "$SCRATCH/fenced.ini"
}

# Runs a shell command with ocf:nfsha installed (an overlay on /usr/lib/ocf/resource.d).
with_provider() {
  mkdir -p "$SCRATCH/up/nfsha" "$SCRATCH/work"
  for a in $AGENTS; do ln -f "$SCRATCH/nfsha" "$SCRATCH/up/nfsha/$a"; done
  unshare --mount --propagation private bash -c "
    mount -t overlay nfsha-ocf -o lowerdir=/usr/lib/ocf/resource.d,upperdir=$SCRATCH/up,workdir=$SCRATCH/work /usr/lib/ocf/resource.d && cd $SCRATCH && $1"
}

need_root() { [ "$(id -u)" = 0 ] || skip "needs root for a private mount namespace"; }

@test "plan --format cib: nfsha check finds no error and crm_verify accepts it" {
  run bash -c "'$SCRATCH/nfsha' plan --format cib '$SEED' | '$SCRATCH/nfsha' check -"
  assert_success
  refute_output --partial "ERROR"
  "$SCRATCH/nfsha" plan --format cib "$SEED" > "$SCRATCH/seed-cib.xml"
  run crm_verify -V -x "$SCRATCH/seed-cib.xml"
  assert_success
  # With a fence device: stonith on, and still valid.
  "$SCRATCH/nfsha" plan --format cib "$SCRATCH/fenced.ini" > "$SCRATCH/fenced-cib.xml"
  run grep -c 'name="stonith-enabled" value="true"' "$SCRATCH/fenced-cib.xml"
  assert_output 1
  run crm_verify -x "$SCRATCH/fenced-cib.xml"
  assert_success
}

@test "plan (pcs): the commands build the group with pcs -f; check and crm_verify accept the result" {
  need_root
  command -v pcs >/dev/null || skip "pcs not installed"
  # The printed commands, minus the two that talk to a live cluster (cib, cib-push).
  "$SCRATCH/nfsha" plan "$SCRATCH/fenced.ini" | grep -v -e '^pcs cluster cib' > "$SCRATCH/pcs.sh"
  run grep -c '^pcs -f nfsgroup.xml resource create' "$SCRATCH/pcs.sh"
  assert_output 9
  cibadmin --empty > "$SCRATCH/nfsgroup.xml"
  run with_provider "bash -e pcs.sh"
  assert_success
  run crm_verify -V -x "$SCRATCH/nfsgroup.xml"
  assert_success
  run "$SCRATCH/nfsha" check --format json "$SCRATCH/nfsgroup.xml"
  assert_success
  refute_output --partial '"severity": "error"'
  # pcs built the seed's order: one group of nine, in the plan's order.
  run bash -c "xmllint --xpath '//group[@id=\"nfsgroup\"]/primitive/@id' '$SCRATCH/nfsgroup.xml' | tr -s ' \n' ' '"
  assert_output --partial 'id="fs1" id="fs2" id="fs3" id="nfsserver" id="export-root" id="export1" id="export2" id="vip1" id="nfsnotify"'
}

@test "plan --format crm: crmsh loads it into a CIB; check and crm_verify accept the result" {
  need_root
  command -v crm >/dev/null || skip "crmsh not installed (Debian package crmsh)"
  "$SCRATCH/nfsha" plan --format crm "$SCRATCH/fenced.ini" > "$SCRATCH/seed.crm"
  cibadmin --empty > "$SCRATCH/crm-cib.xml"
  run with_provider "CIB_file=$SCRATCH/crm-cib.xml crm configure load update seed.crm"
  assert_success
  run crm_verify -V -x "$SCRATCH/crm-cib.xml"
  assert_success
  run "$SCRATCH/nfsha" check --format json "$SCRATCH/crm-cib.xml"
  assert_success
  refute_output --partial '"severity": "error"'
  run grep -c '<primitive ' "$SCRATCH/crm-cib.xml"
  assert_output 10
}

@test "plan: a bad description is one line and exit 2" {
  printf '[group]\nname = g\n[ip vip]\nip = nfs.example.com\n' > "$SCRATCH/bad.ini"
  run --separate-stderr "$SCRATCH/nfsha" plan "$SCRATCH/bad.ini"
  assert_failure 2
  assert_output ''
  [ "$stderr" = "nfsha plan: $SCRATCH/bad.ini: [ip vip] ip: 'nfs.example.com' is not an IP address" ]
  run --separate-stderr "$SCRATCH/nfsha" plan --format yaml "$SEED"
  assert_failure 2
  [ "$stderr" = "nfsha plan: --format wants pcs, crm or cib, not 'yaml'" ]
}
