import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AUTHORIZED_BASES,
  CUSTODY_PURPOSES,
  type AuthorizedBasis,
  type AuthorizedDisclosure,
} from '../../domain/decision.js';
import {
  AUTHORIZED_BASIS_RULES,
  authorizedDisclosureIssues,
  authorizedDisclosureProblems,
  CUSTODY_PURPOSE_TEXT,
  decisionGroundsIssues,
  exemptPart,
  MIN_EXPLANATION,
  recipientIsCustodian,
} from '../../domain/authorized.js';
import { accountingEntry } from '../../domain/accounting.js';
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
  affectedPopulation: 'public',
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
  foia: {
    accepted: 'Released in response to FOIA request F-2026-00123; no exemption applied.',
    withoutTerm: 'Released to a requester after review of the file.',
  },
  'routine-use': {
    accepted: 'Routine use 7 of STATE-31 (Human Resources Records), published in the Federal Register.',
    withoutTerm: 'Shared with OPM for retirement processing as usual.',
  },
  census: {
    accepted: 'Provided to the Census Bureau for the decennial count of overseas staff.',
    withoutTerm: 'Provided to the statistics agency for the decennial count.',
  },
  'statistical-research': {
    accepted: 'Given to a research contractor under a written assurance of statistical use only.',
  },
  nara: {
    accepted: 'Transferred to the National Archives under the records schedule.',
    withoutTerm: 'Transferred to the federal records centre under the schedule.',
  },
  'law-enforcement-request': {
    accepted: 'Written request of the FBI Assistant Director (designee of the Director), 2 March 2026.',
    withoutTerm: 'The FBI needed it for an investigation into fraud.',
  },
  'health-and-safety': { accepted: 'Shared with the hospital to treat the employee after a collapse at post.' },
  congress: {
    accepted: 'Provided to the Senate Foreign Relations Committee within its jurisdiction.',
    withoutTerm: 'Sent to Senator X who asked for it in a letter.',
  },
  gao: {
    accepted: 'Provided to GAO auditors for engagement 123456.',
    withoutTerm: 'Provided to the federal auditors for their engagement.',
  },
  'court-order': {
    accepted: 'Order of the U.S. District Court for D.C., case no. 1:26-cv-00042.',
    withoutTerm: 'A lawyer for the plaintiff sent a subpoena for it.',
  },
  'debt-collection': {
    accepted: 'Referred to Treasury for offset of a delinquent debt under 31 U.S.C. 3716.',
    withoutTerm: 'Referred to Treasury for administrative offset of salary.',
  },
  sorn: {
    accepted: 'Disclosure listed in the current SORN STATE-39, as published in the Federal Register.',
    withoutTerm: 'Disclosure listed in the current notice of the system.',
  },
  'hipaa-custody-exemption': {
    accepted: 'Discharge summary sent to ICE, which has lawful custody of the detainee, for continuity of care.',
    custodyPurpose: 'a',
    report: medicalReport,
  },
};

const RECIPIENT = {
  name: 'ICE Health Service Corps, U.S. Immigration and Customs Enforcement',
  address: '500 12th St SW, Washington, DC 20536',
};
/** The ICE memo's case: records to ICE (its Health Service Corps) for a detainee in ICE custody, purpose (a). */
const CUSTODY = {
  custodian: {
    name: 'U.S. Immigration and Customs Enforcement',
    kind: 'law-enforcement-official' as const,
    determination: { by: 'IHSC Deputy Assistant Director of Health Care Compliance', at: '2026-02-27T09:00:00Z' },
  },
  subjectInLawfulCustody: true,
};

const ad = (
  basis: AuthorizedBasis,
  explanation: string,
  custodyPurpose?: AuthorizedDisclosure['custodyPurpose'],
): AuthorizedDisclosure => ({
  basis,
  explanation,
  recipient: RECIPIENT,
  ...(custodyPurpose ? { custodyPurpose } : {}),
  ...(basis === 'hipaa-custody-exemption' ? CUSTODY : {}),
});

