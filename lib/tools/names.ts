// The administrator's tools of the `nfsha` front end: names and one-line summaries only. The
// agents' bundle imports this file (for `nfsha --help` and the dispatch); everything else of the
// tools lives in their own bundle (lib/tools/main.ts), loaded only when a tool runs.

export interface ToolName {
  readonly name: string;
  readonly summary: string;
}

export const TOOL_NAMES: readonly ToolName[] = [
  { name: 'check', summary: 'lint a cluster configuration (CIB) against the NFS stack\'s rules' },
  { name: 'doctor', summary: 'check, then the NFS failure checklist on this node' },
  { name: 'plan', summary: 'print the commands that create an NFS stack' },
];

export function isToolName(name: string | undefined): boolean {
  return TOOL_NAMES.some((t) => t.name === name);
}
