import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUTHORIZED_BASES, CUSTODY_PURPOSES, type AuthorizedBasis, type AuthorizedDisclosure } from '../../domain/decision.js';
import { AUTHORIZED_BASIS_RULES, authorizedDisclosureProblems, CUSTODY_PURPOSE_TEXT, MIN_EXPLANATION } from '../../domain/authorized.js';
import type { Report } from '../../domain/report.js';

const report: Report = {
  reporter: { name: 'Rae Reporter', email: 'rae@state.example', office: 'A/EX' },
  supervisor: { name: 'Sue Supervisor', email: 'sue@state.example' },
  discoveredAt: '2026-03-01T14:05:00Z',
  medium: 'non-cyber',
  summary: 'A file was handed over.',
  piiTypes: ['personnel-payroll'],
  affectedCount: 1,
  affectedPopulation: 'workforce',
  encrypted: false,
  classifiedInvolved: false,
  criminalActSuspected: false,
};
const medicalReport: Report = {
  ...report,
  piiTypes: ['medical'],
  disclosureFormat: 'paper',
  disclosedBy: 'Clinic records office',
  disclosedTo: 'ICE Health Service Corps, detention facility',
};

interface Case {
  /** An explanation that shows the grounds. */
  accepted: string;
  /** A sentence long enough, without the term the basis needs (only where a term is checked). */
  withoutTerm?: string;
  custodyPurpose?: AuthorizedDisclosure['custodyPurpose'];
  report?: Report;
}

const CASES: Record<AuthorizedBasis, Case> = {
  'need-to-know': { accepted: 'Sent to the HR specialist who maintains the leave file for her official duties.' },
  foia: { accepted: 'Released in response to FOIA request F-2026-00123; no exemption applied.', withoutTerm: 'Released to a requester after review of the file.' },
  'routine-use': { accepted: 'Routine use 7 of STATE-31 (Human Resources Records), published in the Federal Register.', withoutTerm: 'Shared with OPM for retirement processing as usual.' },
  census: { accepted: 'Provided to the Census Bureau for the decennial count of overseas staff.', withoutTerm: 'Provided to the statistics agency for the decennial count.' },
  'statistical-research': { accepted: 'Given to a research contractor under a written assurance of statistical use only.' },
  nara: { accepted: 'Transferred to the National Archives under the records schedule.', withoutTerm: 'Transferred to the federal records centre under the schedule.' },
  'law-enforcement-request': { accepted: 'Written request of the FBI Assistant Director (designee of the Director), 2 March 2026.', withoutTerm: 'The FBI needed it for an investigation into fraud.' },
  'health-and-safety': { accepted: 'Shared with the hospital to treat the employee after a collapse at post.' },
  congress: { accepted: 'Provided to the Senate Foreign Relations Committee within its jurisdiction.', withoutTerm: 'Sent to Senator X who asked for it in a letter.' },
  gao: { accepted: 'Provided to GAO auditors for engagement 123456.', withoutTerm: 'Provided to the federal auditors for their engagement.' },
  'court-order': { accepted: 'Order of the U.S. District Court for D.C., case no. 1:26-cv-00042.', withoutTerm: 'A lawyer for the plaintiff sent a subpoena for it.' },
  'debt-collection': { accepted: 'Referred to Treasury for offset of a delinquent debt under 31 U.S.C. 3716.', withoutTerm: 'Referred to Treasury for administrative offset of salary.' },
  sorn: { accepted: 'Disclosure listed in the current SORN STATE-39, as published in the Federal Register.', withoutTerm: 'Disclosure listed in the current notice of the system.' },
  'hipaa-custody-exemption': {
    accepted: 'Discharge summary sent to ICE, which has lawful custody of the detainee, for continuity of care.',
    custodyPurpose: 'a',
    report: medicalReport,
  },
};

const ad = (basis: AuthorizedBasis, explanation: string, custodyPurpose?: AuthorizedDisclosure['custodyPurpose']): AuthorizedDisclosure =>
  custodyPurpose ? { basis, explanation, custodyPurpose } : { basis, explanation };

describe('authorizedDisclosureProblems: every basis', () => {
  it('has a case here for every basis of the contract', () => {
    expect(Object.keys(CASES).sort()).toEqual([...AUTHORIZED_BASES].sort());
  });

  it.each(AUTHORIZED_BASES.map((b) => [b]))('%s: accepted with its grounds', (basis) => {
    const c = CASES[basis];
    expect(authorizedDisclosureProblems(ad(basis, c.accepted, c.custodyPurpose), c.report ?? report)).toEqual([]);
  });

  it.each(AUTHORIZED_BASES.flatMap((b) => ['', '   ', 'Was authorized.'].map((e): [AuthorizedBasis, string] => [b, e])))('%s: refused with explanation %j', (basis, explanation) => {
    const c = CASES[basis];
    const problems = authorizedDisclosureProblems(ad(basis, explanation, c.custodyPurpose), c.report ?? report);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(new RegExp(`^authorizedDisclosure\\.explanation: required for ${basis}: at least a sentence \\(${MIN_EXPLANATION} characters`));
    expect(problems[0]).toContain(AUTHORIZED_BASIS_RULES[basis].paragraph);
  });

  const withTerm = AUTHORIZED_BASES.filter((b) => AUTHORIZED_BASIS_RULES[b].keyword);
  it.each(withTerm.map((b) => [b]))('%s: refused when the explanation does not name what the basis needs', (basis) => {
    const c = CASES[basis];
    expect(c.withoutTerm, `a case without the term for ${basis}`).toBeDefined();
    expect(c.withoutTerm!.length).toBeGreaterThanOrEqual(MIN_EXPLANATION);
    const problems = authorizedDisclosureProblems(ad(basis, c.withoutTerm!), report);
    expect(problems).toEqual([`authorizedDisclosure.explanation: for ${basis}, name ${AUTHORIZED_BASIS_RULES[basis].keyword!.what} (${AUTHORIZED_BASIS_RULES[basis].paragraph})`]);
  });

  it('checks terms only for the bases that name a body or an instrument', () => {
    expect(AUTHORIZED_BASES.filter((b) => !AUTHORIZED_BASIS_RULES[b].keyword)).toEqual(['need-to-know', 'statistical-research', 'health-and-safety', 'hipaa-custody-exemption']);
  });

  it.each(AUTHORIZED_BASES.filter((b) => b !== 'hipaa-custody-exemption').map((b) => [b]))('%s: refuses a custodyPurpose, which belongs to the HIPAA exemption', (basis) => {
    expect(authorizedDisclosureProblems(ad(basis, CASES[basis].accepted, 'b'), report)).toEqual([
      `authorizedDisclosure.custodyPurpose: applies to hipaa-custody-exemption only, not to ${basis}`,
    ]);
  });
});

