// The tools' documentation, one source for `nfsha <tool> --help` and the man page nfsha(8)
// (tools/gen-docs.ts).

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
where there is one. Rules (errors): order-fs-before-server, order-server-before-exports,
order-exports-before-ip, order-ip-before-notify, colocation, no-notify, notify-source,
infodir-on-stack-fs, export-on-stack-fs, fsid-missing, fsid-unique, clone-infodir,
one-server-per-node. Warnings: fencing, server-scope, missing-notify, missing-ip, op-timeout,
no-monitor, outdated-parameter (fsid-missing is a warning where the export is on a shared block
device). Information: not-checked (an NFS server built another way, such as a cloned
systemd:nfs-server).`,
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
    synopsis: ['nfsha doctor'],
    description: `
On a cluster node, live and read only: runs check on the live CIB, then the NFS failure
checklist where the stack runs.`,
    options: [['-h, --help', 'this text.']],
    exit: [['0', 'every check passed'], ['1', 'a check failed'], ['2', 'the checks could not run']],
  },
  plan: {
    synopsis: ['nfsha plan [--format pcs|crm|cib] FILE.ini'],
    description: `
Reads a short description of an NFS stack and prints the commands that create it.`,
    options: [['-h, --help', 'this text.']],
    exit: [['0', 'printed'], ['2', 'the description could not be read or is wrong']],
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

export function paragraphs(text: string): string[] {
  return text.trim().split(/\n\s*\n/).map((p) => p.replace(/\s*\n\s*/g, ' ').trim()).filter(Boolean);
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
