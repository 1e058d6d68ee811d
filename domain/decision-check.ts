/**
 * The shape of a decision message, checked inside the workflow without zod (domain/check.ts): built from
 * the kinds' definitions (domain/decisions/), from which domain/decision.ts builds the zod schema the API,
 * the CLI and the approval pages check before they send (tests/rules/plain-checks.test.ts holds the two
 * equal on generated decisions). What a decision must carry beyond its shape is checked by
 * workflows/decisions.ts.
 */
import { literal, object, optional, run, string, union, type Check } from './check.js';
import { DECISION_KINDS, DECISIONS, type Decision, type DecisionKind } from './decisions/index.js';

const id = string({}, ['min', 1], ['max', 128]);

/** A kind's message: `actorId` (unless `body`, the API's, where it comes from the token), `decisionId`, `kind`, its fields. */
export function kindCheck(kind: DecisionKind, body: boolean): Check<unknown> {
  return object(
    { ...(body ? {} : { actorId: id }), decisionId: optional(id), kind: literal(kind), ...DECISIONS[kind].fields },
    'strict',
  );
}

/** Every kind's message, told apart by `kind`. */
export function decisionCheck<T>(body: boolean): Check<T> {
  return union('kind', Object.fromEntries(DECISION_KINDS.map((kind) => [kind, kindCheck(kind, body)]))) as Check<T>;
}

const decision = decisionCheck<Decision>(false);

/** A decision message checked: the decision (text trimmed, as zod's parse gives it) or its issues. */
export function checkDecisionShape(
  raw: unknown,
): { ok: true; decision: Decision } | { ok: false; issues: { path: string; message: string }[] } {
  const result = run(decision, raw);
  return result.ok ? { ok: true, decision: result.value } : result;
}
