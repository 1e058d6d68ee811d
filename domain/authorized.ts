/**
 * Authorized disclosure: the CRG may find that what was reported was no breach, because the disclosure
 * had a lawful basis (docs/lifecycle.md phase 4). Each basis of the contract maps to a condition of
 * disclosure without consent of the Privacy Act (5 FAM 464b(9)(a)-(m)) or to the HIPAA custody
 * exemption (45 CFR 164.512(k)(5)(i), ICE memo of 26 January 2021).
 *
 * What is checked, and no more (a machine cannot judge whether a court order is real; it can refuse a
 * finding that does not even say which order):
 * - every basis: an explanation of at least a sentence (MIN_EXPLANATION characters), and the recipient's
 *   name and address, which the accounting of disclosures must hold (5 FAM 464c);
 * - bases that name a recipient body or an instrument: the explanation mentions it (KEYWORD column);
 * - hipaa-custody-exemption, on facts and not on words (the ICE memo; 45 CFR 164.512(k)(5)(i)): the
 *   custodian as a structured field (`custodian: { name, kind, determination }`, kind a correctional
 *   institution or a law-enforcement official, its determination that the information is necessary:
 *   who, when), the recipient being that custodian, the custody purpose (a)-(f), `subjectInLawfulCustody:
 *   true`, medical information among the PII types (only it is exempt: `exemptPart`), not workforce
 *   members, and a report whose `disclosedTo` names the custodian or the recipient (domain/custody.ts);
 * - the custody fields are refused on any other basis, where they would mean nothing.
 *
 * Incidents started before these rules keep the ones they started with (`legacy`, workflows/patches.ts):
 * their histories replay decisions accepted under them.
 *
 * Pure: it runs inside the workflow sandbox.
 */
import { AUTHORIZED_BASES, CUSTODIAN_KINDS, CUSTODY_PURPOSES, type AuthorizedBasis } from './decision-terms.js';
import type { AuthorizedDisclosure } from './decision.js';
import type { Report } from './report.js';
import { asLines } from './issues.js';
import { custodyFactIssues } from './custody.js';
export { exemptPart, recipientIsCustodian } from './custody.js';

export interface Issue {
  path: string;
  message: string;
}

export const MIN_EXPLANATION = 20;

export interface BasisRule {
  /** The paragraph the basis rests on. */
  paragraph: string;
  /** The condition, as the paragraph words it. */
  condition: string;
  /** What the finding must show. */
  mustShow: string;
  /** A term the explanation must contain, where the condition names a body or an instrument. */
  keyword?: { pattern: RegExp; what: string };
}

