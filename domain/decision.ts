import { z } from 'zod';
import { isoDateTimeSchema } from './report.js';
import {
  AUTHORIZED_BASES,
  COSTED_MEASURES,
  CUSTODIAN_KINDS,
  CUSTODY_PURPOSES,
  DECISION_KINDS as DECISION_KINDS_LIST,
  FILED_REPORTS,
  FINAL_OUTCOMES,
  LEVELS,
  LIAISONS,
  OPTIONS,
  PPGB_CHAIR_OUTCOMES,
  PPGB_OUTCOMES,
  PII_TYPES,
  SIMPLE_EMAIL,
  SIMPLE_EMAIL_MESSAGE,
} from './decision-terms.js';

// The closed lists live in domain/decision-terms.ts (plain, for the workflow sandbox); re-exported for the boundaries.
export {
  AUTHORIZED_BASES,
  COSTED_MEASURES,
  CUSTODIAN_KINDS,
  CUSTODY_PURPOSES,
  LEVELS,
  LIAISONS,
  OPTIONS,
  type AuthorizedBasis,
  type Level,
  type Liaison,
} from './decision-terms.js';

// `\S` rather than a minimum length after trimming: the same rule, and one the OpenAPI document can state (a
// pattern), so that a client generated from /openapi.json does not send blank text.
const text = (max: number) =>
  z.string().trim().regex(/\S/, 'expected a non-empty text').max(max, `expected at most ${max} characters`);
const rationale = text(10_000);

const level = z.enum(LEVELS);

export const factorsSchema = z.strictObject({
  dataNature: level, // 468.4(1)
  misuseLikelihood: level, // 468.4(2)
  logicalAccess: level, // 468.4(3)
  physicalAccess: level, // 468.4(4)
  deliberateTargeting: level, // 468.4(5)
  priorMisuse: level, // 468.4(6)
});
export type Factors = z.infer<typeof factorsSchema>;

/**
 * The shape only. What each basis must carry (the custody exemption's grounds, the recipient the
 * accounting of 464c names) is checked by domain/authorized.ts: in the API before the decision is sent,
 * and by the workflow for incidents started since those rules (workflows/patches.ts).
 */
export const authorizedDisclosureSchema = z.strictObject({
  basis: z.enum(AUTHORIZED_BASES),
  explanation: text(10_000),
  custodyPurpose: z.enum(CUSTODY_PURPOSES).optional(),
  /**
   * 45 CFR 164.512(k)(5)(i): the correctional institution or law-enforcement official with custody, and
   * its determination that the information is necessary (who determined it, when).
   */
  custodian: z
    .strictObject({
      name: text(300),
      kind: z.enum(CUSTODIAN_KINDS),
      determination: z.strictObject({ by: text(300), at: isoDateTimeSchema }).optional(),
    })
    .optional(),
  /** 45 CFR 164.512(k)(5)(i): the individual was in lawful custody when the information was disclosed. */
  subjectInLawfulCustody: z.boolean().optional(),
  /** 5 FAM 464c: the name and address of the person or agency to whom the disclosure was made. */
  recipient: z.strictObject({ name: text(300), address: text(1_000) }).optional(),
  /** 5 FAM 464c: the date of the disclosure; default: when the report says it occurred, else its discovery. */
  disclosedAt: isoDateTimeSchema.optional(),
});
export type AuthorizedDisclosure = z.infer<typeof authorizedDisclosureSchema>;

export const letterSchema = z.strictObject({
  whatHappened: z.string().max(20_000),
  piiInvolved: z.string().max(20_000),
  actionsTaken: z.string().max(20_000),
  contact: z.strictObject({
    tollFreePhone: z.string().max(40),
    email: z.string().max(320).optional(),
    website: z.string().max(2_000).optional(),
    postalAddress: z.string().max(2_000).optional(),
  }),
  protectiveSteps: z.string().max(20_000),
  protectionAtTime: z.string().max(20_000),
  /**
   * The credit protection offered when the CRG chose it (468.5a(2)): one text, the same for every
   * person of the incident (468.6-1b, consistent and fair); rendered in every letter, email and the
   * substitute notice.
   */
  creditProtectionOffer: z.string().max(20_000).optional(),
});
export type Letter = z.infer<typeof letterSchema>;

