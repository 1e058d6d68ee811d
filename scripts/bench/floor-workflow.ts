/**
 * The floor yardstick of an incident (`npm run bench -- floor`): a workflow that makes the same calls out
 * as a new incident up to its one-hour report (the three intake notices in one activity, the report to
 * US-CERT or the Privacy Division with the same priority and time-outs) and nothing of the policy: no
 * state, no search attributes, no gates, no timers. Exported under the incident's workflow type so that
 * the API starts it exactly as it starts an incident (a plain start with the report in the input); the
 * bench runs it in the production worker from a bundle of its own (BREACH_WORKFLOW_BUNDLE).
 */
import { condition, proxyActivities } from '@temporalio/workflow';
import type { BreachActivities } from '../../activities/index.js';
import { holdersOf } from '../../domain/playbook-terms.js';
import type { Role } from '../../domain/roles.js';
import type { IncidentInput } from '../../workflows/incident-state.js';
import { DEADLINE_PRIORITY, endpointStartToClose, ENDPOINT_OPTIONS, mail } from '../../workflows/activities.js';

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
  await Promise.all([notices, report]);
  // Open, as an incident at its first gate is.
  await condition(() => false);
}
