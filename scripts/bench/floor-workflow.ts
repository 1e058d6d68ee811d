/**
 * The floor yardstick of an incident (`npm run bench -- floor`): a workflow that makes the same calls out
 * as a new incident up to its one-hour report (the three intake notices in one activity, the report to
 * US-CERT or the Privacy Division with the same priority and time-outs, and, once the report is
 * delivered, the triage gate's ask to the IPS Director as the one local attempt the incident makes of it)
 * and nothing of the policy: no state, no search attributes, no gates, no timers, no patches. Exported
 * under the incident's workflow type so that the API starts it exactly as it starts an incident (a plain
 * start with the report in the input); the bench runs it in the production worker from a bundle of its
 * own (BREACH_WORKFLOW_BUNDLE). The ask is written out here, not sent through `mail`: that asks the
 * `localNotice` patch, and the floor records no marker.
 */
import { condition, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { BreachActivities } from '../../activities/index.js';
import { holdersOf } from '../../domain/playbook-terms.js';
import { parseDuration } from '../../domain/durations.js';
import { BreachCaseNumber } from '../../domain/search-attributes.js';
import type { Role } from '../../domain/roles.js';
import type { IncidentInput } from '../../workflows/incident-state.js';
import {
  DEADLINE_PRIORITY,
  endpointStartToClose,
  ENDPOINT_OPTIONS,
  LOCAL_NOTICE_OPTIONS,
  mail,
} from '../../workflows/activities.js';

// The API numbers a case before it starts it (client/case-numbers.ts): the floor's starts are numbered too.
export { caseNumberingWorkflow } from '../../workflows/case-numbering.js';

const ONE_HOUR_MS = 3_600_000;

export async function breachIncidentWorkflow(input: IncidentInput): Promise<void> {
  const { playbook, incidentId } = input;
  const r = input.report;
  if (!r) return;
  const to = (role: Role) => holdersOf(playbook, role).map((p) => ({ id: p.id, name: p.name, email: p.email }));
  const cyber = r.medium === 'cyber';
  const focal = cyber ? 'dsCirt' : 'privacyDivision';
  const notice = {
    incidentId,
    medium: r.medium,
    piiTypes: r.piiTypes,
    affectedCount: r.affectedCount,
    discoveredAt: r.discoveredAt,
    reportingDeadline: new Date(Date.parse(r.discoveredAt) + ONE_HOUR_MS).toISOString(),
    summary: r.summary,
    classified: r.classifiedInvolved,
    criminal: r.criminalActSuspected,
  };
  const managers = [...(r.programManager ? [r.programManager] : []), ...to('programManager')];
  const notices = mail('Intake notices').sendNotices({
    notices: [
      { to: [r.supervisor], notice: { template: 'report-received', audience: 'supervisor', ...notice }, step: 's' },
      ...(managers.length
        ? [
            {
              to: managers,
              notice: { template: 'report-received' as const, audience: 'program-manager' as const, ...notice },
              step: 'pm',
            },
          ]
        : []),
      { to: to(focal), notice: { template: 'report-received', audience: 'focal-point', ...notice }, step: 'f' },
    ],
  });
  const name = cyber ? 'usCert' : 'privacyDivision';
  const target = playbook.endpoints[name];
  const report = proxyActivities<BreachActivities>({
    ...ENDPOINT_OPTIONS,
    startToCloseTimeout: endpointStartToClose(target),
    summary: 'Report',
    priority: DEADLINE_PRIORITY,
  }).callEndpoint({
    name,
    endpoint: target,
    step: `report-${name}`,
    body: {
      incidentId,
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
    },
  });
  await report;
  // The triage gate's ask, as the incident sends it once its report is delivered: no one waits on that
  // workflow task, so one local attempt (workflows/activities.ts `mail`), with its signed link.
  const kinds = ['assign-responsible-office', 'convene-crg'] as const;
  const caseNumber = workflowInfo().typedSearchAttributes.get(BreachCaseNumber);
  await proxyLocalActivities<BreachActivities>({
    ...LOCAL_NOTICE_OPTIONS,
    summary: 'Ask ipsDirector to decide',
  }).sendNotice({
    to: to('ipsDirector'),
    notice: {
      template: 'decision-requested',
      incidentId,
      role: 'ipsDirector',
      kinds: [...kinds],
      phase: 'triage',
      reminder: 0,
      ...(caseNumber ? { caseNumber } : {}),
    },
    step: 'ask-triage-ipsDirector-0',
    link: {
      kind: kinds[0],
      kinds: [...kinds],
      expiresAt:
        Date.now() +
        parseDuration(playbook.timers.gateEscalateAfter) +
        parseDuration(playbook.timers.gateReminderInterval),
    },
  });
  await notices;
  // Open, as an incident at its first gate is.
  await condition(() => false);
}
