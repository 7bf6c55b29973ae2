#!/usr/bin/env bats
# The VM lab's fence agent (test/e2e/guest/fence_lab) speaking the fence-agent protocol, with the
# lab driver's side played by a small responder: it reads the agent's request line and writes
# the answer file, as driver/fence.ts does through the guest's command agent.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

setup() {
  AGENT=$BATS_TEST_DIRNAME/../e2e/guest/fence_lab
  export FENCE_LAB_DIR=$BATS_TEST_TMPDIR/fence
  mkdir -p "$FENCE_LAB_DIR"
}

# Answers the first request with "$1" (e.g. "0 powered off") and keeps the request line.
respond() {
  (
    for _ in $(seq 1 200); do
      if [ -s "$FENCE_LAB_DIR/requests" ]; then
        read -r _ id _ < "$FENCE_LAB_DIR/requests"
        echo "$1" > "$FENCE_LAB_DIR/ack.$id"
        exit 0
      fi
      sleep 0.05
    done
  ) &
}

@test "metadata is well-formed XML naming the actions Pacemaker's fencer uses" {
  run --separate-stderr bash "$AGENT" <<< 'action=metadata'
  assert_success
  if command -v xmllint >/dev/null; then xmllint --noout - <<< "$output"; fi
  for a in on off reboot status list monitor metadata; do assert_output --partial "<action name=\"$a\""; done
  assert_output --partial '<parameter name="port"'
}

@test "list names the two lab nodes, monitor succeeds without asking the driver" {
  run bash "$AGENT" <<< 'action=list'
  assert_success
  assert_output $'node1,\nnode2,'
  run bash "$AGENT" <<< 'action=monitor'
  assert_success
  [ ! -e "$FENCE_LAB_DIR/requests" ]
}

@test "off: the request reaches the driver, the agent returns 0 only with its confirmation" {
  respond '0 powered off (qemu killed)'
  run --separate-stderr bash "$AGENT" <<< $'action=off\nport=node1\nnodename=node2'
  assert_success
  [[ $stderr == *'fence_lab: off node1: powered off (qemu killed)'* ]]
  run cat "$FENCE_LAB_DIR/requests"
  assert_output --regexp '^LABFENCE [0-9]+-[0-9]+ off node1$'
  # the answer file is consumed
  run ls "$FENCE_LAB_DIR"
  assert_output 'requests'
}

@test "reboot of the node named by nodename (no port), command-line form too" {
  respond '0 already off (no qemu)'
  run bash "$AGENT" <<< $'action=reboot\nnodename=node2'
  assert_success
  assert_output --partial 'reboot node2: already off'
  rm -f "$FENCE_LAB_DIR/requests"
  respond '0 powered off'
  run bash "$AGENT" -o off -n node1 < /dev/null
  assert_success
  run cat "$FENCE_LAB_DIR/requests"
  assert_output --regexp ' off node1$'
}

@test "status passes the driver's answer on: 2 = off" {
  respond '2 off'
  run bash "$AGENT" <<< $'action=status\nport=node2'
  assert_failure 2
}

@test "no answer from the driver: failure after FENCE_LAB_WAIT, never success" {
  FENCE_LAB_WAIT=1 run bash "$AGENT" <<< $'action=reboot\nport=node1'
  assert_failure 1
  assert_output --partial 'no answer from the lab driver within 1 s'
}

@test "a node that is not the lab's, or an unknown action, is refused before asking" {
  run bash "$AGENT" <<< $'action=off\nport=client'
  assert_failure 1
  assert_output --partial "unknown node 'client'"
  run bash "$AGENT" <<< $'action=self-destruct\nport=node1'
  assert_failure 1
  assert_output --partial 'unknown action self-destruct'
  [ ! -e "$FENCE_LAB_DIR/requests" ]
}
