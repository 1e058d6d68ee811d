/**
 * Phase 1, reporting (5 FAM 467.2a, 468.3b). At once and in parallel: the supervisor and program
 * manager are told; the report is routed (cyber: DS/CIRT and US-CERT; non-cyber: the Privacy
 * Division); OIG/INV is referred when a criminal act is suspected; the security-incident offices are
 * told when classified information is involved. The one-hour clock runs from *discovery*, not from
 * intake: a report that arrives after its hour is late on arrival (468.3b(1)).
 */
import { condition } from '@temporalio/workflow';
import { isPatched } from './since-marker.js';
import type { SendNoticeInput } from '../activities/index.js';
import { receiverReference } from '../domain/cisa.js';
import { alwaysTold, routeFor, type EndpointName } from '../domain/playbook-terms.js';
import { mail } from './activities.js';
import { inBackground } from './background.js';
import { nowIso, type Incident } from './incident-state.js';
import { deliver, reportBody, routed } from './report-delivery.js';
import { INTAKE_NOTICES_TOGETHER } from './patch-ids.js';
import { programManagersToTell } from './program-managers.js';
import { markLate } from './late-report.js';

// The duty rules (workflows/duty-rules.ts) deliver through the same functions, imported from here.
export { deliver, reportBody, routed };

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
  if (isPatched(INTAKE_NOTICES_TOGETHER)) {
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
