/**
 * How a report leaves the workflow for an external focal point (US-CERT, the Privacy Division, OIG/INV):
 * its body (the Breach Incident form's facts, and CISA's field set where the rules apply), the call to
 * the endpoint ahead of the mail, the routing step in the case record (5 FAM 468.7), and the escalation
 * when the endpoint refuses it. The one-hour report, its updates and the referrals all deliver here.
 */
import { isCancellation } from '@temporalio/workflow';
import type { EndpointResult } from '../activities/http.js';
import { cisaFields, type CisaFields } from '../domain/cisa.js';
import { routeFor, type EndpointName } from '../domain/playbook-terms.js';
import { deadlineEndpoint, mail } from './activities.js';
import { failureMessage } from './background.js';
import { nowIso, type Incident } from './incident-state.js';
import { isPatched } from './since-marker.js';
import { REFUSAL_TOLD_TO_OWNER } from './patch-ids.js';
import { reportOwner } from '../domain/report-owners.js';

/**
 * The part of the report an external focal point receives: what the Breach Incident form holds, and,
 * for incidents under the CISA rules, the field set of CISA's Federal Incident Notification Guidelines
 * (domain/cisa.ts), as an initial report or as an update naming the first.
 */
export function reportBody(incident: Incident, update?: CisaFields['updates']) {
  const { report: r, state } = incident;
  const body = {
    incidentId: state.incidentId,
    discoveredAt: r.discoveredAt,
    occurredAt: r.occurredAt ?? null,
    medium: r.medium,
    disclosureFormat: r.disclosureFormat ?? null,
    piiTypes: r.piiTypes,
    affectedCount: r.affectedCount,
    affectedPopulation: r.affectedPopulation,
    encrypted: r.encrypted,
    classifiedInvolved: r.classifiedInvolved,
    criminalActSuspected: r.criminalActSuspected,
    reportingOffice: r.reporter.office,
    summary: r.summary,
  };
  if (!incident.features.cisaReport) return body;
  const focal = routeFor(incident.playbook, state.medium).office;
  const contacts = incident.recipients(focal).map(({ name, email }) => ({ name, email }));
  return {
    ...body,
    ...cisaFields(r, {
      organization: incident.playbook.organization,
      contactOffice: focal,
      contacts,
      ...(update ? { update } : {}),
    }),
  };
}

/** A routing step for the case record (468.7): where the report went, when, and the receipt. */
export function routed(
  incident: Incident,
  step: string,
  to: string,
  status: 'delivered' | 'sent' | 'refused' | 'failed' | 'filed-by-hand',
  receipt?: unknown,
  detail?: string,
): void {
  const id =
    receipt && typeof receipt === 'object'
      ? ((receipt as { id?: unknown; receipt?: unknown }).id ?? (receipt as { receipt?: unknown }).receipt)
      : undefined;
  incident.file.routing.push({
    step,
    to,
    at: nowIso(),
    status,
    receipt: typeof id === 'string' ? id.slice(0, 200) : null,
    ...(detail ? { detail: detail.slice(0, 500) } : {}),
  });
}

export async function deliver(
  incident: Incident,
  name: EndpointName,
  summary: string,
  step: string,
  body: unknown,
): Promise<EndpointResult | null> {
  try {
    // Every caller carries a legal deadline (the one-hour report and its updates, the OIG referral): ahead of the mail.
    const result = await deadlineEndpoint(summary, incident.playbook.endpoints[name]).callEndpoint({
      name,
      endpoint: incident.playbook.endpoints[name],
      step,
      body,
    });
    routed(incident, step, name, 'delivered', result.receipt);
    return result;
  } catch (err) {
    if (isCancellation(err)) throw err;
    // A 4xx or a missing token: retrying will not help. An operator must act (docs/reliability.md).
    const message = failureMessage(err);
    routed(incident, step, name, 'refused', undefined, message);
    incident.log(`endpoint-rejected:${name}`, undefined, message);
    const to = [...incident.recipients('ppgbChair'), ...incident.recipients('privacyDivision')];
    // 468.3b: the office that owes the report (DS/CIRT for US-CERT and the OIG) must deliver it by hand
    // and record it `report-filed` (docs/lifecycle.md "Duties"): it is told too.
    if (incident.features.dutyFollowUps && isPatched(REFUSAL_TOLD_TO_OWNER)) {
      const told = new Set(to.map((r) => r.email));
      to.push(...incident.recipients(reportOwner(name)).filter((r) => !told.has(r.email)));
    }
    await mail(`Escalate: ${name} refused the report`).sendNotice({
      to,
      notice: { template: 'endpoint-rejected', incidentId: incident.state.incidentId, endpoint: name, message },
      step: `endpoint-rejected-${step}`,
    });
    return null;
  }
}
