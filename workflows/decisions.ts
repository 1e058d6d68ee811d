/**
 * Who may send each decision and when (docs/contract.md "Decisions", docs/lifecycle.md "Every decision names its
 * actor"): shape, role in the playbook the incident started with, phase, and the decision's own
 * grounds (authorized-disclosure basis, letter elements, delay dates). The same check serves the
 * `decide` update's validator and the `decision` signal's handler.
 */
import { authorizedDisclosureProblems, exemptPart } from '../domain/authorized.js';
import type { AuthorizedDisclosure, Decision } from '../domain/decision.js';
import { checkDecisionShape } from '../domain/decision-check.js';
import { asLines } from '../domain/issues.js';
import { rehabilitationActIssues } from '../domain/rehabilitation-act.js';
import { letterProblems } from '../domain/letters.js';
import { ALSO_DECIDED_BY, DELAY_KINDS_WHILE_NOTIFYING, GATE_ROLE, KIND_PHASES } from '../domain/gates.js';
import { letterRuleProblems } from '../domain/letter-rules.js';
import { delayProblems } from './delays.js';
import { holds } from '../domain/playbook-terms.js';
import { conflictReason, conflictsFor, eligibleDeciders } from '../domain/separation.js';
import { REFUSAL, type Refusal } from '../domain/refusal.js';
import type { Incident } from './incident-state.js';
import { checkCompletion } from './complete-report.js';
import { closureProblems, reportFiledRole } from './duty-rules.js';

const refuse = (type: Refusal['type'], ...reasons: string[]): Refusal => ({ type, reasons });

/** `separation`: refused only by separation of duties (the signal path applies it behind a patch, incident.ts). */
export type Checked =
  { ok: true; decision: Decision; duplicate: boolean } | { ok: false; refusal: Refusal; separation?: true };

