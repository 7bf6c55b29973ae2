// The NFS client of the lab: mounts by the floating name (NFSv3 on export1, NFSv4.2 on export2),
// holds a flock on one file of each (the seed's "flock FILE -c sleep"), and writes a file every
// second on each mount, recording each file's checksum locally only after the write (fsync'ed)
// completed. Each completed write is an event ("W v3 17"), stamped by the host on arrival.

import { VIP, VIP_NAME } from './cib.ts';
import type { EventLog } from './events.ts';
import type { Guest } from './guests.ts';
import type { Flavour } from './vm.ts';

// LAB_MOUNT_OPTS adds client mount options (e.g. timeo=50) to both mounts; the default is the
// seed's command line (only vers=), so the client's own retransmission timing is the default's.
const EXTRA = process.env.LAB_MOUNT_OPTS ? `,${process.env.LAB_MOUNT_OPTS}` : '';
export const MOUNTS = {
  v3: { dir: '/mnt/v3', opts: `vers=3${EXTRA}`, remote: `${VIP_NAME}:/mnt/exports/export1`, serverDir: '/mnt/exports/export1' },
  v4: { dir: '/mnt/v4', opts: `vers=4.2${EXTRA}`, remote: `${VIP_NAME}:/export2`, serverDir: '/mnt/exports/export2' },
} as const;
export type Tag = keyof typeof MOUNTS;
export const TAGS: Tag[] = ['v3', 'v4'];

// statd listens on a fixed port, so that every SM_NOTIFY a server sends can be seen arriving.
export const STATD_PORT = 662;

export async function prepare(c: Guest, flavour: Flavour): Promise<void> {
  await c.ok(`set -e
modprobe nfs; modprobe nfsv3; modprobe nfsv4
nfsconf --set statd port ${STATD_PORT}
${flavour === 'systemd' ? 'systemctl start rpc-statd.service' : `mkdir -p /run/rpcbind
rpcbind
rpc.statd`}
mkdir -p ${MOUNTS.v3.dir} ${MOUNTS.v4.dir}
`);
}

// The client's view of the servers: every SM_NOTIFY reaching its statd ("NOTIFY <source address>"),
// the server scope in every NFSv4 EXCHANGE_ID reply ("SCOPE <name>": the lab's names found in
// the server's replies; the scope is the only place a server name appears in them), every ARP
// packet whose sender is the floating address ("VIPUP": IPaddr2's gratuitous ARPs when the address
// comes up on a node, or a node's answer for it), and every TCP reset from the floating address
// ("RST <client port>": a new node's kernel refusing a connection it does not have, provoked by a
// tickle ACK or by the client's own retransmission), every tickle ACK that reaches it ("TACK
// <client port>": from the floating address, ACK alone, sequence and acknowledgement 0, as
// tickle_tcp sends them), and the state of each of the client's TCP
// connections to the floating address's NFS port whenever one changes ("TCP <port>:<st> ...", st
// as in /proc/net/tcp: 01 established, 02 SYN sent; polled every 0.5 s). The last tells a
// connection a tickle ACK can reset (established, its segments retransmitted into the void) from
// one the client is setting up again by itself (SYN sent, or closed between attempts), which no
// packet from the server can hurry.
export const CLIENT_WATCH = `
exec 2>/dev/null
(prev=; while :; do
  cur=$(while read -r _ l r st _; do [ "$r" = ${procNetTcp(VIP, 2049)} ] && echo "$((0x\${l#*:})):$st"; done < /proc/net/tcp | sort | tr '\\n' ' ')
  [ "$cur" != "$prev" ] && echo "TCP $cur" && prev=$cur
  sleep 0.5
done) &
tcpdump -l -n -i eth0 --immediate-mode 'udp and dst port ${STATD_PORT}' | while read -r _ _ src _; do echo "NOTIFY \${src%.*}"; done &
tcpdump -l -n -i eth0 --immediate-mode 'arp and src host ${VIP}' | while read -r _; do echo VIPUP; done &
tcpdump -l -n -i eth0 --immediate-mode 'tcp and src host ${VIP} and tcp[13] & 4 != 0' | while read -r _ _ _ _ dst _; do d=\${dst%:}; echo "RST \${d##*.}"; done &
tcpdump -l -n -i eth0 --immediate-mode 'tcp and src host ${VIP} and tcp[13] = 16 and tcp[4:4] = 0 and tcp[8:4] = 0' | while read -r _ _ _ _ dst _; do d=\${dst%:}; echo "TACK \${d##*.}"; done &
tcpdump -l -n -i eth0 --immediate-mode -A -s 400 'tcp and src port 2049' | grep --line-buffered -oE 'nfsvip\.lab\.test|node[12]\.lab\.test|node[12]' | while read -r n; do echo "SCOPE $n"; done &
wait
`;

// An IPv4 address and port as /proc/net/tcp writes them (x86: the address's bytes in host order).
export function procNetTcp(ip: string, port: number): string {
  const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
  return `${ip.split('.').reverse().map((o) => hex(Number(o), 2)).join('')}:${hex(port, 4)}`;
}

