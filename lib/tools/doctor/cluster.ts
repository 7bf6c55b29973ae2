// Where the stacks run and when nfsserver last started, as the cluster says: crm_mon's XML
// (the resources active per node) and the CIB's status section (each resource's last
// non-recurring operation per node, with its time). Both read only.

import { DOMParser, type Element } from '@xmldom/xmldom';
import type { System } from '../../system/types.ts';
import { CliError } from '../cli.ts';
import type { ClusterView } from './checks.ts';

function elements(root: Element, tag: string): Element[] {
  return Array.from(root.getElementsByTagName(tag));
}

function parseXml(xml: string, what: string): Element {
  let root: Element | null;
  try {
    root = new DOMParser().parseFromString(xml, 'text/xml').documentElement;
  } catch (e) {
    throw new CliError(`${what} is not XML: ${e instanceof Error ? e.message.split('\n')[0] ?? '' : String(e)}`);
  }
  if (root === null) throw new CliError(`${what} is empty`);
  return root;
}

// crm_mon --output-as=xml: resource id → the nodes it is active on (clone instances merged).
export function parseActive(crmMonXml: string): Map<string, string[]> {
  const root = parseXml(crmMonXml, 'crm_mon output');
  const out = new Map<string, string[]>();
  for (const r of elements(root, 'resource')) {
    const id = r.getAttribute('id');
    if (id === null || r.getAttribute('active') !== 'true') continue;
    const nodes = out.get(id) ?? [];
    for (const n of elements(r, 'node')) {
      const name = n.getAttribute('name');
      if (name !== null && !nodes.includes(name)) nodes.push(name);
    }
    out.set(id, nodes);
  }
  return out;
}

export interface StartRecord {
  readonly atMs: number;
  readonly execMs: number;
}

// The CIB's status: for each node and resource, the last non-recurring operation (<id>_last_0)
// when it is a successful start.
export function parseLastStarts(cibXml: string): Map<string, StartRecord> {
  const root = parseXml(cibXml, 'the CIB');
  const out = new Map<string, StartRecord>();
  for (const state of elements(root, 'node_state')) {
    const node = state.getAttribute('uname');
    if (node === null) continue;
    for (const rsc of elements(state, 'lrm_resource')) {
      const id = rsc.getAttribute('id');
      if (id === null) continue;
      const last = elements(rsc, 'lrm_rsc_op').find((op) => op.getAttribute('id') === `${id}_last_0`);
      if (last?.getAttribute('operation') !== 'start' || last.getAttribute('rc-code') !== '0' || last.getAttribute('op-status') !== '0') continue;
      const at = Number(last.getAttribute('last-rc-change'));
      const exec = Number(last.getAttribute('exec-time') ?? '0');
      if (Number.isFinite(at) && at > 0) out.set(`${node}\u0000${id}`, { atMs: at * 1000, execMs: Number.isFinite(exec) ? exec : 0 });
    }
  }
  return out;
}

export function clusterView(localNode: string, crmMonXml: string, cibXml: string): ClusterView {
  const active = parseActive(crmMonXml);
  const starts = parseLastStarts(cibXml);
  return {
    localNode,
    runsOn: (id) => active.get(id) ?? [],
    lastStart: (id, node) => starts.get(`${node}\u0000${id}`),
  };
}

async function output(sys: System, argv: string[]): Promise<string> {
  const r = await sys.run(argv, { timeoutMs: 60000 });
  if (r.notFound) throw new CliError(`${argv[0] ?? ''} not found: doctor runs on a cluster node (Pacemaker's command line tools)`);
  if (r.exitCode !== 0) throw new CliError(`${argv.join(' ')} failed: ${r.timedOut ? 'timed out' : (r.stderr.trim().split('\n').pop() ?? `exit code ${String(r.exitCode)}`)}`);
  return r.stdout;
}

// This node's name in the cluster (crm_node -n) and crm_mon's view.
export async function readCluster(sys: System, cibXml: string): Promise<ClusterView> {
  const localNode = (await output(sys, ['crm_node', '--name'])).trim();
  const crmMon = await output(sys, ['crm_mon', '--one-shot', '--output-as=xml']);
  return clusterView(localNode, crmMon, cibXml);
}
