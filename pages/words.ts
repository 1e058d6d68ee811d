/**
 * The pages speak to people, not to the wire: decision kinds, roles, phases, timeline events and times
 * in words ("Name the office responsible", "2 Dec 2026, 03:46 UTC (58 minutes left)"). The wire names
 * stay in the API and the CLI; here they appear only where an operator needs them (the incident number).
 */
import { DECISION_KINDS, definitionOf, type DecisionKind } from '../domain/decisions/index.js';
import type { KindWords } from '../domain/decisions/define.js';
import type { Role } from '../domain/roles.js';
import type { Phase } from '../domain/state.js';

/** Each decision kind's words, as its definition gives them (domain/decisions/). */
export const KIND_WORDS = Object.fromEntries(DECISION_KINDS.map((kind) => [kind, definitionOf(kind).words])) as Record<
  DecisionKind,
  KindWords
>;

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
