// What the caller (Pacemaker, crm_resource, ocf-tester, an admin) tells the agent through the
// environment, with the defaults ocf-shellfuncs and ocf-directories apply.

export type Env = Readonly<Record<string, string | undefined>>;

export interface OcfEnv {
  readonly action: string;
  // basename of the name we were invoked by (the agent type).
  readonly scriptName: string;
  readonly resourceType: string;
  readonly instance: string;
  // Interval of this operation in ms; 0 when absent (probes, start, stop).
  readonly intervalMs: number;
  // Operation timeout in ms from OCF_RESKEY_CRM_meta_timeout; undefined when not given.
  readonly timeoutMs: number | undefined;
  // monitor with no or a zero interval.
  readonly isProbe: boolean;
  readonly checkLevel: number;
  readonly isClone: boolean;
  readonly cloneNumber: string | undefined;
  readonly rsctmp: string;
  readonly varlib: string;
  readonly sbinDir: string;
  readonly raw: Env;
}

// ocf_check_level: non-numeric means 0.
function checkLevelOf(env: Env): number {
  const v = env.OCF_CHECK_LEVEL ?? env.OCF_RESKEY_OCF_CHECK_LEVEL ?? '0';
  return /^[0-9]+$/.test(v) ? Number(v) : 0;
}

function msOf(v: string | undefined): number | undefined {
  if (v === undefined || !/^[0-9]+$/.test(v.trim())) return undefined;
  return Number(v.trim());
}

export function readOcfEnv(env: Env, scriptName: string, action: string): OcfEnv {
  const intervalMs = msOf(env.OCF_RESKEY_CRM_meta_interval) ?? 0;
  const cloneMax = env.OCF_RESKEY_CRM_meta_clone_max;
  return {
    action,
    scriptName,
    resourceType: env.OCF_RESOURCE_TYPE || scriptName,
    instance: env.OCF_RESOURCE_INSTANCE || 'default',
    intervalMs,
    timeoutMs: msOf(env.OCF_RESKEY_CRM_meta_timeout),
    isProbe: action === 'monitor' && intervalMs === 0,
    checkLevel: checkLevelOf(env),
    isClone: cloneMax !== undefined && cloneMax !== '',
    cloneNumber: env.OCF_RESKEY_CRM_meta_clone,
    rsctmp: env.HA_RSCTMP || '/run/resource-agents',
    varlib: env.HA_VARLIB || '/var/lib/heartbeat',
    sbinDir: env.HA_SBIN_DIR || '/usr/sbin',
    raw: env,
  };
}

// The environment every child process gets: the caller's, with the C locale forced (tools'
// output is parsed) and the sbin directories on PATH as ocf-binaries does. NODE_OPTIONS is
// dropped so an ambient setting cannot change tools written in Node.
export function childEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && k !== 'LANG' && k !== 'LANGUAGE' && k !== 'NODE_OPTIONS') out[k] = v;
  }
  out.LC_ALL = 'C';
  const path = (env.PATH ?? '').split(':').filter((p) => p !== '');
  for (const dir of ['/sbin', '/bin', '/usr/sbin', '/usr/bin']) if (!path.includes(dir)) path.push(dir);
  out.PATH = path.join(':');
  return out;
}
