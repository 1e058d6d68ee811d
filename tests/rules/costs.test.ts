/** What costs money in a CRG analysis (domain/costs.ts): CGFS is consulted on each (5 FAM 468.5d). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { costBasis } from '../../domain/costs.js';
import { parsePlaybook } from '../../domain/playbook.js';
import { DEFAULT_PLAYBOOK } from '../../config/index.js';

const playbook = parsePlaybook(JSON.parse(readFileSync(DEFAULT_PLAYBOOK, 'utf8')));

describe('costBasis', () => {
  it('468.5d: credit protection is costed whether or not notification is recommended', () => {
    expect(costBasis({ options: ['credit-protection'] }, 120, playbook)).toEqual([
      'credit protection for about 120 people (468.5a(2))',
    ]);
    expect(costBasis({ options: ['notify-individuals', 'credit-protection'] }, 120, playbook)).toHaveLength(1);
  });

  it("468.5d: notification by mail is costed from the playbook's scale on (default 1,000 people), not below", () => {
    expect(costBasis({ options: ['notify-individuals'] }, 999, playbook)).toEqual([]);
    expect(costBasis({ options: ['notify-individuals'] }, 1_000, playbook)).toEqual([
      'notification by mail to about 1000 people (468.6-2)',
    ]);
    expect(
      costBasis({ options: ['notify-individuals'] }, 200, { ...playbook, costs: { mailAtScaleFrom: 100 } }),
    ).toHaveLength(1);
  });

  it('468.5d: what the CRG marks as costed (a call center, other mitigation) is costed; nothing else is', () => {
    expect(
      costBasis(
        { options: ['notify-individuals', 'other-mitigation'], costedMeasures: ['call-center', 'other-mitigation'] },
        50,
        playbook,
      ),
    ).toEqual(['a call center for the people affected', 'other mitigation the CRG marked as costed (468.5a(6))']);
    expect(costBasis({ options: ['systemic-review', 'remediation', 'other-mitigation'] }, 50_000, playbook)).toEqual(
      [],
    );
  });
});
