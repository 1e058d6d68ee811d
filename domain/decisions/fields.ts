/**
 * The fields several decision kinds share, as plain checks (domain/check.ts): the workflow checks them
 * as they are, the boundaries as the zod schemas built from them (domain/decision.ts).
 */
import { boolean, number, object, oneOf, optional, string, type Check, type Out } from '../check.js';
import {
  AUTHORIZED_BASES,
  CUSTODIAN_KINDS,
  CUSTODY_PURPOSES,
  ISO_DATE_TIME,
  ISO_DATE_TIME_MESSAGE,
  LEVELS,
} from './terms.js';

// `\S` rather than a minimum length after trimming: the same rule, and one the OpenAPI document can state (a
// pattern), so that a client generated from /openapi.json does not send blank text.
export const text = (max: number) =>
  string(
    { trim: true },
    ['pattern', /\S/, 'expected a non-empty text'],
    ['max', max, `expected at most ${max} characters`],
  );
export const rationale = text(10_000);
export const level = oneOf(LEVELS);
export const isoDateTime = string({ typeMessage: ISO_DATE_TIME_MESSAGE, format: 'date-time' }, [
  'pattern',
  ISO_DATE_TIME,
  ISO_DATE_TIME_MESSAGE,
]);
/** Text as given (a letter's), limited in length only. */
export const plain = (max: number) => string({}, ['max', max]);
/** A count of people. */
export const peopleCount = number({ int: 'expected a whole number', min: [0], max: [1_000_000_000] });

export const factors = object(
  {
    dataNature: level, // 468.4(1)
    misuseLikelihood: level, // 468.4(2)
    logicalAccess: level, // 468.4(3)
    physicalAccess: level, // 468.4(4)
    deliberateTargeting: level, // 468.4(5)
    priorMisuse: level, // 468.4(6)
  },
  'strict',
);

/**
 * The shape only. What each basis must carry (the custody exemption's grounds, the recipient the
 * accounting of 464c names) is checked by domain/authorized.ts: in the API before the decision is sent,
 * and by the workflow for incidents started since those rules (workflows/patches.ts).
 */
export const authorizedDisclosure = object(
  {
    basis: oneOf(AUTHORIZED_BASES),
    explanation: text(10_000),
    custodyPurpose: optional(oneOf(CUSTODY_PURPOSES)),
    /**
     * 45 CFR 164.512(k)(5)(i): the correctional institution or law-enforcement official with custody, and
     * its determination that the information is necessary (who determined it, when).
     */
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
    /** 45 CFR 164.512(k)(5)(i): the individual was in lawful custody when the information was disclosed. */
    subjectInLawfulCustody: optional(boolean),
    /** 5 FAM 464c: the name and address of the person or agency to whom the disclosure was made. */
    recipient: optional(object({ name: text(300), address: text(1_000) }, 'strict')),
    /** 5 FAM 464c: the date of the disclosure; default: when the report says it occurred, else its discovery. */
    disclosedAt: optional(isoDateTime),
  },
  'strict',
);

export const letter = object(
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
    /**
     * The credit protection offered when the CRG chose it (468.5a(2)): one text, the same for every
     * person of the incident (468.6-1b, consistent and fair); rendered in every letter, email and the
     * substitute notice.
     */
    creditProtectionOffer: optional(plain(20_000)),
  },
  'strict',
);

export const roster = object(
  {
    // A pattern, not a refinement: the OpenAPI document states it.
    url: string({}, ['max', 4_000], ['pattern', /^(https?|file):\/\//, 'expected an http(s):// or file:// URL']),
    count: number({ int: true, min: [0], max: [1_000_000_000] }),
  },
  'strict',
);

type Of<C> = C extends Check<infer T> ? T : never;
export type Factors = Of<typeof factors>;
export type AuthorizedDisclosure = Of<typeof authorizedDisclosure>;
export type Letter = Of<typeof letter>;
export type RosterRef = Of<typeof roster>;
export type { Out };
