/**
 * The Breach Incident form (5 FAM 468.3b: "Workforce members must report breaches using the Breach
 * Incident form"): every field of the report (domain/report.ts), with help from the policy, and the
 * DHS statement for medical information (nature, what, by whom, to whom). The submission becomes the
 * same report the API takes and is checked by the same schema; each problem is put beside its field.
 */
import { PII_TYPES, reportSchema, type Report } from '../domain/report.js';
import type { FieldErrors } from './fields.js';
import type { FormField, FormValues } from './link-form.js';

export const PII_WORDS: Record<(typeof PII_TYPES)[number], string> = {
  'personnel-payroll': 'Personnel or payroll information (468.3a(1))',
  'ssn-or-passport-number': 'Social Security numbers or passport numbers (468.3a(2))',
  'birth-data': 'Date or place of birth (468.3a(3))',
  medical: 'Medical information (468.3a(4))',
  'law-enforcement': 'Law enforcement information (468.3a(5))',
  financial: 'Financial information: bank, credit card or account numbers (468.3a(6))',
  'passport-application': 'Passport application information (468.3a(7))',
  biometric: 'Biometric records (468.3a(8))',
  other: 'Other personally identifiable information',
};

const YES_NO = { yes: 'Yes', no: 'No' };

/** In the order a person tells it: who you are, what happened, what data, to whom, how it was protected. */
export const REPORT_SECTIONS: { heading: string; fields: FormField[] }[] = [
  {
    heading: 'About you',
    fields: [
      {
        name: 'takenByTelephone',
        label: 'Are you filing this for someone who reported it to you by telephone?',
        type: 'yes-no',
        required: false,
        choiceLabels: YES_NO,
        hint: 'Then enter the caller as the reporter below (their name, email address and office); you are recorded as the official who took the call.',
      },
      { name: 'reporter.name', label: 'Your name', type: 'text', required: true, autocomplete: 'name' },
      { name: 'reporter.email', label: 'Your email address', type: 'email', required: true, autocomplete: 'email' },
      {
        name: 'reporter.office',
        label: 'Your office or bureau',
        type: 'text',
        required: true,
        autocomplete: 'organization',
        hint: 'e.g. Bureau of Consular Affairs, Embassy Paris',
      },
      {
        name: 'supervisor.name',
        label: "Your supervisor's name",
        type: 'text',
        required: true,
        hint: 'This form also tells your supervisor (5 FAM 468.3b).',
      },
      { name: 'supervisor.email', label: "Your supervisor's email address", type: 'email', required: true },
      {
        name: 'programManager.name',
        label: "The program manager's name",
        type: 'text',
        required: false,
        hint: 'The manager of the system or program the information belongs to, if you know them: they are told at once (DHS Privacy Incident Handling Guidance).',
      },
      { name: 'programManager.email', label: "The program manager's email address", type: 'email', required: false },
    ],
  },
  {
    heading: 'What happened',
    fields: [
      {
        name: 'discoveredAt',
        label: 'When it was discovered (UTC)',
        type: 'datetime',
        required: true,
        hint: 'The one-hour reporting clock starts here (5 FAM 468.3b(1)). Give the time in UTC.',
      },
      {
        name: 'occurredAt',
        label: 'When it happened, if known (UTC)',
        type: 'datetime',
        required: false,
        hint: 'At or before the discovery.',
      },
      {
        name: 'medium',
        label: 'Was it a cyber incident?',
        type: 'radios',
        required: true,
        choices: ['cyber', 'non-cyber'],
        choiceLabels: {
          cyber: 'Yes: electronic, on a network, system or device (goes to DS/CIRT)',
          'non-cyber': 'No: paper, spoken, or otherwise not electronic (goes to the Privacy Division)',
        },
        hint: 'A cyber incident is reported to US-CERT within one hour through DS/CIRT; any other to the Privacy Division (5 FAM 468.3b(1)).',
      },
      {
        name: 'title',
        label: 'A short title for the case',
        type: 'text',
        required: false,
        hint: 'One line that tells this case apart in the list, e.g. "Stolen laptop, visa applicants". No names or numbers of people: everyone on the case sees it.',
      },
      {
        name: 'summary',
        label: 'What happened',
        type: 'textarea',
        required: true,
        hint: 'What was lost, stolen, seen or sent, where and how. Write only what is needed: this report is PII too (5 FAM 469.2c).',
      },
      {
        name: 'disclosureFormat',
        label: 'The nature of the disclosure',
        type: 'radios',
        required: false,
        choices: ['electronic', 'paper', 'verbal', 'other'],
        choiceLabels: { electronic: 'Electronic', paper: 'Paper', verbal: 'Verbal (spoken)', other: 'Other' },
        hint: 'Needed when medical information is involved (DHS Privacy Incident Handling Guidance).',
      },
      {
        name: 'disclosedBy',
        label: 'By whom it was disclosed',
        type: 'text',
        required: false,
        hint: 'Needed when medical information is involved. A role or office is enough.',
      },
      {
        name: 'disclosedTo',
        label: 'To whom it was disclosed',
        type: 'text',
        required: false,
        hint: 'Needed when medical information is involved.',
      },
      {
        name: 'causedByWorkforceMember',
        label: 'Did a workforce member cause it?',
        type: 'yes-no',
        required: false,
        choiceLabels: YES_NO,
        hint: 'A conduct review follows (5 FAM 469.6). Do not name them here.',
      },
    ],
  },
  {
    heading: 'The information involved',
    fields: [
      {
        name: 'piiTypes',
        label: 'What kinds of personally identifiable information were involved?',
        type: 'checkboxes',
        required: true,
        choices: PII_TYPES,
        choiceLabels: PII_WORDS,
        hint: 'Choose all that apply (5 FAM 468.3a).',
      },
      {
        name: 'affectedCount',
        label: 'About how many people are affected?',
        type: 'number',
        required: true,
        hint: 'Your best estimate; 0 if you do not know yet.',
      },
      {
        name: 'affectedPopulation',
        label: 'Who are they?',
        type: 'radios',
        required: true,
        choices: ['workforce', 'public', 'both'],
        choiceLabels: {
          workforce: 'Workforce members (employees, contractors)',
          public: 'Members of the public',
          both: 'Both',
        },
      },
    ],
  },
  {
    heading: 'Protection and risk',
    fields: [
      {
        name: 'encrypted',
        label: 'Was the information encrypted?',
        type: 'yes-no',
        required: true,
        choiceLabels: YES_NO,
        hint: 'Encrypted to the Department standard (5 FAM 469.3b).',
      },
      {
        name: 'classifiedInvolved',
        label: 'Was classified information involved?',
        type: 'yes-no',
        required: true,
        choiceLabels: YES_NO,
        hint: 'Then it is a security incident too, and DS is told (5 FAM 467.2b).',
      },
      {
        name: 'criminalActSuspected',
        label: 'Do you suspect a crime?',
        type: 'yes-no',
        required: true,
        choiceLabels: YES_NO,
        hint: 'Then OIG Investigations is told (5 FAM 468.3b(2)).',
      },
    ],
  },
];

