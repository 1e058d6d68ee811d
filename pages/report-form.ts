/**
 * The Breach Incident form (5 FAM 468.3b: "Workforce members must report breaches using the Breach
 * Incident form"): its fields are pages/report-sections.ts, every field of the report (domain/report.ts).
 * The submission becomes the same report the API takes and is checked by the same schema; each problem
 * is put beside its field, in words a reporter reads.
 */
import { reportSchema, type Report } from '../domain/report.js';
import type { FieldErrors } from './fields.js';
import type { FormField, FormValues } from './link-form.js';
import { REPORT_FIELDS } from './report-sections.js';

// The words for each kind of PII, for the pages that show a report (pages/case-report.ts).
export { PII_WORDS } from './report-sections.js';

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