export const rosterRefSchema = z.strictObject({
  url: z
    .string()
    .max(4_000)
    // A pattern, not a refinement: the OpenAPI document states it.
    .regex(/^(https?|file):\/\//, 'expected an http(s):// or file:// URL'),
  count: z.number().int().min(0).max(1_000_000_000),
});
export type RosterRef = z.infer<typeof rosterRefSchema>;

/**
 * The decision kinds of the contract. Built twice: the API's body (no `actorId`, it comes from the
 * token) and the workflow's message (with `actorId`).
 */
function kinds<A extends z.ZodRawShape>(actor: A) {
  const base = { ...actor, decisionId: z.string().min(1).max(128).optional() };
  return [
    z.strictObject({ ...base, kind: z.literal('assign-responsible-office'), office: text(200) }),
    z.strictObject({ ...base, kind: z.literal('convene-crg'), convene: z.boolean(), rationale }),
    z.strictObject({
      ...base,
      kind: z.literal('submit-analysis'),
      factors: factorsSchema,
      authorizedDisclosure: authorizedDisclosureSchema.optional(),
      riskOverride: z.strictObject({ level, rationale }).optional(),
      options: z.array(z.enum(OPTIONS)).max(OPTIONS.length),
      /** Liaison notices to send once notification goes out (467.4-2b(4)). */
      liaisons: z.array(z.enum(LIAISONS)).max(LIAISONS.length).optional(),
      /**
       * Facts the analysis learned (468.1(4), 468.3b(2), 469.6): each re-opens the duty it carries, as a
       * supplement would. Facts only widen: `false` withdraws nothing the report said.
       */
      classifiedInvolved: z.boolean().optional(),
      criminalActSuspected: z.boolean().optional(),
      causedByWorkforceMember: z.boolean().optional(),
      /** The CRG's count of the people affected, when it knows more than the report (a major incident may follow). */
      affectedCount: z.number().int('expected a whole number').min(0).max(1_000_000_000).optional(),
      /** Measures the CRG marks as costed (468.5d); credit protection and mail at scale always are. */
      costedMeasures: z.array(z.enum(COSTED_MEASURES)).max(COSTED_MEASURES.length).optional(),
      rationale,
    }),
    z.strictObject({
      ...base,
      kind: z.literal('cost-estimate'),
      estimatedCostUsd: z.number().min(0).max(1e13),
      notes: text(10_000).optional(),
    }),
    z.strictObject({ ...base, kind: z.literal('ppgb-override'), rationale }),
    z.strictObject({
      ...base,
      kind: z.literal('ppgb-chair-decision'),
      outcome: z.enum(PPGB_CHAIR_OUTCOMES),
      rationale,
    }),
    z.strictObject({
      ...base,
      kind: z.literal('ppgb-decision'),
      outcome: z.enum(PPGB_OUTCOMES),
      rationale,
    }),
    z.strictObject({
      ...base,
      kind: z.literal('under-secretary-decision'),
      outcome: z.enum(FINAL_OUTCOMES),
      rationale,
    }),
    z.strictObject({
      ...base,
      kind: z.literal('approve-letter'),
      letter: letterSchema,
      roster: rosterRefSchema,
      immediate: z.boolean().optional(),
    }),
    z.strictObject({
      ...base,
      kind: z.literal('request-delay'),
      requestingEntity: text(300),
      reason: text(10_000),
      notifyAfter: isoDateTimeSchema,
    }),
    z.strictObject({ ...base, kind: z.literal('extend-delay'), notifyAfter: isoDateTimeSchema }),
    z.strictObject({ ...base, kind: z.literal('lift-delay') }),
    z.strictObject({ ...base, kind: z.literal('bar-notification'), reason: text(10_000) }),
    z.strictObject({ ...base, kind: z.literal('complete-action-item'), itemId: text(64), evidence: text(10_000) }),
    z.strictObject({ ...base, kind: z.literal('sign-off-closure'), rationale }),
    /** 468.6-3a: the PPGB Chair acknowledges a delay beyond timers.maxDelayWithoutReview. */
    z.strictObject({ ...base, kind: z.literal('acknowledge-delay'), rationale }),
    /** 468.7: where the case record was filed by hand, while the archive does not take it. */
    z.strictObject({ ...base, kind: z.literal('record-filed'), reference: text(500) }),
    /**
     * 468.3b: what a report by email left out (its `missingFields`), completed by the intake mailbox's
     * role; only the fields given change (workflows/complete-report.ts).
     */
    z.strictObject({
      ...base,
      kind: z.literal('complete-report'),
      office: text(200).optional(),
      supervisor: z
        .strictObject({
          name: text(200),
          email: z
            .string()
            .trim()
            .max(320, 'expected at most 320 characters')
            .regex(SIMPLE_EMAIL, SIMPLE_EMAIL_MESSAGE),
        })
        .optional(),
      discoveredAt: isoDateTimeSchema.optional(),
      medium: z.enum(['cyber', 'non-cyber']).optional(),
      summary: text(20_000).optional(),
      piiTypes: z.array(z.enum(PII_TYPES)).min(1).max(PII_TYPES.length).optional(),
      affectedCount: z.number().int('expected a whole number').min(0).max(1_000_000_000).optional(),
      affectedPopulation: z.enum(['workforce', 'public', 'both']).optional(),
      encrypted: z.boolean().optional(),
      classifiedInvolved: z.boolean().optional(),
      criminalActSuspected: z.boolean().optional(),
    }),
    /** 468.3b(1), (2): the routed office records an external report it filed another way (by whom, reference). */
    z.strictObject({
      ...base,
      kind: z.literal('report-filed'),
      to: z.enum(FILED_REPORTS),
      filedBy: text(300),
      reference: text(500),
    }),
    /** 468.6-2b: the notification official says why the roster's people fall short of the affected count. */
    z.strictObject({ ...base, kind: z.literal('reconcile-roster'), rationale }),
  ] as const;
}

export const decisionBodySchema = z.discriminatedUnion('kind', kinds({}));
export const decisionSchema = z.discriminatedUnion('kind', kinds({ actorId: z.string().min(1).max(128) }));

export type Decision = z.infer<typeof decisionSchema>;
export type DecisionBody = z.infer<typeof decisionBodySchema>;
export type DecisionKind = Decision['kind'];
export type DecisionOf<K extends DecisionKind> = Extract<Decision, { kind: K }>;
/** The kinds as a list (the same as domain/decision-terms.ts's, typed for the boundaries' schemas). */
export const DECISION_KINDS: DecisionKind[] = [...DECISION_KINDS_LIST];
