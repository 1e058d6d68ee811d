/** The CLI's option parsing for `decide`: field names as options, values typed by the kind's schema. */
import { describe, expect, it } from 'vitest';
import { convertValue, decisionFields, fieldSchema, looseOptions } from '../../cli/args.js';

describe('looseOptions', () => {
  it('takes --name value, --name=value and bare flags; keeps positionals apart', () => {
    expect(
      looseOptions(['inc-1', 'convene-crg', '--convene', 'false', '--rationale=Because', '--as', 'me', '--immediate']),
    ).toEqual({
      positionals: ['inc-1', 'convene-crg'],
      options: [
        ['convene', 'false'],
        ['rationale', 'Because'],
        ['as', 'me'],
        ['immediate', undefined],
      ],
    });
  });
});

describe('decisionFields', () => {
  it('keeps text as text, even when it looks like a number', () => {
    expect(decisionFields('assign-responsible-office', [['office', '1234']])).toEqual({ office: '1234' });
  });

  it('converts numbers, booleans and lists; nests dotted names', () => {
    expect(
      decisionFields('submit-analysis', [
        ['factors.dataNature', 'high'],
        ['options', 'notify-individuals, credit-protection'],
        ['options', 'remediation'],
        ['riskOverride.level', 'low'],
      ]),
    ).toEqual({
      factors: { dataNature: 'high' },
      options: ['notify-individuals', 'credit-protection', 'remediation'],
      riskOverride: { level: 'low' },
    });
    expect(decisionFields('cost-estimate', [['estimatedCostUsd', '12,500.50']])).toEqual({ estimatedCostUsd: 12500.5 });
    expect(decisionFields('convene-crg', [['convene', 'no']])).toEqual({ convene: false });
    expect(
      decisionFields('approve-letter', [
        ['immediate', undefined],
        ['roster.count', '3'],
      ]),
    ).toEqual({ immediate: true, roster: { count: 3 } });
  });

  it('parses JSON for objects and lists written as JSON', () => {
    expect(decisionFields('approve-letter', [['roster', '{"url":"file:///tmp/r.ndjson","count":2}']])).toEqual({
      roster: { url: 'file:///tmp/r.ndjson', count: 2 },
    });
    expect(decisionFields('submit-analysis', [['options', '["remediation"]']])).toEqual({ options: ['remediation'] });
  });

  it('lays options over the --file object', () => {
    expect(
      decisionFields('convene-crg', [['rationale', 'New']], { kind: 'convene-crg', convene: true, rationale: 'Old' }),
    ).toEqual({ kind: 'convene-crg', convene: true, rationale: 'New' });
  });

  it('leaves what does not convert for the schema to name', () => {
    expect(convertValue(fieldSchema('cost-estimate', ['estimatedCostUsd']), 'lots')).toBe('lots');
    expect(convertValue(fieldSchema('convene-crg', ['convene']), 'maybe')).toBe('maybe');
    expect(fieldSchema('convene-crg', ['nope'])).toBeUndefined();
  });

  it('refuses option names that are not field paths', () => {
    expect(() => decisionFields('lift-delay', [['a..b', 'x']])).toThrow(/field name/);
  });
});
