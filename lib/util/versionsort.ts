// glibc's strverscmp(3), the order scandir(3) + versionsort gives the files of nfs-utils' conf.d
// directories. The rule, from the manual: find the first byte where the strings differ and the
// longest run of digits around it in each; where either run is empty, compare bytes. Otherwise
// compare the runs as numbers, a run with leading zeros counting as a fraction (more leading
// zeros first; two fractions with as many zeros compare as bytes):
// 000 < 00 < 01 < 010 < 09 < 0 < 1 < 9 < 10. Names are compared as UTF-16 code
// units, which equals byte order for the ASCII names conf.d directories hold.

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);
const byteCmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function leadingZeros(run: string): number {
  let n = 0;
  while (n < run.length - 1 && run[n] === '0') n++;
  return run.length > 1 && run[0] === '0' ? Math.max(n, 1) : 0;
}

function runCmp(a: string, b: string): number {
  const za = leadingZeros(a);
  const zb = leadingZeros(b);
  if (za > 0 || zb > 0) {
    if (za === 0) return 1; // an integer comes after every fraction
    if (zb === 0) return -1;
    if (za !== zb) return sign(zb - za); // more leading zeros first
    return 0; // same zeros: a fraction, compared byte by byte from the difference on
  }
  return a.length !== b.length ? sign(a.length - b.length) : byteCmp(a, b);
}

export function versionCompare(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  let s = i;
  while (s > 0 && isDigit(a[s - 1])) s--;
  let ea = i;
  while (isDigit(a[ea])) ea++;
  let eb = i;
  while (isDigit(b[eb])) eb++;
  const ra = a.slice(s, ea);
  const rb = b.slice(s, eb);
  if (ra === '' || rb === '' || ra === rb) return byteCmp(a.slice(i), b.slice(i));
  const r = runCmp(ra, rb);
  return r !== 0 ? r : byteCmp(a.slice(i), b.slice(i));
}
