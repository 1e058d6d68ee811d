/**
 * The shape of a decision message, checked inside the workflow without zod (domain/check.ts): the same
 * fields, limits, trimming and messages as `decisionSchema` of domain/decision.ts, which the API, the CLI
 * and the approval pages check before they send (tests/rules/plain-checks.test.ts holds the two equal on
 * generated decisions). What a decision must carry beyond its shape is checked by workflows/decisions.ts.
 */
import {
  array,
  boolean,
  literal,
  number,
  object,
  oneOf,
  optional,
  run,
  string,
  union,
  type Check,
  type Shape,
} from './check.js';
import {
  AUTHORIZED_BASES,
  COSTED_MEASURES,
  CUSTODIAN_KINDS,
  CUSTODY_PURPOSES,
  FILED_REPORTS,
  FINAL_OUTCOMES,
  ISO_DATE_TIME,
  ISO_DATE_TIME_MESSAGE,
  LEVELS,
  LIAISONS,
  OPTIONS,
  PPGB_CHAIR_OUTCOMES,
  PPGB_OUTCOMES,
  PII_TYPES,
  SIMPLE_EMAIL,
  SIMPLE_EMAIL_MESSAGE,
} from './decision-terms.js';
import type { Decision } from './decision.js';

const text = (max: number) =>
  string(
    { trim: true },
    ['pattern', /\S/, 'expected a non-empty text'],
    ['max', max, `expected at most ${max} characters`],
  );
const rationale = text(10_000);
const level = oneOf(LEVELS);
const isoDateTime = string({ typeMessage: ISO_DATE_TIME_MESSAGE }, ['pattern', ISO_DATE_TIME, ISO_DATE_TIME_MESSAGE]);
const plain = (max: number) => string({}, ['max', max]);

const factors = object(
  {
    dataNature: level,
    misuseLikelihood: level,
    logicalAccess: level,
    physicalAccess: level,
    deliberateTargeting: level,
    priorMisuse: level,
  },
  'strict',
);

const authorizedDisclosure = object(
  {
    basis: oneOf(AUTHORIZED_BASES),
    explanation: text(10_000),
    custodyPurpose: optional(oneOf(CUSTODY_PURPOSES)),
    custodian: optional(
      object(
        {
          name: text(300),
          kind: oneOf(CUSTODIAN_KINDS),
          determination: optional(object({ by: text(300), at: isoDateTime }, 'strict')),
        },
        'strict',
      ),
    ),
    subjectInLawfulCustody: optional(boolean),
    recipient: optional(object({ name: text(300), address: text(1_000) }, 'strict')),
    disclosedAt: optional(isoDateTime),
  },
  'strict',
);

const letter = object(
  {
    whatHappened: plain(20_000),
    piiInvolved: plain(20_000),
    actionsTaken: plain(20_000),
    contact: object(
      {
        tollFreePhone: plain(40),
        email: optional(plain(320)),
        website: optional(plain(2_000)),
        postalAddress: optional(plain(2_000)),
      },
      'strict',
    ),
    protectiveSteps: plain(20_000),
    protectionAtTime: plain(20_000),
    creditProtectionOffer: optional(plain(20_000)),
  },
  'strict',
);