describe('authorizedDisclosureProblems: hipaa-custody-exemption (45 CFR 164.512(k)(5)(i))', () => {
  const explanation = CASES['hipaa-custody-exemption'].accepted;

  it.each(CUSTODY_PURPOSES.map((p) => [p]))('accepted for custody purpose (%s)', (purpose) => {
    expect(authorizedDisclosureProblems(ad('hipaa-custody-exemption', explanation, purpose), medicalReport)).toEqual([]);
  });

  it('refused without a custody purpose, with the message the contract asks for', () => {
    expect(authorizedDisclosureProblems(ad('hipaa-custody-exemption', explanation), medicalReport)).toEqual([
      'authorizedDisclosure.custodyPurpose: required for hipaa-custody-exemption: one of a–f (45 CFR 164.512(k)(5)(i))',
    ]);
  });

  it('refused when the PII holds no medical information', () => {
    const problems = authorizedDisclosureProblems(ad('hipaa-custody-exemption', explanation, 'b'), { ...medicalReport, piiTypes: ['personnel-payroll'] });
    expect(problems).toEqual([expect.stringMatching(/^report\.piiTypes: .*"medical"/)]);
  });

  it('refused when nobody with lawful custody is named', () => {
    const problems = authorizedDisclosureProblems(ad('hipaa-custody-exemption', 'The records were sent on to the requesting agency.', 'f'), {
      ...medicalReport,
      disclosedTo: 'A staffing agency',
    });
    expect(problems).toEqual([expect.stringMatching(/^authorizedDisclosure\.explanation: for hipaa-custody-exemption, name the correctional institution or law-enforcement official/)]);
  });

  it.each([
    ['the report names the custodian', 'County Jail medical unit', 'Sent on request for the continuity of care of the patient.'],
    ['the explanation names the custodian', 'Officer on duty', 'Given to the correctional institution holding the inmate.'],
    ['a law-enforcement official', 'U.S. Marshals Service', 'The marshals transport the prisoner tomorrow.'],
  ])('accepted when %s', (_name, disclosedTo, text) => {
    expect(authorizedDisclosureProblems(ad('hipaa-custody-exemption', text, 'd'), { ...medicalReport, disclosedTo })).toEqual([]);
  });

  it('lists every missing ground at once', () => {
    const problems = authorizedDisclosureProblems(ad('hipaa-custody-exemption', 'ok'), { ...report, disclosedTo: undefined });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['authorizedDisclosure.explanation', 'authorizedDisclosure.custodyPurpose', 'report.piiTypes', 'authorizedDisclosure.explanation']);
  });

  it('has the text of every purpose (a)-(f)', () => {
    expect(Object.keys(CUSTODY_PURPOSE_TEXT)).toEqual([...CUSTODY_PURPOSES]);
    for (const text of Object.values(CUSTODY_PURPOSE_TEXT)) expect(text.length).toBeGreaterThan(20);
  });
});

describe('the description table', () => {
  const doc = readFileSync(new URL('../../docs/authorized-disclosure.md', import.meta.url), 'utf8');
  it.each(AUTHORIZED_BASES.map((b) => [b]))('%s: has its paragraph and what must be shown, and is documented', (basis) => {
    const rule = AUTHORIZED_BASIS_RULES[basis];
    expect(rule.paragraph).toMatch(/5 FAM 464b\(9\)\([a-m]\)|45 CFR 164\.512\(k\)\(5\)\(i\)/);
    expect(rule.condition.length).toBeGreaterThan(10);
    expect(rule.mustShow.length).toBeGreaterThan(10);
    const line = doc.split('\n').find((l) => l.startsWith(`| \`${basis}\` |`));
    expect(line, `docs row for ${basis}`).toBeDefined();
    expect(line).toContain(rule.paragraph);
  });

  it('maps the thirteen Privacy Act conditions (a)-(m) one to one', () => {
    const letters = AUTHORIZED_BASES.filter((b) => b !== 'hipaa-custody-exemption').map((b) => /464b\(9\)\(([a-m])\)/.exec(AUTHORIZED_BASIS_RULES[b].paragraph)?.[1]);
    expect(letters).toEqual('abcdefghijklm'.split(''));
  });
});
