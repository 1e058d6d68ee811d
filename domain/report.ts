import { z } from 'zod';
import { ATTACK_VECTORS, FUNCTIONAL_IMPACTS, RECOVERABILITY } from './cisa.js';
import { incidentIdSchema } from './ids.js';

// 5 FAM 468.3a: the PII types a workforce member must report (zod-free, for the workflow's checks too).
import { PII_TYPES } from './decision-terms.js';
export { PII_TYPES };
export type PiiType = (typeof PII_TYPES)[number];

/** ISO 8601 with an offset ("Z" included); a time without one is ambiguous across posts abroad. */
export const isoDateTimeSchema = z.iso.datetime({
  offset: true,
  message: 'expected an ISO 8601 time with an offset, e.g. 2026-03-01T14:05:00Z',
});

// `\S` rather than a minimum length after trimming: the same rule, and one the OpenAPI document can state (a
// pattern), so that a client generated from /openapi.json does not send blank text.
const text = (max: number) =>
  z.string().trim().regex(/\S/, 'expected a non-empty text').max(max, `expected at most ${max} characters`);

export const contactSchema = z.strictObject({
  name: text(200),
  email: z.email('expected an email address'),
});

/**
 * How a report came in (5 FAM 468.3b): the Breach Incident form or the API (absent: one of those); by
 * email to an intake mailbox when the form cannot be reached (api/intake-mail); by telephone, taken by
 * an official who files it for the caller (CBP seed: reports to the SOC by email or telephone).
 */
export const INTAKE_CHANNELS = ['form', 'api', 'email', 'telephone'] as const;
export type IntakeChannel = (typeof INTAKE_CHANNELS)[number];

export const reportSchema = z
  .strictObject({
    incidentId: incidentIdSchema.optional(),
    /**
     * A short line of what the case is about, for the list ("Stolen laptop, visa applicants"). Not PII:
     * it is shown in lists and mail subjects to everyone on the case (docs/contract.md "The report").
     */
    title: text(120).optional(),
    reporter: contactSchema.extend({ office: text(200) }),
    supervisor: contactSchema,
    programManager: contactSchema.optional(),
    discoveredAt: isoDateTimeSchema,
    occurredAt: isoDateTimeSchema.optional(),
    medium: z.enum(['cyber', 'non-cyber']),
    disclosureFormat: z.enum(['electronic', 'paper', 'verbal', 'other']).optional(),
    summary: text(20_000),
    piiTypes: z.array(z.enum(PII_TYPES)).min(1, 'expected at least one PII type (5 FAM 468.3a)').max(PII_TYPES.length),
    affectedCount: z
      .number()
      .int('expected a whole number')
      .min(0, 'expected zero or more')
      .max(1_000_000_000, 'expected at most 1,000,000,000'),
    affectedPopulation: z.enum(['workforce', 'public', 'both']),
    disclosedBy: text(500).optional(),
    disclosedTo: text(500).optional(),
    /** A workforce member caused the disclosure: opens a conduct review (5 FAM 469.6). */
    causedByWorkforceMember: z.boolean().optional(),
    encrypted: z.boolean(),
    classifiedInvolved: z.boolean(),
    criminalActSuspected: z.boolean(),
    /** CISA's Federal Incident Notification Guidelines, where the reporter knows them (domain/cisa.ts). */
    functionalImpact: z.enum(FUNCTIONAL_IMPACTS).optional(),
    recoverability: z.enum(RECOVERABILITY).optional(),
    attackVector: z.enum(ATTACK_VECTORS).optional(),
    intakeChannel: z.enum(INTAKE_CHANNELS).optional(),
    /** The official who took the report (by telephone) and filed it for the caller, who is `reporter`. */
    filedBy: contactSchema.optional(),
    /**
     * What a report by email did not give (domain/mail-report.ts): filled meanwhile with the stricter
     * reading, asked of the mailbox's role (`complete-report`), and cleared when completed.
     */
    missingFields: z.array(text(64)).max(20).optional(),
    /** The intake mailbox a report by email was sent to (its role completes it; the playbook's `intake`). */
    intakeMailbox: z.email('expected an email address').optional(),
    /** Files a report by email carried, within the playbook's limit (encrypted with the rest of the report). */
    attachments: z
      .array(
        z.strictObject({
          filename: text(255),
          contentType: text(127),
          size: z.number().int().min(0).max(700_000),
          contentBase64: z.base64().max(940_000),
        }),
      )
      .max(20)
      .optional(),
  })
  .superRefine((report, ctx) => {
    if (report.intakeChannel === 'telephone' && report.filedBy === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['filedBy'],
        message: 'required when intakeChannel is "telephone": the official who took the call (the caller is reporter)',
      });
    }
    // DHS Privacy Incident Handling Guidance (CBP seed): a disclosure of medical information needs the
    // statement of its nature (electronic, paper, verbal), by whom and to whom; what is told in `summary`.
    if (report.piiTypes.includes('medical')) {
      for (const field of ['disclosureFormat', 'disclosedBy', 'disclosedTo'] as const) {
        if (report[field] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `required when piiTypes holds "medical" (DHS Privacy Incident Handling Guidance)`,
          });
        }
      }
    }
    if (report.occurredAt && Date.parse(report.occurredAt) > Date.parse(report.discoveredAt)) {
      ctx.addIssue({ code: 'custom', path: ['occurredAt'], message: 'expected a time at or before discoveredAt' });
    }
  });

export type Report = z.infer<typeof reportSchema>;
/** A report after intake: the incident id is always known. */
export type IntakeReport = Report & { incidentId: string };

/** Zod issues as the contract's `[{ path, message }]` (domain/issues.ts; re-exported for the workflow code that imports it from here). */
export { issuesOf } from './issues.js';
