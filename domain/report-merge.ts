/**
 * How a supplement (a later report with the incident id) changes what is known of an incident: one rule
 * for the workflow (workflows/intake.ts, workflows/duty-rules.ts) and for the pages that show it
 * (pages/case-report.ts). docs/lifecycle.md "Duties": every report field a supplement may change is
 * merged, the earlier value kept in the case record.
 *
 * Pure: it runs inside the workflow sandbox.
 */
import type { Report } from './report.js';

/**
 * The facts that drive the response may only widen: more PII types, more people, newly classified,
 * criminal or caused by a workforce member (a supplement that leaves one out does not take it back).
 */
export function widened<R extends Report>(known: R, next: Report): R {
  return {
    ...known,
    piiTypes: [...new Set([...known.piiTypes, ...next.piiTypes])],
    affectedCount: Math.max(known.affectedCount, next.affectedCount),
    classifiedInvolved: known.classifiedInvolved || next.classifiedInvolved,
    criminalActSuspected: known.criminalActSuspected || next.criminalActSuspected,
    causedByWorkforceMember: known.causedByWorkforceMember || next.causedByWorkforceMember,
  };
}

/** CISA's fields (US-CERT's report): what the reporter learned later replaces what was not known. */
export const CISA_FIELDS = ['functionalImpact', 'recoverability', 'attackVector'] as const;

/** The report fields a supplement may change under the duty rules: a later value wins. */
export const LATER_WINS = [
  'occurredAt',
  'medium',
  'encrypted',
  'affectedPopulation',
  'disclosureFormat',
  'disclosedBy',
  'disclosedTo',
  'programManager',
] as const;

/** What a supplement says of `fields` replaces the known value; what it leaves out stays. */
export function laterWins<R extends Report>(known: R, next: Report, fields: readonly (keyof Report)[]): R {
  const merged: Record<string, unknown> = { ...known };
  for (const field of fields) {
    const value = next[field];
    if (value !== undefined) merged[field] = value;
  }
  return merged as R;
}

/** The facts known after a supplement, as an incident under today's rules merges them. */
export function supplemented<R extends Report>(known: R, next: Report): R {
  const title = next.title?.trim() ? { title: next.title } : {};
  return { ...laterWins(widened(known, next), next, [...CISA_FIELDS, ...LATER_WINS]), ...title };
}