export function checkDecision(incident: Incident, raw: unknown): Checked {
  // The shape, checked without zod (domain/decision-check.ts): the same issues and the same trimmed value.
  const parsed = checkDecisionShape(raw);
  if (!parsed.ok) return { ok: false, refusal: refuse(REFUSAL.invalid, ...asLines(parsed.issues)) };
  const decision = parsed.decision;
  const seen = decision.decisionId ? incident.seenDecisionIds.get(decision.decisionId) : undefined;
  if (seen) {
    // The same decision again (a retried request, a second click on a link): applied once.
    if (seen.kind === decision.kind && seen.actorId === decision.actorId)
      return { ok: true, decision, duplicate: true };
    // The id of another decision: answering "done" would drop this one without a word.
    return {
      ok: false,
      refusal: refuse(
        REFUSAL.conflict,
        `decisionId "${decision.decisionId}" was already used for a ${seen.kind} decision by "${seen.actorId}": a new decision needs a new decisionId`,
      ),
    };
  }
  const { state, playbook } = incident;
  const actor = decision.actorId;

  if (!playbook.people.some((p) => p.id === actor)) {
    return {
      ok: false,
      refusal: refuse(REFUSAL.forbidden, `actor "${actor}" is not a person of this incident's playbook`),
    };
  }
  if (decision.kind === 'complete-action-item') {
    const item = state.actionItems.find((i) => i.id === decision.itemId);
    if (!item)
      return {
        ok: false,
        refusal: refuse(
          REFUSAL.conflict,
          `no action item "${decision.itemId}" on this incident (items: ${state.actionItems.map((i) => i.id).join(', ')})`,
        ),
      };
    // Under the duty rules only the item's owner (or the playbook's alternate for the role) completes it;
    // the IPS Director signs off the whole (467.2c), never others' items.
    const mayComplete = incident.dutyRules
      ? holds(playbook, actor, item.ownerRole) || (playbook.alternates?.[item.ownerRole] ?? []).includes(actor)
      : holds(playbook, actor, item.ownerRole) || holds(playbook, actor, 'ipsDirector');
    if (!mayComplete && incident.dutyRules) {
      return {
        ok: false,
        refusal: refuse(
          REFUSAL.forbidden,
          `action item "${item.id}" is completed by its owner, the ${item.ownerRole} role (or its alternate); "${actor}" is neither`,
        ),
      };
    }
    if (!mayComplete) {
      return {
        ok: false,
        refusal: refuse(
          REFUSAL.forbidden,
          `action item "${item.id}" is completed by the ${item.ownerRole} role or the ipsDirector; "${actor}" holds neither`,
        ),
      };
    }
    if (
      ['risk-assessment', 'cost-consultation', 'notification'].includes(item.id) &&
      !(item.id === 'notification' && incident.notificationFailed && !incident.dutyRules)
    ) {
      return {
        ok: false,
        refusal: refuse(
          REFUSAL.conflict,
          `action item "${item.id}" is completed by the workflow itself when its step is done`,
        ),
      };
    }
    if (item.status === 'done')
      return { ok: false, refusal: refuse(REFUSAL.conflict, `action item "${item.id}" is already done`) };
    if (state.phase === 'closed') return { ok: false, refusal: refuse(REFUSAL.conflict, 'the incident is closed') };
    return { ok: true, decision, duplicate: false };
  }

  // 468.3b: a report by email is completed by its mailbox's role or the IPS Director (complete-report.ts).
  if (decision.kind === 'complete-report') return checkCompletion(incident, decision);
  const role = decision.kind === 'report-filed' ? reportFiledRole(incident, decision) : GATE_ROLE[decision.kind];
  // Separation of duties (domain/separation.ts): who made the decision this one checks may not make it.
  const conflicts = conflictsFor(playbook, state.decisions, decision.kind);
  // 5 FAM 468.5c: any PPGB member may object, for incidents started under that rule (domain/gates.ts).
  const alsoBy = incident.features.ppgbMembersObject ? (ALSO_DECIDED_BY[decision.kind] ?? []) : [];
  if (!holds(playbook, actor, role) && !alsoBy.some((r) => holds(playbook, actor, r))) {
    // An alternate the playbook names decides when every holder of the role is conflicted.
    const eligible = eligibleDeciders(playbook, role, new Set(conflicts.map((c) => c.personId)));
    if (!eligible.alternates || !eligible.ids.includes(actor)) {
      const alternates = playbook.alternates?.[role]?.includes(actor)
        ? ` (an alternate decides only when every ${role} is conflicted)`
        : '';
      return {
        ok: false,
        refusal: refuse(
          REFUSAL.forbidden,
          `${decision.kind} is decided by the ${[role, ...alsoBy].join(' or ')} role; "${actor}" does not hold it${alternates}`,
        ),
      };
    }
  }
  const phases = KIND_PHASES[decision.kind];
  const whileNotifying =
    incident.rules468 && state.phase === 'notifying' && DELAY_KINDS_WHILE_NOTIFYING.includes(decision.kind);
  if (!phases.includes(state.phase) && !whileNotifying) {
    return {
      ok: false,
      refusal: refuse(
        REFUSAL.conflict,
        `${decision.kind} is not accepted in phase "${state.phase}" (only in: ${phases.join(', ')})`,
      ),
    };
  }
  const problems = groundsProblems(incident, decision);
  if (problems.length) return { ok: false, refusal: refuse(problems[0]!.type, ...problems.map((p) => p.reason)) };
  const own = conflicts.filter((c) => c.personId === actor);
  if (own.length) return { ok: false, refusal: refuse(REFUSAL.conflict, ...own.map(conflictReason)), separation: true };
  return { ok: true, decision, duplicate: false };
}

