/**
 * breachIncidentWorkflow: one incident, from the first report to the closure sign-off (docs/lifecycle.md).
 * The main function reads as the policy; each phase is a small function in its own module.
 */
import { isPatched, sinceMarkerRecorded } from './since-marker.js';
import { ApplicationFailure, condition, setHandler, allHandlersFinished } from '@temporalio/workflow';
import type { Decision } from '../domain/decision.js';
import { isDelayKind, type DelayKind } from '../domain/gates.js';
import { DECISIONS } from '../domain/decisions/index.js';
import { REFUSAL, type RefusalType } from '../domain/refusal.js';
import type { CaseSummary } from '../domain/state.js';
import { asText } from '../domain/text.js';
import { checkDecision } from './decisions.js';
import { applyDecision } from './apply.js';
import { settle } from './gates.js';
import { answering, mail } from './activities.js';
import { afterResponsePhase, remediationAndClosure } from './closure.js';
import { Incident, type IncidentInput } from './incident-state.js';
import {
  caseRecordQuery,
  decideUpdate,
  decisionOutcomeQuery,
  decisionRefusedSignal,
  decisionSignal,
  incidentStateQuery,
  noticesReturnedSignal,
  reportIntakeSignal,
  type DecisionOutcome,
} from './messages.js';
import { buildCaseRecord } from './case-record.js';
import { recordSource } from './archiving.js';
import { receiveReturns } from './returns.js';
import { afterDelayDecision } from './delays.js';
import { liaisonNotices } from './liaison.js';
import { notification } from './notification.js';
import { receiveReport } from './intake.js';
import { inBackground } from './background.js';
import { reportingPhase } from './reporting.js';
import { completeReport } from './complete-report.js';
import { respond, triage } from './response.js';
import { dutyFlow } from './duty-flow.js';
import { PUBLISH_AT_CONCLUSION, SEPARATION_OF_DUTIES } from './patch-ids.js';
import { startRules } from './rule-sets.js';

export type { IncidentInput } from './incident-state.js';

export async function breachIncidentWorkflow(input: IncidentInput): Promise<CaseSummary> {
  const incident = new Incident(input);
  // The rule sets, decided once at the start (workflows/patches.ts).
  const rules = startRules();
  incident.features = rules.features;
  incident.rules468 = rules.rules468;
  incident.dutyRules = rules.duties;
  // How its search attributes and memo are published (workflows/publisher.ts), fixed by its markers.
  incident.publisher.setMode(
    isPatched(PUBLISH_AT_CONCLUSION) ? 'at-conclusion' : sinceMarkerRecorded() ? 'quiet' : 'each-change',
  );
  registerHandlers(incident);
  // A first report started without an id comes in the input (client/incidents.ts); one that names its
  // incident comes as the reportIntake signal of a signal-with-start, as supplements do.
  if (input.report !== undefined) receiveReport(incident, input.report);

  await condition(() => incident.state.discoveredAt !== '');
  await reportingPhase(incident);
  // 468.3b: a report by email with fields missing is completed by its mailbox's role before triage.
  await completeReport(incident);
  if (incident.dutyRules) {
    const summary = await dutyFlow(incident);
    await condition(allHandlersFinished);
    incident.flush();
    return summary;
  }
  const convened = await triage(incident);

  let summary: CaseSummary;
  if (convened === 'declined') {
    incident.outcome = 'crg-declined';
    summary = await remediationAndClosure(incident, 'closure-review');
  } else {
    const next = await respond(incident);
    if (next === 'notify') {
      await notification(incident);
      if (incident.outcome === 'notified') liaisonNotices(incident);
    }
    summary = await remediationAndClosure(
      incident,
      next === 'closure-review' ? 'closure-review' : afterResponsePhase(incident),
    );
  }
  await condition(allHandlersFinished);
  incident.flush();
  return summary;
}

