/**
 * The incident workflow's messages, defined once and imported by the workflow, the worker-side API,
 * the CLI and the tests (docs/style.md 1). Variable name = wire name + Signal/Query/Update.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Decision } from '../domain/decision.js';
import type { Refusal } from '../domain/refusal.js';
import type { Report } from '../domain/report.js';
import type { IncidentState } from '../domain/state.js';
import type { CaseRecord } from '../domain/case-record.js';
import type { NoticeReturn } from '../domain/returns.js';

/** Signal-with-start carries the first report; a second one for the same incident supplements it. */
export const reportIntakeSignal = defineSignal<[Report]>('reportIntake');

/** Fire-and-forget decision (email links, batch tools): a refusal is recorded in the timeline. */
export const decisionSignal = defineSignal<[Decision]>('decision');

/**
 * The same decision as an update: the caller learns at once whether it was accepted (its validator
 * rejects what the workflow would refuse) and gets the new state back. The API and CLI use this.
 */
export const decideUpdate = defineUpdate<IncidentState, [Decision]>('decide');

/**
 * A decision the `decide` validator refused leaves no trace in the history (validators run before the
 * update is accepted). The API and CLI send this signal after such a refusal so the attempt is
 * recorded in the timeline too (docs/lifecycle.md: "records rejected attempts too"). It only records.
 */
export const decisionRefusedSignal =
  defineSignal<[{ kind: string; actorId: string; reasons: string[]; decisionId?: string; type?: Refusal['type'] }]>(
    'decisionRefused',
  );

/**
 * What became of a decision, by its decisionId: applied (with the state), refused (with the reasons the
 * update would have given), or unknown to the workflow (not received yet, or never sent). The API's
 * `GET /incidents/{id}/decisions/{decisionId}` asks this; when no worker answers, it reads the history.
 */
export type DecisionOutcome =
  { status: 'applied'; state: IncidentState } | { status: 'refused'; refusal: Refusal } | { status: 'unknown' };
export const decisionOutcomeQuery = defineQuery<DecisionOutcome, [string]>('decisionOutcome');

export const incidentStateQuery = defineQuery<IncidentState>('incidentState');

/** The case record as it stands (domain/case-record.ts; sealed by the caller): answers on closed incidents too. */
export const caseRecordQuery = defineQuery<CaseRecord>('caseRecord');

/**
 * Notices that came back (5 FAM 468.6-2a), from the mail vendor's callback (POST /vendor/returns): roster
 * lines, the means and a reason from a closed list only, so nothing of the person enters the history.
 */
export const noticesReturnedSignal = defineSignal<[{ returns: NoticeReturn[] }]>('noticesReturned');
