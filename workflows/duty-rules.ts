/**
 * The duties of a case in the workflow (docs/lifecycle.md "Duties"): the facts domain/duties.ts derives
 * them from, derived again at every publish (after every fact and decision); the later facts a supplement
 * brings merged (a later value wins, the first report and each supplement stay in the record) and what
 * depends on them derived again: a finding whose inputs changed before notification is done goes back to
 * the analysis, a case newly cyber owes US-CERT its report within the hour of learning it.
 */
import { deriveDuties, dutyLine, openBeforeClosure, reportOwner, type Duty, type DutyFacts } from '../domain/duties.js';
import type { Role } from '../domain/roles.js';
import { parseDuration } from '../domain/durations.js';
import type { Decision } from '../domain/decision.js';
import type { IntakeReport, Report } from '../domain/report.js';
import type { ActionItem } from '../domain/state.js';
import { mail } from './activities.js';
import { inBackground } from './background.js';
import { remindOwner } from './item-owners.js';
import { laterProgramManager } from './program-managers.js';
import { rehabilitationActDuties } from './response.js';
import { rehabilitationActMatter } from '../domain/rehabilitation-act.js';
import { nowIso, type Incident } from './incident-state.js';
import { deliver, reportBody, routed } from './reporting.js';
import { markLate } from './late-report.js';
import { routeFor } from '../domain/playbook-terms.js';
import { reportNamesCustodian } from '../domain/custody.js';
import { LATER_WINS, laterWins } from '../domain/report-merge.js';
import { latestAnalysis } from './case-file.js';
import { condition } from '@temporalio/workflow';

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
    ...(incident.features.dutyFollowUps ? { firstEndpoint: firstEndpoint(incident) } : {}),
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

/** Where the first report went: US-CERT for a cyber one; a non-cyber one where the playbook routes it. */
function firstEndpoint(incident: Incident): string {
  return incident.file.duty.firstNonCyber ? routeFor(incident.playbook, 'non-cyber').endpoint : 'usCert';
}

/** The first report: where its report went decides the duties of 468.3b(1). */
export function firstReportFacts(incident: Incident): void {
  const d = incident.file.duty;
  d.firstNonCyber = incident.report.medium !== 'cyber';
  d.cyberSince = incident.report.medium === 'cyber' ? incident.state.discoveredAt : null;
}

/** What the finding of 468.4 (domain/risk.ts) is computed from. */
const FINDING_INPUTS = ['piiTypes', 'affectedCount', 'affectedPopulation', 'encrypted', 'medium'] as const;

/** Merges what a supplement says into the incident's report and derives again what depends on it. */
export function mergeLaterFacts(incident: Incident, supplement: Report, before: IntakeReport, source: string): void {
  incident.report = laterWins(incident.report, supplement, LATER_WINS);
  const r = incident.report;
  incident.state.medium = r.medium;
  const changed: string[] = FINDING_INPUTS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(r[f]));
  if (custodyRecipientContradicted(incident, before)) changed.push('disclosedTo');
  if (changed.length) incident.log('facts-merged', undefined, `${source} changed ${changed.join(', ')}`);
  if (r.medium === 'cyber' && incident.file.duty.cyberSince === null) learnedCyber(incident, source);
  if (incident.features.dutyFollowUps) laterPeopleFacts(incident, before, source);
  const analysed = incident.state.decisions.some((d) => d.kind === 'submit-analysis');
  const notified = incident.file.duty.run.status === 'done' || incident.file.duty.run.status === 'running';
  const ended = ['notifying', 'archiving', 'closed'].includes(incident.state.phase);
  if (changed.length && analysed && !notified && !ended && incident.file.duty.reanalysis === null) {
    const reason = `${source} changed the finding's inputs (${changed.join(', ')}) before notification was done (5 FAM 468.4, 468.5)`;
    incident.file.duty.reanalysis = { at: nowIso(), reason };
    incident.log('reanalysis-required', undefined, reason);
  }
}

/**
 * A custody exemption taken on a report whose `disclosedTo` a supplement has since changed to name
 * neither the custodian nor the recipient: the finding stood on that fact (45 CFR 164.512(k)(5)(i);
 * domain/custody.ts `reportNamesCustodian`), so it is found again like any finding whose inputs changed.
 */
