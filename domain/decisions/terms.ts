/**
 * The closed lists of the decisions (plain constants, no schema library): the decision kinds' fields
 * (domain/decisions/) and the pure rules (risk, authorized disclosures) are built from them.
 */
export const LEVELS = ['low', 'moderate', 'high'] as const;
export type Level = (typeof LEVELS)[number];

/** 5 FAM 468.5a (1)-(7). */
export const OPTIONS = [
  'notify-individuals',
  'credit-protection',
  'notify-issuing-bank',
  'systemic-review',
  'remediation',
  'other-mitigation',
  'no-further-action',
] as const;

/**
 * Measures besides credit protection that the CRG may mark as costing money (5 FAM 468.5d: CGFS is
 * consulted whenever an option costs money). A call center is not an option of 468.5a but a usual
 * cost of notification (the letter's toll-free number, 468.6-1).
 */
export const COSTED_MEASURES = ['call-center', 'other-mitigation', 'remediation', 'systemic-review'] as const;

/** Privacy Act conditions of disclosure without consent (5 FAM 464b(9)(a)-(m)) and the HIPAA custody exemption. */
export const AUTHORIZED_BASES = [
  'need-to-know',
  'foia',
  'routine-use',
  'census',
  'statistical-research',
  'nara',
  'law-enforcement-request',
  'health-and-safety',
  'congress',
  'gao',
  'court-order',
  'debt-collection',
  'sorn',
  'hipaa-custody-exemption',
] as const;
export type AuthorizedBasis = (typeof AUTHORIZED_BASES)[number];

/** Outside entities the CRG keeps liaison with (5 FAM 467.4-2b(4)); US-CERT is reported to in phase 1. */
export const LIAISONS = ['ftc', 'credit-bureaus', 'congress', 'law-enforcement'] as const;
export type Liaison = (typeof LIAISONS)[number];

/** 45 CFR 164.512(k)(5)(i) (a)-(f), as quoted in the ICE memo. */
export const CUSTODY_PURPOSES = ['a', 'b', 'c', 'd', 'e', 'f'] as const;

/** Who may hold a person in lawful custody under 45 CFR 164.512(k)(5)(i). */
export const CUSTODIAN_KINDS = ['correctional-institution', 'law-enforcement-official'] as const;

export const FINAL_OUTCOMES = ['approve-notification', 'decline-notification'] as const;
export const PPGB_CHAIR_OUTCOMES = [
  'refer-to-ppgb',
  'refer-to-under-secretary',
  'return-to-crg',
  ...FINAL_OUTCOMES,
] as const;
export const PPGB_OUTCOMES = ['refer-to-under-secretary', 'return-to-crg', ...FINAL_OUTCOMES] as const;

/** 5 FAM 468.3a: the PII types a workforce member must report (domain/report.ts re-exports them). */
export const PII_TYPES = [
  'personnel-payroll', // 468.3a(1)
  'ssn-or-passport-number', // 468.3a(2)
  'birth-data', // 468.3a(3)
  'medical', // 468.3a(4)
  'law-enforcement', // 468.3a(5)
  'financial', // 468.3a(6)
  'passport-application', // 468.3a(7)
  'biometric', // 468.3a(8)
  'other',
] as const;

/** A supervisor's email in a completed report: the same loose rule in the zod schema and the plain check. */
export const SIMPLE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const SIMPLE_EMAIL_MESSAGE = 'expected an email address';

/** The external reports a routed office may record as filed another way (468.3b(1), 468.3b(2)). */
export const FILED_REPORTS = ['usCert', 'privacyDivision', 'oig'] as const;

/** ISO 8601 with an offset ("Z" included): zod's `z.iso.datetime({ offset: true })` pattern, stated plainly. */
const DATE =
  '(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))';
export const ISO_DATE_TIME = new RegExp(
  `^${DATE}T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|([+-](?:[01]\\d|2[0-3]):[0-5]\\d)))$`,
);
export const ISO_DATE_TIME_MESSAGE = 'expected an ISO 8601 time with an offset, e.g. 2026-03-01T14:05:00Z';
