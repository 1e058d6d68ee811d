/**
 * Employees' medical information (the Rehabilitation Act, as CBP's guidance on the confidentiality of
 * medical information states it; DHS PIHG): disclosing an employee's medical information beyond those
 * with a need to know is a violation in itself, harm or not. Such a case is never "no breach" nor
 * "minimal risk, no further action": it keeps the mitigation (extra copies destroyed, other measures to
 * limit further dissemination) and the review of the conduct of who disclosed it.
 *
 * Pure: it runs inside the workflow sandbox.
 */
import type { AuthorizedDisclosure } from './decision.js';
import type { Report } from './report.js';

export const REHABILITATION_ACT =
  'Rehabilitation Act: an employee’s medical information disclosed beyond those with a need to know is a violation in itself, harm or not';

/** Whether the report makes the case a Rehabilitation Act matter: medical information of workforce members. */
export function rehabilitationActMatter(report: Pick<Report, 'piiTypes' | 'affectedPopulation'>): boolean {
  return report.piiTypes.includes('medical') && report.affectedPopulation !== 'public';
}

/** Why an analysis cannot stand for a Rehabilitation Act matter, each naming the field; empty otherwise. */
export function rehabilitationActIssues(
  report: Pick<Report, 'piiTypes' | 'affectedPopulation'>,
  analysis: { options: readonly string[]; authorizedDisclosure?: AuthorizedDisclosure },
): { path: string; message: string }[] {
  if (!rehabilitationActMatter(report)) return [];
  const issues: { path: string; message: string }[] = [];
  if (analysis.authorizedDisclosure)
    issues.push({
      path: 'authorizedDisclosure',
      message: `employees' medical information is involved: the case is never "no breach" (${REHABILITATION_ACT})`,
    });
  if (analysis.options.includes('no-further-action'))
    issues.push({
      path: 'options',
      message: `employees' medical information is involved: "no-further-action" does not apply (${REHABILITATION_ACT})`,
    });
  if (!analysis.options.includes('other-mitigation'))
    issues.push({
      path: 'options',
      message: `employees' medical information is involved: expected "other-mitigation", the extra copies destroyed and further dissemination limited (DHS PIHG; ${REHABILITATION_ACT})`,
    });
  return issues;
}
