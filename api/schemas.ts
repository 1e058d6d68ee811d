/**
 * The zod schemas of the HTTP API: the server validates requests with them and openapi.ts turns the
 * very same objects into GET /openapi.json, so the document cannot drift from the code.
 */
import { z } from 'zod';
import { decisionBodySchema, LEVELS } from '../domain/decision.js';
import { incidentIdSchema } from '../domain/ids.js';
import { reportSchema } from '../domain/report.js';
import { ROLES } from '../domain/roles.js';
import { PHASES, type IncidentState } from '../domain/state.js';

export { reportSchema, decisionBodySchema };

export const issueSchema = z.object({ path: z.string(), message: z.string() });

/** 400: the request's shape is wrong. */
export const validationErrorSchema = z.object({ error: z.string(), issues: z.array(issueSchema) });

/** 401, 404, 413, 415, 503, ...: a plain error. */
export const errorSchema = z.object({ error: z.string() });

/** 400, 403, 409 from the workflow: why the decision was refused. */
export const refusalSchema = z.object({ error: z.string(), reasons: z.array(z.string()) });

export const incidentParamsSchema = z.strictObject({ incidentId: incidentIdSchema });

/** `GET /incidents/{incidentId}/decisions/{decisionId}`. */
export const decisionParamsSchema = z.strictObject({
  incidentId: incidentIdSchema,
  decisionId: z
    .string()
    .min(1)
    .max(128)
    .refine(
      (id) => id !== '.' && id !== '..',
      'expected a decisionId that can stand in a URL path: "." and ".." are removed by the URL\'s normalisation',
    ),
});

/** 202 of `POST /incidents/{incidentId}/decisions` when no worker accepted the decision in time. */
export const decisionPendingSchema = z.object({ decisionId: z.string(), status: z.literal('pending') });

/** What became of a decision: pending, applied (with the state) or refused (as the POST would have answered). */
export const decisionStatusSchema = z.discriminatedUnion('status', [
  decisionPendingSchema,
  z.object({
    decisionId: z.string(),
    status: z.literal('applied'),
  }),
  z.object({
    decisionId: z.string(),
    status: z.literal('refused'),
    httpStatus: z
      .union([z.literal(400), z.literal(403), z.literal(409)])
      .describe('what POST .../decisions would have answered'),
    error: z.string(),
    reasons: z.array(z.string()),
  }),
]);

export const incidentAcceptedSchema = z.object({
  incidentId: z.string(),
  workflowId: z.string(),
  caseNumber: z
    .string()
    .nullable()
    .describe('the case number people say (PII-2026-0042); null when the numbering did not answer in time'),
});

const day = z.iso.date({ message: 'expected a date, e.g. 2026-03-01' });

/** The list's search (GET /incidents, the /cases page and its CSV): number, office, reported dates. */
export const caseSearchShape = {
  number: z
    .string()
    .trim()
    .max(40, 'expected at most 40 characters')
    .optional()
    .describe('a case number (PII-2026-0042), or part of one (0042)'),
  office: z.string().trim().max(200, 'expected at most 200 characters').optional().describe('part of the office name'),
  reportedFrom: day.optional().describe('reported on or after this day (UTC)'),
  reportedTo: day.optional().describe('reported on or before this day (UTC)'),
};

export const listQuerySchema = z.strictObject({
  phase: z.enum(PHASES).optional(),
  awaitingRole: z.enum(ROLES).optional(),
  // An enum, not z.stringbool: the document then says which words are taken (stringbool's input is
  // described as any string, and a client generated from it sent "" and was refused).
  majorIncident: z
    .enum(['true', 'false'], { error: 'expected true or false' })
    .transform((value) => value === 'true')
    .optional()
    .describe('only major incidents (true)'),
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('at most this many incidents (newest first)'),
  ...caseSearchShape,
});

export const incidentListSchema = z.object({
  incidents: z.array(
    z.object({
      incidentId: z.string(),
      phase: z.enum(PHASES).nullable(),
      risk: z.enum(LEVELS).nullable(),
      reportedLate: z.boolean(),
      awaitingRole: z.string().nullable(),
      majorIncident: z.boolean(),
      caseNumber: z.string().nullable(),
      title: z.string().nullable(),
      office: z.string().nullable().describe('the office responsible, else the reporting office'),
      affectedCount: z.number().nullable(),
      reportedAt: z.string().describe('when the first report was taken'),
      reportingDeadline: z.string().nullable(),
      nextDeadline: z.object({ at: z.string(), what: z.string() }).nullable(),
    }),
  ),
});

const iso = z.string().describe('ISO 8601 time');

/** The state of docs/contract.md (query `incidentState`); fields beyond the contract pass through. */
const stateShape = {
  incidentId: z.string(),
  phase: z.enum(PHASES),
  medium: z.enum(['cyber', 'non-cyber']),
  risk: z.enum(LEVELS).nullable(),
  discoveredAt: iso,
  reportingDeadline: iso,
  reportedAt: iso.nullable(),
  reportedLate: z.boolean(),
  awaiting: z.object({ role: z.enum(ROLES), kinds: z.array(z.string()), since: iso }).nullable(),
  actionItems: z.array(
    z.object({
      id: z.string(),
      ownerRole: z.enum(ROLES),
      status: z.enum(['open', 'done']),
      evidence: z.string().optional(),
    }),
  ),
  delay: z.object({ notifyAfter: iso, requestingEntity: z.string(), barred: z.boolean() }).nullable(),
  notification: z
    .object({ letters: z.number(), emails: z.number(), substituteNotice: z.boolean(), failed: z.number() })
    .nullable(),
  timeline: z.array(z.object({ at: iso, event: z.string(), actorId: z.string().optional() })),
  closedAt: iso.nullable(),
  /** 5 FAM 464c: the accounting of the disclosures the analysis found authorized. */
  disclosures: z.array(
    z.object({
      entryId: z.string(),
      incidentId: z.string(),
      disclosedAt: iso,
      nature: z.string(),
      purpose: z.string(),
      recipient: z.object({ name: z.string(), address: z.string() }),
      basis: z.string(),
      accountingRequired: z.boolean(),
      keepAtLeastUntil: iso,
      recordedAt: iso,
      recordedBy: z.string(),
    }),
  ),
  /** A breach of the PII of at least the playbook's threshold of people (OMB's major incident). */
  majorIncident: z.object({ since: iso, congressDueAt: iso, source: z.string(), affectedCount: z.number() }).nullable(),
  /** The receiver's case or ticket number for the one-hour report (CISA's guidelines). */
  reportReference: z.string().nullable(),
  reportReceipts: z.array(
    z.object({
      kind: z.enum(['initial', 'update']),
      at: iso,
      reference: z.string().nullable(),
      supplement: z.number().optional(),
    }),
  ),
};
export const incidentStateSchema = z.looseObject(stateShape);

// The state the workflow returns must stay describable by the document: a renamed or removed field of
// IncidentState breaks this line at compile time.
type Describes<Doc, Actual extends Doc> = Actual;
export type StateIsDocumented = Describes<z.infer<z.ZodObject<typeof stateShape>>, IncidentState>;

/** GET /healthz: the process answers (no details). */
export const healthSchema = z.strictObject({ status: z.literal('ok') });

/** GET /readyz: whether Temporal answers; what was checked only for a caller with valid credentials. */
export const readinessSchema = z.strictObject({
  status: z.enum(['ok', 'unavailable']),
  checks: z
    .strictObject({
      temporal: z.strictObject({ reachable: z.boolean(), namespace: z.string(), latencyMs: z.number() }),
    })
    .optional(),
});