export const AUTHORIZED_BASIS_RULES: Record<AuthorizedBasis, BasisRule> = {
  'need-to-know': {
    paragraph: '5 FAM 464b(9)(a), 463 "Need to know"',
    condition: 'to workforce members of the agency on a need-to-know basis',
    mustShow:
      'the recipients are workforce members who maintain the record and need it in the performance of their official duties',
  },
  foia: {
    paragraph: '5 FAM 464b(9)(b)',
    condition: 'required under the Freedom of Information Act',
    mustShow: 'the FOIA request and why release was required (no exemption applied)',
    keyword: {
      pattern: /\b(FOIA|Freedom of Information)\b/i,
      what: 'the FOIA request ("FOIA" or "Freedom of Information")',
    },
  },
  'routine-use': {
    paragraph: '5 FAM 464b(9)(c), 463 "Routine use"',
    condition: 'for a routine use as published in the Federal Register',
    mustShow:
      'the published routine use (system of records and routine use) and that the disclosure is compatible with the purpose of collection',
    keyword: {
      pattern: /\b(routine use|SORN|system of records|Federal Register)\b/i,
      what: 'the routine use ("routine use", "SORN", "system of records" or "Federal Register")',
    },
  },
  census: {
    paragraph: '5 FAM 464b(9)(d)',
    condition: 'to the U.S. Bureau of the Census',
    mustShow: 'the recipient was the Census Bureau',
    keyword: { pattern: /\bCensus\b/i, what: 'the Census Bureau ("Census")' },
  },
  'statistical-research': {
    paragraph: '5 FAM 464b(9)(e)',
    condition: 'for statistical research',
    mustShow: "the statistical research purpose and the recipient's assurance that records are used for it only",
  },
  nara: {
    paragraph: '5 FAM 464b(9)(f)',
    condition: 'to the National Archives and Records Administration',
    mustShow: 'the recipient was NARA',
    keyword: {
      pattern: /\b(NARA|National Archives|Archivist)\b/i,
      what: 'NARA ("NARA", "National Archives" or "Archivist")',
    },
  },
  'law-enforcement-request': {
    paragraph: '5 FAM 464b(9)(g)',
    condition:
      'for law enforcement purposes, only pursuant to a request from the head of the law enforcement agency or designee',
    mustShow: 'the request, from whom (head of the agency or designee) and for which law enforcement purpose',
    keyword: {
      pattern: /\brequest/i,
      what: 'the request of the head of the law enforcement agency or designee ("request")',
    },
  },
  'health-and-safety': {
    paragraph: '5 FAM 464b(9)(h)',
    condition: 'for compelling cases of health and safety',
    mustShow: "the compelling circumstance affecting someone's health or safety",
  },
  congress: {
    paragraph: '5 FAM 464b(9)(i)',
    condition:
      'to either House of Congress or authorized committees or subcommittees when the subject is within its jurisdiction',
    mustShow:
      'the House or the committee or subcommittee (a single member of Congress does not qualify) and its jurisdiction',
    keyword: {
      pattern: /\b(House|Senate|committee|subcommittee)\b/i,
      what: 'the House, Senate, committee or subcommittee',
    },
  },
  gao: {
    paragraph: '5 FAM 464b(9)(j)',
    condition: 'to the Government Accountability Office',
    mustShow: 'the recipient was GAO',
    keyword: {
      pattern: /\b(GAO|Government Accountability Office|Comptroller General)\b/i,
      what: 'GAO ("GAO", "Government Accountability Office" or "Comptroller General")',
    },
  },
  'court-order': {
    paragraph: '5 FAM 464b(9)(k)',
    condition: 'required under court order',
    mustShow: 'the court and its order, e.g. by case number (a subpoena not signed by a judge is no court order)',
    keyword: {
      pattern: /\border/i,
      what: 'the court order ("order", e.g. "order of the U.S. District Court ..., case no. ...")',
    },
  },
  'debt-collection': {
    paragraph: '5 FAM 464b(9)(l)',
    condition: 'pursuant to the Debt Collection Act',
    mustShow: 'the debt and the Debt Collection Act provision relied on',
    keyword: { pattern: /\bdebt/i, what: 'the debt collection ("debt")' },
  },
  sorn: {
    paragraph: '5 FAM 464b(9)(m), 463 "System of Records Notice"',
    condition: 'as disclosed in the current SORN as published in the Federal Register',
    mustShow: 'the current SORN that discloses it',
    keyword: {
      pattern: /\b(SORN|system of records|Federal Register)\b/i,
      what: 'the SORN ("SORN", "system of records" or "Federal Register")',
    },
  },
  'hipaa-custody-exemption': {
    paragraph: '45 CFR 164.512(k)(5)(i) (ICE memo, 26 January 2021)',
    condition:
      'protected health information to a correctional institution or a law-enforcement official having lawful custody of the individual, who determines it necessary for one of the purposes (a)-(f)',
    mustShow:
      'medical information among the PII types (only it is exempt); the custodian in `custodian: { name, kind, determination: { by, at } }`, and it is the recipient; the purpose (a)-(f) in `custodyPurpose`; `subjectInLawfulCustody: true`; not workforce members',
  },
};

/** 45 CFR 164.512(k)(5)(i)(A)-(F), lettered (a)-(f) and worded as in the ICE memo. */
export const CUSTODY_PURPOSE_TEXT: Record<(typeof CUSTODY_PURPOSES)[number], string> = {
  a: 'the provision of health care to such individuals',
  b: 'the health and safety of such individuals or other inmates',
  c: 'the health and safety of the officers, employees, or others at the correctional institution',
  d: 'the health and safety of such individuals, officers, or other persons responsible for transporting the inmates or their transfer from one institution, facility, or setting to another',
  e: 'law enforcement on the premises of the correctional institution',
  f: 'the administration and maintenance of the safety, security, and good order of the correctional institution',
};

const HIPAA = AUTHORIZED_BASIS_RULES['hipaa-custody-exemption'].paragraph.split(' (')[0];

/**
 * The grounds a finding must carry, as `{ path, message }` issues naming each field (the API answers
 * them as a 400). Without `report`, only what the finding itself must hold; with it, the report's facts
 * too (medical information for the custody exemption).
 */