describe('authorizedDisclosureProblems: every basis', () => {
  it('has a case here for every basis of the contract', () => {
    expect(Object.keys(CASES).sort()).toEqual([...AUTHORIZED_BASES].sort());
  });

  it.each(AUTHORIZED_BASES.map((b) => [b]))('%s: accepted with its grounds', (basis) => {
    const c = CASES[basis];
    expect(authorizedDisclosureProblems(ad(basis, c.accepted, c.custodyPurpose), c.report ?? report)).toEqual([]);
  });

  it.each(
    AUTHORIZED_BASES.flatMap((b) => ['', '   ', 'Was authorized.'].map((e): [AuthorizedBasis, string] => [b, e])),
  )('%s: refused with explanation %j', (basis, explanation) => {
    const c = CASES[basis];
    const problems = authorizedDisclosureProblems(ad(basis, explanation, c.custodyPurpose), c.report ?? report);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(
      new RegExp(
        `^authorizedDisclosure\\.explanation: required for ${basis}: at least a sentence \\(${MIN_EXPLANATION} characters`,
      ),
    );
    expect(problems[0]).toContain(AUTHORIZED_BASIS_RULES[basis].paragraph);
  });

  const withTerm = AUTHORIZED_BASES.filter((b) => AUTHORIZED_BASIS_RULES[b].keyword);
  it.each(withTerm.map((b) => [b]))('%s: refused when the explanation does not name what the basis needs', (basis) => {
    const c = CASES[basis];
    expect(c.withoutTerm, `a case without the term for ${basis}`).toBeDefined();
    expect(c.withoutTerm!.length).toBeGreaterThanOrEqual(MIN_EXPLANATION);
    const problems = authorizedDisclosureProblems(ad(basis, c.withoutTerm!), report);
    expect(problems).toEqual([
      `authorizedDisclosure.explanation: for ${basis}, name ${AUTHORIZED_BASIS_RULES[basis].keyword!.what} (${AUTHORIZED_BASIS_RULES[basis].paragraph})`,
    ]);
  });

  it('checks terms only for the bases that name a body or an instrument', () => {
    expect(AUTHORIZED_BASES.filter((b) => !AUTHORIZED_BASIS_RULES[b].keyword)).toEqual([
      'need-to-know',
      'statistical-research',
      'health-and-safety',
      'hipaa-custody-exemption',
    ]);
  });

  it.each(AUTHORIZED_BASES.filter((b) => b !== 'hipaa-custody-exemption').map((b) => [b]))(
    '%s: refuses a custodyPurpose, which belongs to the HIPAA exemption',
    (basis) => {
      expect(authorizedDisclosureProblems(ad(basis, CASES[basis].accepted, 'b'), report)).toEqual([
        `authorizedDisclosure.custodyPurpose: applies to hipaa-custody-exemption only, not to ${basis}`,
      ]);
    },
  );
});

