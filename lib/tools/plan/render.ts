// `nfsha plan` output: the same plan as pcs commands, as crm configure input, or as a whole CIB.
// Pure functions of the Plan (topology.ts).

import type { Plan, Resource } from './topology.ts';

export type PlanFormat = 'pcs' | 'crm' | 'cib';

function agentName(r: Resource): string {
  return r.cls === 'stonith' ? `stonith:${r.type}` : `${r.cls}:${r.provider ?? 'heartbeat'}:${r.type}`;
}

function intro(plan: Plan): string[] {
  const lines = [`nfsha plan ${plan.source}: NFS group ${plan.group}, floating IP ${plan.ip}`];
  const who = plan.name === undefined ? plan.ip : plan.name;
  lines.push(`Clients mount ${who}:/<export>${plan.name === undefined ? '' : `; ${plan.name} must resolve to ${plan.ip} and back, the same on every node and client`}.`);
  if (plan.fencing.length === 0) lines.push('No [fencing] section: fencing is left as the cluster has it (nfsha check warns when it is off).');
  return lines;
}

// A word the shell passes on as it is, or the word in single quotes.
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function pcsLine(file: string, words: string[]): string {
  return ['pcs', '-f', file, ...words].map(shellQuote).join(' ');
}

// pcs: the group is built in a copy of the CIB and pushed at once, so that no part of it starts
// before the whole stack and its order exist. pcs adds each agent's advertised operations.
export function renderPcs(plan: Plan): string {
  const file = `${plan.group}.xml`;
  const out = intro(plan).map((l) => `# ${l}`);
  out.push(`# The group is built in a copy of the CIB (${file}) and pushed at once.`, 'set -e', `pcs cluster cib ${shellQuote(file)}`);
  for (const r of plan.members) {
    out.push(pcsLine(file, ['resource', 'create', r.id, agentName(r), ...r.params.map(([k, v]) => `${k}=${v}`), '--group', plan.group]));
  }
  for (const f of plan.fencing) out.push(pcsLine(file, ['stonith', 'create', f.id, f.type, ...f.params.map(([k, v]) => `${k}=${v}`)]));
  if (plan.fencing.length > 0) out.push(pcsLine(file, ['property', 'set', 'stonith-enabled=true']));
  out.push(`pcs cluster cib-push ${shellQuote(file)} --config`);
  return `${out.join('\n')}\n`;
}

// crmsh's value syntax: bare when safe, else double quotes with \ and " escaped.
function crmValue(v: string): string {
  return /^[A-Za-z0-9_./:,@%+-]+$/.test(v) ? v : `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function crmPrimitive(r: Resource): string {
  const lines = [`primitive ${r.id} ${agentName(r)}`];
  if (r.params.length > 0) lines.push(`\tparams ${r.params.map(([k, v]) => `${k}=${crmValue(v)}`).join(' ')}`);
  for (const op of r.ops) lines.push(`\top ${op.name} interval=${op.interval} timeout=${op.timeout}`);
  return lines.join(' \\\n');
}

// Input for `crm configure load update FILE` (or `crm configure` reading it on stdin).
export function renderCrm(plan: Plan): string {
  const out = intro(plan).map((l) => `# ${l}`);
  out.push('# Load with: crm configure load update FILE');
  for (const r of plan.members) out.push(crmPrimitive(r));
  out.push(`group ${plan.group} ${plan.members.map((r) => r.id).join(' ')}`);
  for (const f of plan.fencing) out.push(crmPrimitive(f));
  if (plan.fencing.length > 0) out.push('property cib-bootstrap-options: stonith-enabled=true');
  return `${out.join('\n')}\n`;
}

export function xmlEscape(v: string): string {
  return v.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function attrs(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([k, v]) => ` ${k}="${xmlEscape(v)}"`).join('');
}

function cibPrimitive(r: Resource, indent: string): string[] {
  const head: [string, string][] = [['id', r.id], ['class', r.cls]];
  if (r.cls === 'ocf') head.push(['provider', r.provider ?? 'heartbeat']);
  head.push(['type', r.type]);
  const out = [`${indent}<primitive${attrs(head)}>`];
  if (r.params.length > 0) {
    out.push(`${indent}  <instance_attributes id="${xmlEscape(r.id)}-instance_attributes">`);
    for (const [k, v] of r.params) out.push(`${indent}    <nvpair${attrs([['id', `${r.id}-instance_attributes-${k}`], ['name', k], ['value', v]])}/>`);
    out.push(`${indent}  </instance_attributes>`);
  }
  out.push(`${indent}  <operations>`);
  for (const op of r.ops) out.push(`${indent}    <op${attrs([['id', `${r.id}-${op.name}-interval-${op.interval}`], ['name', op.name], ['interval', op.interval], ['timeout', op.timeout]])}/>`);
  out.push(`${indent}  </operations>`, `${indent}</primitive>`);
  return out;
}

// A whole CIB (crm_verify -x accepts it). Without a [fencing] section it sets stonith-enabled to
// false, since Pacemaker refuses to start resources with fencing on and no device; nfsha check
// warns about it.
export function renderCib(plan: Plan): string {
  const out = ['<?xml version="1.0"?>', ...intro(plan).map((l) => `<!-- ${xmlEscape(l).replace(/--/g, '- -')} -->`)];
  out.push('<cib validate-with="pacemaker-3.0" epoch="1" num_updates="0" admin_epoch="0">', '  <configuration>', '    <crm_config>', '      <cluster_property_set id="cib-bootstrap-options">');
  out.push(`        <nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="${plan.fencing.length > 0 ? 'true' : 'false'}"/>`);
  out.push('      </cluster_property_set>', '    </crm_config>', '    <nodes/>', '    <resources>');
  out.push(`      <group id="${xmlEscape(plan.group)}">`);
  for (const r of plan.members) out.push(...cibPrimitive(r, '        '));
  out.push('      </group>');
  for (const f of plan.fencing) out.push(...cibPrimitive(f, '      '));
  out.push('    </resources>', '    <constraints/>', '  </configuration>', '  <status/>', '</cib>');
  return `${out.join('\n')}\n`;
}

export function render(plan: Plan, format: PlanFormat): string {
  switch (format) {
    case 'pcs':
      return renderPcs(plan);
    case 'crm':
      return renderCrm(plan);
    case 'cib':
      return renderCib(plan);
  }
}
