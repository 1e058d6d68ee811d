/**
 * What the incident workflow needs of a report to read it, checked before anything is changed. The API
 * and the CLI validate a report fully (domain/report.ts) before they send it; anyone else with a
 * Temporal client can send anything, and a handler that throws fails every workflow task of the incident
 * from then on (it stands still until a fixed worker is deployed). So a report the workflow cannot read
 * is recorded in the timeline and refused.
 *
 * Structural only, and never to be tightened: this check runs again on every replay, so a stricter
 * version would refuse a report that an incident already running had accepted, and that incident would
 * no longer replay. Policy rules (formats, limits, the medical statement) belong to domain/report.ts.
 * Plain checks (domain/check.ts), not zod: the sandbox does not load a schema library (docs/performance.md); the
 * same issues as the zod schema this replaced (tests/rules/plain-checks.test.ts keeps that schema to compare).
 */
import { array, boolean, number, object, oneOf, optional, run, string } from '../domain/check.js';
import { asLines } from '../domain/issues.js';
import { parseDuration } from '../domain/durations.js';
import type { Report } from '../domain/report.js';
import { nowIso, type Incident } from './incident-state.js';
import { reopenDuties } from './later-facts.js';
import { checkMajorIncident } from './major-incident.js';
import { reportUpdate } from './reporting.js';
import { firstReportFacts, mergeLaterFacts } from './duty-rules.js';
import { CISA_FIELDS, laterWins, widened } from '../domain/report-merge.js';

const text = string({});
const person = object({ name: text, email: text }, 'loose');

const readableReport = object(
  {
    incidentId: optional(text),
    reporter: object({ name: text, email: text, office: text }, 'loose'),
    supervisor: person,
    programManager: optional(person),
    discoveredAt: string({}, ['refine', (t) => Number.isFinite(Date.parse(t)), 'expected a time']),
    occurredAt: optional(text),
    medium: oneOf(['cyber', 'non-cyber']),
    summary: text,
    piiTypes: array(text),
    affectedCount: number({ min: [0] }),
    affectedPopulation: text,
    encrypted: boolean,
    classifiedInvolved: boolean,
    criminalActSuspected: boolean,
    causedByWorkforceMember: optional(boolean),
  },
  'loose',
);

/** Why the workflow cannot read this report (`path: message`, no values), or [] when it can. */
export function unreadableReport(raw: unknown): string[] {
  const result = run(readableReport, raw);
  return result.ok ? [] : asLines(result.issues);
}

/**
 * A report taken by the incident: the first one (from the input, or the reportIntake signal of a
 * signal-with-start) starts the clocks; a later one supplements it. Runs in a signal handler, so it
 * never throws: a report it cannot read is recorded in the timeline and refused.
 */
export function receiveReport(incident: Incident, report: Report): void {
  const { state } = incident;
  const unreadable = unreadableReport(report);
  if (unreadable.length) {
    incident.log('report-refused', undefined, unreadable.join('; ').slice(0, 500));
    return;
  }
  // Who filed it (an opaque key the API adds beside the report; client/incidents.ts). Recorded in the
  // state only: no command depends on it, so histories with or without it replay alike.
  const reportedBy = (report as { reportedBy?: unknown }).reportedBy;
  if (
    typeof reportedBy === 'string' &&
    reportedBy.length > 0 &&
    reportedBy.length <= 128 &&
    !(state.reporters ?? []).includes(reportedBy)
  ) {
    state.reporters = [...(state.reporters ?? []), reportedBy];
  }
  listFacts(incident, report);
  if (state.discoveredAt === '') {
    // The first report: the one-hour clock starts at discovery (468.3b(1)), not at intake.
    incident.report = { ...report, incidentId: state.incidentId };
    incident.file.firstReport = incident.report;
    state.medium = report.medium;
    state.discoveredAt = report.discoveredAt;
    state.reportingDeadline = new Date(
      Date.parse(report.discoveredAt) + parseDuration(incident.playbook.timers.reportingDeadline),
    ).toISOString();
    firstReportFacts(incident);
    incident.log('reported', undefined, `received ${incident.input.receivedAt}`);
    checkMajorIncident(incident, 'the report');
    return;
  }
  supplement(incident, report);
}

/**
 * What the list shows of a case (docs/contract.md "The state"): its title (the latest one given), the
 * people affected (the largest estimate), the reporter's office. State only, no command: replays alike.
 * Read defensively: the structural check above does not look at `title`, and never will (it is never tightened).
 */
function listFacts(incident: Incident, report: Report): void {
  const { state } = incident;
  const title = (report as { title?: unknown }).title;
  if (typeof title === 'string' && title.trim() !== '') state.title = title.trim().slice(0, 120);
  else state.title ??= null;
  state.affectedCount = Math.max(state.affectedCount ?? 0, report.affectedCount);
  state.reportingOffice ??= report.reporter.office;
}

/**
 * A later report supplements the first; it never starts a second workflow. The facts that drive the
 * response may only widen (more PII types, more people, newly classified or criminal).
 */
function supplement(incident: Incident, report: Report): void {
  const { state } = incident;
  const r = incident.report;
  incident.report = {
    ...widened(r, report),
    summary: `${r.summary}\n\n[Supplement ${state.supplements + 1}] ${report.summary}`,
  };
  state.supplements += 1;
  incident.file.supplements.push({ at: nowIso(), report: { ...report, incidentId: state.incidentId } });
  incident.log('report-supplemented');
  // What the supplement newly says re-opens its duties at once (later-facts.ts), may cross the
  // major-incident threshold (major-incident.ts), and goes to the one-hour report's receiver as an update.
  const { features } = incident;
  const source = `supplement ${state.supplements}`;
  if (features.cisaReport) {
    // What the reporter learned of CISA's fields later replaces what was not known.
    incident.report = laterWins(incident.report, report, CISA_FIELDS);
  }
  // Under the duty rules every field a supplement may change is merged, and what depends on it derived again.
  if (incident.dutyRules) mergeLaterFacts(incident, report, r, source);
  if (features.laterFacts) reopenDuties(incident, r, source);
  checkMajorIncident(incident, source);
  reportUpdate(incident, state.supplements);
}
