/**
 * The pages speak to people, not to the wire: decision kinds, roles, phases, timeline events and times
 * in words ("Name the office responsible", "2 Dec 2026, 03:46 UTC (58 minutes left)"). The wire names
 * stay in the API and the CLI; here they appear only where an operator needs them (the incident number).
 */
import type { DecisionKind } from '../domain/decision.js';
import type { Role } from '../domain/roles.js';
import type { Phase } from '../domain/state.js';

export interface KindWords {
  /** What the official is asked to do, as a heading. */
  title: string;
  /** The button. */
  button: string;
  /** What happens when they press it. */
  then: string;
}

export const KIND_WORDS: Record<DecisionKind, KindWords> = {
  'complete-report': {
    title: 'Complete a report that came by email',
    button: 'Complete the report',
    then: 'What you give replaces what the email left open; the report to US-CERT or the Privacy Division is updated, and triage begins (5 FAM 468.3b).',
  },
  'assign-responsible-office': {
    title: 'Name the office responsible',
    button: 'Name this office',
    then: 'The office named leads the administrative fact-finding (5 FAM 467.2c). With the decision on the Core Response Group, triage is complete.',
  },
  'convene-crg': {
    title: 'Decide whether to convene the Core Response Group',
    button: 'Record this decision',
    then: 'Convened, the Core Response Group is told at once and the risk analysis begins (5 FAM 467.4-2); not convened, the incident goes to closure review.',
  },
  'submit-analysis': {
    title: 'Record the risk analysis',
    button: 'Record the analysis',
    then: 'The risk of harm is derived from the six factors (5 FAM 468.4), and the incident moves to the decision on notification (468.5).',
  },
  'cost-estimate': {
    title: 'Estimate the cost of mitigation',
    button: 'Record the estimate',
    then: 'The estimate goes with the case to the PPGB Chair (5 FAM 468.5d).',
  },
  'ppgb-override': {
    title: 'Override the minimal-risk finding',
    button: 'Override the finding',
    then: 'The incident goes on to the notification decision instead of closing (5 FAM 468.5c).',
  },
  'ppgb-chair-decision': {
    title: "Record the PPGB Chair's decision",
    button: 'Record my decision',
    then: 'The decision is final, or the case goes to the full PPGB, to the Under Secretary, or back to the Core Response Group, as chosen (5 FAM 468.5b).',
  },
  'ppgb-decision': {
    title: "Record the PPGB's decision",
    button: "Record the Board's decision",
    then: 'The case goes on as the Board decided (5 FAM 468.5b).',
  },
  'under-secretary-decision': {
    title: 'Decide whether the affected people are notified',
    button: 'Record my decision',
    then: 'Approved, the notification official prepares the letter; declined, the incident goes to remediation and closure (5 FAM 468.5e).',
  },
  'approve-letter': {
    title: 'Approve the notification letter',
    button: 'Approve the letter',
    then: 'The letters and emails go out to everyone on the roster (5 FAM 468.6).',
  },
  'request-delay': {
    title: 'Ask for notification to be delayed',
    button: 'Ask for the delay',
    then: 'Notification waits until the date given; the PPGB is told (5 FAM 468.6-3).',
  },
  'extend-delay': {
    title: 'Extend the delay of notification',
    button: 'Extend the delay',
    then: 'Notification waits until the new date; the PPGB is told (5 FAM 468.6-3).',
  },
  'lift-delay': {
    title: 'Lift the delay of notification',
    button: 'Lift the delay',
    then: 'Notification may go out at once; the PPGB is told (5 FAM 468.6-3).',
  },
  'bar-notification': {
    title: 'Bar notification',
    button: 'Bar notification',
    then: 'No notice goes out, for reasons of national security (5 FAM 468.6-3b); the PPGB is told.',
  },
  'complete-action-item': {
    title: 'Complete an action item',
    button: 'Mark it done',
    then: 'The item is recorded as done, with your evidence, in the case record (5 FAM 468.7).',
  },
  'sign-off-closure': {
    title: 'Sign off the closure',
    button: 'Close the incident',
    then: 'The case record is archived and the incident is closed (5 FAM 468.7).',
  },
  'acknowledge-delay': {
    title: 'Acknowledge the longer delay of notification',
    button: 'Acknowledge the delay',
    then: 'You confirm that waiting longer does not unduly add to the risk of harm; notification waits until the date asked for (5 FAM 468.6-3).',
  },
  'record-filed': {
    title: 'Record where the case record was filed',
    button: 'Record the filing',
    then: 'The records archive did not take the record; with your reference the case is closed (5 FAM 468.7).',
  },
  'report-filed': {
    title: 'Record a report filed another way',
    button: 'Record the filing',
    then: 'The report counts as made, by whom and under the reference you give (5 FAM 468.3b).',
  },
  'reconcile-roster': {
    title: 'Reconcile the roster with the count of people affected',
    button: 'Record the reconciliation',
    then: 'The people the roster lacks are not put into the substitute notice (5 FAM 468.6-2b).',
  },
};