const roster = object(
  {
    url: string({}, ['max', 4_000], ['pattern', /^(https?|file):\/\//, 'expected an http(s):// or file:// URL']),
    count: number({ int: true, min: [0], max: [1_000_000_000] }),
  },
  'strict',
);

const base = {
  actorId: string({}, ['min', 1], ['max', 128]),
  decisionId: optional(string({}, ['min', 1], ['max', 128])),
};
const kind = <K extends string, S extends Shape>(name: K, shape: S) =>
  object({ ...base, kind: literal(name), ...shape }, 'strict');

const KINDS = {
  'assign-responsible-office': kind('assign-responsible-office', { office: text(200) }),
  'convene-crg': kind('convene-crg', { convene: boolean, rationale }),
  'submit-analysis': kind('submit-analysis', {
    factors,
    authorizedDisclosure: optional(authorizedDisclosure),
    riskOverride: optional(object({ level, rationale }, 'strict')),
    options: array(oneOf(OPTIONS), { max: [OPTIONS.length] }),
    liaisons: optional(array(oneOf(LIAISONS), { max: [LIAISONS.length] })),
    classifiedInvolved: optional(boolean),
    criminalActSuspected: optional(boolean),
    causedByWorkforceMember: optional(boolean),
    affectedCount: optional(number({ int: 'expected a whole number', min: [0], max: [1_000_000_000] })),
    costedMeasures: optional(array(oneOf(COSTED_MEASURES), { max: [COSTED_MEASURES.length] })),
    rationale,
  }),
  'cost-estimate': kind('cost-estimate', {
    estimatedCostUsd: number({ min: [0], max: [1e13] }),
    notes: optional(text(10_000)),
  }),
  'ppgb-override': kind('ppgb-override', { rationale }),
  'ppgb-chair-decision': kind('ppgb-chair-decision', { outcome: oneOf(PPGB_CHAIR_OUTCOMES), rationale }),
  'ppgb-decision': kind('ppgb-decision', { outcome: oneOf(PPGB_OUTCOMES), rationale }),
  'under-secretary-decision': kind('under-secretary-decision', { outcome: oneOf(FINAL_OUTCOMES), rationale }),
  'approve-letter': kind('approve-letter', { letter, roster, immediate: optional(boolean) }),
  'request-delay': kind('request-delay', {
    requestingEntity: text(300),
    reason: text(10_000),
    notifyAfter: isoDateTime,
  }),
  'extend-delay': kind('extend-delay', { notifyAfter: isoDateTime }),
  'lift-delay': kind('lift-delay', {}),
  'bar-notification': kind('bar-notification', { reason: text(10_000) }),
  'complete-action-item': kind('complete-action-item', { itemId: text(64), evidence: text(10_000) }),
  'sign-off-closure': kind('sign-off-closure', { rationale }),
  'acknowledge-delay': kind('acknowledge-delay', { rationale }),
  'record-filed': kind('record-filed', { reference: text(500) }),
  'complete-report': kind('complete-report', {
    office: optional(text(200)),
    supervisor: optional(
      object(
        {
          name: text(200),
          email: string(
            { trim: true },
            ['max', 320, 'expected at most 320 characters'],
            ['pattern', SIMPLE_EMAIL, SIMPLE_EMAIL_MESSAGE],
          ),
        },
        'strict',
      ),
    ),
    discoveredAt: optional(isoDateTime),
    medium: optional(oneOf(['cyber', 'non-cyber'] as const)),
    summary: optional(text(20_000)),
    piiTypes: optional(array(oneOf(PII_TYPES), { min: [1], max: [PII_TYPES.length] })),
    affectedCount: optional(number({ int: 'expected a whole number', min: [0], max: [1_000_000_000] })),
    affectedPopulation: optional(oneOf(['workforce', 'public', 'both'] as const)),
    encrypted: optional(boolean),
    classifiedInvolved: optional(boolean),
    criminalActSuspected: optional(boolean),
  }),
  'report-filed': kind('report-filed', { to: oneOf(FILED_REPORTS), filedBy: text(300), reference: text(500) }),
  'reconcile-roster': kind('reconcile-roster', { rationale }),
};

const decision = union('kind', KINDS as unknown as Record<string, Check<Decision>>);

/** A decision message checked: the decision (text trimmed, as zod's parse gives it) or its issues. */
export function checkDecisionShape(
  raw: unknown,
): { ok: true; decision: Decision } | { ok: false; issues: { path: string; message: string }[] } {
  const result = run(decision, raw);
  return result.ok ? { ok: true, decision: result.value } : result;
}
