import { describe, expect, it } from 'vitest';
import { supplemented } from '../../domain/report-merge.js';
import { sampleReport } from '../../scripts/local/sample-report.js';

const first = sampleReport({
  medium: 'non-cyber',
  encrypted: true,
  piiTypes: ['medical'],
  affectedCount: 40,
  affectedPopulation: 'workforce',
  disclosureFormat: 'paper',
  disclosedBy: 'a clerk',
  disclosedTo: 'a mailing list',
  classifiedInvolved: true,
});

describe('a supplement merged into what is known (docs/lifecycle.md "Duties": every field a supplement may change)', () => {
  it('468.4: the facts that drive the response only widen; a later value wins for the rest; what it leaves out stays', () => {
    const next = sampleReport({
      medium: 'cyber',
      encrypted: false,
      piiTypes: ['ssn-or-passport-number'],
      affectedCount: 20,
      affectedPopulation: 'both',
      occurredAt: '2026-01-02T03:04:05Z',
      classifiedInvolved: false,
      attackVector: 'web',
    });
    const known = supplemented(first, { ...next, disclosedTo: undefined, disclosedBy: undefined });
    expect(known).toMatchObject({
      piiTypes: ['medical', 'ssn-or-passport-number'],
      affectedCount: 40,
      classifiedInvolved: true,
      medium: 'cyber',
      encrypted: false,
      affectedPopulation: 'both',
      occurredAt: '2026-01-02T03:04:05Z',
      attackVector: 'web',
      disclosedBy: 'a clerk',
      disclosedTo: 'a mailing list',
      summary: first.summary,
    });
  });
});
