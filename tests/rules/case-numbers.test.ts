/** Case numbers as people write them (domain/case-numbers.ts, docs/contract.md "Case numbers"). */
import { describe, expect, it } from 'vitest';
import {
  caseName,
  caseNumberingWorkflowId,
  formatCaseNumber,
  isCaseNumber,
  normalCaseNumber,
  parseCaseNumber,
} from '../../domain/case-numbers.js';

describe('case numbers', () => {
  it.each([
    ['PII', 2026, 42, 'PII-2026-0042'],
    ['PII', 2026, 1, 'PII-2026-0001'],
    ['CBP', 2027, 9999, 'CBP-2027-9999'],
    ['PII', 2026, 10_000, 'PII-2026-10000'],
  ])('%s %i %i is %s, and reads back', (prefix, year, sequence, text) => {
    expect(formatCaseNumber(prefix, year, sequence)).toBe(text);
    expect(parseCaseNumber(text)).toEqual({ prefix, year, sequence });
  });

  it('takes a number typed in lower case or with spaces around; an incident id is not one', () => {
    expect(normalCaseNumber(' pii-2026-0042 ')).toBe('PII-2026-0042');
    expect(isCaseNumber('inc-ba4cebc7-26d4-43b5-bc05-ab2bf6996989')).toBe(false);
    expect(isCaseNumber('PII-26-0042')).toBe(false);
    expect(isCaseNumber('PII-2026-42')).toBe(false);
  });

  it('names the numbering workflow by prefix and year, and a case by its number, else its id', () => {
    expect(caseNumberingWorkflowId('PII', 2026)).toBe('case-numbers-PII-2026');
    expect(caseName({ incidentId: 'inc-1', caseNumber: 'PII-2026-0001' })).toBe('PII-2026-0001');
    expect(caseName({ incidentId: 'inc-1', caseNumber: null })).toBe('inc-1');
  });
});
