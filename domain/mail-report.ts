/**
 * A report that comes by email (5 FAM 468.3b: a workforce member who cannot reach the form reports to
 * the DS/CIRT or Privacy Division mailbox; CBP seed: to the SOC by email). What the message gives is
 * taken: the form's fields written as `Field: value` lines (the mail template below, which the form
 * offers), the subject as the summary, the sender as the reporter. What it does not give is filled with
 * the stricter reading (a cyber incident, so US-CERT hears within the hour; not encrypted; every
 * other answer open) and listed in `missing`, which the mailbox's role is asked to complete (the
 * `complete-report` decision). The one-hour clock runs from the earlier of the discovery time the
 * message states and its receipt (468.3b(1)): never later than the mail itself.
 */
import { PII_TYPES, type Report } from './report.js';
import { NOT_STATED } from './text.js';

/** The fields a message may give, in the form's words; each with the report field it fills. */
export const MAIL_FIELDS = [
  { label: 'Your office', field: 'reporter.office', help: 'your office or bureau' },
  { label: 'Supervisor name', field: 'supervisor.name', help: "your supervisor's name" },
  { label: 'Supervisor email', field: 'supervisor.email', help: "your supervisor's email address" },
  { label: 'Discovered', field: 'discoveredAt', help: 'when it was discovered, in UTC: 2026-03-01 14:05' },
  { label: 'Occurred', field: 'occurredAt', help: 'when it happened, if known (UTC)' },
  { label: 'Cyber', field: 'medium', help: 'yes (electronic) or no (paper, spoken)' },
  {
    label: 'What happened',
    field: 'summary',
    help: 'what was lost, stolen, seen or sent (the subject is used when empty)',
  },
  { label: 'PII types', field: 'piiTypes', help: PII_TYPES.join(', ') },
  { label: 'People affected', field: 'affectedCount', help: 'about how many; 0 if not known yet' },
  { label: 'Who', field: 'affectedPopulation', help: 'workforce, public or both' },
  { label: 'Encrypted', field: 'encrypted', help: 'yes or no' },
  { label: 'Classified', field: 'classifiedInvolved', help: 'yes or no' },
  { label: 'Crime suspected', field: 'criminalActSuspected', help: 'yes or no' },
] as const;
export type MailField = (typeof MAIL_FIELDS)[number]['field'];

/** The template a reporter copies into a message when the form cannot be reached. */
export function mailTemplate(mailboxes: readonly string[]): string {
  return [
    `To: ${mailboxes.join(', ')}`,
    'Subject: (one line: what happened)',
    '',
    ...MAIL_FIELDS.map((f) => `${f.label}: `),
    '',
    `(${MAIL_FIELDS.map((f) => `${f.label}: ${f.help}`).join('; ')})`,
  ].join('\n');
}

export interface MailMessage {
  /** The sender's address and display name (the envelope's or the From header's). */
  from: { address: string; name?: string | undefined };
  subject: string;
  text: string;
  receivedAt: Date;
}

export interface MailReport {
  report: Report;
  /** The fields the message did not give (or gave in a form not understood), in the template's order. */
  missing: MailField[];
  /** What was given but not understood, by field: said back to the sender. */
  unreadable: { field: MailField; message: string }[];
}

const key = (label: string) => label.toLowerCase().replace(/[^a-z0-9]/g, '');
const BY_KEY = new Map<string, MailField>(
  MAIL_FIELDS.flatMap((f) => [
    [key(f.label), f.field],
    [key(f.field), f.field],
  ]),
);

function yesNo(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (['yes', 'y', 'true'].includes(v)) return true;
  if (['no', 'n', 'false'].includes(v)) return false;
  return undefined;
}

