// The tools' documentation, one source for `nfsha <tool> --help` and the man page nfsha(8)
// (tools/gen-docs.ts).

import { paragraphs } from '../ocf/manpage.ts';

export interface ToolHelp {
  readonly synopsis: readonly string[];
  // Paragraphs separated by blank lines.
  readonly description: string;
  readonly options: readonly (readonly [string, string])[];
  readonly exit: readonly (readonly [string, string])[];
}

export const TOOL_HELP: Readonly<Record<string, ToolHelp>> = {
  check: {
    synopsis: ['nfsha check [--format text|json] [--ignore RULE[,RULE]...] [FILE | -]'],
    description: `
Lints a Pacemaker cluster configuration for the rules of a highly available NFS server: finds
every NFS server stack (an nfsserver resource of any provider with the Filesystem, exportfs,
floating IP and nfsnotify resources tied to it by a group or by order and colocation constraints,
with or without resource sets) and checks the order of start and stop, colocation, the NSM
notifications, where the NFS state lives, and the exports' fsids.

The CIB is read from FILE, from standard input (-), or, with no argument, from the running
cluster with cibadmin --query (read only: the cluster is never changed). Both what cibadmin
--query and what pcs cluster cib print are accepted.

Each finding is one line, SEVERITY RULE RESOURCES message, followed by the command that fixes it
where there is one (pcs syntax). Errors come first, then warnings, then information. The rules
and their ids are listed in nfsha(8).`,
    options: [
      ['--format text|json', 'text (default): one finding a line, coloured on a terminal. json: {"stacks": [...], "findings": [{"severity", "rule", "resources", "message", "fix"}]}.'],
      ['--ignore RULE[,RULE]...', 'leave out findings of these rules (repeatable); an unknown rule id is an error.'],
      ['-h, --help', 'this text.'],
    ],
    exit: [
      ['0', 'no error (warnings and information may have been printed)'],
      ['1', 'at least one error'],
      ['2', 'the CIB could not be read or is not a CIB, or the command line is wrong'],
    ],
  },
  doctor: {
    synopsis: ['nfsha doctor [--format text|json]'],
    description: `
On a cluster node, live and read only: runs check on the live CIB (cibadmin --query), asks the
cluster where each NFS server stack runs (crm_node, crm_mon) and then goes through the seed's
"Understanding Failures" list on this node. Each check prints PASS, FAIL or SKIPPED with the
evidence it saw and, when it fails, the fix. Nothing is changed.

Checks, by id: config (nfsha check finds no error), boot-services (with systemd: no NFS server
unit is enabled at boot), stack-location (the stack runs on exactly one node, or nfsserver is
cloned), infodir-bind (/var/lib/nfs is the bind of nfs_shared_infodir, or the stack's
filesystem mounted there), nsm-state (the NSM state file was rewritten and rpc.statd restarted
at nfsserver's last start, taken from the CIB's status: clients reclaim only when the number
changes), statd-no-notify (rpc.statd runs with --no-notify, so only nfsnotify announces the
restart), nfsd-threads (more than 0), exports-in-table (every exportfs of the stack is in etab,
the table rpc.mountd gives the kernel, with its fsid, and rpc.mountd runs), floating-name (the
floating IP has a name that resolves back to it here: clients must mount by that name; compare
the evidence of every node), nsm-monitor-list (the clients the next notification goes to, each
resolvable), last-notification (nfsnotify's record names the rpc.statd running now, and its
source_host is the floating IP, configured here; clients that have not answered are named),
standby-daemons (on a node where the stack does not run: no nfsd threads, rpc.mountd, rpc.statd
or nfsdcld outside the cluster).

Where the stack runs elsewhere, doctor says where and checks only what a standby can:
boot-services, floating-name and standby-daemons; the active node's checks are SKIPPED.`,
    options: [
      ['--format text|json', 'text (default): one check a line, coloured on a terminal. json: {"node", "stacks": [{"server", "group", "runsOn", "here"}], "checks": [{"id", "stack", "status": "pass"|"fail"|"skipped", "evidence", "fix"}], "summary": {"pass", "fail", "skipped"}}.'],
      ['-h, --help', 'this text.'],
    ],
    exit: [
      ['0', 'no check failed'],
      ['1', 'at least one check failed'],
      ['2', 'the checks could not run (not a cluster node, the CIB unreadable, a wrong command line)'],
    ],
  },
  plan: {
    synopsis: ['nfsha plan [--format pcs|crm|cib] FILE.ini'],
    description: `
Reads a short description of the seed's NFS stack (an ini file; - for standard input) and prints
what creates it: pcs commands (default; the group is built in a copy of the CIB and pushed at
once), crm configure input (--format crm; load it with crm configure load update FILE) or a
whole CIB (--format cib; crm_verify -x accepts it, nfsha check finds no error in it).

Sections: [group] name, provider (nfsha or heartbeat), notify (yes or no); [ip ID] ip, name (the
floating host name), cidr_netmask, nic, agent (IPaddr2 or IPaddr); [filesystem ID] device,
directory, fstype, info = yes on the one that holds the NFS state, other Filesystem parameters;
[nfsserver ID] nfsserver parameters; [export ID] directory, clients (comma separated: one
exportfs resource each), options, fsid, other exportfs parameters; [nfsnotify ID] source_host;
[fencing ID] agent (a fence agent) and its parameters. The seed's group is examples/seed.ini
(installed with the documentation, under examples/).

The group starts the filesystems (one mounted inside another after it), nfsserver with
nfs_shared_infodir on the info filesystem, nfs_no_notify=true and nfs_server_scope set to the
floating name, the exports (the NFSv4 pseudo-root first), the floating IP, and nfsnotify with the
floating IP as source_host. fsids are kept where given; the pseudo-root (an export outside the
group's filesystems that holds the others) gets 0, every other directory the next free number
from 1. The CIB format sets stonith-enabled=false when there is no [fencing] section.`,
    options: [
      ['--format pcs|crm|cib', 'what to print (default pcs).'],
      ['-h, --help', 'this text.'],
    ],
    exit: [['0', 'printed'], ['2', 'the description could not be read or is wrong (one line names the section and key)']],
  },
};

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

export function toolUsage(name: string): string {
  const h = TOOL_HELP[name];
  if (h === undefined) return '';
  const out = ['Usage:', ...h.synopsis.map((s) => `  ${s}`), ''];
  for (const p of paragraphs(h.description)) out.push(...wrap(p, 78, ''), '');
  out.push('Options:');
  for (const [flag, text] of h.options) out.push(`  ${flag}`, ...wrap(text, 78, '      '));
  out.push('', 'Exit status:');
  for (const [code, text] of h.exit) out.push(`  ${code}  ${text}`);
  out.push('', 'See also: man nfsha', '');
  return out.join('\n');
}