function groundsProblems(incident: Incident, d: Decision): { type: Refusal['type']; reason: string }[] {
  const { state, playbook } = incident;
  const invalid = (reason: string) => ({ type: REFUSAL.invalid, reason });
  const conflict = (reason: string) => ({ type: REFUSAL.conflict, reason });
  const now = Date.now();
  // The 468.6-3 delay rules (workflows/delays.ts); a date problem is bad input, the rest conflicts.
  const delay = delayProblems(incident, d);
  if (delay) return delay.map((reason) => (reason.startsWith('notifyAfter') ? invalid(reason) : conflict(reason)));
  if (d.kind === 'approve-letter' && incident.rules468) {
    const r = incident.report;
    const facts = {
      occurredAt: r.occurredAt ?? null,
      discoveredAt: r.discoveredAt,
      piiTypes: r.piiTypes,
      options: state.options,
    };
    return [...letterProblems(d.letter), ...letterRuleProblems(d.letter, facts)].map((p) =>
      invalid(`letter.${p.path}: ${p.message}`),
    );
  }
  switch (d.kind) {
    case 'assign-responsible-office':
      return state.responsibleOffice
        ? [conflict(`the responsible office is already "${state.responsibleOffice}"`)]
        : [];
    case 'convene-crg':
      return state.crgConvened !== null
        ? [conflict('the IPS Director has already decided whether to convene the CRG')]
        : [];
    case 'submit-analysis': {
      const problems: { type: Refusal['type']; reason: string }[] = [];
      const facts = (
        ['classifiedInvolved', 'criminalActSuspected', 'causedByWorkforceMember', 'affectedCount'] as const
      ).filter((f) => d[f] !== undefined);
      if (facts.length && !incident.features.laterFacts) {
        problems.push(
          invalid(
            `${facts[0]}: this incident started before an analysis could carry facts; send them as a supplement (a second report with the incident id)`,
          ),
        );
      }
      // 45 CFR 164.512(k)(5)(i): the custody exemption covers the medical part only; the rest stays a breach.
      const breachRemains = d.authorizedDisclosure
        ? remainingBreach(incident, d.authorizedDisclosure).length > 0
        : true;
      if (d.authorizedDisclosure) {
        problems.push(
          ...authorizedDisclosureProblems(d.authorizedDisclosure, incident.report, {
            legacy: !incident.features.structuredGrounds,
            custodyFacts: incident.features.custodyFacts,
            reportRecipient: incident.features.custodyReportRecipient,
          }).map(invalid),
        );
        if (d.options.includes('notify-individuals') && !breachRemains)
          problems.push(invalid('options: an authorized disclosure is no breach; "notify-individuals" does not apply'));
      }
      if (d.options.length === 0 && breachRemains)
        problems.push(
          invalid(
            d.authorizedDisclosure
              ? `options: the exemption covers the medical information only; ${remainingBreach(incident, d.authorizedDisclosure).join(', ')} stay a breach: expected at least one option of 5 FAM 468.5a`
              : 'options: expected at least one option of 5 FAM 468.5a',
          ),
        );
      if (incident.features.rehabilitationAct)
        problems.push(...asLines(rehabilitationActIssues(incident.report, d)).map((reason) => invalid(reason)));
      if (d.options.includes('no-further-action') && d.options.length > 1)
        problems.push(invalid('options: "no-further-action" excludes every other option (468.5a(7))'));
      return problems;
    }
    case 'ppgb-chair-decision':
    case 'ppgb-decision':
      if (
        (d.outcome === 'approve-notification' || d.outcome === 'decline-notification') &&
        playbook.finalNotificationAuthority !== 'ppgbChair'
      ) {
        return [
          invalid(
            `outcome: "${d.outcome}" is the Under Secretary's decision (5 FAM 468.5e); this playbook does not delegate it to the PPGB Chair`,
          ),
        ];
      }
      return [];
    case 'approve-letter':
      return letterProblems(d.letter).map((p) => invalid(`letter.${p.path}: ${p.message}`));
    case 'request-delay':
      if (state.delay)
        return [
          conflict(
            state.delay.barred ? 'notification is barred' : 'a delay already holds: use extend-delay or lift-delay',
          ),
        ];
      return Date.parse(d.notifyAfter) <= now ? [invalid('notifyAfter: expected a future time (5 FAM 468.6-3a)')] : [];
    case 'extend-delay':
      if (!state.delay || state.delay.barred) return [conflict('no delay holds to extend')];
      return Date.parse(d.notifyAfter) <= Date.parse(state.delay.notifyAfter)
        ? [invalid(`notifyAfter: expected a time after the current ${state.delay.notifyAfter}`)]
        : [];
    case 'lift-delay':
      return !state.delay || state.delay.barred ? [conflict('no delay holds to lift')] : [];
    case 'bar-notification':
      return state.delay?.barred ? [conflict('notification is already barred')] : [];
    case 'sign-off-closure': {
      // Closure is "no undischarged duty" (domain/duties.ts): each open one named.
      if (incident.dutyRules) return closureProblems(incident).map(conflict);
      const open = incident.openItems().map((i) => i.id);
      return open.length ? [conflict(`action items still open: ${open.join(', ')}`)] : [];
    }
    default:
      return [];
  }
}

/**
 * The PII types a finding of authorized disclosure leaves a breach: under the custody rules
 * (workflows/patches.ts `custodyFacts`) the custody exemption covers the medical information only
 * (domain/authorized.ts `exemptPart`); before them, and on every other basis, nothing remains.
 */
export function remainingBreach(incident: Incident, ad: Pick<AuthorizedDisclosure, 'basis'>): string[] {
  return incident.features.custodyFacts ? exemptPart(ad, incident.report.piiTypes).remaining : [];
}
