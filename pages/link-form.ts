/**
 * The form an approval link shows for each decision kind, and its submission turned back into the
 * decision body the API's JSON route takes (validated by the same decisionBodySchema). Field names are
 * dotted paths into the decision (`letter.contact.tollFreePhone`); only the kind's own fields are read,
 * so a form can never carry an `actorId` or another kind's field.
 */
import {
  AUTHORIZED_BASES,
  COSTED_MEASURES,
  CUSTODIAN_KINDS,
  CUSTODY_PURPOSES,
  LEVELS,
  OPTIONS,
  type DecisionKind,
} from '../domain/decision.js';
import type { Playbook } from '../domain/playbook.js';
import { PII_TYPES } from '../domain/decision-terms.js';
import type { IncidentState } from '../domain/state.js';

export type FieldType =
  | 'text'
  | 'email'
  | 'textarea'
  | 'number'
  | 'select'
  | 'radios'
  | 'yes-no'
  | 'checkbox'
  | 'checkboxes'
  | 'time'
  | 'date'
  | 'datetime';

export interface FormField {
  name: string;
  label: string;
  type: FieldType;
  required: boolean;
  choices?: readonly string[];
  /** What each choice is called on the page (the value stays the wire's). */
  choiceLabels?: Readonly<Record<string, string>>;
  hint?: string;
  /** Browser autofill (WCAG 1.3.5). */
  autocomplete?: string;
}

const rationale: FormField = {
  name: 'rationale',
  label: 'Your reasons',
  type: 'textarea',
  required: true,
  hint: 'They go into the case record (5 FAM 468.7).',
};
const LEVEL_WORDS = { low: 'Low', moderate: 'Moderate', high: 'High' } as const;
const level = (name: string, label: string): FormField => ({
  name: `factors.${name}`,
  label,
  type: 'select',
  required: true,
  choices: LEVELS,
  choiceLabels: LEVEL_WORDS,
});
const OUTCOMES: Record<string, string> = {
  'refer-to-ppgb': 'Refer to the full PPGB',
  'refer-to-under-secretary': 'Refer to the Under Secretary',
  'return-to-crg': 'Return to the Core Response Group',
  'approve-notification': 'Approve notification of the affected people',
  'decline-notification': 'Decline notification',
};
const FINAL = ['approve-notification', 'decline-notification'] as const;

