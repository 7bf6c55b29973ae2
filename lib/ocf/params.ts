// Parameters from OCF_RESKEY_<name>, typed by the agent's declaration.

import { isTrue } from './bool.ts';
import type { Env } from './env.ts';
import type { ParamSpec, ParamSpecs, Params } from './define.ts';

export interface ParsedParams<S extends ParamSpecs> {
  readonly params: Params<S>;
  readonly invalid: Readonly<Partial<Record<keyof S & string, string>>>;
  readonly problems: readonly string[];
}

export function parseParams<S extends ParamSpecs>(specs: S, env: Env): ParsedParams<S> {
  const params: Record<string, string | boolean | number | undefined> = {};
  const invalid: Partial<Record<keyof S & string, string>> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(specs) as [keyof S & string, ParamSpec][]) {
    const given = env[`OCF_RESKEY_${name}`];
    if (given !== undefined && given !== '' && spec.pattern !== undefined && !spec.pattern.test(given)) invalid[name] = given;
    const value = (given === '' && spec.emptyIsDefault === true ? undefined : given) ?? spec.default ?? '';
    if (spec.required && value === '') problems.push(`${name}: required parameter not set`);
    switch (spec.type) {
      case 'boolean':
        params[name] = isTrue(value);
        break;
      case 'integer': {
        const v = value.trim();
        if (v === '') params[name] = undefined;
        else if (/^-?[0-9]+$/.test(v)) params[name] = Number(v);
        else {
          params[name] = undefined;
          problems.push(`${name} must be an integer, got '${value}'`);
        }
        break;
      }
      default:
        params[name] = value;
    }
  }
  // The one place the typed view is asserted: built above from the same specs, key by key.
  return { params: params as Params<S>, invalid, problems };
}