export const ROLE_WORDS: Record<Role, string> = {
  programManager: 'the program manager',
  dsCirt: 'DS/CIRT',
  privacyDivision: 'the Privacy Division',
  ipsDirector: 'the IPS Director',
  crg: 'the Core Response Group',
  cgfs: 'CGFS',
  ppgbChair: 'the PPGB Chair',
  ppgb: 'the PPGB',
  underSecretary: 'the Under Secretary for Management',
  notificationOfficial: 'the notification official',
  oigInvestigations: 'OIG Investigations',
  securityIncident: 'the security-incident officials',
  securityLiaison: 'the security liaison',
  responsibleOffice: 'the responsible office',
  cio: 'the Chief Information Officer',
};

export const PHASE_WORDS: Record<Phase, string> = {
  reporting: 'Reporting (the one-hour report)',
  triage: 'Triage',
  analysis: 'Risk analysis',
  'cost-consultation': 'Cost consultation with CGFS',
  'ppgb-advised': 'PPGB advised of minimal risk',
  'ppgb-chair-review': 'PPGB Chair review',
  'ppgb-review': 'PPGB review',
  'under-secretary-review': 'Under Secretary review',
  'notification-prep': 'Preparing notification',
  'notification-delayed': 'Notification delayed',
  notifying: 'Notifying',
  remediation: 'Remediation',
  'closure-review': 'Closure review',
  archiving: 'Filing the case record',
  closed: 'Closed',
};

export const OUTCOME_WORDS: Record<string, string> = {
  'refer-to-ppgb': 'Refer to the full PPGB',
  'refer-to-under-secretary': 'Refer to the Under Secretary',
  'return-to-crg': 'Return to the Core Response Group',
  'approve-notification': 'Approve notification',
  'decline-notification': 'Decline notification',
};

const EVENT_WORDS: Record<string, string> = {
  reported: 'Report received',
  'report-supplemented': 'Report supplemented',
  'report-refused': 'A report could not be read',
  'reported:usCert': 'Reported to US-CERT',
  'reported:privacyDivision': 'Reported to the Privacy Division',
  'reported-late:on-arrival': 'Report arrived after the one-hour deadline',
  'reported-late:deadline-passed': 'One-hour deadline passed: escalated',
  'crg-notified': 'Core Response Group told',
  'referred:oig': 'Referred to OIG Investigations',
  'security-incident-notified': 'Security-incident officials told',
  'objection-window-ended': 'PPGB objection window ended',
  notified: 'Notification sent',
  'notification-barred': 'Notification barred',
  'notification-failed': 'Notification failed',
  'case-record-archived': 'Case record archived',
  'case-record-refused': 'The records archive refused the case record',
};

const isKind = (text: string): text is DecisionKind => text in KIND_WORDS;

/** A timeline event in words; unknown events as they are. */
export function eventWords(event: string): string {
  if (EVENT_WORDS[event]) return EVENT_WORDS[event];
  const [head, rest = '', more] = event.split(':');
  if (head === 'phase' && rest in PHASE_WORDS) return `Now: ${PHASE_WORDS[rest as Phase]}`;
  if (head === 'decision' && isKind(rest))
    return `Decided: ${KIND_WORDS[rest].title}${more ? ` (${OUTCOME_WORDS[more] ?? more})` : ''}`;
  if (head === 'decision-refused') return `Refused: ${isKind(rest) ? KIND_WORDS[rest].title : rest}`;
  if (head === 'decision-repeated') return `Repeated, applied once: ${isKind(rest) ? KIND_WORDS[rest].title : rest}`;
  if (head === 'action-item-opened') return `Action item opened: ${rest}`;
  if (head === 'action-item-done') return `Action item done: ${rest}`;
  if (head === 'reminder' && rest in ROLE_WORDS) return `Reminder sent to ${ROLE_WORDS[rest as Role]}`;
  if (head === 'escalated' && rest in ROLE_WORDS)
    return `Escalated to the SAOP: ${ROLE_WORDS[rest as Role]} has not decided`;
  if (head === 'endpoint-rejected') return `Refused by ${rest}: escalated`;
  if (head === 'liaison-notice') return `Liaison notice: ${rest}`;
  if (head === 'failed') return `Failed: ${rest}`;
  return event;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2 Dec 2026, 03:46 UTC". */
export function timeWords(at: string | number | Date): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** "58 minutes left", "3 hours ago", "2 days left". */
export function relativeWords(at: string | number | Date, now: number = Date.now()): string {
  const ms = new Date(at).getTime() - now;
  const abs = Math.abs(ms);
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const amount =
    abs < 3_600_000
      ? unit(Math.max(1, Math.round(abs / 60_000)), 'minute')
      : abs < 2 * 86_400_000
        ? unit(Math.round(abs / 3_600_000), 'hour')
        : unit(Math.round(abs / 86_400_000), 'day');
  return ms >= 0 ? `${amount} left` : `${amount} ago`;
}

/** "the Department of State" → "Department of State" for a page header. */
export function departmentName(organization: string): string {
  const name = organization.replace(/^the\s+/i, '');
  return name.charAt(0).toUpperCase() + name.slice(1);
}