function registerHandlers(incident: Incident): void {
  const { state } = incident;

  setHandler(reportIntakeSignal, (report) => receiveReport(incident, report));

  setHandler(incidentStateQuery, () => state);
  setHandler(caseRecordQuery, () => buildCaseRecord(recordSource(incident)));
  setHandler(noticesReturnedSignal, (payload) => receiveReturns(incident, payload));

  setHandler(decisionRefusedSignal, (refused) => {
    // Bounded, since anyone with a token can send it: one line, no more than 500 characters. Read
    // defensively: a client other than the API may send anything, and a handler must never throw.
    const { kind, actorId, reasons, decisionId, type } = (
      refused !== null && typeof refused === 'object' ? refused : {}
    ) as Partial<typeof refused>;
    const listed = Array.isArray(reasons) ? reasons.slice(0, 20).map((r) => asText(r, 500)) : [];
    const id = boundedId(decisionId);
    if (id && !incident.seenDecisionIds.has(id)) {
      const refusalType =
        typeof type === 'string' && (Object.values(REFUSAL) as string[]).includes(type)
          ? (type as RefusalType)
          : REFUSAL.conflict;
      incident.refusedDecisionIds.set(id, { type: refusalType, reasons: listed });
    }
    incident.log(
      `decision-refused:${asText(kind, 40)}`,
      asText(actorId, 128),
      `(update) ${listed.join('; ')}`.slice(0, 500),
      id,
    );
  });

  setHandler(decisionSignal, async (raw: Decision) => {
    let checked = checkDecision(incident, raw);
    // Incidents that took such a signal before separation of duties replay as they ran.
    if (!checked.ok && checked.separation && !isPatched(SEPARATION_OF_DUTIES))
      checked = { ok: true, decision: raw, duplicate: false };
    const id = boundedId((raw as { decisionId?: unknown } | null)?.decisionId);
    if (!checked.ok) {
      // A refused signal is recorded, never thrown away silently (docs/contract.md); by its decisionId
      // too, which is how a decision the API recorded while no worker ran learns its outcome.
      if (id && !incident.seenDecisionIds.has(id)) incident.refusedDecisionIds.set(id, checked.refusal);
      incident.log(
        `decision-refused:${asText((raw as { kind?: unknown } | null)?.kind ?? 'unknown', 40)}`,
        typeof raw?.actorId === 'string' ? raw.actorId : undefined,
        checked.refusal.reasons.join('; '),
        id,
      );
      return;
    }
    if (checked.duplicate) {
      // The API records a decision as this signal when the update was not accepted in time; if the
      // update was admitted and applied after all, the signal lands here: applied once.
      incident.log(
        `decision-repeated:${checked.decision.kind}`,
        checked.decision.actorId,
        `decisionId ${checked.decision.decisionId} already applied`,
        id,
      );
      return;
    }
    await accept(incident, checked.decision);
  });

  setHandler(decisionOutcomeQuery, (decisionId): DecisionOutcome => {
    if (incident.seenDecisionIds.has(decisionId)) return { status: 'applied', state };
    const refusal = incident.refusedDecisionIds.get(decisionId);
    return refusal ? { status: 'refused', refusal } : { status: 'unknown' };
  });

  setHandler(
    decideUpdate,
    async (decision) => {
      const checked = checkDecision(incident, decision);
      if (checked.ok && !checked.duplicate) await accept(incident, checked.decision);
      // The answer goes with this workflow task: no notice in it runs as a local activity (workflows/activities.ts).
      answering();
      return state;
    },
    {
      validator: (decision) => {
        const checked = checkDecision(incident, decision);
        if (!checked.ok)
          throw ApplicationFailure.create({
            type: checked.refusal.type,
            message: checked.refusal.reasons.join('; '),
            details: [checked.refusal.reasons],
            nonRetryable: true,
          });
      },
    },
  );
}

/** A decisionId from a message, if it is one (a string of at most 128 characters, as the schema says). */
function boundedId(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 128 ? value : undefined;
}

/** Apply, tell whom the policy says to tell, and let an update return after the phase has moved (gates.ts `settle`). */
function accept(incident: Incident, decision: Decision): Promise<void> {
  return settle(incident, decision.kind, () => {
    applyDecision(incident, decision);
    // The security hold's decisions (domain/decisions/ family `hold`) are told to the PPGB.
    if (isDelayKind(decision.kind)) tellPpgbOfDelay(incident, decision.kind);
    // 468.6-3a: a delay beyond timers.maxDelayWithoutReview asks the PPGB Chair (workflows/delays.ts).
    afterDelayDecision(incident, decision);
  });
}

/** 468.6-3a: the PPGB must be informed of a delayed notification. */
function tellPpgbOfDelay(incident: Incident, kind: DelayKind): void {
  const { state } = incident;
  // Every hold kind names its event (domain/decisions/notification.ts).
  const event = DECISIONS[kind].toldToPpgb!;
  const detail = state.delay
    ? state.delay.barred
      ? 'Notification is barred at the request of a security liaison (5 FAM 468.6-3b).'
      : `Notification delayed until ${state.delay.notifyAfter} at the request of ${state.delay.requestingEntity}.`
    : 'The security delay was lifted.';
  inBackground(incident, `tell-ppgb-${event}`, () =>
    mail(`Tell the PPGB: ${event}`).sendNotice({
      to: [...incident.recipients('ppgbChair'), ...incident.recipients('ppgb')],
      notice: { template: 'ppgb-informed', incidentId: state.incidentId, event, detail },
      step: `ppgb-${event}-${state.timeline.length}`,
    }),
  );
}