export function authorizedDisclosureIssues(
  ad: AuthorizedDisclosure,
  report?: Pick<Report, 'piiTypes' | 'affectedPopulation' | 'disclosedTo'>,
  rules: GroundsRules = {},
): Issue[] {
  const custodyFacts = rules.custodyFacts ?? true;
  const issues: Issue[] = [];
  const at = (field: string, message: string) => issues.push({ path: `authorizedDisclosure.${field}`, message });
  const rule = (AUTHORIZED_BASIS_RULES as Record<string, BasisRule | undefined>)[ad.basis];
  if (!rule) return [{ path: 'authorizedDisclosure.basis', message: `expected one of ${AUTHORIZED_BASES.join(', ')}` }];
  const explanation = typeof ad.explanation === 'string' ? ad.explanation.trim() : '';
  if (explanation.length < MIN_EXPLANATION) {
    at(
      'explanation',
      `required for ${ad.basis}: at least a sentence (${MIN_EXPLANATION} characters or more) showing ${rule.mustShow} (${rule.paragraph})`,
    );
  } else if (rule.keyword && !rule.keyword.pattern.test(explanation)) {
    at('explanation', `for ${ad.basis}, name ${rule.keyword.what} (${rule.paragraph})`);
  }
  if (!ad.recipient) {
    at(
      'recipient',
      'required: the name and address of the person or agency to whom the disclosure was made, for the accounting of disclosures (5 FAM 464c)',
    );
  }
  if (ad.basis === 'hipaa-custody-exemption') {
    if (!ad.custodian) {
      at(
        'custodian',
        `required for hipaa-custody-exemption: { name, kind: "${CUSTODIAN_KINDS.join('" | "')}" }, the custodian having lawful custody (${HIPAA})`,
      );
    }
    if (ad.custodyPurpose === undefined || !(CUSTODY_PURPOSES as readonly string[]).includes(ad.custodyPurpose)) {
      at('custodyPurpose', `required for hipaa-custody-exemption: one of a–f (${HIPAA})`);
    }
    if (ad.subjectInLawfulCustody !== true) {
      at(
        'subjectInLawfulCustody',
        `required for hipaa-custody-exemption: expected true, the individual in lawful custody of the custodian (${HIPAA})`,
      );
    }
    if (report && !report.piiTypes.includes('medical')) {
      issues.push({
        path: 'report.piiTypes',
        message: `hipaa-custody-exemption covers protected health information only: expected "medical" among the PII types (${HIPAA})`,
      });
    }
    if (custodyFacts) issues.push(...custodyFactIssues(ad, report, rules));
  } else {
    for (const field of ['custodyPurpose', 'custodian', 'subjectInLawfulCustody'] as const) {
      if (ad[field] !== undefined) at(field, `applies to hipaa-custody-exemption only, not to ${ad.basis}`);
    }
  }
  return issues;
}

/** The rules of an incident's start (workflows/patches.ts); by default today's (the API checks under them). */
export interface GroundsRules {
  legacy?: boolean;
  custodyFacts?: boolean;
  reportRecipient?: boolean; // the report's `disclosedTo` names the custodian or recipient (domain/custody.ts)
}

/** The grounds a decision body must carry before it is sent (API 400, link form, CLI); [] for other kinds. */
export function decisionGroundsIssues(body: { kind: string; authorizedDisclosure?: AuthorizedDisclosure }): Issue[] {
  return body.kind === 'submit-analysis' && body.authorizedDisclosure
    ? authorizedDisclosureIssues(body.authorizedDisclosure)
    : [];
}

/**
 * Why a finding of authorized disclosure cannot stand, each message naming the field; empty when it is
 * accepted. Missing grounds are a problem, never a silent pass.
 */
export function authorizedDisclosureProblems(
  ad: AuthorizedDisclosure,
  report: Pick<Report, 'piiTypes' | 'disclosedTo' | 'affectedPopulation'>,
  rules: GroundsRules = {},
): string[] {
  if (rules.legacy) return legacyProblems(ad, report);
  return asLines(authorizedDisclosureIssues(ad, report, rules));
}

/**
 * The rules of incidents started before the custody grounds were structured: the custodian found by
 * words in `disclosedTo` or the explanation. Kept only so those incidents replay the decisions they
 * accepted (docs/lifecycle.md); no new incident uses them.
 */
const LEGACY_CUSTODIAN =
  /\b(custody|custodial|correctional|detention|detainees?|inmates?|jail|prison|penitentiary|law[- ]enforcement|marshals?|sheriff|police)\b/i;

function legacyProblems(ad: AuthorizedDisclosure, report: Pick<Report, 'piiTypes' | 'disclosedTo'>): string[] {
  const rule = AUTHORIZED_BASIS_RULES[ad.basis];
  const problems: string[] = [];
  const explanation = ad.explanation.trim();
  if (explanation.length < MIN_EXPLANATION) {
    problems.push(
      `authorizedDisclosure.explanation: required for ${ad.basis}: at least a sentence (${MIN_EXPLANATION} characters or more) showing ${rule.mustShow} (${rule.paragraph})`,
    );
  } else if (rule.keyword && !rule.keyword.pattern.test(explanation)) {
    problems.push(`authorizedDisclosure.explanation: for ${ad.basis}, name ${rule.keyword.what} (${rule.paragraph})`);
  }
  if (ad.basis === 'hipaa-custody-exemption') {
    if (ad.custodyPurpose === undefined)
      problems.push(`authorizedDisclosure.custodyPurpose: required for hipaa-custody-exemption: one of a–f (${HIPAA})`);
    if (!report.piiTypes.includes('medical'))
      problems.push(
        `report.piiTypes: hipaa-custody-exemption covers protected health information only: expected "medical" among the PII types (${HIPAA})`,
      );
    if (!LEGACY_CUSTODIAN.test(`${report.disclosedTo ?? ''}\n${explanation}`)) {
      problems.push(
        `authorizedDisclosure.explanation: for hipaa-custody-exemption, name the correctional institution or law-enforcement official with lawful custody (neither report.disclosedTo nor the explanation does) (${HIPAA})`,
      );
    }
  } else if (ad.custodyPurpose !== undefined) {
    problems.push(`authorizedDisclosure.custodyPurpose: applies to hipaa-custody-exemption only, not to ${ad.basis}`);
  }
  return problems;
}
