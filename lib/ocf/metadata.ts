// meta-data XML from an agent definition: OCF 1.0 feature set with the ra-api-1.dtd DOCTYPE,
// so that ocf-tester's DTD check, resource-agents' metadata.rng, the OCF 1.1 RNG and pcs all
// accept it. Every text is escaped.

import type { AnyAgent } from './define.ts';

export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function attr(name: string, value: string | undefined): string {
  return value === undefined ? '' : ` ${name}="${xmlEscape(value)}"`;
}

export function advertisedActions(agent: AnyAgent): [string, { timeout: string; interval?: string; depth?: string }][] {
  return Object.entries(agent.actions).filter(([, a]) => a.advertise !== false);
}

export function metadataXml(agent: AnyAgent): string {
  const out: string[] = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">',
    `<resource-agent name="${xmlEscape(agent.name)}" version="${xmlEscape(agent.version)}">`,
    '<version>1.0</version>',
    '',
    `<longdesc lang="en">\n${xmlEscape(agent.longdesc.trim())}\n</longdesc>`,
    `<shortdesc lang="en">${xmlEscape(agent.shortdesc)}</shortdesc>`,
    '',
    '<parameters>',
  ];
  for (const [name, p] of Object.entries(agent.parameters)) {
    const def = p.metaDefault ?? p.default;
    out.push(
      `<parameter name="${xmlEscape(name)}" unique="${p.unique ? '1' : '0'}" required="${p.required ? '1' : '0'}">`,
      `<longdesc lang="en">\n${xmlEscape(p.longdesc.trim())}\n</longdesc>`,
      `<shortdesc lang="en">${xmlEscape(p.shortdesc)}</shortdesc>`,
      `<content type="${p.type}"${attr('default', def)} />`,
      '</parameter>',
      '',
    );
  }
  out.push('</parameters>', '', '<actions>');
  for (const [name, a] of advertisedActions(agent)) {
    out.push(`<action name="${xmlEscape(name)}" timeout="${a.timeout}"${attr('interval', a.interval)}${attr('depth', a.depth)} />`);
  }
  out.push('</actions>', '</resource-agent>', '');
  return out.join('\n');
}

// One-line usage as the shell agents print it.
export function usageLine(agent: AnyAgent, path: string): string {
  return `usage: ${path} {${advertisedActions(agent).map(([n]) => n).join('|')}}`;
}
