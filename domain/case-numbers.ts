/**
 * Case numbers people can say: `<prefix>-<year>-<sequence>` (`PII-2026-0042`), the prefix from the
 * playbook, the sequence zero-padded to four digits (and longer past 9999). Assigned once per incident by
 * the case-numbering workflow of its prefix and year (workflows/case-numbering.ts), never reused; the
 * opaque incident id stays the workflow id (docs/contract.md "Case numbers"). A number names no person:
 * it may go into search attributes, mail subjects and the Temporal UI.
 */

/** The playbook's prefix: capital letters, 1 to 10 (`PII`). */
export const CASE_NUMBER_PREFIX_PATTERN = /^[A-Z]{1,10}$/;

/** A whole case number, as people write it (letters in either case are taken). */
export const CASE_NUMBER_PATTERN = /^([A-Za-z]{1,10})-(\d{4})-(\d{4,9})$/;

export function formatCaseNumber(prefix: string, year: number, sequence: number): string {
  return `${prefix}-${year}-${String(sequence).padStart(4, '0')}`;
}

/** `PII-2026-0042` (the prefix in any case) as its parts, or undefined. */
export function parseCaseNumber(text: string): { prefix: string; year: number; sequence: number } | undefined {
  const match = CASE_NUMBER_PATTERN.exec(text.trim());
  if (!match) return undefined;
  return { prefix: match[1]!.toUpperCase(), year: Number(match[2]), sequence: Number(match[3]) };
}

/** The number as it is stored (capital prefix, four digits at least), or undefined when it is not one. */
export function normalCaseNumber(text: string): string | undefined {
  const parts = parseCaseNumber(text);
  return parts ? formatCaseNumber(parts.prefix, parts.year, parts.sequence) : undefined;
}

export function isCaseNumber(text: string): boolean {
  return parseCaseNumber(text) !== undefined;
}

/** The numbering workflow's ID: one sequence per prefix and year (no PII: a prefix and a year). */
export function caseNumberingWorkflowId(prefix: string, year: number): string {
  return `case-numbers-${prefix}-${year}`;
}

/** What an incident is called where people read it: its number, else (an incident from before numbers) its id. */
export function caseName(state: { incidentId: string; caseNumber?: string | null }): string {
  return state.caseNumber ?? state.incidentId;
}
