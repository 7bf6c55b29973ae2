// OCF exit codes (OCF 1.1 §"Exit codes", ocf-returncodes) and the one error type handlers throw.
// Only the entry point turns these into a process exit status.

export const OCF = {
  SUCCESS: 0,
  ERR_GENERIC: 1,
  ERR_ARGS: 2,
  ERR_UNIMPLEMENTED: 3,
  ERR_PERM: 4,
  ERR_INSTALLED: 5,
  ERR_CONFIGURED: 6,
  NOT_RUNNING: 7,
  RUNNING_PROMOTED: 8,
  FAILED_PROMOTED: 9,
  DEGRADED: 190,
  DEGRADED_PROMOTED: 191,
} as const;

export type OcfStatus = (typeof OCF)[keyof typeof OCF];

const NAMES = new Map<number, string>(Object.entries(OCF).map(([k, v]) => [v, k]));

// Name of a status for logs and help text ("ERR_CONFIGURED"), or the number itself.
export function statusName(code: number): string {
  return NAMES.get(code) ?? String(code);
}

// A status in words for an administrator ("not running"); what 0 means depends on the action.
export function statusWords(code: number, action: string): string {
  switch (code) {
    case OCF.SUCCESS:
      switch (action) {
        case 'monitor': case 'status': return 'running';
        case 'start': return 'started';
        case 'stop': return 'stopped';
        case 'validate-all': return 'valid';
        default: return 'done';
      }
    case OCF.ERR_GENERIC: return 'failed';
    case OCF.ERR_ARGS: return 'invalid argument';
    case OCF.ERR_UNIMPLEMENTED: return 'not implemented';
    case OCF.ERR_PERM: return 'insufficient privileges';
    case OCF.ERR_INSTALLED: return 'not installed';
    case OCF.ERR_CONFIGURED: return 'not configured';
    case OCF.NOT_RUNNING: return 'not running';
    case OCF.RUNNING_PROMOTED: return 'running, promoted';
    case OCF.FAILED_PROMOTED: return 'failed, promoted';
    case OCF.DEGRADED: return 'degraded';
    case OCF.DEGRADED_PROMOTED: return 'degraded, promoted';
    default: return `status ${String(code)}`;
  }
}

// A failure with an OCF status and a one-line reason for Pacemaker (ocf-exit-reason).
export class OcfError extends Error {
  readonly code: OcfStatus;
  constructor(code: OcfStatus, reason: string) {
    super(reason);
    this.name = 'OcfError';
    this.code = code;
  }
}

export function isOcfError(e: unknown): e is OcfError {
  return e instanceof OcfError;
}
