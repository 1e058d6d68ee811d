/**
 * Who decides each kind and in which phases it belongs (docs/contract.md "Decisions" and "Phases"), as
 * the kinds' definitions say (domain/decisions/): read by the workflow's check (workflows/decisions.ts)
 * and by the pages, which spare an official a form that cannot succeed (the workflow stays the judge).
 */
import { DECISION_KINDS, DECISIONS, kindsOf, type DecisionKind } from './decisions/index.js';
import type { Role } from './roles.js';
import type { Phase } from './state.js';

/** The kinds decided by a role of the playbook (not `complete-action-item`, nor `complete-report`: define.ts `Decider`). */
export type RoleDecidedKind = {
  [K in DecisionKind]: (typeof DECISIONS)[K]['decidedBy'] extends Role ? K : never;
}[DecisionKind];

const byKind = <T>(of: (kind: DecisionKind) => T | undefined) =>
  Object.fromEntries(DECISION_KINDS.flatMap((kind) => (of(kind) === undefined ? [] : [[kind, of(kind)]])));

export const GATE_ROLE = byKind((kind) => {
  const by = DECISIONS[kind].decidedBy;
  return by === 'item owner' || by === 'intake mailbox' ? undefined : by;
}) as Record<RoleDecidedKind, Role>;

/** Others who may take a kind besides its gate role (domain/decisions/response.ts `ppgb-override`). */
export const ALSO_DECIDED_BY = byKind((kind) => {
  const definition: { alsoBy?: readonly Role[] } = DECISIONS[kind];
  return definition.alsoBy ? [...definition.alsoBy] : undefined;
}) as Partial<Record<DecisionKind, Role[]>>;

export const KIND_PHASES = byKind((kind) => DECISIONS[kind].phases) as Record<DecisionKind, readonly Phase[]>;

/** The security hold's decisions (468.6-3): a delay requested, extended or lifted, or notice barred. */
export const DELAY_KINDS = kindsOf('hold');
export type DelayKind = (typeof DELAY_KINDS)[number];
export const isDelayKind = (kind: DecisionKind): kind is DelayKind => (DELAY_KINDS as DecisionKind[]).includes(kind);

/**
 * Under the 468.6 rules (workflows/incident-state.ts `rules468`) a delay or a bar may also come
 * while the letters go out: the run pauses at its next batch boundary (468.6-3, workflows/notification.ts).
 */
export const DELAY_KINDS_WHILE_NOTIFYING: readonly DecisionKind[] = DELAY_KINDS;
