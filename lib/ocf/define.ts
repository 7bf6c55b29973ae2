// The declarative shape of an agent: one object per agent drives meta-data, man page, usage,
// parameter parsing and action dispatch (the ocf.py Agent idea, typed instead of reflected).

import type { OcfStatus } from './codes.ts';
import type { OcfEnv } from './env.ts';
import type { Logger } from './log.ts';
import type { Deadline } from './deadline.ts';
import type { System } from '../system/types.ts';

export type ParamType = 'string' | 'boolean' | 'integer';

export interface ParamSpec {
  readonly type: ParamType;
  readonly shortdesc: string;
  readonly longdesc: string;
  // Runtime default when OCF_RESKEY_<name> is unset (upstream `: ${X=default}` semantics).
  readonly default?: string;
  // What meta-data advertises, when it differs from the runtime default (nfsserver's
  // nfs_init_script says "auto detected"). Absent: `default` is advertised, if any.
  readonly metaDefault?: string;
  readonly required?: boolean;
  readonly unique?: boolean;
  // An empty value means the default too (upstream `${X:-default}` semantics).
  readonly emptyIsDefault?: boolean;
  // Values the agent accepts (checked on the text as given, when set and not empty); a value
  // that does not match is listed in Context.invalid for the agent to report in its own words.
  readonly pattern?: RegExp;
}

export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

// A program an agent runs, with the file the RPM names for it: `requires` when an action fails
// without it, `recommends` when only some setups need it, `system` when whatever makes it needed
// brings it (systemctl where systemd runs the machine): no package dependency.
export interface ToolSpec {
  readonly path: string;
  readonly need: 'requires' | 'recommends' | 'system';
}

export type ToolSpecs = Readonly<Record<string, ToolSpec>>;

// Identity helper for an agent's tool list (lib/<agent>/tools.ts), keeping the literal names.
export function defineTools<const T extends ToolSpecs>(tools: T): T {
  return tools;
}

// The typed parameters a handler sees: strings, booleans (ocf_is_true), integers (undefined when empty).
export type Params<S extends ParamSpecs> = {
  readonly [K in keyof S]: S[K]['type'] extends 'boolean'
    ? boolean
    : S[K]['type'] extends 'integer'
      ? number | undefined
      : string;
};

export interface Context<S extends ParamSpecs> {
  readonly params: Params<S>;
  // The text of parameters given with a value their spec's `pattern` rejects.
  readonly invalid: Readonly<Partial<Record<keyof S & string, string>>>;
  // Problems found while parsing parameters (bad integer, missing required): the agent decides
  // per action what they mean (ocf-rarun style policy lives in the agent, not here).
  readonly paramProblems: readonly string[];
  readonly env: OcfEnv;
  readonly sys: System;
  readonly log: Logger;
  readonly deadline: Deadline;
}

// Actions as advertised in meta-data. `advertise: false` handles an action without listing it
// (status, usage-like aliases).
export interface ActionSpec<S extends ParamSpecs> {
  readonly timeout: string;
  readonly interval?: string;
  readonly depth?: string;
  readonly advertise?: boolean;
  // Method syntax on purpose: it lets an agent with concrete parameters be used as an AnyAgent.
  run(ctx: Context<S>): Promise<OcfStatus> | OcfStatus;
}

export interface AgentDefinition<S extends ParamSpecs = ParamSpecs, N extends string = string> {
  readonly name: N;
  // resource-agent@version (the agent's own version, as upstream declares it).
  readonly version: string;
  readonly shortdesc: string;
  readonly longdesc: string;
  readonly parameters: S;
  // The programs its actions need (rpm/nfsha-agents.spec is checked against these).
  readonly tools: ToolSpecs;
  // In the order meta-data lists them. `meta-data` is answered by the runtime itself; list it
  // with `run: builtin` so that its timeout and place in the list are declared here too.
  readonly actions: Readonly<Record<string, ActionSpec<S>>>;
}

// Placeholder handler for actions the runtime answers itself (meta-data).
export function builtin(): never {
  throw new Error('builtin action reached a handler');
}

// Identity helper for an agent's parameter spec (lib/<agent>/params.ts): keeps the literal
// types, so that Params<S> and Context<S> are derived from the one declaration.
export function defineParams<const S extends ParamSpecs>(specs: S): S {
  return specs;
}

// Identity helper that keeps the literal parameter types for Params<S>.
export function defineAgent<const S extends ParamSpecs, const N extends string>(def: AgentDefinition<S, N>): AgentDefinition<S, N> {
  return def;
}

export type AnyAgent = AgentDefinition;
