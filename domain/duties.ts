/**
 * What a case owes (docs/lifecycle.md "Duties"): one derivation, from the case's facts, its decisions
 * and the playbook, of every duty with its paragraph, who owes it, when it is due, and what discharged
 * it. The workflow derives them again after every fact and every decision (workflows/duty-rules.ts);
 * closure is "no undischarged duty" (the sign-off is refused naming each open one).
 *
 * Pure and plain (no zod): it runs in the workflow sandbox, in the API and in the property tests alike.
 * Facts only widen (more PII types, more people, cyber once cyber, classified, criminal), so a fact
 * added never removes a duty: a duty, once derived, stays until discharged.
 */
import type { Role } from './roles.js';
import type { Duty, DutyFacts } from './duty-terms.js';
import type { ActionItem, RecordedDecision } from './state.js';
import { reportOwner } from './report-owners.js';

export type { Duty, DutyFacts, DutyStatus, ReportDelivery } from './duty-terms.js';
export { reportOwner } from './report-owners.js';

/** Items discharged by their own duty below (the workflow completes them when the step is done). */
const STEP_ITEMS = new Set(['risk-assessment', 'cost-consultation', 'notification']);

const ITEM_PARAGRAPH: Record<string, string> = {
  'fact-finding': '467.2c',
  'oig-referral': '468.3b(2)',
  'conduct-review': '469.6',
  'credit-protection': '468.5a(2)',
  'notify-issuing-bank': '468.5a(3)',
  'systemic-review': '468.5a(4)',
  remediation: '468.5a(5)',
  'other-mitigation': '468.5a(6)',
  'congress-notification': 'FISMA 2014, 44 U.S.C. 3554(b)(7)(C)(iii)(III)',
};

const FINAL_KINDS = new Set(['under-secretary-decision', 'ppgb-chair-decision', 'ppgb-decision']);
const FINAL_OUTCOMES = new Set(['approve-notification', 'decline-notification']);

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function lastOf(decisions: readonly RecordedDecision[], test: (d: RecordedDecision) => boolean) {
  for (let i = decisions.length - 1; i >= 0; i -= 1) if (test(decisions[i]!)) return decisions[i];
  return undefined;
}

function duty(
  id: string,
  paragraph: string,
  owes: string,
  owner: Role,
  dueAt: string | null,
  discharged?: { by: string; at?: string | undefined },
): Duty {
  return {
    id,
    paragraph,
    owes,
    owner,
    dueAt,
    status: discharged ? 'discharged' : 'open',
    ...(discharged ? { dischargedBy: discharged.by } : {}),
    ...(discharged?.at ? { dischargedAt: discharged.at } : {}),
  };
}

/** An external report owed to `to`: discharged by its delivery, or by the routed office's record of filing it otherwise. */
function reportDuty(f: DutyFacts, to: string, paragraph: string, owes: string, dueAt: string | null): Duty {
  const done = f.routing.find((r) => r.to === to && (r.status === 'delivered' || r.status === 'filed-by-hand'));
  const by = done
    ? done.status === 'delivered'
      ? `delivered${done.receipt ? ` (reference ${done.receipt})` : ''}`
      : `filed another way: ${done.detail ?? ''}${done.receipt ? ` (reference ${done.receipt})` : ''}`
    : undefined;
  return duty(`report:${to}`, paragraph, owes, reportOwner(to), dueAt, by ? { by, at: done!.at } : undefined);
}

function itemDuty(item: ActionItem): Duty {
  return duty(
    `item:${item.id}`,
    ITEM_PARAGRAPH[item.id] ?? '467.2c',
    item.description ?? `action item ${item.id}`,
    item.ownerRole,
    null,
    item.status === 'done'
      ? {
          by: `completed${item.completedBy ? ` by ${item.completedBy}` : ''}: ${item.evidence ?? ''}`,
          at: item.completedAt,
        }
      : undefined,
  );
}

