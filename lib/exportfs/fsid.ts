// fsid and option handling for exportfs: the fsid parameter, else the fsid
// in `options`, is given to the first directory; with several directories each further one gets
// the next integer. The exportfs command lines of start and stop.

import { isDecimal } from '../ocf/bool.ts';

// The fsid parameter if set, else the value of the last `fsid=` in options; '' when neither.
export function effectiveFsid(fsid: string, options: string): string {
  if (fsid !== '') return fsid;
  const m = /.*(?:^|,)fsid=([^,]*)/.exec(options);
  return m?.[1] ?? '';
}

// The fsid of directory number `index` (0-based) of `count`; undefined when there is none.
export function fsidFor(start: string, index: number, count: number): string | undefined {
  if (start === '') return undefined;
  if (count <= 1 || index === 0) return start;
  // Multi-directory fsids are integers (validated); decimal, even with leading zeros.
  return String(parseInt(start, 10) + index);
}

// The -o argument for one directory, or undefined when there are no options at all.
export function exportOptions(options: string, fsidParam: string, fsid: string | undefined): string | undefined {
  if (/(^|,)fsid=/.test(options)) {
    return fsid === undefined ? options : options.replace(/(^|,)fsid=[^,]*/g, `$1fsid=${fsid}`);
  }
  if (fsidParam !== '' && fsid !== undefined) return options === '' ? `fsid=${fsid}` : `${options},fsid=${fsid}`;
  return options === '' ? undefined : options;
}

export function exportArgv(opts: string | undefined, clientspec: string, dir: string): string[] {
  return opts === undefined ? ['exportfs', '-v', `${clientspec}:${dir}`] : ['exportfs', '-v', '-o', opts, `${clientspec}:${dir}`];
}

export function unexportArgv(clientspec: string, dir: string): string[] {
  return ['exportfs', '-v', '-u', `${clientspec}:${dir}`];
}

// A configuration problem with the fsid, or undefined (validate-all's checks).
export function fsidProblem(fsidParam: string, options: string, dirCount: number): string | undefined {
  if (fsidParam.includes(',')) return `${fsidParam} cannot contain a comma`;
  const start = effectiveFsid(fsidParam, options);
  if (dirCount > 1 && start !== '' && !isDecimal(start)) return 'use integer fsid when exporting multiple directories';
  return undefined;
}

// The fsid as the kernel and etab show it: `root` is 0, integers without leading zeros; a UUID
// stays as written (lower case).
export function canonicalFsid(fsid: string): string {
  if (fsid === 'root') return '0';
  return /^[0-9]+$/.test(fsid) ? String(parseInt(fsid, 10)) : fsid.toLowerCase();
}

export function isIntegerFsid(fsid: string): boolean {
  return fsid === 'root' || /^[0-9]+$/.test(fsid);
}
