// nfsha plan: prints the commands that create an NFS stack from a short description (issue 14, §3).

import { CliError, type Tool } from '../cli.ts';

export const plan: Tool = () => Promise.reject(new CliError('not implemented yet'));
