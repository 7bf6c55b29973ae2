// Parameters from OCF_RESKEY_<name>, typed by the agent's declaration.

import { isTrue } from './bool.ts';
import type { Env } from './env.ts';
import type { ParamSpecs, Params } from './define.ts';

export interface ParsedParams<S extends ParamSpecs> {
  readonly params: Params<S>;
  readonly raw: Readonly<Record<keyof S & string, string | undefined>>;
  readonly problems: readonly string[];
}

export function parseParams<S extends ParamSpecs>(specs: S, env: Env): ParsedParams<S> {
  const params: Record<string, string | boolean | number | undefined> = {};
  const raw: Record<string, string | undefined> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const given = env[`OCF_RESKEY_${name}`];
    raw[name] = given;
    const value = given ?? spec.default ?? '';
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
  return { params: params as Params<S>, raw: raw as Record<keyof S & string, string | undefined>, problems };
}
