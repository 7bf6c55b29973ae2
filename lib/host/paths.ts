// Path normalisation, the one rule every agent uses for the paths it is given.

// Trailing slashes removed; "/" for a path of slashes only; "" stays "".
export function stripTrailingSlashes(path: string): string {
  const s = path.replace(/\/+$/, '');
  return s === '' && path !== '' ? '/' : s;
}