/** The fields of a kind's form. Outcomes that only the delegated authority may choose follow the playbook. */
export function formFields(
  kind: DecisionKind,
  context: { playbook: Playbook; state?: IncidentState; personRoles?: readonly string[] },
): FormField[] {
  const delegated = context.playbook.finalNotificationAuthority === 'ppgbChair';
  switch (kind) {
    case 'assign-responsible-office':
      return [
        {
          name: 'office',
          label: 'Office responsible',
          type: 'text',
          required: true,
          hint: 'The office that leads the administrative fact-finding (5 FAM 467.2c), e.g. Bureau of Consular Affairs.',
        },
      ];
    case 'convene-crg':
      return [
        { name: 'convene', label: 'Convene the Core Response Group?', type: 'yes-no', required: true },
        rationale,
      ];
    case 'submit-analysis':
      return [
        level('dataNature', 'Nature, content and age of the data (468.4(1))'),
        level('misuseLikelihood', 'Ability and likelihood of misuse (468.4(2))'),
        level('logicalAccess', 'Ease of logical access (468.4(3))'),
        level('physicalAccess', 'Ease of physical access (468.4(4))'),
        level('deliberateTargeting', 'Evidence of deliberate targeting (468.4(5))'),
        level('priorMisuse', 'Evidence of earlier misuse (468.4(6))'),
        { name: 'options', label: 'Options (468.5a)', type: 'checkboxes', required: false, choices: OPTIONS },
        {
          name: 'costedMeasures',
          label: 'Measures that cost money (468.5d)',
          type: 'checkboxes',
          required: false,
          choices: COSTED_MEASURES,
          hint: 'CGFS estimates them; credit protection and mail at scale always are',
        },
        rationale,
        {
          name: 'riskOverride.level',
          label: 'Override the derived risk level',
          type: 'select',
          required: false,
          choices: LEVELS,
        },
        { name: 'riskOverride.rationale', label: 'Why override', type: 'textarea', required: false },
        {
          name: 'authorizedDisclosure.basis',
          label: 'Authorized disclosure: basis',
          type: 'select',
          required: false,
          choices: AUTHORIZED_BASES,
        },
        {
          name: 'authorizedDisclosure.explanation',
          label: 'Authorized disclosure: explanation',
          type: 'textarea',
          required: false,
        },
        {
          name: 'authorizedDisclosure.custodyPurpose',
          label: 'Custody purpose (45 CFR 164.512(k)(5)(i))',
          type: 'select',
          required: false,
          choices: CUSTODY_PURPOSES,
          hint: 'required for hipaa-custody-exemption',
        },
        {
          name: 'authorizedDisclosure.custodian.name',
          label: 'Custodian with lawful custody',
          type: 'text',
          required: false,
          hint: 'required for hipaa-custody-exemption',
        },
        {
          name: 'authorizedDisclosure.custodian.kind',
          label: 'Custodian is a',
          type: 'select',
          required: false,
          choices: CUSTODIAN_KINDS,
          hint: 'required for hipaa-custody-exemption',
        },
        {
          name: 'authorizedDisclosure.custodian.determination.by',
          label: 'Who at the custodian determined the information was necessary',
          type: 'text',
          required: false,
          hint: 'required for hipaa-custody-exemption (the custodian determines it is necessary)',
        },
        {
          name: 'authorizedDisclosure.custodian.determination.at',
          label: 'When the custodian determined it',
          type: 'time',
          required: false,
          hint: 'required for hipaa-custody-exemption; no later than the disclosure',
        },
        {
          name: 'authorizedDisclosure.subjectInLawfulCustody',
          label: 'The individual was in lawful custody',
          type: 'checkbox',
          required: false,
          hint: 'required for hipaa-custody-exemption',
        },
        {
          name: 'authorizedDisclosure.recipient.name',
          label: 'Recipient of the disclosure (person or agency)',
          type: 'text',
          required: false,
          hint: 'for the accounting of disclosures (5 FAM 464c)',
        },
        {
          name: 'authorizedDisclosure.recipient.address',
          label: 'Recipient address',
          type: 'textarea',
          required: false,
          hint: 'for the accounting of disclosures (5 FAM 464c)',
        },
        {
          name: 'authorizedDisclosure.disclosedAt',
          label: 'Date of the disclosure',
          type: 'time',
          required: false,
          hint: 'default: when the report says it occurred',
        },
        {
          name: 'classifiedInvolved',
          label: 'The analysis found classified information involved',
          type: 'checkbox',
          required: false,
          hint: '5 FAM 468.1(4)',
        },
        {
          name: 'criminalActSuspected',
          label: 'The analysis suspects a criminal act',
          type: 'checkbox',
          required: false,
          hint: '5 FAM 468.3b(2)',
        },
        {
          name: 'causedByWorkforceMember',
          label: 'The analysis found a workforce member caused it',
          type: 'checkbox',
          required: false,
          hint: '5 FAM 469.6',
        },
        { name: 'affectedCount', label: 'People affected, as the CRG counts them', type: 'number', required: false },
      ];
    case 'cost-estimate':
      return [
        { name: 'estimatedCostUsd', label: 'Estimated cost (USD)', type: 'number', required: true },
        { name: 'notes', label: 'Notes', type: 'textarea', required: false },
      ];
    case 'ppgb-override':
      return [rationale];
    case 'ppgb-chair-decision':
      return [
        {
          name: 'outcome',
          label: 'Outcome',
          type: 'radios',
          choiceLabels: OUTCOMES,
          required: true,
          choices: ['refer-to-ppgb', 'refer-to-under-secretary', 'return-to-crg', ...(delegated ? FINAL : [])],
        },
        rationale,
      ];
    case 'ppgb-decision':
      return [
        {
          name: 'outcome',
          label: 'Outcome',
          type: 'radios',
          choiceLabels: OUTCOMES,
          required: true,
          choices: ['refer-to-under-secretary', 'return-to-crg', ...(delegated ? FINAL : [])],
        },
        rationale,
      ];
    case 'under-secretary-decision':
      return [
        { name: 'outcome', label: 'Outcome', type: 'radios', choiceLabels: OUTCOMES, required: true, choices: FINAL },
        rationale,
      ];
    case 'approve-letter':
      return [
        { name: 'letter.whatHappened', label: 'What happened, with dates', type: 'textarea', required: true },
        { name: 'letter.piiInvolved', label: 'The PII involved', type: 'textarea', required: true },
        { name: 'letter.actionsTaken', label: 'What the Department is doing', type: 'textarea', required: true },
        { name: 'letter.contact.tollFreePhone', label: 'Toll-free number', type: 'text', required: true },
        { name: 'letter.contact.email', label: 'Contact email', type: 'text', required: false },
        { name: 'letter.contact.website', label: 'Contact web site', type: 'text', required: false },
        { name: 'letter.contact.postalAddress', label: 'Contact postal address', type: 'textarea', required: false },
        { name: 'letter.protectiveSteps', label: 'Steps to protect oneself', type: 'textarea', required: true },
        { name: 'letter.protectionAtTime', label: 'How the data was protected', type: 'textarea', required: true },
        {
          name: 'letter.creditProtectionOffer',
          label: 'Credit protection offered',
          type: 'textarea',
          required: false,
          hint: 'required when the CRG chose credit protection (5 FAM 468.6-1b)',
        },
        {
          name: 'roster.url',
          label: 'Roster URL',
          type: 'text',
          required: true,
          hint: 'http(s):// or file://, newline-delimited JSON',
        },
        { name: 'roster.count', label: 'People on the roster', type: 'number', required: true },
        { name: 'immediate', label: 'Notice must be immediate (email)', type: 'checkbox', required: false },
      ];
    case 'request-delay':
      return [
        { name: 'requestingEntity', label: 'Requesting entity', type: 'text', required: true },
        { name: 'reason', label: 'Reason', type: 'textarea', required: true },
        {
          name: 'notifyAfter',
          label: 'Notice no longer harms the investigation after',
          type: 'datetime',
          required: true,
          hint: 'Date and time in UTC.',
        },
      ];
    case 'extend-delay':
      return [
        {
          name: 'notifyAfter',
          label: 'New date after which notice may go out',
          type: 'datetime',
          required: true,
          hint: 'Date and time in UTC.',
        },
      ];
    case 'lift-delay':
      return [];
    case 'bar-notification':
      return [{ name: 'reason', label: 'Reason', type: 'textarea', required: true }];
    case 'complete-action-item': {
      const roles = context.personRoles ?? [];
      const open = (context.state?.actionItems ?? []).filter(
        (item) => item.status === 'open' && (roles.includes(item.ownerRole) || roles.includes('ipsDirector')),
      );
      return [
        { name: 'itemId', label: 'Action item', type: 'select', required: true, choices: open.map((item) => item.id) },
        { name: 'evidence', label: 'Evidence', type: 'textarea', required: true },
      ];
    }
    case 'acknowledge-delay':
      return [
        {
          ...rationale,
          hint: 'the delay does not unduly exacerbate the risk or harm to the people affected (5 FAM 468.6-3a)',
        },
      ];
    case 'record-filed':
      return [
        {
          name: 'reference',
          label: 'Where the case record was filed',
          type: 'text',
          required: true,
          hint: 'the records system and its reference (5 FAM 468.7)',
        },
      ];
    case 'report-filed':
      return [
        { name: 'to', label: 'Report', type: 'select', required: true, choices: ['usCert', 'privacyDivision', 'oig'] },
        { name: 'filedBy', label: 'Filed by', type: 'text', required: true },
        {
          name: 'reference',
          label: 'Reference',
          type: 'text',
          required: true,
          hint: "the receiver's case or ticket number",
        },
      ];
    case 'reconcile-roster':
    case 'sign-off-closure':
      return [rationale];
    case 'complete-report':
      return completeReportFields;
  }
}

