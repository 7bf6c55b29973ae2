#!/bin/bash
# nfsha doctor against a real single-node Pacemaker cluster running the stack nfsha plan made
# (run INSIDE test/lib/sandbox.sh --net --fake-nfsd --threads 0 by doctor.test.ts):
# Filesystem (a bind mount), nfsserver (direct mode: real rpcbind, rpc.statd, rpc.mountd;
# rpc.nfsd faked, the kernel has no nfsd), exportfs (real exportfs, etab), IPaddr2 (real, on a
# veth pair) and nfsnotify (real sm-notify). Writes doctor's JSON reports into OUT.
#   doctor-scenario.sh SCRATCH BINARY FAKE_BIN REPO OUT
set -u
T=$1 BIN=$2 FAKE_BIN=$3 REPO=$4 OUT=$5
RIG="$REPO/test/lib/pcmk-rig.sh"
export PATH="$FAKE_BIN:/usr/sbin:/usr/bin:/sbin:/bin"

ip link add nfsha0 type veth peer name nfsha1 || exit 20
ip link set nfsha0 up && ip link set nfsha1 up && ip addr add 192.168.122.11/24 dev nfsha0 || exit 21
printf '192.168.122.200 nfshost\n192.168.122.11 node-own\n' >> /etc/hosts
mkdir -p "$T/backing/export1" "$T/srv" "$T/provider" "$OUT"
for a in $("$REPO/node_modules/.bin/node" "$REPO/tools/agents.ts"); do ln -sf "$BIN" "$T/provider/$a"; done

cat > "$T/stack.ini" <<EOF
[group]
name = nfsgroup
[filesystem fs1]
device = $T/backing
directory = $T/srv
fstype = none
options = bind
info = yes
[export export1]
directory = $T/srv/export1
clients = 192.168.122.0/24
options = rw,sync,no_root_squash
[ip vip1]
ip = 192.168.122.200
cidr_netmask = 24
nic = nfsha0
name = nfshost
EOF

trap '"$RIG" down "$T/rig"' EXIT
"$RIG" up "$T/rig" nfsha="$T/provider" || { tail -40 "$T/rig/pacemaker.log" >&2; exit 10; }
"$BIN" plan --format cib "$T/stack.ini" > "$T/stack.xml" || exit 11
xmllint --xpath '//group[@id="nfsgroup"]' "$T/stack.xml" > "$T/group.xml" || exit 12
cibadmin --create -o resources --xml-file "$T/group.xml" || exit 13
"$RIG" wait "$T/rig" nfsnotify "Started" 120 || { crm_mon -1 -rf >&2; tail -60 "$T/rig/pacemaker.log" >&2; exit 14; }
crm_resource --wait --timeout=60s >/dev/null 2>&1 || true

"$BIN" doctor --format json > "$OUT/healthy.json" 2> "$OUT/healthy.err"
echo "HEALTHY_RC $?"
"$BIN" doctor > "$OUT/healthy.txt" 2>&1

# A deliberate fault: nfsnotify told to notify from the node's own address.
crm_resource --resource nfsnotify --set-parameter source_host --parameter-value 192.168.122.11 >/dev/null || exit 15
crm_resource --wait --timeout=60s >/dev/null 2>&1 || true
"$BIN" doctor --format json > "$OUT/broken.json" 2> "$OUT/broken.err"
echo "BROKEN_RC $?"
exit 0
