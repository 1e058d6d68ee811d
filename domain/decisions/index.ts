/**
 * The decision kinds of the contract (docs/contract.md "Decisions"): each defined once, in the order of
 * the contract, by the entries of response.ts, notification.ts and closure.ts (define.ts says what an
 * entry holds). Plain data and plain checks: the workflow sandbox loads it (docs/performance.md).
 */
import type { Out } from '../check.js';
import { CLOSURE_KINDS } from './closure.js';
import type { Family, FormContext, FormField, KindDefinition } from './define.js';
import { NOTIFICATION_KINDS } from './notification.js';
import { RESPONSE_KINDS } from './response.js';

export const DECISIONS = { ...RESPONSE_KINDS, ...NOTIFICATION_KINDS, ...CLOSURE_KINDS };
type Definitions = typeof DECISIONS;

export type DecisionKind = keyof Definitions;
export const DECISION_KINDS = Object.keys(DECISIONS) as DecisionKind[];

type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** The decision of a kind as the workflow takes it: who decided (`actorId`), and the kind's own fields. */
export type DecisionOf<K extends DecisionKind> = Simplify<
  { actorId: string; decisionId?: string; kind: K } & Out<Definitions[K]['fields']>
>;
export type Decision = { [K in DecisionKind]: DecisionOf<K> }[DecisionKind];
/** A decision as the API takes it: the actor comes from the caller's token. */
export type DecisionBody = { [K in DecisionKind]: Omit<DecisionOf<K>, 'actorId'> }[DecisionKind];

/** A kind's definition. */
export function definitionOf(kind: DecisionKind): KindDefinition {
  return DECISIONS[kind];
}

/** The kinds of a family, in the contract's order. */
export type KindsOf<F extends Family> = {
  [K in DecisionKind]: Definitions[K]['family'] extends F ? K : never;
}[DecisionKind];
export function kindsOf<F extends Family>(family: F): KindsOf<F>[] {
  return DECISION_KINDS.filter((kind) => DECISIONS[kind].family === family) as KindsOf<F>[];
}

/** The fields of a kind's form (the outcomes offered follow the playbook; the action items, the incident). */
export function formOf(kind: DecisionKind, context: FormContext): FormField[] {
  const form = definitionOf(kind).form;
  return typeof form === 'function' ? form(context) : [...form];
}