/** 468.3b: what a report by email may have left out; only the fields filled in change the report. */
const completeReportFields: FormField[] = [
  { name: 'office', label: "The reporter's office or bureau", type: 'text', required: false },
  { name: 'supervisor.name', label: "The reporter's supervisor", type: 'text', required: false },
  { name: 'supervisor.email', label: "The supervisor's email address", type: 'email', required: false },
  { name: 'discoveredAt', label: 'When it was discovered (UTC)', type: 'datetime', required: false },
  {
    name: 'medium',
    label: 'Was it a cyber incident?',
    type: 'radios',
    required: false,
    choices: ['cyber', 'non-cyber'],
    choiceLabels: { cyber: 'Yes: electronic', 'non-cyber': 'No: paper, spoken or otherwise' },
  },
  { name: 'summary', label: 'What happened', type: 'textarea', required: false },
  {
    name: 'piiTypes',
    label: 'The kinds of PII involved (468.3a)',
    type: 'checkboxes',
    required: false,
    choices: PII_TYPES,
  },
  { name: 'affectedCount', label: 'About how many people are affected', type: 'number', required: false },
  {
    name: 'affectedPopulation',
    label: 'Who they are',
    type: 'radios',
    required: false,
    choices: ['workforce', 'public', 'both'],
  },
  { name: 'encrypted', label: 'Was the information encrypted?', type: 'yes-no', required: false },
  { name: 'classifiedInvolved', label: 'Was classified information involved?', type: 'yes-no', required: false },
  { name: 'criminalActSuspected', label: 'Is a crime suspected?', type: 'yes-no', required: false },
];

