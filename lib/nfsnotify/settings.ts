// nfsnotify's parameters as data (pure): the source host list, the sm-notify arguments, the
// sm-notify command line and the names of the directories the agent keeps.

import { isIP } from '../util/ip.ts';

// `source_host` is split on commas (and, as upstream's word splitting does, white space).
export function parseSourceHosts(value: string): string[] {
  return value.split(/[\s,]+/).filter((h) => h !== '');
}

// A host name (RFC 1123 labels; "_" tolerated as resolvers do), an IPv4 or an IPv6 address.
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

export function sourceHostProblem(host: string): string | undefined {
  if (isIP(host) !== 0 || HOSTNAME.test(host)) return undefined;
  return `source_host '${host}' is neither an IP address nor a host name`;
}

// sm-notify's options (utils/statd/sm-notify.c getopt "dm:np:v:P:f").
const SMN_FLAGS = new Set(['d', 'n', 'f']);
const SMN_WITH_ARG = new Set(['m', 'p', 'v', 'P']);

export interface NotifyArgs {
  readonly args: string[];
  readonly problem?: string;
}

// `notify_args` split on white space (no shell: quotes are not special) and checked against
// sm-notify's options, so that a typo is a configuration error instead of a failed start.
export function parseNotifyArgs(value: string): NotifyArgs {
  const args = value.split(/\s+/).filter((a) => a !== '');
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (!a.startsWith('-') || a === '-' || a.startsWith('--')) {
      return { args, problem: `notify_args: '${a}' is not an sm-notify option (it takes -d -f -n -m minutes -p port -v name -P dir)` };
    }
    for (let j = 1; j < a.length; j++) {
      const c = a.charAt(j);
      if (SMN_FLAGS.has(c)) continue;
      if (!SMN_WITH_ARG.has(c)) return { args, problem: `notify_args: sm-notify has no option -${c}` };
      if (j + 1 === a.length) {
        if (i + 1 >= args.length) return { args, problem: `notify_args: sm-notify option -${c} needs a value` };
        i++;
      }
      break;
    }
  }
  return { args };
}

export interface SmNotifyCall {
  // The -v value (source address and name), or undefined for the node's own name.
  readonly host: string | undefined;
  // The -P directory: the parent of sm/, sm.bak/ and state.
  readonly dir: string;
  // -n: send the state number as it is instead of increasing it (re-notification).
  readonly keepState: boolean;
}

// `sm-notify -f <notify_args> [-n] [-v host] -P dir`: ours come last, so they win over the same
// options in notify_args (getopt keeps the last value).
export function smNotifyArgv(binary: string, notifyArgs: readonly string[], call: SmNotifyCall): string[] {
  const argv = [binary, '-f', ...notifyArgs];
  if (call.keepState) argv.push('-n');
  if (call.host !== undefined) argv.push('-v', call.host);
  argv.push('-P', call.dir);
  return argv;
}

// Names of what the agent keeps. In the statd directory (so that SELinux labels and ownership
// follow the real one): the instance's snapshot of the monitor list and the private copies
// sm-notify gets for every source host but the first. In HA_RSCTMP: the statd it notified for.
function safe(name: string): string {
  return name.replace(/\//g, '_');
}

export function backupDir(statdDir: string, instance: string): string {
  return `${statdDir}/nfsnotify_${safe(instance)}.bu`;
}

export function privateDir(statdDir: string, instance: string, host: string | undefined): string {
  return host === undefined ? `${statdDir}/nfsnotify_${safe(instance)}.renotify` : `${statdDir}/nfsnotify_${safe(instance)}_${safe(host)}`;
}

// Whether a path is one of this instance's private copies (the only directories stop removes).
export function isPrivateDir(statdDir: string, instance: string, path: string): boolean {
  const base = `${statdDir}/nfsnotify_${safe(instance)}`;
  return path.startsWith(`${base}_`) ? !path.slice(base.length + 1).includes('/') && path.length > base.length + 1 : path === `${base}.renotify`;
}

export function stateDir(rsctmp: string, instance: string): string {
  return `${rsctmp}/nfsnotify_${safe(instance)}`;
}

// The environment marker every sm-notify we start carries: stop and start end only processes
// that have it, never other instances' or nfsserver's (upstream runs killall sm-notify).
export function ownerMarker(instance: string): { name: string; value: string } {
  return { name: 'NFSHA_NFSNOTIFY_INSTANCE', value: instance };
}

export interface NotifyPlanInput {
  readonly hosts: readonly string[];
  // The statd that is running now is the one we notified for last time.
  readonly renotify: boolean;
  readonly statdDir: string;
  readonly instance: string;
}

export interface NotifyStep extends SmNotifyCall {
  // 'real': sm-notify works on statd's own directory (it moves sm/ to sm.bak/ and increases the
  // state). 'copy': on a private copy of the snapshot, with the state taken from the backup
  // (fresh notification: the same new number the real directory gets) or from the real
  // directory (re-notification: the number already sent, with -n).
  readonly source: 'real' | 'copy';
}

// The sm-notify runs of one notification round. A fresh round hands the real directory to the
// first source host only, so that the real monitor list is consumed once; a re-notification
// never touches it and repeats the current state number: clients that already reclaimed ignore
// it, clients that missed it reclaim (a new number outside the grace period would make every
// client reclaim locks the server no longer accepts as reclaims).
export function planNotification(input: NotifyPlanInput): NotifyStep[] {
  const hosts: (string | undefined)[] = input.hosts.length === 0 ? [undefined] : [...input.hosts];
  return hosts.map((host, i) => {
    if (!input.renotify && i === 0) return { host, dir: input.statdDir, keepState: false, source: 'real' };
    return { host, dir: privateDir(input.statdDir, input.instance, host), keepState: input.renotify, source: 'copy' };
  });
}
