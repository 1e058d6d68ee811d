/**
 * The custody exemption on the custodian's facts (45 CFR 164.512(k)(5)(i), ICE memo of 26 January
 * 2021; docs/authorized-disclosure.md): what domain/authorized.ts checks beyond the structured grounds
 * for incidents under these rules (workflows/patches.ts `custodyFacts`).
 *
 * Pure: it runs inside the workflow sandbox.
 */
import type { AuthorizedDisclosure } from './decision.js';
import type { PiiType, Report } from './report.js';
import { stated } from './text.js';

interface Issue {
  path: string;
  message: string;
}

const HIPAA = '45 CFR 164.512(k)(5)(i)';

/**
 * 45 CFR 164.512(k)(5)(i) as the ICE memo reads it: the exemption applies "to a correctional institution
 * or a law enforcement official having lawful custody ... if [it] determines that such protected health
 * information is necessary". So the information went to the custodian itself (the recipient is the
 * custodian, or a unit of it named as "unit, custodian"); the custodian's determination is recorded (who
 * determined it, when, not after the disclosure); and workforce members are not people in custody.
 */
export function custodyFactIssues(
  ad: AuthorizedDisclosure,
  report?: Pick<Report, 'affectedPopulation' | 'disclosedTo'>,
  rules: { reportRecipient?: boolean } = {},
): Issue[] {
  const issues: Issue[] = [];
  const at = (field: string, message: string) => issues.push({ path: `authorizedDisclosure.${field}`, message });
  if (ad.custodian && ad.recipient && !recipientIsCustodian(ad.recipient.name, ad.custodian.name)) {
    at(
      'recipient',
      `for hipaa-custody-exemption the recipient must be the custodian "${ad.custodian.name}" (or a unit of it, named "unit, ${ad.custodian.name}"): the exemption covers information given to the institution or official having lawful custody, not to anyone else (${HIPAA})`,
    );
  } else if ((rules.reportRecipient ?? true) && ad.custodian && !reportNamesCustodian(report?.disclosedTo, ad)) {
    issues.push({
      path: 'report.disclosedTo',
      message: `the report says the information went to "${report?.disclosedTo}", which names neither the custodian "${ad.custodian.name}" nor the recipient "${ad.recipient?.name ?? ''}": the exemption covers what was given to the custodian (${HIPAA}); if the report is wrong, correct \`disclosedTo\` by a supplement first`,
    });
  }
  if (ad.custodian && !ad.custodian.determination) {
    at(
      'custodian.determination',
      `required for hipaa-custody-exemption: { by, at }, who at the custodian determined that the information was necessary for the purpose, and when (${HIPAA}; ICE memo)`,
    );
  } else if (
    ad.custodian?.determination &&
    ad.disclosedAt &&
    Date.parse(ad.custodian.determination.at) > Date.parse(ad.disclosedAt)
  ) {
    at(
      'custodian.determination.at',
      `expected a time no later than the disclosure (${ad.disclosedAt}): the custodian determines the information is necessary before it is disclosed (${HIPAA})`,
    );
  }
  if (report?.affectedPopulation === 'workforce') {
    issues.push({
      path: 'report.affectedPopulation',
      message: `hipaa-custody-exemption covers people in lawful custody; the report says the people affected are workforce members (expected "public"; ${HIPAA})`,
    });
  }
  return issues;
}

const nameKey = (name: string) =>
  name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** The recipient is the custodian: the same name, or a unit of it named "unit, custodian" (or "custodian, unit"). */
export function recipientIsCustodian(recipient: string, custodian: string): boolean {
  const want = nameKey(custodian);
  if (want === '') return false;
  const parts = recipient.split(',').map(nameKey);
  return nameKey(recipient) === want || parts[0] === want || parts[parts.length - 1] === want;
}

/**
 * The report's own account of the recipient (`disclosedTo`, free text) agrees with the finding: it names
 * the custodian, the recipient, or one part of a recipient named "unit, custodian", as whole words. Our
 * reading of 164.512(k)(5)(i): a finding cannot make a disclosure the reporter saw go to a newspaper into
 * one to the jail; the facts are corrected by a supplement, and then the finding is taken. A report that
 * does not say (no `disclosedTo`, or a mailed report's "not stated") leaves the finding's recipient alone.
 */
export function reportNamesCustodian(
  disclosedTo: string | undefined,
  ad: Pick<AuthorizedDisclosure, 'custodian' | 'recipient'>,
): boolean {
  const said = stated(disclosedTo) ? nameKey(disclosedTo) : '';
  if (said === '') return true;
  const names = [ad.custodian?.name ?? '', ...(ad.recipient?.name.split(',') ?? [])].map(nameKey);
  return names.some((name) => name !== '' && ` ${said} `.includes(` ${name} `));
}

/**
 * The part of the disclosure a finding covers: for the custody exemption only the protected health
 * information (`medical`); the other PII types of the same disclosure stay a breach (45 CFR
 * 164.512(k)(5)(i) exempts PHI and nothing else). Any other basis covers the whole disclosure.
 */
export function exemptPart(
  ad: Pick<AuthorizedDisclosure, 'basis'>,
  piiTypes: readonly PiiType[],
): { exempt: PiiType[]; remaining: PiiType[] } {
  if (ad.basis !== 'hipaa-custody-exemption') return { exempt: [...piiTypes], remaining: [] };
  return {
    exempt: piiTypes.filter((t) => t === 'medical'),
    remaining: piiTypes.filter((t) => t !== 'medical'),
  };
}