// Each mount's TCP source port, from the client's /proc/self/mountstats ("device ... mounted on
// /mnt/v3 ..." then "xprt: tcp <port> ..."). The Linux client reconnects from the same port.
export function parseMountPorts(text: string): Partial<Record<Tag, number>> {
  const byDir = new Map<string, Tag>(TAGS.map((t) => [MOUNTS[t].dir, t]));
  const out: Partial<Record<Tag, number>> = {};
  let cur: Tag | undefined;
  for (const line of text.split('\n')) {
    const dev = /^device \S+ mounted on (\S+) /.exec(line);
    if (dev) { cur = byDir.get(dev[1]!); continue; }
    const x = /^\s*xprt:\s+tcp (\d+) /.exec(line);
    // NFSv4 mounts show 0 there (the port is the nfs_client's transport's, not the mount's).
    if (x && cur !== undefined && out[cur] === undefined && x[1] !== '0') out[cur] = Number(x[1]);
  }
  return out;
}

// `conns`: the client's connections to the floating address's port 2049 (its TCP watch); a
// mount whose port mountstats does not tell gets the one connection no other mount has.
export async function mountPorts(c: Guest, conns: readonly { port: number; st: string }[]): Promise<Partial<Record<Tag, number>>> {
  return fillPorts(parseMountPorts((await c.sh('cat /proc/self/mountstats')).out), conns);
}

// The client's ports whose connection is established ('01' in /proc/net/tcp).
export function establishedPorts(conns: readonly { port: number; st: string }[]): number[] {
  return conns.filter((c) => c.st === '01').map((c) => c.port);
}

// Only established connections count (the mount's first probes linger in TIME_WAIT).
export function fillPorts(known: Partial<Record<Tag, number>>, conns: readonly { port: number; st: string }[]): Partial<Record<Tag, number>> {
  const out = { ...known };
  const missing = TAGS.filter((t) => out[t] === undefined);
  const left = establishedPorts(conns).filter((p) => !Object.values(out).includes(p));
  if (missing.length === 1 && left.length === 1) out[missing[0]!] = left[0]!;
  return out;
}

// The seed's commands: mount -o vers=N nfshost:/export /mountpoint (default options otherwise).
export async function mountAll(c: Guest): Promise<void> {
  await c.ok(TAGS.map((t) => `mount -t nfs -o ${MOUNTS[t].opts} ${MOUNTS[t].remote} ${MOUNTS[t].dir}`).join(' && \\\n'), 300_000);
}

export async function takeLocks(c: Guest): Promise<void> {
  await c.ok(TAGS.map((t) => `touch ${MOUNTS[t].dir}/lockfile
setsid flock ${MOUNTS[t].dir}/lockfile -c 'echo locked; exec sleep 1000000' </dev/null >/run/lock-${t}.out 2>&1 &
`).join(''));
}

export async function locksGranted(c: Guest): Promise<boolean> {
  const r = await c.sh(TAGS.map((t) => `grep -q locked /run/lock-${t}.out`).join(' && '));
  return r.rc === 0;
}

// Inode numbers of the lock files (NFS file ids = the server's ext4 inode numbers).
export async function lockInodes(c: Guest): Promise<Record<Tag, string>> {
  const out = await c.ok(TAGS.map((t) => `stat -c %i ${MOUNTS[t].dir}/lockfile`).join('; '));
  const [a, b] = out.trim().split(/\s+/);
  return { v3: a!, v4: b! };
}

const WRITERS = `
echo $$ > /run/lab-writers.pid
exec 2>/dev/null
w() {
  tag=$1; dir=$2/data
  mkdir -p "$dir"
  i=$(cat /root/sums-$tag 2>/dev/null | wc -l)
  mkfifo /run/lab-nap.$BASHPID && exec {nap}<>/run/lab-nap.$BASHPID && rm -f /run/lab-nap.$BASHPID || exit 1
  while :; do
    i=$((i + 1)); printf -v f 'f%05d' $i
    head -c 16384 /dev/urandom > /tmp/buf-$tag
    if dd if=/tmp/buf-$tag of="$dir/$f" bs=16k conv=fsync status=none; then
      s=$(sha256sum < /tmp/buf-$tag)
      echo "\${s%% *}  $f" >> /root/sums-$tag
      echo "W $tag $i"
    else
      echo "E $tag $i"
    fi
    read -t 1 -u $nap
  done
}
${TAGS.map((t) => `w ${t} ${MOUNTS[t].dir} &`).join('\n')}
wait
`;

export function startWriters(c: Guest, log: EventLog): void {
  c.stream(WRITERS, log);
}

export async function stopWriters(c: Guest): Promise<void> {
  await c.sh('[ -f /run/lab-writers.pid ] && kill -- -$(cat /run/lab-writers.pid); rm -f /run/lab-writers.pid; true', 30_000);
}

// The client's record of what it wrote: "sha256  name" lines per mount.
export async function sums(c: Guest, t: Tag): Promise<string> {
  return (await c.sh(`cat /root/sums-${t} 2>/dev/null`)).out;
}

// Checks on the server, directly on the shared filesystem, that every file the client finished
// writing is there with the same content. Returns [files checked, problems].
export async function verifyOnServer(c: Guest, server: Guest): Promise<{ files: number; problems: string[] }> {
  let files = 0;
  const problems: string[] = [];
  for (const t of TAGS) {
    const list = (await sums(c, t)).trim();
    if (!list) continue;
    files += list.split('\n').length;
    const r = await server.sh(`cd ${MOUNTS[t].serverDir}/data && sha256sum --quiet --check - <<'LAB_EOF'\n${list}\nLAB_EOF`, 120_000);
    if (r.rc !== 0) problems.push(`${t}: ${r.out.trim().split('\n').slice(0, 5).join('; ')}`);
  }
  return { files, problems };
}
