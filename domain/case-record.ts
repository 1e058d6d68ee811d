/**
 * The case record (5 FAM 468.7, the Federal Records Act; 467.4-2b(7) the comprehensive report to the
 * PPGB): everything a records officer or an inspector asks for about one incident. Versioned: a field
 * added is a minor change (readers ignore what they do not know); a field renamed, removed or changed
 * in meaning raises CASE_RECORD_VERSION. docs/case-record.md describes every field.
 *
 * Pure: the workflow builds it (workflows/case-record.ts), the archive activity, the API and the CLI
 * seal it (the letter's digest needs a hash function the workflow sandbox does not have).
 */
import { z } from 'zod';
import { LEVELS, letterSchema } from './decision.js';
import { reportSchema } from './report.js';
import { ROLES } from './roles.js';
import { PHASES } from './state.js';

import { CASE_RECORD_SCHEMA, CASE_RECORD_VERSION } from './case-record-format.js';

// Plain (domain/case-record-format.ts, for the workflow sandbox); re-exported for the boundaries.
export { CASE_RECORD_SCHEMA, CASE_RECORD_VERSION, canonicalJson } from './case-record-format.js';

const iso = z.string().describe('ISO 8601 time');
const level = z.enum(LEVELS);

export const routingEntrySchema = z.object({
  /** What was sent, by the step's name (`report-usCert`, `tell-supervisor`). */
  step: z.string(),
  /** An endpoint name (`usCert`) or a role (`dsCirt`) or `supervisor`. */
  to: z.string(),
  at: iso,
  status: z.enum(['delivered', 'sent', 'refused', 'failed', 'filed-by-hand']),
  /** The receiver's receipt or record id, when it gave one. */
  receipt: z.string().nullable(),
  detail: z.string().optional(),
});
export type RoutingEntry = z.infer<typeof routingEntrySchema>;

export const recordedDecisionSchema = z.object({
  kind: z.string(),
  decisionId: z.string().optional(),
  actorId: z.string(),
  at: iso,
  rationale: z.string().optional(),
  outcome: z.string().optional(),
  /**
   * The grounds the decision carried, as the decision gave them: analysis factors, risk override,
   * authorized-disclosure finding, options, cost estimate and notes, delay and bar requests with their
   * reasons, entities and dates, action-item evidence, the filing reference. The letter is under `letter`.
   */
  grounds: z.record(z.string(), z.unknown()),
});

export const deadlineSchema = z.object({
  name: z.string(),
  paragraph: z.string(),
  dueAt: iso,
  /** When it was met; null while open or when missed. */
  metAt: iso.nullable(),
  status: z.enum(['met', 'missed', 'open']),
});
export type DeadlineEntry = z.infer<typeof deadlineSchema>;

export const timelineEntrySchema = z.object({
  at: iso,
  event: z.string(),
  actorId: z.string().optional(),
  detail: z.string().optional(),
});

export const caseRecordSchema = z.looseObject({
  schema: z.literal(CASE_RECORD_SCHEMA),
  version: z.literal(CASE_RECORD_VERSION),
  incidentId: z.string(),
  generatedAt: iso,
  phase: z.enum(PHASES),
  outcome: z.string(),
  report: z.object({
    /** The first report as received (encrypted in every payload like all the incident's data). */
    first: reportSchema.nullable(),
    supplements: z.array(z.object({ at: iso, report: reportSchema })),
    receivedAt: iso,
    medium: z.enum(['cyber', 'non-cyber']),
    occurredAt: iso.nullable(),
    discoveredAt: iso,
  }),
  routing: z.array(routingEntrySchema),
  responsibleOffice: z.string().nullable(),
  crgConvened: z.boolean().nullable(),
  risk: z.object({
    computed: level.nullable(),
    determined: level.nullable(),
    overridden: z.boolean(),
    reasons: z.array(z.string()),
  }),
  options: z.array(z.string()),
  authorizedDisclosure: z.record(z.string(), z.unknown()).nullable(),
  costEstimateUsd: z.number().nullable(),
  decisions: z.array(recordedDecisionSchema),
  delays: z.array(
    z.object({
      kind: z.string(),
      at: iso,
      actorId: z.string(),
      requestingEntity: z.string().nullable(),
      reason: z.string().nullable(),
      notifyAfter: z.string().nullable(),
    }),
  ),
  letter: z
    .object({
      approvedAt: iso,
      approvedBy: z.string(),
      letter: letterSchema,
      /** The letter's canonical text (JSON, keys sorted): what the digest is of. */
      text: z.string(),
      /** SHA-256 of `text`, hex; null only in a record not yet sealed (sealCaseRecord). */
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .nullable(),
      roster: z.object({ url: z.string(), count: z.number() }),
      immediate: z.boolean(),
    })
    .nullable(),
  notification: z
    .object({
      total: z.number().nullable(),
      processed: z.number(),
      letters: z.number(),
      emails: z.number(),
      failed: z.number(),
      returned: z.number(),
      resent: z.number(),
      substituted: z.number(),
      substituteNotice: z.boolean(),
      /** Roster lines that failed and why (never the person's data); the first 1,000. */
      failures: z.array(z.object({ line: z.number(), reason: z.string() })),
    })
    .nullable(),
  liaisonNotices: z.array(z.object({ liaison: z.string(), at: iso })),
  actionItems: z.array(
    z.object({
      id: z.string(),
      ownerRole: z.enum(ROLES),
      status: z.enum(['open', 'done']),
      description: z.string().optional(),
      evidence: z.string().optional(),
      completedBy: z.string().optional(),
      completedAt: z.string().optional(),
    }),
  ),
  /** What the case owed (domain/duties.ts); absent in incidents started before duties were derived. */
  duties: z
    .array(
      z.object({
        id: z.string(),
        paragraph: z.string(),
        owes: z.string(),
        owner: z.enum(ROLES),
        dueAt: iso.nullable(),
        status: z.enum(['open', 'discharged']),
        dischargedBy: z.string().optional(),
        dischargedAt: z.string().optional(),
      }),
    )
    .optional(),
  deadlines: z.array(deadlineSchema),
  escalations: z.array(timelineEntrySchema),
  timeline: z.array(timelineEntrySchema),
  closure: z.object({
    signedOffBy: z.string().nullable(),
    signedOffAt: iso.nullable(),
    archive: z.object({
      status: z.enum(['not-yet', 'pending', 'filed', 'refused', 'filed-by-hand']),
      reference: z.string().nullable(),
      at: iso.nullable(),
      filedBy: z.string().nullable(),
    }),
    closedAt: iso.nullable(),
  }),
  // Sections other parts of the system add (the route, the accounting of disclosures, major-incident
  // reporting, the report's references, the cost basis, ...) sit at the top level under their own names
  // (a loose object): docs/case-record.md lists them.
});

/** The top-level fields of version 1 that this module defines; any other is a section added elsewhere. */
export const CORE_FIELDS = new Set(Object.keys(caseRecordSchema.shape));
export type CaseRecord = z.infer<typeof caseRecordSchema>;

/** The record with its letter digest filled in; `sha256hex` is node:crypto's outside the sandbox. */
export function sealCaseRecord(record: CaseRecord, sha256hex: (text: string) => string): CaseRecord {
  if (!record.letter) return record;
  return { ...record, letter: { ...record.letter, sha256: sha256hex(record.letter.text) } };
}