describe('authorizedDisclosureProblems: hipaa-custody-exemption on facts, not words (ICE memo; 45 CFR 164.512(k)(5)(i))', () => {
  const explanation = CASES['hipaa-custody-exemption'].accepted;
  const custody = (
    changes: Partial<AuthorizedDisclosure> = {},
    drop: (keyof AuthorizedDisclosure)[] = [],
  ): AuthorizedDisclosure => {
    const value: Record<string, unknown> = { ...ad('hipaa-custody-exemption', explanation, 'a'), ...changes };
    for (const key of drop) delete value[key];
    return value as AuthorizedDisclosure;
  };

  it('ICE memo: records sent to ICE Health Service Corps for a detainee in ICE custody, purpose (a), are accepted', () => {
    expect(authorizedDisclosureProblems(custody(), medicalReport)).toEqual([]);
  });

  it.each(CUSTODY_PURPOSES.map((p) => [p]))('accepted for custody purpose (%s)', (purpose) => {
    expect(authorizedDisclosureProblems(custody({ custodyPurpose: purpose }), medicalReport)).toEqual([]);
  });

  it.each([['correctional-institution'], ['law-enforcement-official']] as const)(
    'accepted with a custodian of kind %s',
    (kind) => {
      const custodian = { ...CUSTODY.custodian, name: 'County Jail', kind };
      expect(
        authorizedDisclosureProblems(custody({ custodian, recipient: { name: 'County Jail', address: '1 Main St' } }), {
          ...medicalReport,
          disclosedTo: 'the records office of County Jail',
        }),
      ).toEqual([]);
    },
  );

  it('164.512(k)(5)(i): refused without a custody purpose, with the message the contract asks for', () => {
    expect(authorizedDisclosureProblems(custody({}, ['custodyPurpose']), medicalReport)).toEqual([
      'authorizedDisclosure.custodyPurpose: required for hipaa-custody-exemption: one of a–f (45 CFR 164.512(k)(5)(i))',
    ]);
  });

  it('164.512(k)(5)(i): refused without the custodian, whatever the free text says of custody', () => {
    const words =
      'Sent to the correctional institution, the jail with lawful custody of the inmate and detainee, by the police.';
    const problems = authorizedDisclosureIssues(custody({ explanation: words }, ['custodian']), {
      ...medicalReport,
      disclosedTo: 'County Jail, law enforcement',
    } as Report);
    expect(problems).toEqual([
      {
        path: 'authorizedDisclosure.custodian',
        message: expect.stringContaining('correctional-institution" | "law-enforcement-official'),
      },
    ]);
  });

  it('164.512(k)(5)(i): refused unless subjectInLawfulCustody is true', () => {
    for (const changes of [{}, { subjectInLawfulCustody: false }]) {
      const problems = authorizedDisclosureIssues(
        custody(changes, changes.subjectInLawfulCustody === undefined ? ['subjectInLawfulCustody'] : []),
        medicalReport,
      );
      expect(problems.map((p) => p.path)).toEqual(['authorizedDisclosure.subjectInLawfulCustody']);
    }
  });

  it('164.512(k)(5)(i): accepted with the custodian named only in the structured field (no custody words anywhere)', () => {
    const plain = custody({
      explanation: 'Discharge summary sent so that the patient keeps receiving the same treatment.',
    });
    const report = { ...medicalReport, disclosedTo: 'U.S. Immigration and Customs Enforcement' };
    expect(authorizedDisclosureProblems(plain, report)).toEqual([]);
  });

  it('refused when the PII holds no medical information', () => {
    const problems = authorizedDisclosureProblems(custody(), { ...medicalReport, piiTypes: ['personnel-payroll'] });
    expect(problems).toEqual([expect.stringMatching(/^report\.piiTypes: .*"medical"/)]);
  });

  it('the custody fields are refused on any other basis', () => {
    const other = { ...ad('need-to-know', CASES['need-to-know'].accepted), ...CUSTODY };
    expect(authorizedDisclosureIssues(other, report).map((i) => i.path)).toEqual([
      'authorizedDisclosure.custodian',
      'authorizedDisclosure.subjectInLawfulCustody',
    ]);
  });

  it('lists every missing ground at once, each naming its field', () => {
    const problems = authorizedDisclosureIssues({ basis: 'hipaa-custody-exemption', explanation: 'ok' }, report);
    expect(problems.map((p) => p.path)).toEqual([
      'authorizedDisclosure.explanation',
      'authorizedDisclosure.recipient',
      'authorizedDisclosure.custodian',
      'authorizedDisclosure.custodyPurpose',
      'authorizedDisclosure.subjectInLawfulCustody',
      'report.piiTypes',
      'report.affectedPopulation',
    ]);
  });

  it('decisionGroundsIssues (API, link form, CLI) checks the finding without the report, and nothing on other kinds', () => {
    expect(
      decisionGroundsIssues({ kind: 'submit-analysis', authorizedDisclosure: custody({}, ['custodian']) }).map(
        (i) => i.path,
      ),
    ).toEqual(['authorizedDisclosure.custodian']);
    expect(decisionGroundsIssues({ kind: 'submit-analysis', authorizedDisclosure: custody() })).toEqual([]);
    expect(decisionGroundsIssues({ kind: 'submit-analysis' })).toEqual([]);
    expect(decisionGroundsIssues({ kind: 'convene-crg' })).toEqual([]);
  });

  it('incidents started before the structured grounds keep their rules (legacy), so their histories replay', () => {
    const old = { basis: 'hipaa-custody-exemption' as const, explanation, custodyPurpose: 'a' as const };
    expect(authorizedDisclosureProblems(old, medicalReport, { legacy: true })).toEqual([]);
    expect(
      authorizedDisclosureProblems(
        { ...old, explanation: 'The records were sent on to the requesting agency.' },
        { ...medicalReport, disclosedTo: 'A staffing agency' },
        { legacy: true },
      ),
    ).toEqual([
      expect.stringMatching(
        /^authorizedDisclosure\.explanation: for hipaa-custody-exemption, name the correctional institution/,
      ),
    ]);
    expect(authorizedDisclosureProblems(old, medicalReport).map((p) => p.split(':')[0])).toEqual([
      'authorizedDisclosure.recipient',
      'authorizedDisclosure.custodian',
      'authorizedDisclosure.subjectInLawfulCustody',
    ]);
  });

  it('164.512(k)(5)(i): employees\' medical, SSN and financial records sent to a newspaper under a "County Jail" custodian are refused, each ground named', () => {
    const newspaper = custody({
      custodian: { name: 'County Jail', kind: 'correctional-institution' },
      recipient: { name: 'The Daily Courier', address: '1 Press Row, Springfield' },
    });
    const problems = authorizedDisclosureIssues(newspaper, {
      ...medicalReport,
      piiTypes: ['medical', 'ssn-or-passport-number', 'financial'],
      affectedPopulation: 'workforce',
    });
    expect(problems.map((p) => p.path)).toEqual([
      'authorizedDisclosure.recipient',
      'authorizedDisclosure.custodian.determination',
      'report.affectedPopulation',
    ]);
    expect(problems[0]!.message).toContain('the recipient must be the custodian "County Jail"');
    expect(problems[2]!.message).toContain('workforce members');
  });

  it("164.512(k)(5)(i): the report's own `disclosedTo` must name the custodian or the recipient: a newspaper in the report is not made the jail by the finding", () => {
    const jail = custody({
      custodian: { ...CUSTODY.custodian, name: 'County Jail', kind: 'correctional-institution' },
      recipient: { name: 'Medical unit, County Jail', address: '1 Main St' },
    });
    const saidTo = (disclosedTo: string | undefined) =>
      authorizedDisclosureIssues(jail, { ...medicalReport, disclosedTo }).map((i) => i.path);
    expect(saidTo('The Daily Courier, 1 Press Row')).toEqual(['report.disclosedTo']);
    expect(
      authorizedDisclosureIssues(jail, { ...medicalReport, disclosedTo: 'The Daily Courier' })[0]!.message,
    ).toContain('names neither the custodian "County Jail" nor the recipient "Medical unit, County Jail"');
    expect(saidTo('the jailhouse')).toEqual(['report.disclosedTo']);
    expect(saidTo('the nurse at the county jail, by fax')).toEqual([]);
    expect(saidTo('Medical Unit')).toEqual([]);
    // A report that does not say leaves the finding's recipient alone.
    expect(saidTo(undefined)).toEqual([]);
    expect(saidTo('not stated in the email')).toEqual([]);
    // Incidents started before the check (workflows/patches.ts `custodyReportRecipient`).
    const older = { ...medicalReport, disclosedTo: 'The Daily Courier' };
    expect(authorizedDisclosureIssues(jail, older, { reportRecipient: false })).toEqual([]);
  });

  it('164.512(k)(5)(i): the recipient must be the custodian, or a unit of it named "unit, custodian"', () => {
    const said = {
      ...medicalReport,
      disclosedTo: 'U.S. Immigration and Customs Enforcement (its Health Service Corps)',
    };
    const named = (recipient: string) =>
      authorizedDisclosureIssues(custody({ recipient: { name: recipient, address: '500 12th St SW' } }), said);
    expect(named('U.S. Immigration and Customs Enforcement')).toEqual([]);
    expect(named('u.s. immigration & customs enforcement')).toEqual([]);
    expect(named('ICE Health Service Corps, U.S. Immigration and Customs Enforcement')).toEqual([]);
    expect(named('U.S. Immigration and Customs Enforcement, ICE Health Service Corps')).toEqual([]);
    for (const other of [
      'ICE Health Service Corps',
      'A staffing agency',
      'Not U.S. Immigration and Customs Enforcement',
    ])
      expect(named(other).map((p) => p.path)).toEqual(['authorizedDisclosure.recipient']);
    expect(recipientIsCustodian('County Jail', 'County Jail')).toBe(true);
    expect(recipientIsCustodian('The Daily Courier', 'County Jail')).toBe(false);
  });

  it("ICE memo: the custodian's determination that the information is necessary is recorded: who and when, not after the disclosure", () => {
    const { custodian } = CUSTODY;
    const without = custody({ custodian: { name: custodian.name, kind: custodian.kind } });
    expect(authorizedDisclosureIssues(without, medicalReport)).toEqual([
      { path: 'authorizedDisclosure.custodian.determination', message: expect.stringContaining('{ by, at }') },
    ]);
    const late = custody({ disclosedAt: '2026-02-26T09:00:00Z' });
    expect(authorizedDisclosureIssues(late, medicalReport).map((p) => p.path)).toEqual([
      'authorizedDisclosure.custodian.determination.at',
    ]);
    expect(authorizedDisclosureIssues(custody({ disclosedAt: '2026-02-28T09:00:00Z' }), medicalReport)).toEqual([]);
  });

  it('164.512(k)(5)(i): workforce members are not people in lawful custody (400 naming report.affectedPopulation)', () => {
    const problems = authorizedDisclosureIssues(custody(), { ...medicalReport, affectedPopulation: 'workforce' });
    expect(problems.map((p) => p.path)).toEqual(['report.affectedPopulation']);
  });

  it('164.512(k)(5)(i): only the medical information is exempt; the other PII types of the same disclosure stay a breach', () => {
    expect(
      exemptPart({ basis: 'hipaa-custody-exemption' }, ['medical', 'ssn-or-passport-number', 'financial']),
    ).toEqual({ exempt: ['medical'], remaining: ['ssn-or-passport-number', 'financial'] });
    expect(exemptPart({ basis: 'hipaa-custody-exemption' }, ['medical'])).toEqual({
      exempt: ['medical'],
      remaining: [],
    });
    expect(exemptPart({ basis: 'court-order' }, ['medical', 'financial'])).toEqual({
      exempt: ['medical', 'financial'],
      remaining: [],
    });
  });

  it('incidents started before the custody facts keep the rules they started with (custodyFacts: false)', () => {
    const before = custody({
      custodian: { name: 'County Jail', kind: 'correctional-institution' },
      recipient: { name: 'The Daily Courier', address: '1 Press Row' },
    });
    const workforce = { ...medicalReport, affectedPopulation: 'workforce' as const };
    expect(authorizedDisclosureProblems(before, workforce, { custodyFacts: false })).toEqual([]);
    expect(authorizedDisclosureProblems(before, workforce).map((p) => p.split(':')[0])).toEqual([
      'authorizedDisclosure.recipient',
      'authorizedDisclosure.custodian.determination',
      'report.affectedPopulation',
    ]);
  });

  it('has the text of every purpose (a)-(f)', () => {
    expect(Object.keys(CUSTODY_PURPOSE_TEXT)).toEqual([...CUSTODY_PURPOSES]);
    for (const text of Object.values(CUSTODY_PURPOSE_TEXT)) expect(text.length).toBeGreaterThan(20);
  });
});

