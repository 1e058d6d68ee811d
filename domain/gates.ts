/**
 * Who decides each kind and in which phases it belongs (docs/contract.md "Decisions" and "Phases"): one
 * table, read by the workflow's check (workflows/decisions.ts) and by the approval-link pages, which
 * spare an official a form that cannot succeed (the workflow stays the judge).
 */
import type { DecisionKind } from './decision.js';
import type { Role } from './roles.js';
import { PHASES, type Phase } from './state.js';

/** `complete-report` is decided by the role of the intake mailbox the report came to (workflows/complete-report.ts), or the IPS Director. */
export const GATE_ROLE: Record<Exclude<DecisionKind, 'complete-action-item' | 'complete-report'>, Role> = {
  'assign-responsible-office': 'ipsDirector', // 467.2c
  'convene-crg': 'ipsDirector', // 467.4-2a
  'submit-analysis': 'ipsDirector', // as CRG chair, 467.4-4
  'cost-estimate': 'cgfs', // 468.5d
  'ppgb-override': 'ppgbChair', // 468.5c
  'ppgb-chair-decision': 'ppgbChair', // 468.5b
  'ppgb-decision': 'ppgbChair', // recording the board, 468.5b
  'under-secretary-decision': 'underSecretary', // 468.5e
  'approve-letter': 'notificationOfficial', // 468.6-1
  'request-delay': 'securityLiaison', // 468.6-3
  'extend-delay': 'securityLiaison',
  'lift-delay': 'securityLiaison',
  'bar-notification': 'securityLiaison', // 468.6-3b
  'sign-off-closure': 'ipsDirector', // 467.2c
  'acknowledge-delay': 'ppgbChair', // 468.6-3a
  'record-filed': 'privacyDivision', // 468.7
  // 468.3b(1): the routed office; DS/CIRT for US-CERT (workflows/decisions.ts `deciderRole`).
  'report-filed': 'privacyDivision',
  'reconcile-roster': 'notificationOfficial', // 468.6-2b
};

/**
 * Others who may take a kind besides its gate role. 5 FAM 468.5c: the CRG's finding of minimal risk is
 * reviewed by the PPGB, and any member may object within the window, not only the Chair. (Incidents
 * started before this rule keep the Chair alone: workflows/patches.ts `ppgbMembersObject`.)
 */
export const ALSO_DECIDED_BY: Partial<Record<DecisionKind, Role[]>> = {
  'ppgb-override': ['ppgb'],
};

/** A delay may be asked for from the analysis until the first letter goes out (docs/lifecycle.md phase 8). */
const BEFORE_LETTERS: readonly Phase[] = [
  'analysis',
  'cost-consultation',
  'ppgb-advised',
  'ppgb-chair-review',
  'ppgb-review',
  'under-secretary-review',
  'notification-prep',
  'notification-delayed',
];

export const KIND_PHASES: Record<DecisionKind, readonly Phase[]> = {
  'assign-responsible-office': ['reporting', 'triage'],
  'convene-crg': ['reporting', 'triage'],
  'submit-analysis': ['analysis'],
  'cost-estimate': ['cost-consultation'],
  'ppgb-override': ['ppgb-advised'],
  'ppgb-chair-decision': ['ppgb-chair-review'],
  'ppgb-decision': ['ppgb-review'],
  'under-secretary-decision': ['under-secretary-review'],
  'approve-letter': ['notification-prep'],
  'request-delay': BEFORE_LETTERS,
  'extend-delay': BEFORE_LETTERS,
  'lift-delay': BEFORE_LETTERS,
  'bar-notification': BEFORE_LETTERS,
  'complete-action-item': PHASES.filter((phase) => phase !== 'closed'),
  'sign-off-closure': ['remediation', 'closure-review'],
  'acknowledge-delay': [...BEFORE_LETTERS, 'notifying'],
  'record-filed': ['archiving'],
  'complete-report': PHASES.filter((phase) => phase !== 'closed'),
  'report-filed': PHASES.filter((phase) => phase !== 'closed' && phase !== 'archiving'),
  'reconcile-roster': ['notification-prep', 'notification-delayed', 'notifying'],
};

/** The security hold's decisions (468.6-3): a delay requested, extended or lifted, or notice barred. */
export const DELAY_KINDS = [
  'request-delay',
  'extend-delay',
  'lift-delay',
  'bar-notification',
] as const satisfies readonly DecisionKind[];
export type DelayKind = (typeof DELAY_KINDS)[number];

/**
 * Under the 468.6 rules (workflows/incident-state.ts `rules468`) a delay or a bar may also come
 * while the letters go out: the run pauses at its next batch boundary (468.6-3, workflows/notification.ts).
 */
export const DELAY_KINDS_WHILE_NOTIFYING: readonly DecisionKind[] = DELAY_KINDS;