/** `2026-03-01 14:05`, `2026-03-01T14:05Z`, any ISO time with an offset; a time without one is UTC. */
function time(value: string): string | undefined {
  const v = value.trim().replace(' ', 'T');
  const withZone = /[zZ]|[+-]\d{2}:?\d{2}$/.test(v) ? v : `${v}Z`;
  const ms = Date.parse(withZone);
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

type Reader = (value: string) => { ok: true; value: unknown } | { ok: false; message: string };
const ok = (value: unknown) => ({ ok: true as const, value });
const bad = (message: string) => ({ ok: false as const, message });
const textOf: Reader = (v) => (v.trim() ? ok(v.trim().slice(0, 20_000)) : bad('empty'));
const boolOf: Reader = (v) => {
  const b = yesNo(v);
  return b === undefined ? bad('expected yes or no') : ok(b);
};
const timeOf: Reader = (v) => {
  const t = time(v);
  return t ? ok(t) : bad('expected a date and time such as 2026-03-01 14:05 (UTC)');
};

const READERS: Record<MailField, Reader> = {
  'reporter.office': textOf,
  'supervisor.name': textOf,
  'supervisor.email': (v) =>
    /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(v.trim()) ? ok(v.trim()) : bad('expected an email address'),
  discoveredAt: timeOf,
  occurredAt: timeOf,
  medium: (v) => {
    const b = yesNo(v);
    if (b !== undefined) return ok(b ? 'cyber' : 'non-cyber');
    const m = v.trim().toLowerCase();
    return m === 'cyber' || m === 'non-cyber' ? ok(m) : bad('expected yes (electronic) or no');
  },
  summary: textOf,
  piiTypes: (v) => {
    const given = v
      .split(/[,;]/)
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean);
    const unknown = given.filter((t) => !(PII_TYPES as readonly string[]).includes(t));
    if (!given.length || unknown.length) return bad(`expected some of: ${PII_TYPES.join(', ')}`);
    return ok([...new Set(given)]);
  },
  affectedCount: (v) => {
    const n = Number(v.replace(/[,_\s]/g, ''));
    return Number.isInteger(n) && n >= 0 && n <= 1_000_000_000 ? ok(n) : bad('expected a whole number');
  },
  affectedPopulation: (v) => {
    const p = v.trim().toLowerCase();
    return ['workforce', 'public', 'both'].includes(p) ? ok(p) : bad('expected workforce, public or both');
  },
  encrypted: boolOf,
  classifiedInvolved: boolOf,
  criminalActSuspected: boolOf,
};

/** What the message gives, read; the rest filled with the stricter reading and listed as missing. */
export function readMailReport(message: MailMessage): MailReport {
  const given = new Map<MailField, unknown>();
  const unreadable: MailReport['unreadable'] = [];
  for (const line of message.text.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z][A-Za-z .()]{1,40}?)\s*:\s*(.*)$/.exec(line);
    const field = match ? BY_KEY.get(key(match[1]!.replace(/\(.*\)/, ''))) : undefined;
    if (!field || given.has(field) || !match![2]!.trim()) continue;
    const read = READERS[field](match![2]!);
    if (read.ok) given.set(field, read.value);
    else unreadable.push({ field, message: read.message });
  }
  const subject = message.subject.trim();
  if (!given.has('summary') && subject) given.set('summary', subject.slice(0, 20_000));
  const received = message.receivedAt.toISOString();
  // 468.3b(1): the hour runs from discovery; never from later than the message that reports it.
  const stated = given.get('discoveredAt') as string | undefined;
  const discoveredAt = stated && Date.parse(stated) < message.receivedAt.getTime() ? stated : received;
  const occurred = given.get('occurredAt') as string | undefined;
  const get = <T>(field: MailField, fallback: T): T => (given.has(field) ? (given.get(field) as T) : fallback);
  const report: Report = {
    reporter: {
      name: message.from.name?.trim() || message.from.address,
      email: message.from.address,
      office: get('reporter.office', NOT_STATED),
    },
    supervisor: {
      name: get('supervisor.name', NOT_STATED),
      // Until completed, the supervisor's notice goes to the reporter, who is asked to pass it on.
      email: get('supervisor.email', message.from.address),
    },
    discoveredAt,
    ...(occurred && Date.parse(occurred) <= Date.parse(discoveredAt) ? { occurredAt: occurred } : {}),
    medium: get('medium', 'cyber'),
    summary: get('summary', 'Reported by email without a subject or a description.'),
    piiTypes: get('piiTypes', ['other']),
    affectedCount: get('affectedCount', 0),
    affectedPopulation: get('affectedPopulation', 'both'),
    encrypted: get('encrypted', false),
    classifiedInvolved: get('classifiedInvolved', false),
    criminalActSuspected: get('criminalActSuspected', false),
    intakeChannel: 'email',
  };
  if (report.piiTypes.includes('medical')) {
    // The DHS statement the schema asks for with medical information: asked of the mailbox with the rest.
    Object.assign(report, { disclosureFormat: 'other', disclosedBy: NOT_STATED, disclosedTo: NOT_STATED });
  }
  const optional = new Set<MailField>(['occurredAt']);
  const missing = MAIL_FIELDS.map((f) => f.field).filter((f) => !optional.has(f) && !given.has(f));
  return { report: missing.length ? { ...report, missingFields: missing } : report, missing, unreadable };
}

/** What each missing field is called in an acknowledgement or a gate's ask. */
export function mailFieldLabel(field: MailField): string {
  return MAIL_FIELDS.find((f) => f.field === field)?.label ?? field;
}