function custodyRecipientContradicted(incident: Incident, before: IntakeReport): boolean {
  if (!incident.features.custodyReportRecipient || before.disclosedTo === incident.report.disclosedTo) return false;
  const ad = latestAnalysis(incident.file)?.authorizedDisclosure;
  return ad?.basis === 'hipaa-custody-exemption' && !reportNamesCustodian(incident.report.disclosedTo, ad);
}

/**
 * What a supplement says of people that the first report's duties were derived from: a program manager
 * named (told, and they alone of the program managers need to know it), and employees' medical
 * information (the Rehabilitation Act's duties: mitigation and conduct review, once triage has opened
 * the items; before it, triage derives them from the merged report).
 */
function laterPeopleFacts(incident: Incident, before: IntakeReport, source: string): void {
  laterProgramManager(incident, before.programManager?.email, source);
  const { state, features, report } = incident;
  if (state.crgConvened === null || state.rehabilitationAct || !features.rehabilitationAct) return;
  if (!rehabilitationActMatter(report)) return;
  incident.log(
    'fact-learned:rehabilitation-act',
    undefined,
    `${source} says employees' medical information is involved`,
  );
  rehabilitationActDuties(incident);
}

/** 468.3b(1): a case learned to be cyber owes US-CERT the report within the hour of learning it. */
function learnedCyber(incident: Incident, source: string): void {
  incident.file.duty.cyberSince = nowIso();
  // The playbook routed every medium to US-CERT (the DHS SOC): the first report already told it.
  if (incident.features.dutyFollowUps && firstEndpoint(incident) === 'usCert') {
    incident.log('fact-learned:cyber', undefined, `${source} says the breach is cyber: US-CERT already has the report`);
    return;
  }
  incident.log(
    'fact-learned:cyber',
    undefined,
    `${source} says the breach is cyber: US-CERT is owed the report (5 FAM 468.3b(1))`,
  );
  if (incident.features.dutyFollowUps) learnedReportDeadline(incident, source);
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

/**
 * 468.3b(1): the US-CERT report owed after a supplement is due an hour after the case learned it is
 * cyber; when the hour passes undelivered and unrecorded it is late like the first report: the state's
 * `reportedLate`, the timeline's `reported-late:learned-cyber` (an escalation of the case record) and
 * the SAOP and the Privacy Division told.
 */
function learnedReportDeadline(incident: Incident, source: string): void {
  const due = Date.parse(incident.file.duty.cyberSince!) + parseDuration(incident.playbook.timers.reportingDeadline);
  const reported = () =>
    incident.file.routing.some((r) => r.to === 'usCert' && (r.status === 'delivered' || r.status === 'filed-by-hand'));
  inBackground(incident, 'report-usCert-learned-deadline', async () => {
    const inTime = await condition(reported, Math.max(1, due - Date.now()), {
      summary: 'One-hour report to US-CERT, the case learned to be cyber (5 FAM 468.3b(1))',
    });
    if (!inTime) await markLate(incident, { event: 'learned-cyber', deadline: new Date(due).toISOString(), source });
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
  const required = incident.features.dutyFollowUps
    ? firstEndpoint(incident)
    : incident.file.duty.firstNonCyber
      ? 'privacyDivision'
      : 'usCert';
  if (d.to === required && incident.state.reportedAt === null) incident.state.reportedAt = nowIso();
  incident.log(`report-filed:${d.to}`, d.actorId, `by ${d.filedBy}, reference ${d.reference}`);
}

/**
 * The role that records a report filed another way: the report's owner (domain/duties.ts `reportOwner`,
 * DS/CIRT for US-CERT and the OIG referral). Incidents started before the follow-ups took the OIG
 * referral's from the Privacy Division, and keep doing so.
 */
export function reportFiledRole(incident: Incident, d: Extract<Decision, { kind: 'report-filed' }>): Role {
  if (incident.features.dutyFollowUps) return reportOwner(d.to);
  return d.to === 'usCert' ? 'dsCirt' : 'privacyDivision';
}

/** 467.2c: the owners of an item opened are told it is theirs, then reminded and escalated (workflows/item-owners.ts). */
export function tellOwners(incident: Incident, item: ActionItem): void {
  if (incident.features.dutyFollowUps) remindOwner(incident, item);
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
