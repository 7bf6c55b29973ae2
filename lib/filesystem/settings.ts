// Interpretation of the Filesystem parameters: pure functions on strings, no system access.

import { isTrue } from '../ocf/bool.ts';
import { NON_BLOCK } from './fstypes.ts';

// ---------------------------------------------------------------------------------------------
// device

export type DeviceSpec =
  // A path: block device, image file (options=loop), bind source directory, /dev/null.
  | { readonly kind: 'path'; readonly path: string }
  // mount's own tag options: -U x, -Ux, -L x, --uuid x, --uuid=x, --label x, --label=x.
  | { readonly kind: 'tag'; readonly tag: 'UUID' | 'LABEL'; readonly value: string; readonly option: string }
  // fstab style UUID=x / LABEL=x (upstream does not support these).
  | { readonly kind: 'fstab-tag'; readonly tag: 'UUID' | 'LABEL'; readonly value: string }
  // Anything for a non-block type: server:/export, //server/share, a tmpfs name...
  | { readonly kind: 'source'; readonly source: string };

// Classifies the device parameter the way set_blockdevice_var does, plus fstab-style tags.
// `nonBlockType` is true for the network/virtual types and for options containing "loop".
export function parseDevice(device: string, nonBlockType: boolean): DeviceSpec {
  if (nonBlockType) return { kind: 'source', source: device };
  const long = /^--(uuid|label)(?:=|\s+)(.*)$/s.exec(device);
  if (long) {
    const tag = long[1] === 'uuid' ? 'UUID' : 'LABEL';
    return { kind: 'tag', tag, value: (long[2] ?? '').trim(), option: `--${long[1] ?? ''}` };
  }
  const short = /^-([UL])\s*(.*)$/s.exec(device);
  if (short) {
    const tag = short[1] === 'U' ? 'UUID' : 'LABEL';
    return { kind: 'tag', tag, value: (short[2] ?? '').trim(), option: `-${short[1] ?? ''}` };
  }
  const fstab = /^(UUID|LABEL)=(.+)$/s.exec(device);
  if (fstab) {
    const value = (fstab[2] ?? '').replace(/^"(.*)"$/s, '$1');
    return { kind: 'fstab-tag', tag: fstab[1] === 'UUID' ? 'UUID' : 'LABEL', value };
  }
  return { kind: 'path', path: device };
}

// The device as upstream names it in messages (the bare value for -U/-L forms).
export function deviceLabel(spec: DeviceSpec): string {
  switch (spec.kind) {
    case 'path': return spec.path;
    case 'tag': return spec.value;
    case 'fstab-tag': return `${spec.tag}=${spec.value}`;
    case 'source': return spec.source;
  }
}

// ---------------------------------------------------------------------------------------------
// options

export function optionWords(options: string): string[] {
  return options.split(',').map((w) => w.trim()).filter((w) => w !== '');
}

// Word match as `grep -w` would do it on the options string: "ro" also matches the ro in
// errors=remount-ro (kept: upstream relies on it for clone safety).
export function hasOptionWord(options: string, word: string): boolean {
  const re = new RegExp(`(^|[^A-Za-z0-9_])${word}($|[^A-Za-z0-9_])`);
  return re.test(options);
}

export function isBindOptions(options: string): boolean {
  return hasOptionWord(options, 'bind');
}

export function isNonBlockType(fstype: string, options: string): boolean {
  return NON_BLOCK.has(fstype) || hasOptionWord(options, 'loop');
}

// ---------------------------------------------------------------------------------------------
// directory

export function hasOuterWhitespace(text: string): boolean {
  return /^\s|\s$/.test(text);
}

// A mount point equal to the root directory, in any spelling that canonicalises to it.
export function isRootDir(dir: string): boolean {
  return /^\/+$/.test(dir.trim());
}

// <parent>/.<name>: where force_unmount=move parks a mount before unmounting it.
export function movedMountPoint(dir: string): string {
  const i = dir.lastIndexOf('/');
  if (i < 0 || i === dir.length - 1) return dir;
  return `${dir.slice(0, i)}/.${dir.slice(i + 1)}`;
}

// ---------------------------------------------------------------------------------------------
// force_unmount and its modifiers

export type UnmountMode = 'fuser' | 'safe' | 'none';

export interface ForceUnmount {
  readonly mode: UnmountMode;
  // The word that chose the mode, for messages ("true", "safe", "false"...).
  readonly value: string;
  readonly move: boolean;
  readonly xargs: boolean;
  readonly ps: boolean;
  readonly unknown: readonly string[];
}

// Parses "true", "safe", "false" and the comma modifiers [no]move, [no]xargs, [no]ps the way
// upstream HEAD does: only modifiers → mode true; nothing usable → mode false.
export function parseForceUnmount(value: string): ForceUnmount {
  let move: boolean | undefined;
  let xargs: boolean | undefined;
  let ps: boolean | undefined;
  let mode: string | undefined;
  const unknown: string[] = [];
  for (const word of value.split(',')) {
    switch (word) {
      case '': break;
      case 'move': move = true; break;
      case 'nomove': move = false; break;
      case 'xargs': xargs = true; break;
      case 'noxargs': xargs = false; break;
      case 'ps': ps = true; break;
      case 'nops': ps = false; break;
      case 'safe': case 'false': case 'no': mode = word; break;
      default:
        if (isTrue(word)) mode = word;
        else unknown.push(word);
    }
  }
  const anything = move !== undefined || xargs !== undefined || ps !== undefined || mode !== undefined;
  const chosen = anything ? (mode ?? 'yes') : 'false';
  const m = move ?? false;
  return {
    mode: isTrue(chosen) ? 'fuser' : chosen === 'safe' ? 'safe' : 'none',
    value: chosen,
    move: m,
    xargs: xargs ?? m,
    ps: ps ?? !m,
    unknown,
  };
}

// ---------------------------------------------------------------------------------------------
// signals

const SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10,
  SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19,
  TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28,
  IO: 29, POLL: 29, PWR: 30, SYS: 31,
};

export interface Signal {
  // The name used in logs (TERM, KILL, or the number as given).
  readonly name: string;
  readonly number: number;
}

// Parses a white-space separated list of signal names (with or without SIG) or numbers.
export function parseSignals(text: string): { signals: Signal[]; invalid: string[] } {
  const signals: Signal[] = [];
  const invalid: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (/^[0-9]+$/.test(word)) {
      const n = Number(word);
      if (n >= 1 && n <= 64) signals.push({ name: word, number: n });
      else invalid.push(word);
      continue;
    }
    const name = word.toUpperCase().replace(/^SIG/, '');
    const n = SIGNALS[name];
    if (n === undefined) invalid.push(word);
    else signals.push({ name, number: n });
  }
  return { signals, invalid };
}

// signal_delay in milliseconds (fractions of a second allowed), or undefined when invalid.
export function parseSignalDelay(text: string): number | undefined {
  const t = text.trim();
  if (!/^([0-9]+(\.[0-9]*)?|\.[0-9]+)$/.test(t)) return undefined;
  return Math.round(Number(t) * 1000);
}

// ---------------------------------------------------------------------------------------------
// run_fsck

export type FsckPolicy = 'auto' | 'force' | 'no';

export function parseRunFsck(value: string): { policy: FsckPolicy; invalid: boolean } {
  if (value === 'force' || value === 'no') return { policy: value, invalid: false };
  if (value === '' || value === 'auto') return { policy: 'auto', invalid: false };
  return { policy: 'auto', invalid: true };
}