describe('accountingEntry (5 FAM 464c)', () => {
  it("464c: date, nature, purpose, and the recipient's name and address; kept at least five years", () => {
    const entry = accountingEntry(
      { ...ad('hipaa-custody-exemption', CASES['hipaa-custody-exemption'].accepted, 'a'), recipient: RECIPIENT },
      { ...medicalReport, occurredAt: '2026-02-27T10:00:00Z' },
      {
        incidentId: 'inc-1',
        seq: 1,
        recordedAt: '2026-03-02T09:00:00Z',
        recordedBy: 'ips-director',
      },
    );
    expect(entry).toMatchObject({
      entryId: 'inc-1-D1',
      disclosedAt: '2026-02-27T10:00:00Z',
      nature: 'paper disclosure of medical',
      recipient: RECIPIENT,
      basis: 'hipaa-custody-exemption',
      accountingRequired: true,
      keepAtLeastUntil: '2031-02-27T10:00:00.000Z',
      recordedBy: 'ips-director',
    });
    expect(entry.purpose).toContain('45 CFR 164.512(k)(5)(i)');
    expect(entry.purpose).toContain('(a): the provision of health care');
    expect(entry.purpose).toContain('U.S. Immigration and Customs Enforcement (law-enforcement-official)');
  });

  it('464c: need-to-know and FOIA disclosures are entered but marked as not required; the given date wins', () => {
    for (const basis of ['need-to-know', 'foia'] as const) {
      const entry = accountingEntry(
        { ...ad(basis, CASES[basis].accepted), recipient: RECIPIENT, disclosedAt: '2026-01-05T00:00:00Z' },
        report,
        { incidentId: 'inc-2', seq: 3, recordedAt: '2026-03-02T09:00:00Z', recordedBy: 'x' },
      );
      expect(entry).toMatchObject({
        entryId: 'inc-2-D3',
        accountingRequired: false,
        disclosedAt: '2026-01-05T00:00:00Z',
        nature: 'non-electronic disclosure of personnel-payroll',
      });
    }
  });
});

