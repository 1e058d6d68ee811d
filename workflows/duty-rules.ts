/**
 * The duties of a case in the workflow (docs/lifecycle.md "Duties"): the facts domain/duties.ts derives
 * them from, derived again at every publish (after every fact and decision); the later facts a supplement
 * brings merged (a later value wins, the first report and each supplement stay in the record) and what
 * depends on them derived again: a finding whose inputs changed before notification is done goes back to
 * the analysis, a case newly cyber owes US-CERT its report within the hour of learning it.
 */
import { deriveDuties, dutyLine, openBeforeClosure, type Duty, type DutyFacts } from '../domain/duties.js';
import { parseDuration } from '../domain/durations.js';
import type { Decision } from '../domain/decision.js';
import type { IntakeReport, Report } from '../domain/report.js';
import type { ActionItem } from '../domain/state.js';
import { mail } from './activities.js';
import { inBackground } from './background.js';
import { nowIso, type Incident } from './incident-state.js';
import { deliver, reportBody, routed } from './reporting.js';

/** The facts the duties are derived from, at `now`. */
export function dutyFacts(incident: Incident, now = Date.now()): DutyFacts {
  const { state, report, playbook, file } = incident;
  const d = file.duty;
  const window = playbook.timers.returnsWindow;
  return {
    state,
    criminalActSuspected: report?.criminalActSuspected === true,
    classifiedInvolved: report?.classifiedInvolved === true,
    cyberSince: d.cyberSince,
    firstNonCyber: d.firstNonCyber,
    reportingWindowMs: parseDuration(playbook.timers.reportingDeadline),
    routing: file.routing.filter((r) => r.step.startsWith('report-') || r.step.startsWith('refer-')),
    costBasis: incident.costBasis,
    costEstimatedFor: d.costEstimatedFor,
    reanalysis: d.reanalysis,
    finalAuthority: playbook.finalNotificationAuthority,
    run: d.run,
    lastLetterAt: d.lastLetterAt,
    returnsWindowMs: window ? parseDuration(window) : null,
    signedOff: d.signedOff,
    archive: file.archive,
    now,
  };
}

/** The duties now, into the state (Incident.publish calls it under the duty rules). */
export function refreshDuties(incident: Incident): Duty[] {
  const duties = deriveDuties(dutyFacts(incident));
  incident.state.duties = duties;
  incident.state.reanalysis = incident.file.duty.reanalysis;
  return duties;
}

/** Why the sign-off cannot be taken now: one line per open duty (the 409 names each). */
export function closureProblems(incident: Incident): string[] {
  return openBeforeClosure(deriveDuties(dutyFacts(incident))).map((d) => `open duty ${dutyLine(d)}`);
}

/** The first report: where its report went decides the duties of 468.3b(1). */
export function firstReportFacts(incident: Incident): void {
  const d = incident.file.duty;
  d.firstNonCyber = incident.report.medium !== 'cyber';
  d.cyberSince = incident.report.medium === 'cyber' ? incident.state.discoveredAt : null;
}

/** The report fields a supplement may change: a later value wins (the earlier stays in the case file). */
const LATER_WINS = [
  'occurredAt',
  'medium',
  'encrypted',
  'affectedPopulation',
  'disclosureFormat',
  'disclosedBy',
  'disclosedTo',
  'programManager',
] as const;

/** What the finding of 468.4 (domain/risk.ts) is computed from. */
const FINDING_INPUTS = ['piiTypes', 'affectedCount', 'affectedPopulation', 'encrypted', 'medium'] as const;

/** Merges what a supplement says into the incident's report and derives again what depends on it. */
export function mergeLaterFacts(incident: Incident, supplement: Report, before: IntakeReport, source: string): void {
  const merged: Record<string, unknown> = { ...incident.report };
  for (const field of LATER_WINS) {
    const value = (supplement as Record<string, unknown>)[field];
    if (value !== undefined) merged[field] = value;
  }
  incident.report = merged as unknown as IntakeReport;
  const r = incident.report;
  incident.state.medium = r.medium;
  const changed = FINDING_INPUTS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(r[f]));
  if (changed.length) incident.log('facts-merged', undefined, `${source} changed ${changed.join(', ')}`);
  if (r.medium === 'cyber' && incident.file.duty.cyberSince === null) learnedCyber(incident, source);
  const analysed = incident.state.decisions.some((d) => d.kind === 'submit-analysis');
  const notified = incident.file.duty.run.status === 'done' || incident.file.duty.run.status === 'running';
  const ended = ['notifying', 'archiving', 'closed'].includes(incident.state.phase);
  if (changed.length && analysed && !notified && !ended && incident.file.duty.reanalysis === null) {
    const reason = `${source} changed the finding's inputs (${changed.join(', ')}) before notification was done (5 FAM 468.4, 468.5)`;
    incident.file.duty.reanalysis = { at: nowIso(), reason };
    incident.log('reanalysis-required', undefined, reason);
  }
}

/** 468.3b(1): a case learned to be cyber owes US-CERT the report within the hour of learning it. */
function learnedCyber(incident: Incident, source: string): void {
  incident.file.duty.cyberSince = nowIso();
  incident.log(
    'fact-learned:cyber',
    undefined,
    `${source} says the breach is cyber: US-CERT is owed the report (5 FAM 468.3b(1))`,
  );
  inBackground(incident, 'report-usCert-learned', async () => {
    const delivered = await deliver(
      incident,
      'usCert',
      'Report to US-CERT',
      'report-usCert-learned',
      reportBody(incident),
    );
    if (delivered) incident.log('reported:usCert', undefined, source);
  });
}

/** The `report-filed` decision: the routed office records a report it filed another way (468.3b). */
export function reportFiledByHand(incident: Incident, d: Extract<Decision, { kind: 'report-filed' }>): void {
  routed(
    incident,
    `report-${d.to}-filed`,
    d.to,
    'filed-by-hand',
    { id: d.reference },
    `by ${d.filedBy}, recorded by ${d.actorId}`,
  );
  const required = incident.file.duty.firstNonCyber ? 'privacyDivision' : 'usCert';
  if (d.to === required && incident.state.reportedAt === null) incident.state.reportedAt = nowIso();
  incident.log(`report-filed:${d.to}`, d.actorId, `by ${d.filedBy}, reference ${d.reference}`);
}

/** The role that records a report filed another way: DS/CIRT for US-CERT, the Privacy Division otherwise. */
export function reportFiledRole(d: Extract<Decision, { kind: 'report-filed' }>): 'dsCirt' | 'privacyDivision' {
  return d.to === 'usCert' ? 'dsCirt' : 'privacyDivision';
}

/** 467.2c: the owners of an item opened are told it is theirs (the remediation gate then reminds and escalates). */
export function tellOwners(incident: Incident, item: ActionItem): void {
  const to = incident.recipients(item.ownerRole);
  if (to.length === 0) return;
  inBackground(incident, `item-assigned-${item.id}`, () =>
    mail(`Tell the owner of ${item.id}`).sendNotice({
      to,
      notice: { template: 'action-item-assigned', incidentId: incident.state.incidentId, itemId: item.id },
      step: `item-assigned-${item.id}`,
    }),
  );
}