/** A submitted form (`@fastify/formbody`: a value, or a list for a repeated name). */
export type FormValues = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node = (node[key] ??= {}) as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/**
 * The decision body (without actorId) from the form: empty fields are left out, numbers and yes/no
 * converted; what does not convert is passed on as text so the schema names the field.
 */
export function decisionFromForm(kind: DecisionKind, fields: FormField[], form: FormValues): Record<string, unknown> {
  const body: Record<string, unknown> = { kind };
  for (const field of fields) {
    const raw = form[field.name];
    if (field.type === 'checkboxes') {
      // A completion changes only what it gives: no box ticked leaves the report's list as it is.
      if (raw === undefined && kind === 'complete-report') continue;
      setPath(body, field.name, raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]);
      continue;
    }
    if (field.type === 'checkbox') {
      if (raw !== undefined) setPath(body, field.name, true);
      continue;
    }
    const text = first(raw)?.trim();
    if (text === undefined || text === '') continue;
    if (field.type === 'number') {
      const number = Number(text.replace(/[,_\s]/g, ''));
      setPath(body, field.name, Number.isFinite(number) ? number : text);
    } else if (field.type === 'datetime') {
      // <input type=datetime-local> gives "2026-03-01T14:05" with no zone: the form asks for UTC.
      setPath(
        body,
        field.name,
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text) ? `${text.length === 16 ? `${text}:00` : text}Z` : text,
      );
    } else if (field.type === 'yes-no') {
      setPath(body, field.name, text === 'yes' ? true : text === 'no' ? false : text);
    } else {
      setPath(body, field.name, text);
    }
  }
  return body;
}
