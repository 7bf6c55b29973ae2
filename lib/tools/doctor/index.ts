// nfsha doctor: check on the live CIB, then the NFS failure checklist on this node (issue 14, §2).

import { CliError, type Tool } from '../cli.ts';

export const doctor: Tool = () => Promise.reject(new CliError('not implemented yet'));
