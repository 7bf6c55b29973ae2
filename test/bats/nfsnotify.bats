#!/usr/bin/env bats
# ocf:nfsha:nfsnotify, the compiled executable, as Pacemaker and ocf-tester run it, inside a
# sandbox (private mount, PID and network namespaces: /etc, /var/lib and /run are scratch, the
# floating IP exists only on the sandbox's loopback). Needs root; the two-node wire test with a
# packet capture is test/integration/nfsnotify/wire.test.ts.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
load ../lib/bats-common

VIP=192.168.122.200

setup_file() {
  nfsha_public_install nfsnotify
  export AGENT="$PUB/ocf/resource.d/nfsha/nfsnotify"
}

teardown_file() {
  rm -rf "$PUB"
}

setup() {
  [ "$(id -u)" = 0 ] || skip "needs root (sandbox namespaces)"
  T="$PUB/t$BATS_TEST_NUMBER"
}

# Runs a script in a fresh sandbox. With NODE=1 the sandbox is a server node as nfsserver with
# nfs_no_notify leaves it: rpcbind, statd without notification, a client in the monitor list,
# the floating IP with a name.
in_sandbox() {
  local prelude=""
  if [ "${NODE:-0}" = 1 ]; then
    prelude="ip addr add $VIP/32 dev lo
echo '$VIP nfshost.hostrig.test nfshost' >> /etc/hosts
echo '10.255.255.21 nfsclient' >> /etc/hosts
rpcbind -w
printf '0100007f 000186b5 00000004 00000010 0123456789abcdef0123456789abcdef nfsclient hostrig-node1\n' > /var/lib/nfs/sm/nfsclient
chown statd:nogroup /var/lib/nfs/sm/nfsclient
rpc.statd -L"
  fi
  run --separate-stderr bash "$SANDBOX" --net "$T" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin OCF_ROOT=/usr/lib/ocf \
    OCF_RESOURCE_INSTANCE=notify1 HA_LOGFACILITY=none AGENT="$AGENT" VIP="$VIP" bash -c "$prelude
$1"
}

@test "probe, monitor and stop of a resource never started: 7, 7, 0" {
  in_sandbox 'OCF_RESKEY_CRM_meta_interval=0 $AGENT monitor; echo "probe=$?"; $AGENT monitor; echo "monitor=$?"; $AGENT stop; echo "stop=$?"'
  assert_success
  assert_output "$(printf 'probe=7\nmonitor=7\nstop=0')"
}

@test "start without rpc.statd fails with 1 and says why" {
  in_sandbox 'OCF_RESKEY_source_host=127.0.0.1 $AGENT start'
  assert_equal "$status" 1
  assert_equal "$stderr" "ocf-exit-reason:rpc.statd is not running: start the NFS server (nfsserver) before nfsnotify"
}

@test "validate-all: 0; bad notify_args or source_host: 6; no sm-notify: 5" {
  in_sandbox 'OCF_RESKEY_source_host=$VIP,nfshost OCF_RESKEY_notify_args="-m 5" $AGENT validate-all; echo "ok=$?"
OCF_RESKEY_notify_args=false $AGENT validate-all 2>/dev/null; echo "args=$?"
OCF_RESKEY_source_host="a/b" $AGENT validate-all 2>/dev/null; echo "host=$?"
OCF_TESTER_FAIL_HAVE_BINARY=1 $AGENT validate-all 2>/dev/null; echo "missing=$?"'
  assert_output "$(printf 'ok=0\nargs=6\nhost=6\nmissing=5')"
}

@test "start notifies from the floating IP on the Debian layout; monitor 0; stop ends only our sm-notify" {
  NODE=1 in_sandbox '
# Someone else'"'"'s sm-notify (nfsserver'"'"'s, another instance'"'"'s): stop must leave it alone.
cp /bin/sleep /run/sm-notify; /run/sm-notify 600 & other=$!
OCF_RESKEY_source_host=$VIP $AGENT start; echo "start=$?"
$AGENT monitor; echo "monitor=$?"
ps -o args= -C sm-notify | grep /usr/sbin/
ls /var/lib/nfs/sm.bak
OCF_RESKEY_source_host=$VIP $AGENT stop; echo "stop=$?"
echo "left=$(ps -o args= -C sm-notify | grep -c /usr/sbin/)"
kill -0 $other && echo "other alive"
$AGENT monitor; echo "monitor=$?"'
  assert_success
  assert_line "start=0"
  assert_line --index 1 "monitor=0"
  assert_line "/usr/sbin/sm-notify -f -v $VIP -P /var/lib/nfs"
  assert_line "nfsclient"
  assert_line "stop=0"
  assert_line "left=0"
  assert_line "other alive"
  assert_line "monitor=7"
  [[ "$stderr" == *"sending notifications with source address $VIP (name nfshost.hostrig.test"* ]]
}

@test "a source host that is not configured here fails start before anything is sent" {
  NODE=1 in_sandbox 'OCF_RESKEY_source_host=192.168.122.201 $AGENT start; echo "start=$?"; ls /var/lib/nfs/sm; ps -o args= -C sm-notify | wc -l'
  assert_output "$(printf 'start=1\nnfsclient\n0')"
  [[ "$stderr" == *"ocf-exit-reason:source_host 192.168.122.201 is not configured on this node (start nfsnotify after the floating IP)"* ]]
}

@test "ocf-tester passes" {
  command -v ocf-tester >/dev/null || skip "ocf-tester not installed"
  NODE=1 in_sandbox 'ocf-tester -n notify1 -o source_host=$VIP "$AGENT"'
  assert_success
  assert_output --partial "passed all tests"
}
