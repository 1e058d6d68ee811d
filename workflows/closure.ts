/**
 * Phases 9-10: action items and closure (467.2c). The IPS Director's sign-off is refused while an item
 * is open; on closure the case record (468.7) goes to the records archive and the PPGB is told.
 */
import { isPatched } from './since-marker.js';
import type { CaseSummary } from '../domain/state.js';
import { isCancellation } from '@temporalio/workflow';
import { endpoint, mail } from './activities.js';
import { failureMessage } from './background.js';
import { gate, reanalysing, take } from './gates.js';
import { nowIso, type Incident } from './incident-state.js';
import { archiveAndClose, caseSummary } from './archiving.js';
import { CASE_RECORD_ARCHIVING } from './patch-ids.js';
import { finishReturns } from './returns.js';

export async function remediationAndClosure(
  incident: Incident,
  start: 'remediation' | 'closure-review',
): Promise<CaseSummary> {
  await untilSignedOff(incident, start);
  return close(incident);
}

/**
 * The open items done by their owners, then the IPS Director's sign-off. False when a fact sent the
 * case back to the analysis meanwhile (workflows/duty-rules.ts; never for incidents from before).
 * `beforeReview` runs once the items are done, before the sign-off is asked for (the returns window).
 */
export async function untilSignedOff(
  incident: Incident,
  start: 'remediation' | 'closure-review',
  beforeReview?: () => Promise<void>,
): Promise<boolean> {
  if (start === 'remediation') {
    for (let open = incident.openItems(); open.length > 0; open = incident.openItems()) {
      incident.setPhase('remediation');
      const count = open.length;
      await gate(
        incident,
        open[0]!.ownerRole,
        ['complete-action-item', 'sign-off-closure'],
        () => incident.openItems().length < count,
      );
      if (reanalysing(incident)) return false;
      take(incident, 'complete-action-item');
    }
  }
  if (beforeReview) await beforeReview();
  incident.setPhase('closure-review');
  await gate(incident, 'ipsDirector', ['sign-off-closure'], () => incident.signedOff);
  if (reanalysing(incident) && !incident.signedOff) return false;
  take(incident, 'sign-off-closure');
  return true;
}

/** After a response, the phase is remediation while items are open, closure review once none is. */
export function afterResponsePhase(incident: Incident): 'remediation' | 'closure-review' {
  return incident.openItems().length > 0 ? 'remediation' : 'closure-review';
}

export async function close(incident: Incident): Promise<CaseSummary> {
  const { state } = incident;
  await finishReturns(incident);
  await Promise.allSettled(incident.background);
  // Under the 468.6 rules a case never closes without its record filed (workflows/archiving.ts); incidents
  // that reached this point before replay the old closure below.
  if (isPatched(CASE_RECORD_ARCHIVING)) return archiveAndClose(incident);
  state.closedAt = nowIso();
  incident.setPhase('closed');
  const record = {
    incidentId: state.incidentId,
    outcome: incident.outcome,
    medium: state.medium,
    risk: state.risk,
    riskComputed: state.riskComputed,
    riskReasons: state.riskReasons,
    discoveredAt: state.discoveredAt,
    reportingDeadline: state.reportingDeadline,
    reportedAt: state.reportedAt,
    reportedLate: state.reportedLate,
    responsibleOffice: state.responsibleOffice,
    options: state.options,
    authorizedDisclosure: state.authorizedDisclosure,
    costEstimateUsd: state.costEstimateUsd,
    costBasis: incident.costBasis,
    route: state.route,
    decisions: state.decisions,
    actionItems: state.actionItems,
    delay: state.delay,
    notification: state.notification,
    notificationFailures: incident.notificationFailures,
    // 5 FAM 464c: the accounting of disclosures is kept for the record's life, with the record.
    disclosures: state.disclosures,
    majorIncident: state.majorIncident,
    reportReference: state.reportReference,
    reportReceipts: state.reportReceipts,
    timeline: state.timeline,
    closedAt: state.closedAt,
  };
  let receipt: { id?: unknown } | undefined;
  try {
    const archived = await endpoint(
      'Write the case record to the records archive',
      incident.playbook.endpoints.recordsArchive,
    ).callEndpoint({
      name: 'recordsArchive',
      endpoint: incident.playbook.endpoints.recordsArchive,
      step: 'case-record',
      body: record,
    });
    receipt = archived.receipt as { id?: unknown } | undefined;
    incident.log('case-record-archived');
  } catch (err) {
    // The archive refused the record (4xx): the case still closes, and an operator is told to file it.
    if (isCancellation(err)) throw err;
    incident.log('case-record-refused', undefined, failureMessage(err));
  }
  await mail('Tell the PPGB the case is closed').sendNotice({
    to: [...incident.recipients('ppgbChair'), ...incident.recipients('ppgb')],
    notice: {
      template: 'ppgb-informed',
      incidentId: state.incidentId,
      event: 'case-closed',
      detail: `Closed by the Director of IPS (outcome: ${incident.outcome}).`,
    },
    step: 'case-closed',
  });
  return caseSummary(incident, state.closedAt, typeof receipt?.id === 'string' ? receipt.id : null);
}
