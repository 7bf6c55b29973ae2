// meta-data parity: our parameter set, types, defaults, flags and action timeouts equal
// upstream's. Upstream here is Debian's resource-agents (4.12) shell agents, run for real, plus
// the documented differences of upstream HEAD and our documented additions (docs/compat.md).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AGENTS } from '../../agents/index.ts';
import { metadataXml } from '../../lib/ocf/metadata.ts';

const UPSTREAM = '/usr/lib/ocf/resource.d/heartbeat';

interface Param { type: string; default: string | undefined; required: string; unique: string }
interface Meta { version: string | undefined; apiVersion: string | undefined; params: Record<string, Param>; actions: Record<string, Record<string, string>> }

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w-]+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

// A small reader for the fixed shape of OCF meta-data (enough for a comparison).
function readMeta(xml: string): Meta {
  const params: Record<string, Param> = {};
  for (const m of xml.matchAll(/<parameter\s([^>]*)>([\s\S]*?)<\/parameter>/g)) {
    const a = attrs(m[1]!);
    const c = attrs(/<content\s([^>]*)\/?>/.exec(m[2]!)?.[1] ?? '');
    params[a.name!] = { type: c.type ?? '', default: c.default, required: a.required ?? '0', unique: a.unique ?? '0' };
  }
  const actions: Record<string, Record<string, string>> = {};
  for (const m of xml.matchAll(/<action\s([^>]*?)\/?>/g)) {
    const { name, ...rest } = attrs(m[1]!);
    actions[name!] = rest;
  }
  return { version: attrs(/<resource-agent\s([^>]*)>/.exec(xml)?.[1] ?? '').version, apiVersion: /<version>([^<]*)<\/version>/.exec(xml)?.[1], params, actions };
}

// Where upstream HEAD differs from Debian's 4.12.
const HEAD_CHANGES: Record<string, (m: Meta) => void> = {
  Filesystem: (m) => {
    m.params.force_unmount = { type: 'string', default: 'true', required: '0', unique: '0' };
    m.params.term_signals = { type: 'string', default: 'TERM', required: '0', unique: '0' };
    m.params.kill_signals = { type: 'string', default: 'KILL', required: '0', unique: '0' };
    m.params.signal_delay = { type: 'string', default: '1', required: '0', unique: '0' };
  },
  exportfs: (m) => {
    m.params.fsid!.required = '0';
  },
  nfsserver: (m) => {
    // Upstream lists these only on Red Hat systems; we always do (static meta-data).
    for (const p of ['nfsd_args']) m.params[p] = { type: 'string', default: undefined, required: '0', unique: '0' };
    for (const p of ['lockd_udp_port', 'lockd_tcp_port', 'statd_outgoing_port', 'statd_port', 'mountd_port', 'rquotad_port']) {
      m.params[p] = { type: 'integer', default: undefined, required: '0', unique: '0' };
    }
  },
};

// Our own additions beyond upstream, each documented in docs/compat.md.
export const ADDITIONS: Record<string, readonly string[]> = {
  Filesystem: [],
  nfsserver: ['nfsv4_lease_time', 'nfsv4_grace_time'],
  exportfs: [],
  nfsnotify: [],
};

const missing = existsSync(UPSTREAM) ? undefined : 'Debian resource-agents is not installed';

describe.skipIf(missing)('meta-data parity with upstream', () => {
  it.each(AGENTS.map((a) => [a.name, a] as const))('%s', (name, agent) => {
    const r = spawnSync(`${UPSTREAM}/${name}`, ['meta-data'], { encoding: 'utf8', env: { OCF_ROOT: '/usr/lib/ocf', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
    expect(r.status).toBe(0);
    const upstream = readMeta(r.stdout);
    HEAD_CHANGES[name]?.(upstream);
    const ours = readMeta(metadataXml(agent));
    const extra = ADDITIONS[name] ?? [];
    for (const p of extra) {
      expect(ours.params[p], `documented addition ${p}`).toBeDefined();
      Reflect.deleteProperty(ours.params, p);
    }
    expect(ours.version).toBe(upstream.version);
    expect(ours.apiVersion).toBe('1.0');
    expect(Object.keys(ours.params).sort()).toEqual(Object.keys(upstream.params).sort());
    for (const [p, spec] of Object.entries(upstream.params)) expect({ p, ...ours.params[p] }).toEqual({ p, ...spec });
    expect(ours.actions).toEqual(upstream.actions);
  });
});

describe('meta-data shape', () => {
  it.each(AGENTS.map((a) => [a.name, a] as const))('%s has the DOCTYPE, s-suffixed timeouts and escaped text', (_name, agent) => {
    const xml = metadataXml(agent);
    expect(xml.startsWith('<?xml version="1.0"?>\n<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">\n')).toBe(true);
    for (const m of xml.matchAll(/(timeout|interval)="([^"]*)"/g)) expect(m[2]).toMatch(/^[0-9]+s$/);
    expect(xml).not.toMatch(/unique-group|reloadable|<deprecated|type="select"|reload-agent/);
    const text = xml.replace(/<[^>]*>/g, '');
    expect(text).not.toMatch(/[<>]/);
  });
});
