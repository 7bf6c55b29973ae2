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
