// roff man page (section 7) from an agent definition, with the sections resource-agents' pages
// have: NAME, SYNOPSIS, DESCRIPTION, SUPPORTED PARAMETERS, SUPPORTED ACTIONS, EXAMPLE CRM SHELL,
// EXAMPLE PCS, SEE ALSO. Generated at build time; no DocBook toolchain needed.

import type { AnyAgent } from './define.ts';
import { advertisedActions } from './metadata.ts';

// Escapes text for roff: backslashes, and a leading dot or quote that would start a request.
export function roffEscape(text: string): string {
  return text.replace(/\\/g, '\\e').replace(/-/g, '\\-').replace(/^([.'])/gm, '\\&$1');
}

export function paragraphs(text: string): string[] {
  return text.trim().split(/\n\s*\n/).map((p) => p.replace(/\s*\n\s*/g, ' ').trim()).filter(Boolean);
}

const ACTION_TEXT: Record<string, string> = {
  start: 'Starts the resource.',
  stop: 'Stops the resource.',
  monitor: 'Performs a detailed status check.',
  status: 'Performs a status check.',
  reload: 'Reloads the configuration of the resource (here: sends the notifications again).',
  'meta-data': 'Retrieves resource agent metadata (internal use only).',
  'validate-all': 'Performs a validation of the resource configuration.',
};

export function manPage(agent: AnyAgent, opts: { version: string; date?: string | undefined }): string {
  const name = `ocf_nfsha_${agent.name}`;
  const date = opts.date !== undefined && /^[0-9]+$/.test(opts.date) ? new Date(Number(opts.date) * 1000) : new Date();
  const out: string[] = [
    `.TH ${name.toUpperCase()} 7 "${date.toISOString().slice(0, 10)}" "nfsha-agents ${opts.version}" "OCF resource agents"`,
    '.SH NAME',
    `${name} \\- ${roffEscape(agent.shortdesc)}`,
    '.SH SYNOPSIS',
    `.B ${agent.name}`,
    `[${advertisedActions(agent).map(([n]) => roffEscape(n)).join(' | ')}]`,
    '.SH DESCRIPTION',
  ];
  for (const p of paragraphs(agent.longdesc)) out.push('.PP', roffEscape(p));
  out.push('.SH SUPPORTED PARAMETERS');
  for (const [pname, p] of Object.entries(agent.parameters)) {
    const def = p.metaDefault ?? p.default;
    const defText = def === undefined ? 'no default' : p.type === 'string' ? `default "${def}"` : p.type === 'boolean' && def === '' ? 'default false' : `default ${def}`;
    out.push('.TP', `\\fB${roffEscape(pname)}\\fR`);
    const ps = paragraphs(p.longdesc);
    out.push(roffEscape(ps[0] ?? p.shortdesc));
    for (const more of ps.slice(1)) out.push('.IP', roffEscape(more));
    out.push('.IP', `(${p.unique ? 'unique, ' : ''}${p.required ? 'required' : 'optional'}, ${p.type}, ${roffEscape(defText)})`);
  }
  out.push('.SH SUPPORTED ACTIONS');
  for (const [aname, a] of advertisedActions(agent)) {
    out.push('.TP', `\\fB${roffEscape(aname)}\\fR`, `${ACTION_TEXT[aname] ?? ''} Suggested minimum timeout: ${a.timeout}.${a.interval !== undefined ? ` Suggested interval: ${a.interval}.` : ''}`);
  }
  const required = Object.entries(agent.parameters).filter(([, p]) => p.required);
  const mon = agent.actions.monitor;
  out.push('.SH EXAMPLE CRM SHELL', '.nf', `primitive p_${agent.name} ocf:nfsha:${agent.name} \\e`);
  if (required.length > 0) out.push('  params \\e', ...required.map(([n, p]) => `    ${n}=${p.type === 'string' ? `"${p.default ?? 'string'}"` : p.type} \\e`));
  if (mon !== undefined) out.push(`  op monitor timeout="${mon.timeout}" interval="${mon.interval ?? '10s'}" depth="${mon.depth ?? '0'}"`);
  out.push('.fi', '.SH EXAMPLE PCS', '.nf');
  out.push(`pcs resource create p_${agent.name} ocf:nfsha:${agent.name} \\e`);
  if (required.length > 0) out.push(`  ${required.map(([n, p]) => `${n}=${p.type === 'string' ? `"${p.default ?? 'string'}"` : p.type}`).join(' ')} \\e`);
  if (mon !== undefined) out.push(`  op monitor timeout="${mon.timeout}" interval="${mon.interval ?? '10s'}" OCF_CHECK_LEVEL="${mon.depth ?? '0'}"`);
  out.push('.fi', '.SH SEE ALSO', `\\fBpcs\\fR(8), \\fBcrm_resource\\fR(8), and \\fBnfsha ${agent.name} \\-\\-help\\fR.`, '.SH AUTHOR', 'The nfsha-agents developers.', '');
  return out.join('\n');
}
