/**
 * A report by email that left fields open (domain/mail-report.ts: `missingFields`) is completed before
 * triage: the intake mailbox's role is asked, as a gate with reminders and escalation like any other
 * (gates.ts), while the one-hour report has already gone out on time with what was known (468.3b(1)).
 * The completion replaces what the email left open, and the report's receiver gets an update, as for a
 * supplement. Triage decisions sent meanwhile are kept and taken when triage opens.
 *
 * Behind `patched()`: only incidents that start with fields missing reach it, which no incident did
 * before reports came by email; the marker keeps it so.
 */
import { isPatched } from './since-marker.js';
import { COMPLETE_REPORT_PATCH } from './patch-ids.js';
import type { Decision, DecisionOf } from '../domain/decision.js';
import { holds } from '../domain/playbook-terms.js';
import { REFUSAL } from '../domain/refusal.js';
import type { Role } from '../domain/roles.js';
import type { Checked } from './decisions.js';
import { gate, take } from './gates.js';
import { nowIso, type Incident } from './incident-state.js';
import { reopenDuties } from './later-facts.js';
import { checkMajorIncident } from './major-incident.js';
import { reportUpdate } from './reporting.js';

const NOT_STATED = 'not stated in the email';

/** Who completes it: the role of the intake mailbox the report came to, else the medium's focal point (468.3b(1)). */
export function completionRole(incident: Incident): Role {
  const mailbox = incident.report.intakeMailbox?.toLowerCase();
  const box = incident.playbook.intake?.mailboxes.find((m) => m.address.toLowerCase() === mailbox);
  return box?.role ?? (incident.report.medium === 'cyber' ? 'dsCirt' : 'privacyDivision');
}

/** The phase step between the one-hour report and triage; nothing for a report that lacks nothing. */
export async function completeReport(incident: Incident): Promise<void> {
  // Only a report by email waits (the one complete-report accepts); fields missing in any other are not asked.
  if (incident.report.intakeChannel !== 'email' || !incident.report.missingFields?.length) return;
  if (!isPatched(COMPLETE_REPORT_PATCH)) return;
  await gate(incident, completionRole(incident), ['complete-report']);
  take(incident, 'complete-report');
}

/** The report fields a completion gives, by the name the report's `missingFields` uses. */
const GIVEN: [keyof DecisionOf<'complete-report'>, string][] = [
  ['office', 'reporter.office'],
  ['discoveredAt', 'discoveredAt'],
  ['medium', 'medium'],
  ['summary', 'summary'],
  ['piiTypes', 'piiTypes'],
  ['affectedCount', 'affectedCount'],
  ['affectedPopulation', 'affectedPopulation'],
  ['encrypted', 'encrypted'],
  ['classifiedInvolved', 'classifiedInvolved'],
  ['criminalActSuspected', 'criminalActSuspected'],
];

function givenFields(d: DecisionOf<'complete-report'>): string[] {
  return [
    ...GIVEN.filter(([key]) => d[key] !== undefined).map(([, field]) => field),
    ...(d.supervisor ? ['supervisor.name', 'supervisor.email'] : []),
  ];
}

export function checkCompletion(incident: Incident, decision: DecisionOf<'complete-report'>): Checked {
  const { state, playbook } = incident;
  const refuse = (type: (typeof REFUSAL)[keyof typeof REFUSAL], reason: string): Checked => ({
    ok: false,
    refusal: { type, reasons: [reason] },
  });
  const role = completionRole(incident);
  if (!holds(playbook, decision.actorId, role) && !holds(playbook, decision.actorId, 'ipsDirector'))
    return refuse(
      REFUSAL.forbidden,
      `complete-report is decided by the ${role} role (the intake mailbox's) or the ipsDirector; "${decision.actorId}" holds neither`,
    );
  if (state.phase === 'closed') return refuse(REFUSAL.conflict, 'the incident is closed');
  if (incident.report?.intakeChannel !== 'email')
    return refuse(REFUSAL.conflict, 'complete-report completes a report that came by email; send a supplement instead');
  if (givenFields(decision).length === 0)
    return refuse(REFUSAL.invalid, 'expected at least one field of the report to complete');
  return { ok: true, decision, duplicate: false };
}

/** What a completion changes: the fields it gives replace the email's; the receiver gets an update. */
export function applyCompletion(incident: Incident, d: Extract<Decision, { kind: 'complete-report' }>): void {
  const { state } = incident;
  const before = incident.report;
  const given = givenFields(d);
  const missing = (before.missingFields ?? []).filter((f) => !given.includes(f));
  const { missingFields: _open, ...rest } = before;
  const piiTypes = d.piiTypes ?? before.piiTypes;
  incident.report = {
    ...rest,
    reporter: d.office ? { ...before.reporter, office: d.office } : before.reporter,
    supervisor: d.supervisor ?? before.supervisor,
    // The clock never moves later (468.3b(1)); an earlier discovery is recorded in the report.
    ...(d.discoveredAt && Date.parse(d.discoveredAt) < Date.parse(before.discoveredAt)
      ? { discoveredAt: d.discoveredAt }
      : {}),
    medium: d.medium ?? before.medium,
    summary: d.summary ?? before.summary,
    piiTypes,
    affectedCount: d.affectedCount ?? before.affectedCount,
    affectedPopulation: d.affectedPopulation ?? before.affectedPopulation,
    encrypted: d.encrypted ?? before.encrypted,
    classifiedInvolved: d.classifiedInvolved ?? before.classifiedInvolved,
    criminalActSuspected: d.criminalActSuspected ?? before.criminalActSuspected,
    ...(piiTypes.includes('medical') && !before.disclosureFormat
      ? { disclosureFormat: 'other' as const, disclosedBy: NOT_STATED, disclosedTo: NOT_STATED }
      : {}),
    ...(missing.length ? { missingFields: missing } : {}),
  };
  state.supplements += 1;
  const { incidentId: _id, ...completed } = incident.report;
  incident.file.supplements.push({ at: nowIso(), report: { ...completed, incidentId: state.incidentId } });
  incident.log('report-completed', d.actorId, `completed: ${given.join(', ')}`);
  const source = `the completed report (supplement ${state.supplements})`;
  if (incident.features.laterFacts) reopenDuties(incident, before, source);
  checkMajorIncident(incident, source);
  reportUpdate(incident, state.supplements);
}
