/**
 * Phase 1, reporting (5 FAM 467.2a, 468.3b). At once and in parallel: the supervisor and program
 * manager are told; the report is routed (cyber: DS/CIRT and US-CERT; non-cyber: the Privacy
 * Division); OIG/INV is referred when a criminal act is suspected; the security-incident offices are
 * told when classified information is involved. The one-hour clock runs from *discovery*, not from
 * intake: a report that arrives after its hour is late on arrival (468.3b(1)).
 */
import { condition, isCancellation, patched } from '@temporalio/workflow';
import type { EndpointResult } from '../activities/http.js';
import type { SendNoticeInput } from '../activities/index.js';
import { cisaFields, receiverReference, type CisaFields } from '../domain/cisa.js';
import { alwaysTold, routeFor, type EndpointName } from '../domain/playbook-terms.js';
import { reportOwner } from '../domain/report-owners.js';
import { deadlineEndpoint, mail } from './activities.js';
import { failureMessage, inBackground } from './background.js';
import { nowIso, type Incident } from './incident-state.js';
import { INTAKE_NOTICES_TOGETHER, REFUSAL_TOLD_TO_OWNER } from './patches.js';
import { programManagersToTell } from './program-managers.js';
import { markLate } from './late-report.js';

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
    if (incident.features.dutyFollowUps && patched(REFUSAL_TOLD_TO_OWNER)) {
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

/** What the `report-received` notice says of the report (to the supervisor, program managers, focal points). */
export function receivedNotice(incident: Incident) {
  const { report: r, state } = incident;
  return {
    incidentId: state.incidentId,
    medium: r.medium,
    piiTypes: r.piiTypes,
    affectedCount: r.affectedCount,
    discoveredAt: r.discoveredAt,
    reportingDeadline: state.reportingDeadline,
    summary: r.summary,
    classified: r.classifiedInvolved,
    criminal: r.criminalActSuspected,
  };
}

export async function reportingPhase(incident: Incident): Promise<void> {
  const { report: r, state } = incident;
  const notice = receivedNotice(incident);

  // 468.3b: the form serves as notification to the reporter's supervisor. DHS PIHG (CBP seed): the
  // program manager is told immediately on discovery. 468.3b: the report is routed to the focal point.
  const programManagers = programManagersToTell(incident);
  // The playbook's routing (domain/playbook-terms.ts): 5 FAM's by default, the SOC for every medium at DHS.
  const route = routeFor(incident.playbook, r.medium);
  const focal = route.office;
  // State only (no command): who was told needs to know it (domain/need-to-know.ts).
  state.routedTo = [focal, ...alwaysTold(incident.playbook, r.medium)];
  const intake: { summary: string; routedTo: string; input: SendNoticeInput }[] = [
    {
      summary: 'Tell the supervisor',
      routedTo: 'supervisor',
      input: {
        to: [r.supervisor],
        notice: { template: 'report-received', audience: 'supervisor', ...notice },
        step: 'tell-supervisor',
      },
    },
    ...(programManagers.length
      ? [
          {
            summary: 'Tell the program manager',
            routedTo: 'programManager',
            input: {
              to: programManagers,
              notice: { template: 'report-received' as const, audience: 'program-manager' as const, ...notice },
              step: 'tell-program-manager',
            },
          },
        ]
      : []),
    {
      summary:
        focal === 'dsCirt'
          ? 'Route to DS/CIRT'
          : focal === 'privacyDivision'
            ? 'Route to the Privacy Division'
            : `Route to ${focal}`,
      routedTo: focal,
      input: {
        to: incident.recipients(focal),
        notice: { template: 'report-received', audience: 'focal-point', ...notice },
        step: `tell-${focal}`,
      },
    },
    ...alwaysTold(incident.playbook, r.medium).map((office) => ({
      summary: `Tell ${office}`,
      routedTo: office,
      input: {
        to: incident.recipients(office),
        notice: { template: 'report-received' as const, audience: 'focal-point' as const, ...notice },
        step: `tell-${office}`,
      },
    })),
  ];
  if (patched(INTAKE_NOTICES_TOGETHER)) {
    inBackground(incident, 'tell-at-intake', () =>
      mail(intake.map((n) => n.summary).join('; '))
        .sendNotices({ notices: intake.map((n) => n.input) })
        .then(() => intake.forEach((n) => routed(incident, n.input.step, n.routedTo, 'sent'))),
    );
  } else {
    for (const n of intake)
      inBackground(incident, n.input.step, () =>
        mail(n.summary)
          .sendNotice(n.input)
          .then(() => routed(incident, n.input.step, n.routedTo, 'sent')),
      );
  }
  // 468.3b(2): OIG/INV either concurrent with or subsequent to US-CERT; concurrent here, so a slow
  // US-CERT endpoint never holds the referral back.
  if (r.criminalActSuspected) referToOig(incident);
  // 467.2b, 468.1(4): classified information makes it a security incident as well.
  if (r.classifiedInvolved) tellSecurityIncident(incident);

  const required: EndpointName = route.endpoint;
  incident.initialReport = inBackground(incident, `report-${required}`, async () => {
    const delivered = await deliver(
      incident,
      required,
      required === 'usCert' ? 'Report to US-CERT' : 'Report to the Privacy Division',
      `report-${required}`,
      reportBody(incident),
    );
    if (delivered) {
      state.reportedAt = nowIso();
      if (incident.features.cisaReport) {
        // CISA's guidelines: the receiver answers with its case or ticket number; updates name it.
        state.reportReference = receiverReference(delivered.receipt);
        state.reportReceipts.push({ kind: 'initial', at: state.reportedAt, reference: state.reportReference });
      }
      incident.log(
        `reported:${required}`,
        undefined,
        state.reportReference ? `reference ${state.reportReference}` : undefined,
      );
    }
  });

  const remaining = Date.parse(state.reportingDeadline) - Date.now();
  if (remaining <= 0) {
    await markLate(incident, true);
  } else {
    const deliveredInTime = await condition(() => state.reportedAt !== null, remaining, {
      summary: 'One-hour reporting deadline',
    });
    if (!deliveredInTime) await markLate(incident, false);
  }
}

/** 468.3b(2): refer to OIG/INV (mail and endpoint) and open its action item; once per incident. */
export function referToOig(incident: Incident): void {
  if (incident.duties.has('oig')) return;
  incident.duties.add('oig');
  const { report: r, state } = incident;
  incident.addItem('oig-referral', 'oigInvestigations');
  inBackground(incident, 'refer-oig', async () => {
    await mail('Refer to OIG/INV').sendNotice({
      to: incident.recipients('oigInvestigations'),
      notice: {
        template: 'oig-referral',
        incidentId: state.incidentId,
        medium: r.medium,
        piiTypes: r.piiTypes,
        affectedCount: r.affectedCount,
        discoveredAt: r.discoveredAt,
      },
      step: 'refer-oig-mail',
    });
    if (await deliver(incident, 'oig', 'Refer to OIG/INV', 'refer-oig', reportBody(incident)))
      incident.log('referred:oig');
  });
}

/** 467.2b, 468.1(4): DS investigators, the E.O. 13526 program manager and L/M are told; once per incident. */
export function tellSecurityIncident(incident: Incident): void {
  if (incident.duties.has('security-incident')) return;
  incident.duties.add('security-incident');
  const { report: r, state } = incident;
  inBackground(incident, 'tell-security-incident', async () => {
    await mail('Tell DS investigators, E.O. 13526 PM and L/M').sendNotice({
      to: incident.recipients('securityIncident'),
      notice: {
        template: 'security-incident',
        incidentId: state.incidentId,
        medium: r.medium,
        discoveredAt: r.discoveredAt,
      },
      step: 'tell-security-incident',
    });
    incident.log('security-incident-notified');
  });
}

/**
 * A supplement reaches the receiver of the one-hour report as an update naming the first (CISA's
 * guidelines), after the first has gone. Before the first has started there is nothing to update:
 * the first report carries the supplement's facts.
 */
export function reportUpdate(incident: Incident, supplement: number): void {
  const first = incident.initialReport;
  if (!first || !incident.features.cisaReport) return;
  const { state } = incident;
  const required: EndpointName = routeFor(incident.playbook, state.medium).endpoint;
  inBackground(incident, `update-${required}-${supplement}`, async () => {
    await first;
    const update = { incidentId: state.incidentId, reference: state.reportReference, supplement };
    const summary =
      required === 'usCert' ? 'Update the report to US-CERT' : 'Update the report to the Privacy Division';
    const delivered = await deliver(
      incident,
      required,
      summary,
      `report-${required}-update-${supplement}`,
      reportBody(incident, update),
    );
    if (!delivered) return;
    const reference = receiverReference(delivered.receipt);
    state.reportReceipts.push({ kind: 'update', at: nowIso(), reference, supplement });
    incident.log(
      `report-updated:${required}`,
      undefined,
      `supplement ${supplement}${reference ? `, reference ${reference}` : ''}`,
    );
  });
}
