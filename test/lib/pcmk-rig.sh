#!/bin/bash
# A single-node Pacemaker cluster (corosync + pacemakerd, no systemd) for tests of the agents
# under a real cluster manager. Run it INSIDE test/lib/sandbox.sh --net:
# the CIB, /run, /dev/shm (libqb IPC), the network (corosync on 127.0.0.1, abstract IPC
# sockets) and the OCF agent directory are then private, and everything dies with the sandbox
# even if a test fails before `down`.
#
#   pcmk-rig.sh up RIG [PROVIDER=DIR ...]  start; each DIR is installed as /usr/lib/ocf/resource.d/PROVIDER
#   pcmk-rig.sh down RIG                   pacemakerd --shutdown, corosync stop, wipe the CIB
#   pcmk-rig.sh wait RIG RESOURCE REGEX [SECONDS]   wait until `crm_mon -1 -r` shows RESOURCE matching REGEX
#   pcmk-rig.sh status RIG                 crm_mon -1 -rf
# RIG is a scratch directory: config, logs (pacemaker.log, corosync.log) and pid files.
set -euo pipefail

die() { echo "pcmk-rig: $*" >&2; exit 1; }

inside_sandbox() { tr '\0' ' ' </proc/1/cmdline 2>/dev/null | grep -q -- 'sandbox.sh --inner'; }

node_name() { uname -n; }

write_config() {
  local rig=$1
  cat >"$rig/corosync.conf" <<EOF
totem {
  version: 2
  cluster_name: nfsharig
  transport: knet
  crypto_cipher: none
  crypto_hash: none
  token: 1000
}
nodelist {
  node {
    ring0_addr: 127.0.0.1
    name: $(node_name)
    nodeid: 1
  }
}
quorum {
  provider: corosync_votequorum
}
logging {
  to_logfile: yes
  logfile: $rig/corosync.log
  to_stderr: no
  to_syslog: no
  timestamp: on
}
EOF
  cat >"$rig/cib.xml" <<'EOF'
<cib validate-with="pacemaker-3.9" crm_feature_set="3.16.1" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-stonith" name="stonith-enabled" value="false"/>
        <nvpair id="opt-deadtime" name="dc-deadtime" value="2s"/>
        <nvpair id="opt-quorum" name="no-quorum-policy" value="ignore"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
EOF
}

wipe_state() {
  rm -rf /var/lib/pacemaker/cib/* /var/lib/pacemaker/pengine/* /var/lib/corosync/ringid_* 2>/dev/null || true
}

# Makes /usr/lib/ocf writable in this mount namespace only, and installs the providers.
install_providers() {
  local rig=$1; shift
  [ $# -gt 0 ] || return 0
  mkdir -p "$rig/ocf-upper" "$rig/ocf-work"
  mount -t overlay nfsha-rig-ocf -o "lowerdir=/usr/lib/ocf,upperdir=$rig/ocf-upper,workdir=$rig/ocf-work" /usr/lib/ocf
  local spec
  for spec in "$@"; do
    local prov=${spec%%=*} dir=${spec#*=}
    [ -d "$dir" ] || die "provider directory $dir does not exist"
    rm -rf "/usr/lib/ocf/resource.d/$prov"
    mkdir -p "/usr/lib/ocf/resource.d/$prov"
    cp -a "$dir/." "/usr/lib/ocf/resource.d/$prov/"
  done
}

wait_for() { # seconds command...
  local limit=$1; shift
  local end=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || return 1
    sleep 0.2
  done
}

has_dc() { crm_mon -1 2>/dev/null | grep -q "Current DC: $(node_name)"; }

up() {
  local rig=$1; shift
  inside_sandbox || die "run me inside test/lib/sandbox.sh --net (I change /usr/lib/ocf, /dev/shm and the CIB)"
  mkdir -p "$rig"
  # libqb keeps its IPC buffers in /dev/shm: a private one.
  mount -t tmpfs nfsha-rig-shm /dev/shm
  ip link set lo up 2>/dev/null || true
  install_providers "$rig" "$@"
  write_config "$rig"
  wipe_state
  mkdir -p /var/lib/pacemaker/cib /var/lib/pacemaker/pengine /var/log/pacemaker /var/lib/corosync
  install -o hacluster -g haclient -m 0600 "$rig/cib.xml" /var/lib/pacemaker/cib/cib.xml
  chown hacluster:haclient /var/lib/pacemaker/cib /var/lib/pacemaker/pengine
  corosync -t -c "$rig/corosync.conf" >/dev/null 2>&1 || die "corosync rejected $rig/corosync.conf"
  setsid corosync -f -c "$rig/corosync.conf" </dev/null >"$rig/corosync.out" 2>&1 &
  echo $! >"$rig/corosync.pid"
  wait_for 20 corosync-quorumtool -s || die "corosync did not become quorate (see $rig/corosync.log)"
  PCMK_logfile=$rig/pacemaker.log PCMK_logfacility=none setsid pacemakerd </dev/null >"$rig/pacemakerd.out" 2>&1 &
  echo $! >"$rig/pacemakerd.pid"
  wait_for 60 has_dc || die "no DC elected (see $rig/pacemaker.log)"
}

down() {
  local rig=$1 pid
  if [ -s "$rig/pacemakerd.pid" ]; then
    pid=$(cat "$rig/pacemakerd.pid")
    if kill -0 "$pid" 2>/dev/null; then
      pacemakerd --shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
      wait_for 60 sh -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$rig/pacemakerd.pid"
  fi
  if [ -s "$rig/corosync.pid" ]; then
    pid=$(cat "$rig/corosync.pid")
    if kill -0 "$pid" 2>/dev/null; then
      corosync-cfgtool -H >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
      wait_for 20 sh -c "! kill -0 $pid" || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$rig/corosync.pid"
  fi
  wipe_state
}

# The crm_mon line of a resource, e.g. "fs (ocf:nfsha:Filesystem): Started node1".
resource_line() { crm_mon -1 -r 2>/dev/null | grep -E "^[[:space:]]*\*?[[:space:]]*$1[[:space:]]" || true; }

wait_resource() {
  local res=$1 regex=$2 limit=${3:-30}
  local end=$((SECONDS + limit))
  while [ $SECONDS -lt $end ]; do
    resource_line "$res" | grep -Eq -- "$regex" && return 0
    sleep 0.2
  done
  echo "pcmk-rig: $res did not reach /$regex/ in ${limit}s; now: $(resource_line "$res")" >&2
  return 1
}

cmd=${1:-}; shift || true
case "$cmd" in
  up) [ $# -ge 1 ] || die "usage: up RIG [PROVIDER=DIR...]"; up "$@" ;;
  down) [ $# -eq 1 ] || die "usage: down RIG"; down "$1" ;;
  wait) [ $# -ge 3 ] || die "usage: wait RIG RESOURCE REGEX [SECONDS]"; wait_resource "$2" "$3" "${4:-30}" ;;
  status) crm_mon -1 -rf ;;
  *) die "usage: pcmk-rig.sh up|down|wait|status RIG ..." ;;
esac