/** Every duty the case owes now, discharged or open, in the order of the lifecycle. */
export function deriveDuties(f: DutyFacts): Duty[] {
  const { state: s } = f;
  const duties: Duty[] = [];

  // 468.3b(1): the one-hour report; a case learned to be cyber later owes US-CERT within the hour of learning it.
  const first = f.firstEndpoint ?? 'privacyDivision';
  if (f.firstNonCyber)
    duties.push(
      reportDuty(
        f,
        first,
        '468.3b(1)',
        `the one-hour report to ${first === 'usCert' ? 'US-CERT (the routed office for every medium)' : 'the Privacy Division'}`,
        s.reportingDeadline || null,
      ),
    );
  if (f.cyberSince !== null && !(f.firstNonCyber && first === 'usCert')) {
    const due = f.firstNonCyber ? iso(Date.parse(f.cyberSince) + f.reportingWindowMs) : s.reportingDeadline || null;
    duties.push(reportDuty(f, 'usCert', '468.3b(1)', 'the one-hour report to US-CERT', due));
  }
  if (f.criminalActSuspected) duties.push(reportDuty(f, 'oig', '468.3b(2)', 'the referral to OIG/INV', null));
  if (f.classifiedInvolved) {
    const told = s.timeline.find((t) => t.event === 'security-incident-notified');
    duties.push(
      duty(
        'security-incident',
        '468.1(4)',
        'tell the DS investigators, the E.O. 13526 program manager and L/M',
        'dsCirt',
        null,
        told ? { by: 'notice sent', at: told.at } : undefined,
      ),
    );
  }

  // 467.4-2a: the responsible office named and the CRG convened or not.
  const triaged = s.responsibleOffice !== null && s.crgConvened !== null;
  duties.push(
    duty(
      'triage',
      '467.4-2a',
      'name the responsible office and decide whether the CRG meets',
      'ipsDirector',
      null,
      triaged ? { by: `office ${s.responsibleOffice}; CRG ${s.crgConvened ? 'convened' : 'not convened'}` } : undefined,
    ),
  );

  // 468.4: the analysis of the six factors, by the CRG or, when it is not convened, its chair; again when a fact changed its inputs.
  const analysis = lastOf(s.decisions, (d) => d.kind === 'submit-analysis');
  const current = analysis !== undefined && f.reanalysis === null;
  duties.push(
    duty(
      'risk-assessment',
      '468.4',
      f.reanalysis
        ? `the analysis again: ${f.reanalysis.reason}`
        : s.crgConvened === false
          ? 'the IPS Director records the six factors (the CRG is not convened)'
          : 'the CRG analyses the six factors and recommends a response',
      'ipsDirector',
      null,
      current ? { by: `analysis by ${analysis.actorId} (risk ${s.risk ?? 'unknown'})`, at: analysis.at } : undefined,
    ),
  );

  // 468.5d: CGFS consulted whenever a measure that costs money is decided.
  const uncosted = f.costBasis.filter((c) => !(f.costEstimatedFor ?? []).includes(c));
  if (f.costBasis.length > 0)
    duties.push(
      duty(
        'cost-consultation',
        '468.5d',
        `CGFS estimates the cost: ${f.costBasis.join('; ')}`,
        'cgfs',
        null,
        uncosted.length === 0
          ? { by: 'cost estimate', at: lastOf(s.decisions, (d) => d.kind === 'cost-estimate')?.at }
          : undefined,
      ),
    );

  // 468.5c: a finding of minimal risk goes to the PPGB, who may object within the window.
  // Duties of the route stay while the analysis is made again (a fact never removes an open duty).
  if (analysis && s.route?.phase === 'ppgb-advised') {
    const override = s.decisions.some((d) => d.kind === 'ppgb-override' && d.at >= analysis.at);
    const ended = s.timeline.find((t) => t.event === 'objection-window-ended' && t.at >= analysis.at);
    duties.push(
      duty(
        'ppgb-advice',
        '468.5c',
        'the PPGB is advised and may object within the window',
        'ppgbChair',
        null,
        override
          ? { by: 'the PPGB objected' }
          : ended
            ? { by: 'the objection window passed', at: ended.at }
            : undefined,
      ),
    );
  }

  // 468.5e: a moderate or high finding, a recommendation to notify, a PPGB objection or a major incident needs the final authority's decision.
  const final = lastOf(
    s.decisions,
    (d) => FINAL_KINDS.has(d.kind) && FINAL_OUTCOMES.has(d.outcome ?? '') && (!analysis || d.at >= analysis.at),
  );
  const overridden = analysis && s.decisions.some((d) => d.kind === 'ppgb-override' && d.at >= analysis.at);
  // A finding of an authorized disclosure that leaves no breach is not a breach to notify, major or not:
  // the PPGB is advised (468.5c), as the workflow routes it (workflows/response.ts).
  const noBreach = analysis !== undefined && s.authorizedDisclosure !== null && !s.authorizedDisclosure.breachRemains;
  const needsFinal =
    (s.majorIncident !== null && !noBreach) ||
    (analysis !== undefined &&
      (s.route?.phase === 'ppgb-chair-review' ||
        overridden ||
        (s.authorizedDisclosure === null && (s.risk === 'moderate' || s.risk === 'high'))));
  if (needsFinal)
    duties.push(
      duty(
        'final-decision',
        '468.5e',
        'the final authority decides whether individuals are notified',
        f.finalAuthority,
        null,
        final && current ? { by: `${final.kind}: ${final.outcome} by ${final.actorId}`, at: final.at } : undefined,
      ),
    );

  // 468.6: notification, discharged only by a run that reached everyone or counted them into the substitute notice (or a bar).
  if (analysis && final?.outcome === 'approve-notification') {
    const barred = s.delay?.barred === true;
    duties.push(
      duty(
        'notification',
        '468.6',
        f.run.status === 'failed'
          ? `a corrected letter approved and run again (${f.run.detail ?? 'the run failed'})`
          : 'notify the individuals',
        'notificationOfficial',
        null,
        f.run.status === 'done'
          ? { by: f.run.detail ?? 'the run reached everyone', at: f.run.at }
          : barred
            ? { by: 'notification barred at the request of a security liaison (468.6-3b)' }
            : undefined,
      ),
    );
    // 468.6-2a/b: returns are awaited for the window after the last letter, so that each still reaches the next means.
    if (f.run.status === 'done' && f.returnsWindowMs !== null && f.lastLetterAt !== null) {
      const due = Date.parse(f.lastLetterAt) + f.returnsWindowMs;
      duties.push(
        duty(
          'returns-window',
          '468.6-2a/b',
          'returned notices reach the next means or the substitute notice',
          'notificationOfficial',
          iso(due),
          f.now >= due ? { by: 'the returns window passed', at: iso(due) } : undefined,
        ),
      );
    }
  }

  // 467.2c and each opened item: completed by its owner, with evidence.
  for (const item of s.actionItems) if (!STEP_ITEMS.has(item.id)) duties.push(itemDuty(item));

  duties.push(
    duty(
      'closure-sign-off',
      '467.2c',
      'the IPS Director signs off the closure',
      'ipsDirector',
      null,
      f.signedOff ? { by: `signed off by ${f.signedOff.by}`, at: f.signedOff.at } : undefined,
    ),
  );
  const filed = f.archive.status === 'filed' || f.archive.status === 'filed-by-hand';
  duties.push(
    duty(
      'case-record',
      '468.7',
      'the case record filed with the records archive',
      'privacyDivision',
      null,
      filed
        ? { by: `${f.archive.status} (reference ${f.archive.reference ?? 'none'})`, at: f.archive.at ?? undefined }
        : undefined,
    ),
  );
  return duties;
}

/** The duties closure waits for: every open one but the sign-off itself and the record it files. */
export function openBeforeClosure(duties: readonly Duty[]): Duty[] {
  return duties.filter((d) => d.status === 'open' && d.id !== 'closure-sign-off' && d.id !== 'case-record');
}

/** One line per open duty, as the 409 and the timeline name it. */
export function dutyLine(d: Duty): string {
  return `${d.paragraph} ${d.id}: ${d.owes} (owed by ${d.owner}${d.dueAt ? `, due ${d.dueAt}` : ''})`;
}
