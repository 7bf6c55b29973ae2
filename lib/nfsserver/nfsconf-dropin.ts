// The port and nfsd parameters upstream applies on Red Hat systems only (through
// /etc/sysconfig/nfs), applied on every distribution: in the direct mode as daemon arguments,
// in the init-script and systemd modes as an nfs.conf drop-in that the daemons read
// (/etc/nfs.conf.d, nfs-utils ≥ 2.5), written at start and removed at stop.

import type { System } from '../system/types.ts';
import { parseNfsdArgs } from './nfsd-args.ts';
import type { NfsParams } from './types.ts';

export const NFSCONF_DROPIN = '/etc/nfs.conf.d/nfsha-nfsserver.conf';

export type ConfKeys = Map<string, Map<string, string>>;

function set(keys: ConfKeys, section: string, key: string, value: string): void {
  let s = keys.get(section);
  if (s === undefined) {
    s = new Map();
    keys.set(section, s);
  }
  s.set(key, value);
}

// rpc.nfsd's options as nfs.conf [nfsd] keys. Returns what it could not translate.
export function nfsdArgsToConf(text: string, keys: ConfKeys): string[] {
  const { options, threads } = parseNfsdArgs(text);
  const unknown: string[] = [];
  if (threads !== undefined) set(keys, 'nfsd', 'threads', String(threads));
  for (let i = 0; i < options.length; i++) {
    const o = options[i] ?? '';
    const next = (): string => options[++i] ?? '';
    const long = /^--([a-z-]+)=(.*)$/.exec(o);
    const [name, inline] = long ? [`--${long[1] ?? ''}`, long[2]] : [o, undefined];
    const value = (): string => inline ?? next();
    switch (name) {
      case '-V': case '--nfs-version': set(keys, 'nfsd', `vers${value()}`, 'y'); break;
      case '-N': case '--no-nfs-version': set(keys, 'nfsd', `vers${value()}`, 'n'); break;
      case '-H': case '--host': set(keys, 'nfsd', 'host', value()); break;
      case '-p': case '-P': case '--port': set(keys, 'nfsd', 'port', value()); break;
      case '-L': case '--leasetime': case '--lease-time': set(keys, 'nfsd', 'lease-time', value()); break;
      case '-G': case '--grace-time': set(keys, 'nfsd', 'grace-time', value()); break;
      case '-t': case '--tcp': set(keys, 'nfsd', 'tcp', 'y'); break;
      case '-T': case '--no-tcp': set(keys, 'nfsd', 'tcp', 'n'); break;
      case '-u': case '--udp': set(keys, 'nfsd', 'udp', 'y'); break;
      case '-U': case '--no-udp': set(keys, 'nfsd', 'udp', 'n'); break;
      case '-r': case '--rdma':
        set(keys, 'nfsd', 'rdma', 'y');
        if (inline !== undefined) set(keys, 'nfsd', 'rdma-port', inline);
        break;
      case '-d': case '--debug': case '-s': case '--syslog': break;
      default: unknown.push(o);
    }
  }
  return unknown;
}

// The nfs.conf keys for the parameters that are set (empty when none is).
export function confKeys(p: NfsParams): { keys: ConfKeys; unknown: string[] } {
  const keys: ConfKeys = new Map();
  const unknown = nfsdArgsToConf(p.nfsd_args, keys);
  const num = (section: string, key: string, v: number | undefined): void => {
    if (v !== undefined) set(keys, section, key, String(v));
  };
  num('nfsd', 'lease-time', p.nfsv4_lease_time);
  num('nfsd', 'grace-time', p.nfsv4_grace_time);
  num('mountd', 'port', p.mountd_port);
  num('statd', 'port', p.statd_port);
  num('statd', 'outgoing-port', p.statd_outgoing_port);
  num('sm-notify', 'outgoing-port', p.statd_outgoing_port);
  num('lockd', 'udp-port', p.lockd_udp_port);
  num('lockd', 'port', p.lockd_tcp_port);
  // Notifications go out from this agent's end of start or from nfsnotify, never from statd
  // (upstream passes --no-notify on Red Hat only).
  set(keys, 'statd', 'no-notify', '1');
  return { keys, unknown };
}

export function renderConf(keys: ConfKeys, instance: string): string {
  const out = [`# Written by the nfsha nfsserver resource ${instance} at start, removed at stop.`, '# Do not edit: change the resource parameters instead.'];
  for (const [section, kv] of keys) {
    out.push('', `[${section}]`);
    for (const [k, v] of kv) out.push(`${k} = ${v}`);
  }
  return `${out.join('\n')}\n`;
}

// Writes the drop-in. Returns the options of nfsd_args it cannot express in nfs.conf.
export async function writeConfDropin(sys: System, p: NfsParams, instance: string): Promise<string[]> {
  const { keys, unknown } = confKeys(p);
  await sys.mkdirp(NFSCONF_DROPIN.slice(0, NFSCONF_DROPIN.lastIndexOf('/')), 0o755);
  await sys.writeFile(NFSCONF_DROPIN, renderConf(keys, instance), { mode: 0o644 });
  return unknown;
}
