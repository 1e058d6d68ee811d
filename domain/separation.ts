/**
 * Separation of duties (playbooks/README.md "Separation of duties"): no person decides at two successive
 * gates of one incident where the second checks the first. The policy sets the gates in sequence for
 * that reason: the CRG's analysis goes to the PPGB Chair (5 FAM 468.5b), who may refer it to the PPGB
 * and to the Under Secretary, who decides (468.5e); the notification official approves the letter
 * (468.6-1). Our reading: the checker is the later gate, and the one checked is the latest decision of
 * the earlier kind (after a return to the CRG, the resubmitted analysis is the one checked).
 *
 * The playbook may name alternates for a role, asked instead of its holders when every holder is
 * conflicted. Pure: read by the workflow (workflows/decisions.ts, workflows/gates.ts) and by
 * `playbook check` (cli/playbook-check.ts).
 */
import type { DecisionKind } from './decision.js';
import { holdersOf } from './playbook-terms.js';
import type { Playbook } from './playbook.js';
import type { Role } from './roles.js';
import type { RecordedDecision } from './state.js';

export interface SeparationRule {
  /** The checking decision. */
  kind: DecisionKind;
  /** The earlier decisions it checks. */
  checks: DecisionKind[];
  /** The rule, as the refusal names it. */
  rule: string;
}

export const SEPARATION_RULES: readonly SeparationRule[] = [
  {
    kind: 'ppgb-override',
    checks: ['submit-analysis'],
    rule: 'the PPGB reviews the CRG finding of minimal risk; its submitter may not object to it (5 FAM 468.5c)',
  },
  {
    kind: 'ppgb-chair-decision',
    checks: ['submit-analysis'],
    rule: 'the PPGB Chair reviews the CRG analysis; its submitter may not (5 FAM 468.5b)',
  },
  {
    kind: 'ppgb-decision',
    checks: ['submit-analysis'],
    rule: 'the PPGB reviews the CRG analysis; its submitter may not record the board decision (5 FAM 468.5b)',
  },
  {
    kind: 'under-secretary-decision',
    checks: ['ppgb-chair-decision', 'ppgb-decision'],
    rule: 'the final authority decides after the PPGB Chair or the PPGB; who decided or recorded there may not (5 FAM 468.5e)',
  },
];

/** The letter's drafters may not approve it (468.6-1: the notification official approves the letter). */
export const LETTER_RULE = 'the notification official who approves the letter may not be its drafter (5 FAM 468.6-1)';

export interface Conflict {
  personId: string;
  rule: string;
  /** The earlier decision the person made (none for a letter drafter named by the playbook). */
  earlier?: RecordedDecision;
}

/** Who may not decide `kind` now, and why: the people whose earlier decisions it checks, the letter's drafters. */
export function conflictsFor(
  playbook: Playbook,
  decisions: readonly RecordedDecision[],
  kind: DecisionKind,
): Conflict[] {
  const found: Conflict[] = [];
  for (const rule of SEPARATION_RULES.filter((r) => r.kind === kind)) {
    for (const checked of rule.checks) {
      const earlier = [...decisions].reverse().find((d) => d.kind === checked);
      if (earlier) found.push({ personId: earlier.actorId, rule: rule.rule, earlier });
    }
  }
  if (kind === 'approve-letter')
    for (const personId of playbook.letterDrafters ?? []) found.push({ personId, rule: LETTER_RULE });
  return found;
}

/** A conflict as a refusal reason: the rule and the earlier decision. */
export function conflictReason(c: Conflict): string {
  const earlier = c.earlier
    ? `"${c.personId}" made the ${c.earlier.kind} decision${c.earlier.outcome ? ` (${c.earlier.outcome})` : ''} at ${c.earlier.at}`
    : `"${c.personId}" is named a letter drafter in the playbook`;
  return `separation of duties: ${c.rule}; ${earlier}`;
}

/**
 * Who is asked to decide for `role` when `conflicted` may not: its holders who are not conflicted;
 * when there is none, the playbook's alternates for the role who are not.
 */
export function eligibleDeciders(
  playbook: Playbook,
  role: Role,
  conflicted: ReadonlySet<string>,
): { ids: string[]; alternates: boolean } {
  const holders = holdersOf(playbook, role)
    .map((p) => p.id)
    .filter((id) => !conflicted.has(id));
  if (holders.length) return { ids: holders, alternates: false };
  return { ids: (playbook.alternates?.[role] ?? []).filter((id) => !conflicted.has(id)), alternates: true };
}

/** Role pairs where the second checks the first, for `playbook check`. */
function checkingPairs(playbook: Playbook): { first: string; holdersOfFirst: string[]; second: Role; why: string }[] {
  const id = (role: Role) => holdersOf(playbook, role).map((p) => p.id);
  const pairs = [
    {
      first: 'ipsDirector',
      holdersOfFirst: id('ipsDirector'),
      second: 'ppgbChair' as Role,
      why: 'the Chair reviews the analysis the IPS Director submits (5 FAM 468.5b)',
    },
  ];
  if (playbook.finalNotificationAuthority === 'underSecretary') {
    pairs.push({
      first: 'ppgbChair',
      holdersOfFirst: id('ppgbChair'),
      second: 'underSecretary',
      why: 'the final authority decides after the PPGB Chair (5 FAM 468.5e)',
    });
  }
  if (playbook.letterDrafters?.length) {
    pairs.push({
      first: 'letterDrafters',
      holdersOfFirst: playbook.letterDrafters,
      second: 'notificationOfficial',
      why: 'the notification official approves the letter its drafter wrote (5 FAM 468.6-1)',
    });
  }
  return pairs;
}

/**
 * What `playbook check` says about separation of duties: a warning for each person who holds two roles
 * that check each other; a failure when such a person would leave the second gate with no one to
 * decide (no other holder and no alternate).
 */
export function separationProblems(playbook: Playbook): { warnings: string[]; failures: string[] } {
  const warnings: string[] = [];
  const failures: string[] = [];
  for (const pair of checkingPairs(playbook)) {
    const second = holdersOf(playbook, pair.second).map((p) => p.id);
    for (const person of pair.holdersOfFirst.filter((p) => second.includes(p))) {
      const others = second.filter((p) => p !== person);
      const alternates = (playbook.alternates?.[pair.second] ?? []).filter((p) => p !== person);
      const text = `"${person}" is in ${pair.first} and holds ${pair.second}: ${pair.why}`;
      if (others.length || alternates.length)
        warnings.push(
          `${text}; when conflicted, ${[...others, ...alternates].join(', ')} decide${others.length ? '' : ' (alternates)'}`,
        );
      else
        failures.push(
          `${text}, and no one else may decide: name another ${pair.second} or alternates.${pair.second} in the playbook`,
        );
    }
  }
  return { warnings, failures };
}