export const REPORT_FIELDS: FormField[] = REPORT_SECTIONS.flatMap((s) => s.fields);

function text(form: FormValues, name: string): string | undefined {
  const raw = form[name];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value === undefined || value === '' ? undefined : value;
}

const utc = (value: string | undefined) =>
  value && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)
    ? `${value.length === 16 ? `${value}:00` : value}Z`
    : value;
const yesNo = (value: string | undefined) => (value === 'yes' ? true : value === 'no' ? false : value);

/** The report from the form; what does not convert is passed on as typed, so the schema names the field. */
export function reportFromForm(
  form: FormValues,
  incidentId?: string,
  filer?: { name: string; email: string },
): Record<string, unknown> {
  const contact = (prefix: string) => ({ name: text(form, `${prefix}.name`), email: text(form, `${prefix}.email`) });
  const programManager = contact('programManager');
  const pii = form.piiTypes;
  const count = text(form, 'affectedCount');
  const report: Record<string, unknown> = {
    ...(incidentId ? { incidentId } : {}),
    reporter: { ...contact('reporter'), office: text(form, 'reporter.office') },
    supervisor: contact('supervisor'),
    ...(programManager.name || programManager.email ? { programManager } : {}),
    discoveredAt: utc(text(form, 'discoveredAt')),
    occurredAt: utc(text(form, 'occurredAt')),
    medium: text(form, 'medium'),
    disclosureFormat: text(form, 'disclosureFormat'),
    title: text(form, 'title'),
    summary: text(form, 'summary'),
    piiTypes: pii === undefined ? [] : Array.isArray(pii) ? pii : [pii],
    affectedCount:
      count === undefined
        ? undefined
        : Number.isFinite(Number(count.replace(/[,_\s]/g, '')))
          ? Number(count.replace(/[,_\s]/g, ''))
          : count,
    affectedPopulation: text(form, 'affectedPopulation'),
    disclosedBy: text(form, 'disclosedBy'),
    disclosedTo: text(form, 'disclosedTo'),
    causedByWorkforceMember: yesNo(text(form, 'causedByWorkforceMember')),
    encrypted: yesNo(text(form, 'encrypted')),
    classifiedInvolved: yesNo(text(form, 'classifiedInvolved')),
    criminalActSuspected: yesNo(text(form, 'criminalActSuspected')),
    // Taken by telephone: the caller is the reporter, the signed-in official files it (api/telephone.ts).
    ...(text(form, 'takenByTelephone') === 'yes' ? { intakeChannel: 'telephone', filedBy: filer } : {}),
  };
  for (const key of Object.keys(report)) if (report[key] === undefined) delete report[key];
  return report;
}

