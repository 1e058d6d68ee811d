/**
 * What costs money in a CRG analysis (5 FAM 468.5d: the CRG consults CGFS on the cost of mitigation
 * before the decision). Our reading of "whenever an option costs money": credit protection always;
 * notification by mail at scale (the playbook's `costs.mailAtScaleFrom` people or more); and the
 * measures the CRG marks as costed (a call center, other mitigation, remediation, a systemic review),
 * whether or not notification is recommended.
 */
import type { DecisionOf } from './decision.js';
import type { Playbook } from './playbook.js';

export const DEFAULT_MAIL_AT_SCALE_FROM = 1_000;

const MEASURE_TEXT: Record<string, string> = {
  'call-center': 'a call center for the people affected',
  'other-mitigation': 'other mitigation the CRG marked as costed (468.5a(6))',
  remediation: 'remediation the CRG marked as costed (468.5a(5))',
  'systemic-review': 'a systemic review the CRG marked as costed (468.5a(4))',
};

/** The costs CGFS is to estimate, each in a few words; empty when nothing costs money. */
export function costBasis(
  analysis: Pick<DecisionOf<'submit-analysis'>, 'options' | 'costedMeasures'>,
  affectedCount: number,
  playbook: Playbook,
): string[] {
  const basis: string[] = [];
  if (analysis.options.includes('credit-protection'))
    basis.push(`credit protection for about ${affectedCount} people (468.5a(2))`);
  const atScale = playbook.costs?.mailAtScaleFrom ?? DEFAULT_MAIL_AT_SCALE_FROM;
  if (analysis.options.includes('notify-individuals') && affectedCount >= atScale)
    basis.push(`notification by mail to about ${affectedCount} people (468.6-2)`);
  for (const measure of analysis.costedMeasures ?? []) basis.push(MEASURE_TEXT[measure] ?? measure);
  return basis;
}
