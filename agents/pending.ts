// Actions whose implementation has not landed yet answer 3 with a reason that says so,
// instead of pretending to work.

import { OCF, OcfError } from '../lib/ocf/codes.ts';

export function pending(agent: string, action: string): () => never {
  return () => {
    throw new OcfError(OCF.ERR_UNIMPLEMENTED, `${agent} ${action} is not implemented in this build of nfsha-agents yet`);
  };
}