/** zod's messages in words a reporter reads ("expected string, received undefined" → "Enter ..."). */
function wordsFor(field: FormField | undefined, message: string, empty: boolean): string {
  const what = field?.label.replace(/\?$/, '').replace(/^(Your|The) /, (m) => m.toLowerCase()) ?? 'this';
  if (empty && /required when piiTypes holds "medical"/.test(message))
    return `Enter ${what.charAt(0).toLowerCase()}${what.slice(1)}: it is needed when medical information is involved`;
  if (
    empty ||
    /received undefined|expected a non-empty text|Invalid input/.test(message) ||
    (/expected (string|number|boolean|array)/.test(message) && !/ISO/.test(message))
  ) {
    if (field?.type === 'radios' || field?.type === 'yes-no' || field?.type === 'checkboxes')
      return `Choose ${field.type === 'checkboxes' ? 'at least one: ' : ''}${what.charAt(0).toLowerCase()}${what.slice(1)}`;
    return `Enter ${what.charAt(0).toLowerCase()}${what.slice(1)}`;
  }
  if (/email address/.test(message)) return `Enter ${what.charAt(0).toLowerCase()}${what.slice(1)} as name@example.gov`;
  if (/ISO 8601/.test(message)) return 'Enter a date and time, e.g. 1 March 2026 at 14:05';
  if (/required when piiTypes holds "medical"/.test(message))
    return `Enter ${what.charAt(0).toLowerCase()}${what.slice(1)}: it is needed when medical information is involved`;
  if (/at least one PII type/.test(message)) return 'Choose at least one kind of information (5 FAM 468.3a)';
  if (/at or before discoveredAt/.test(message)) return 'It must be at or before the time it was discovered';
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** The report, or the problems by field name. `futureIssue` is the API's check of a discovery time in the future. */
export function checkReport(
  form: FormValues,
  incidentId: string | undefined,
  futureIssue: (report: Report) => { path: string; message: string } | undefined,
  filer?: { name: string; email: string },
): { report: Report } | { errors: FieldErrors } {
  const parsed = reportSchema.safeParse(reportFromForm(form, incidentId, filer));
  const errors: FieldErrors = {};
  const byName = new Map(REPORT_FIELDS.map((f) => [f.name, f]));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String);
      // piiTypes.0 → piiTypes; programManager → its name field.
      const name = byName.has(path.join('.'))
        ? path.join('.')
        : byName.has(path[0] ?? '')
          ? path[0]!
          : path[0] === 'programManager'
            ? 'programManager.name'
            : path.join('.');
      errors[name] ??= wordsFor(
        byName.get(name),
        issue.message,
        text(form, name) === undefined && form[name] === undefined,
      );
    }
    // zod runs the cross-field rules only once every field has its shape: say them now too, so that
    // one round of corrections is enough.
    const pii = form.piiTypes;
    if ((Array.isArray(pii) ? pii : [pii]).includes('medical')) {
      for (const name of ['disclosureFormat', 'disclosedBy', 'disclosedTo']) {
        if (text(form, name) === undefined)
          errors[name] ??= wordsFor(byName.get(name), 'required when piiTypes holds "medical"', true);
      }
    }
    // In the order of the form, as the error summary lists them.
    const order = (name: string) =>
      (REPORT_FIELDS.findIndex((f) => f.name === name) + REPORT_FIELDS.length + 1) % (REPORT_FIELDS.length + 1);
    return { errors: Object.fromEntries(Object.entries(errors).sort(([a], [b]) => order(a) - order(b))) };
  }
  const future = futureIssue(parsed.data);
  if (future) return { errors: { discoveredAt: 'It must not be in the future: give the time in UTC' } };
  return { report: parsed.data };
}
