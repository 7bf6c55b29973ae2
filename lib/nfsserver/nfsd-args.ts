// rpc.nfsd's command line from nfsd_args, and the thread count it is started with.

import { nfsConfGet, type NfsConf } from '../host/nfsconf.ts';

// rpc.nfsd options that take a value in the next word.
const WITH_VALUE = new Set(['-H', '--host', '-p', '-P', '--port', '-N', '--no-nfs-version', '-V', '--nfs-version', '-G', '--grace-time', '-L', '--leasetime', '--lease-time']);

export interface NfsdArgs {
  readonly options: string[];
  // The thread count given in nfsd_args (rpc.nfsd's positional argument), if any.
  readonly threads: number | undefined;
}

// nfsd_args is split on white space (no shell, so no quoting); a bare number that is not the
// value of an option is the thread count.
export function parseNfsdArgs(text: string): NfsdArgs {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const options: string[] = [];
  let threads: number | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (WITH_VALUE.has(w) && i + 1 < words.length) {
      options.push(w, words[i + 1] ?? '');
      i++;
    } else if (/^[0-9]+$/.test(w)) {
      threads = Number(w);
    } else {
      options.push(w);
    }
  }
  return { options, threads };
}

export const DEFAULT_THREADS = 8;

// The thread count: nfsd_args, else nfs.conf [nfsd] threads, else rpc.nfsd's own default (8).
export function nfsdThreads(args: NfsdArgs, conf: NfsConf): number {
  if (args.threads !== undefined) return args.threads;
  const v = nfsConfGet(conf, 'nfsd', 'threads')?.trim();
  return v !== undefined && /^[0-9]+$/.test(v) && Number(v) > 0 ? Number(v) : DEFAULT_THREADS;
}
