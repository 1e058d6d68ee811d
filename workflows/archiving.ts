/**
 * Closure with the record filed (5 FAM 468.7; docs/case-record.md). The IPS Director has signed off;
 * the incident is `archiving` until the records archive has taken the case record, retried like the
 * one-hour report (workflows/activities.ts: 5xx, time-outs and network errors forever, backing off to 5
 * minutes). An archive that refuses it (4xx) or stays down past `gateEscalateAfter` is escalated to the
 * SAOP and the Privacy Division, and the incident waits for either the archive to take it or a person
 * of the Privacy Division to record where the record was filed by hand (`record-filed`, with its
 * reference). Only then is it `closed`, and the PPGB gets the comprehensive report (467.4-2b(7)).
 */
import { CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import { CLOSE_AFTER_BACKGROUND } from './patch-ids.js';
import { isPatched } from './since-marker.js';
import type { CaseSummary } from '../domain/state.js';
import { endpoint, mail } from './activities.js';
import { buildCaseRecord, type RecordSource } from './case-record.js';
import { gate, take, timedWait } from './gates.js';
import { nowIso, type Incident } from './incident-state.js';
import { failureMessage } from './background.js';

export function recordSource(incident: Incident): RecordSource {
  return {
    state: incident.state,
    playbook: incident.playbook,
    receivedAt: incident.input.receivedAt,
    outcome: incident.outcome,
    file: incident.file,
    letter: incident.letter,
    notificationFailures: incident.notificationFailures,
    costBasis: (incident as { costBasis?: unknown }).costBasis,
    now: nowIso(),
  };
}

const filed = (incident: Incident) =>
  incident.file.archive.status === 'filed' || incident.file.archive.status === 'filed-by-hand';

export async function archiveAndClose(incident: Incident): Promise<CaseSummary> {
  const { state, file } = incident;
  incident.setPhase('archiving');
  file.archive = { status: 'pending', reference: null, at: null, filedBy: null };
  const record = buildCaseRecord(recordSource(incident));
  const target = incident.playbook.endpoints.recordsArchive;
  let refused = false;
  const attempt = new CancellationScope();
  const archiving = attempt
    .run(() =>
      endpoint('Write the case record to the records archive', target).archiveCaseRecord({ endpoint: target, record }),
    )
    .then(
      (receipt) => {
        if (filed(incident)) return;
        file.archive = { status: 'filed', reference: receipt.reference, at: nowIso(), filedBy: null };
        incident.log(
          'case-record-archived',
          undefined,
          receipt.reference ? `archive reference ${receipt.reference}` : undefined,
        );
      },
      (err: unknown) => {
        // Cancelled: a person filed the record by hand meanwhile.
        if (isCancellation(err)) return;
        refused = true;
        file.archive = { ...file.archive, status: 'refused' };
        incident.log('case-record-refused', undefined, failureMessage(err));
      },
    );

  const settled = await timedWait(incident, {
    within: incident.ms('gateEscalateAfter'),
    summary: 'The records archive takes the case record, else escalate (5 FAM 468.7)',
    whenOver: 'the case record not yet filed: escalation to the SAOP and the Privacy Division (5 FAM 468.7)',
    done: () => filed(incident) || refused,
  });
  if (!filed(incident)) {
    const why = refused
      ? 'the records archive refused the case record'
      : `the records archive has not taken the case record within ${incident.playbook.timers.gateEscalateAfter}`;
    incident.log('record-not-filed', undefined, `${why}; SAOP and Privacy Division told`);
    await mail('Escalate: the case record is not filed').sendNotice({
      to: [...incident.recipients('ppgbChair'), ...incident.recipients('privacyDivision')],
      notice: { template: 'record-not-filed', incidentId: state.incidentId, refused: settled && refused },
      step: 'record-not-filed',
    });
    // The archive may still take it (a retry succeeds) while the Privacy Division is asked.
    await gate(incident, 'privacyDivision', ['record-filed'], () => filed(incident));
    take(incident, 'record-filed');
  }
  attempt.cancel();
  await archiving;

  state.closedAt = nowIso();
  incident.setPhase('closed');
  // 467.4-2b(7): the comprehensive report to the PPGB, of the record as filed.
  const filedRecord = buildCaseRecord(recordSource(incident));
  await mail('Give the PPGB the comprehensive report').sendNotice({
    to: [...incident.recipients('ppgbChair'), ...incident.recipients('ppgb')],
    notice: { template: 'case-record', incidentId: state.incidentId, record: filedRecord },
    step: 'case-closed',
  });
  // Nothing of the case in flight when it ends: mail the archiving started in the background (its gate's
  // ask, a reminder) is delivered and recorded first, not left running after the workflow has closed.
  // Asked only when some is in flight, so histories that never had any replay without a marker.
  if (incident.backgroundInFlight > 0 && isPatched(CLOSE_AFTER_BACKGROUND))
    await condition(() => incident.backgroundInFlight === 0);
  return caseSummary(incident, state.closedAt, file.archive.reference);
}

/** What the workflow returns when it closes: the outcome and the counts, and where the record went. */
export function caseSummary(incident: Incident, closedAt: string, archiveRecordId: string | null): CaseSummary {
  const { state } = incident;
  return {
    incidentId: state.incidentId,
    closedAt,
    outcome: incident.outcome,
    risk: state.risk,
    reportedLate: state.reportedLate,
    notification: state.notification,
    decisions: state.decisions.length,
    archiveRecordId,
  };
}

/** The `record-filed` decision (apply.ts): the record is filed by hand where the reference says. */
export function recordFiledByHand(incident: Incident, reference: string, actorId: string): void {
  incident.file.archive = { status: 'filed-by-hand', reference, at: nowIso(), filedBy: actorId };
  incident.log('case-record-filed-by-hand', actorId, `reference ${reference}`);
}
