/**
 * The accounting of disclosures (5 FAM 464c): every disclosure the CRG finds authorized is entered with
 * its date, nature and purpose and the name and address of the recipient, kept five years after the
 * disclosure or for the life of the record, whichever is longer.
 *
 * Reading taken: 464c leaves disclosures within the agency on a need-to-know basis and under FOIA out of
 * the accounting. The issue asks for an entry for every authorized disclosure, so those are entered too
 * and marked `accountingRequired: false`: listing one more never hides one the law requires.
 *
 * Pure: it runs inside the workflow sandbox.
 */
import { AUTHORIZED_BASIS_RULES, CUSTODY_PURPOSE_TEXT } from './authorized.js';
import type { AuthorizedDisclosure } from './decision.js';
import type { Report } from './report.js';
import type { DisclosureAccounting } from './state.js';

/** 464c: "five years after any disclosure or the life of the record (whichever is longer)". */
export const ACCOUNTING_MIN_YEARS = 5;

const NOT_ACCOUNTED = new Set(['need-to-know', 'foia']);

export function accountingEntry(
  ad: AuthorizedDisclosure & { recipient: { name: string; address: string } },
  report: Pick<Report, 'piiTypes' | 'medium' | 'disclosureFormat' | 'occurredAt' | 'discoveredAt'>,
  entry: { incidentId: string; seq: number; recordedAt: string; recordedBy: string },
): DisclosureAccounting {
  const rule = AUTHORIZED_BASIS_RULES[ad.basis];
  const disclosedAt = ad.disclosedAt ?? report.occurredAt ?? report.discoveredAt;
  const keep = new Date(disclosedAt);
  keep.setUTCFullYear(keep.getUTCFullYear() + ACCOUNTING_MIN_YEARS);
  const format = report.disclosureFormat ?? (report.medium === 'cyber' ? 'electronic' : 'non-electronic');
  const custody =
    ad.basis === 'hipaa-custody-exemption' && ad.custodyPurpose
      ? `; purpose (${ad.custodyPurpose}): ${CUSTODY_PURPOSE_TEXT[ad.custodyPurpose]}`
      : '';
  const custodian = ad.custodian ? `; custodian: ${ad.custodian.name} (${ad.custodian.kind})` : '';
  return {
    entryId: `${entry.incidentId}-D${entry.seq}`,
    incidentId: entry.incidentId,
    disclosedAt,
    nature: `${format} disclosure of ${report.piiTypes.join(', ')}`,
    purpose: `${rule.condition} (${rule.paragraph})${custody}${custodian}. ${ad.explanation.trim()}`,
    recipient: { name: ad.recipient.name, address: ad.recipient.address },
    basis: ad.basis,
    accountingRequired: !NOT_ACCOUNTED.has(ad.basis),
    keepAtLeastUntil: keep.toISOString(),
    recordedAt: entry.recordedAt,
    recordedBy: entry.recordedBy,
  };
}
