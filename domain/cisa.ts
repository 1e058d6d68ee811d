/**
 * The one-hour report in the field set of CISA's Federal Incident Notification Guidelines: functional
 * impact, information impact, recoverability, attack (threat) vector, what was affected, and a point of
 * contact. An initial report carries what the report knows and says `null` for what it does not yet;
 * an update for a supplement names the first report (our incident id and the receiver's reference).
 *
 * Pure: it runs inside the workflow sandbox.
 */
import type { Report } from './report.js';

export const FUNCTIONAL_IMPACTS = [
  'no-impact',
  'no-impact-to-services',
  'minimal-impact-to-non-critical-services',
  'minimal-impact-to-critical-services',
  'significant-impact-to-non-critical-services',
  'denial-of-non-critical-services',
  'significant-impact-to-critical-services',
  'denial-of-critical-services',
] as const;

export const RECOVERABILITY = ['regular', 'supplemented', 'extended', 'not-recoverable'] as const;

export const ATTACK_VECTORS = [
  'unknown',
  'attrition',
  'web',
  'email-phishing',
  'external-removable-media',
  'impersonation-spoofing',
  'improper-usage',
  'loss-or-theft-of-equipment',
  'other',
] as const;

export interface CisaFields {
  guideline: 'CISA Federal Incident Notification Guidelines';
  reportType: 'initial' | 'update';
  /** An update names the report it updates. */
  updates?: { incidentId: string; reference: string | null; supplement: number };
  functionalImpact: (typeof FUNCTIONAL_IMPACTS)[number] | null;
  /** A report of PII is a privacy data breach (suspected or confirmed, 468.3a). */
  informationImpact: 'privacy-data-breach';
  recoverability: (typeof RECOVERABILITY)[number] | null;
  attackVector: (typeof ATTACK_VECTORS)[number] | null;
  detectedAt: string;
  occurredAt: string | null;
  affected: {
    medium: Report['medium'];
    piiTypes: Report['piiTypes'];
    records: number;
    population: Report['affectedPopulation'];
    encrypted: boolean;
    disclosureFormat: Report['disclosureFormat'] | null;
    classifiedInvolved: boolean;
  };
  /** The agency's point of contact: the focal point of the playbook, never the reporter or the people affected. */
  contact: { organization: string; office: string; people: { name: string; email: string }[] };
}

export function cisaFields(
  r: Report,
  context: {
    organization: string;
    contactOffice: string;
    contacts: { name: string; email: string }[];
    update?: CisaFields['updates'];
  },
): CisaFields {
  return {
    guideline: 'CISA Federal Incident Notification Guidelines',
    reportType: context.update ? 'update' : 'initial',
    ...(context.update ? { updates: context.update } : {}),
    functionalImpact: r.functionalImpact ?? null,
    informationImpact: 'privacy-data-breach',
    recoverability: r.recoverability ?? null,
    attackVector: r.attackVector ?? null,
    detectedAt: r.discoveredAt,
    occurredAt: r.occurredAt ?? null,
    affected: {
      medium: r.medium,
      piiTypes: r.piiTypes,
      records: r.affectedCount,
      population: r.affectedPopulation,
      encrypted: r.encrypted,
      disclosureFormat: r.disclosureFormat ?? null,
      classifiedInvolved: r.classifiedInvolved,
    },
    contact: { organization: context.organization, office: context.contactOffice, people: context.contacts },
  };
}

/** The receiver's case or ticket number in its answer, under the names receivers use; null when none. */
export function receiverReference(receipt: unknown): string | null {
  if (receipt === null || typeof receipt !== 'object') return null;
  const answer = receipt as Record<string, unknown>;
  for (const key of ['reference', 'caseNumber', 'case', 'ticketNumber', 'ticket', 'incidentNumber', 'id']) {
    const value = answer[key];
    if ((typeof value === 'string' && value.trim() !== '') || typeof value === 'number')
      return String(value).slice(0, 200);
  }
  return null;
}