describe('the description table', () => {
  const doc = readFileSync(new URL('../../docs/authorized-disclosure.md', import.meta.url), 'utf8');
  it.each(AUTHORIZED_BASES.map((b) => [b]))(
    '%s: has its paragraph and what must be shown, and is documented',
    (basis) => {
      const rule = AUTHORIZED_BASIS_RULES[basis];
      expect(rule.paragraph).toMatch(/5 FAM 464b\(9\)\([a-m]\)|45 CFR 164\.512\(k\)\(5\)\(i\)/);
      expect(rule.condition.length).toBeGreaterThan(10);
      expect(rule.mustShow.length).toBeGreaterThan(10);
      const line = doc.split('\n').find((l) => l.startsWith(`| \`${basis}\` |`));
      expect(line, `docs row for ${basis}`).toBeDefined();
      expect(line).toContain(rule.paragraph);
    },
  );

  it('maps the thirteen Privacy Act conditions (a)-(m) one to one', () => {
    const letters = AUTHORIZED_BASES.filter((b) => b !== 'hipaa-custody-exemption').map(
      (b) => /464b\(9\)\(([a-m])\)/.exec(AUTHORIZED_BASIS_RULES[b].paragraph)?.[1],
    );
    expect(letters).toEqual('abcdefghijklm'.split(''));
  });
});
