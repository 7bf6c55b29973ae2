# Shared setup for the agents' ocf-tester bats files.

# Installs the compiled executable as ocf:nfsha:<agent> in a fresh directory that user nobody can
# traverse (ocf-tester runs meta-data as nobody); sets and exports NFSHA_BIN, SANDBOX and PUB.
nfsha_public_install() {
  local agent=$1
  : "${NFSHA_BIN:=$BATS_TEST_DIRNAME/../../dist/nfsha}"
  export NFSHA_BIN
  export SANDBOX="$BATS_TEST_DIRNAME/../lib/sandbox.sh"
  PUB=$(mktemp -d "/tmp/nfsha-$agent-bats.XXXXXX")
  export PUB
  chmod 755 "$PUB"
  mkdir -p "$PUB/ocf/resource.d/nfsha"
  chmod -R 755 "$PUB/ocf"
  install -m 0755 "$NFSHA_BIN" "$PUB/ocf/resource.d/nfsha/$agent"
}
