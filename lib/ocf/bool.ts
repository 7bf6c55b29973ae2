// ocf_is_true: exactly these spellings are true, everything else (including empty) is false.
export const TRUE_WORDS: ReadonlySet<string> = new Set(['yes', 'true', '1', 'YES', 'TRUE', 'True', 'ja', 'on', 'ON']);

export function isTrue(value: string | undefined): boolean {
  return value !== undefined && TRUE_WORDS.has(value);
}

// ocf_is_decimal: a non-empty string of ASCII digits.
export function isDecimal(value: string | undefined): value is string {
  return value !== undefined && /^[0-9]+$/.test(value);
}
