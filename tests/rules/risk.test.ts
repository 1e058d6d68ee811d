import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEVELS, type Factors, type Level } from '../../domain/decision.js';
import { PII_TYPES, type PiiType } from '../../domain/report.js';
import {
  applyOverride,
  assessRisk,
  BULK_COUNT,
  LEVEL_RANK,
  MAX_SCORE,
  RISK_RULES,
  riskOverrideProblems,
  RiskOverrideError,
  SENSITIVE_PII,
  type RiskInput,
} from '../../domain/risk.js';

const FACTORS = [
  'dataNature',
  'misuseLikelihood',
  'logicalAccess',
  'physicalAccess',
  'deliberateTargeting',
  'priorMisuse',
] as const satisfies readonly (keyof Factors)[];
const allLow: Factors = {
  dataNature: 'low',
  misuseLikelihood: 'low',
  logicalAccess: 'low',
  physicalAccess: 'low',
  deliberateTargeting: 'low',
  priorMisuse: 'low',
};
const allModerate: Factors = {
  dataNature: 'moderate',
  misuseLikelihood: 'moderate',
  logicalAccess: 'moderate',
  physicalAccess: 'moderate',
  deliberateTargeting: 'moderate',
  priorMisuse: 'moderate',
};

/** Nothing fires: every consideration low, encrypted, non-sensitive PII, few people. */
const baseline: RiskInput = {
  factors: allLow,
  piiTypes: ['other'],
  encrypted: true,
  affectedPopulation: 'workforce',
  affectedCount: 10,
};
const input = (over: Partial<RiskInput> & { f?: Partial<Factors> } = {}): RiskInput => {
  const { f, ...rest } = over;
  return { ...baseline, ...rest, factors: { ...baseline.factors, ...(rest.factors ?? {}), ...(f ?? {}) } };
};

describe('assessRisk: one test per row of the table (docs/risk-of-harm.md)', () => {
  it('baseline: nothing fires, low, score 0', () => {
    expect(assessRisk(baseline)).toEqual({
      level: 'low',
      score: 0,
      reasons: ['score 0 of 15 (moderate from 4, high from 9): low'],
    });
  });

  const factorRows: [string, keyof Factors, string][] = [
    ['data-nature', 'dataNature', '468.4(1)'],
    ['misuse-likelihood', 'misuseLikelihood', '468.4(2)'],
    ['logical-access', 'logicalAccess', '468.4(3)'],
    ['physical-access', 'physicalAccess', '468.4(4)'],
    ['deliberate-targeting', 'deliberateTargeting', '468.4(5)'],
    ['prior-misuse', 'priorMisuse', '468.4(6)'],
  ];
  it.each(factorRows)('%s: %s gives 0 / 1 / 2 points (%s)', (id, factor, paragraph) => {
    expect(RISK_RULES.some((r) => r.id === id && r.paragraph.includes(paragraph))).toBe(true);
    expect(assessRisk(input({ f: { [factor]: 'low' } })).score).toBe(0);
    const moderate = assessRisk(input({ f: { [factor]: 'moderate' } }));
    expect(moderate.score).toBe(1);
    expect(moderate.reasons.some((r) => r.includes(paragraph) && r.includes('(+1)'))).toBe(true);
    const high = assessRisk(input({ f: { [factor]: 'high' } }));
    expect(high.score).toBe(2);
    expect(high.reasons.some((r) => r.includes(paragraph) && r.includes('high (+2)'))).toBe(true);
  });

  it('plain-text: not encrypted adds 1 (468.4(3))', () => {
    const r = assessRisk(input({ encrypted: false }));
    expect(r.score).toBe(1);
    expect(r.reasons).toContain('5 FAM 468.4(3) data not encrypted (+1)');
  });

  it.each(SENSITIVE_PII.map((t) => [t]))('463: sensitive-pii: %s adds 1', (type) => {
    const r = assessRisk(input({ piiTypes: [type] }));
    expect(r.score).toBe(1);
    expect(r.reasons.some((x) => x.startsWith('5 FAM 463 sensitive PII involved') && x.includes(type))).toBe(true);
  });
  it.each(PII_TYPES.filter((t) => !SENSITIVE_PII.includes(t)).map((t) => [t]))(
    'sensitive-pii: %s is not sensitive by type',
    (type) => {
      expect(assessRisk(input({ piiTypes: [type] })).score).toBe(0);
    },
  );

  it.each([
    [BULK_COUNT - 1, 0],
    [BULK_COUNT, 1],
    [5_000_000, 1],
  ])('bulk: %i people adds %i (468.4(2), (5))', (count, points) => {
    expect(assessRisk(input({ affectedCount: count })).score).toBe(points);
  });

  it('population: workforce, public and both give the same result (468.3a)', () => {
    const moderateCase = input({
      f: { dataNature: 'high', logicalAccess: 'moderate' },
      encrypted: false,
      piiTypes: ['medical'],
    });
    const results = (['workforce', 'public', 'both'] as const).map((p) =>
      assessRisk({ ...moderateCase, affectedPopulation: p }),
    );
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it.each([
    [
      'score 3: low',
      { ...allModerate, logicalAccess: 'low', physicalAccess: 'low', priorMisuse: 'low' } as Factors,
      3,
      'low',
    ],
    [
      'score 4: moderate (score-moderate)',
      { ...allModerate, physicalAccess: 'low', priorMisuse: 'low' } as Factors,
      4,
      'moderate',
    ],
  ])('score-moderate: %s', (_name, factors, score, level) => {
    const r = assessRisk(input({ factors }));
    expect(r.score).toBe(score);
    expect(r.level).toBe(level);
  });

  it.each([
    ['score 8: moderate', input({ factors: allModerate, encrypted: false, affectedCount: BULK_COUNT }), 8, 'moderate'],
    [
      'score 9: high (score-high)',
      input({ factors: allModerate, encrypted: false, affectedCount: BULK_COUNT, piiTypes: ['financial'] }),
      9,
      'high',
    ],
    [
      'score 15 (the maximum): high',
      input({
        factors: { ...allModerate, ...Object.fromEntries(FACTORS.map((f) => [f, 'high'])) },
        encrypted: false,
        affectedCount: BULK_COUNT,
        piiTypes: ['biometric'],
      }),
      MAX_SCORE,
      'high',
    ],
  ])('score-high: %s', (_name, riskInput, score, level) => {
    const r = assessRisk(riskInput);
    expect(r.score).toBe(score);
    expect(r.level).toBe(level);
    expect(r.reasons).toContain(`score ${score} of 15 (moderate from 4, high from 9): ${level}`);
  });

  // Each floor: an input where the score alone says less, the floor decides, and without its condition the level drops.
  const floors: [string, RiskInput, Level, RiskInput, Level][] = [
    [
      'any-high-consideration',
      input({ f: { physicalAccess: 'high' } }),
      'moderate',
      input({ f: { physicalAccess: 'moderate' } }),
      'low',
    ],
    [
      'sensitive-unencrypted',
      input({ encrypted: false, piiTypes: ['medical'] }),
      'moderate',
      input({ encrypted: true, piiTypes: ['medical'] }),
      'low',
    ],
    [
      'sensitive-unencrypted-misuse',
      input({ encrypted: false, piiTypes: ['ssn-or-passport-number'], f: { misuseLikelihood: 'high' } }),
      'high',
      input({ encrypted: false, piiTypes: ['ssn-or-passport-number'], f: { misuseLikelihood: 'moderate' } }),
      'moderate',
    ],
    [
      'identity-theft-set',
      input({ encrypted: false, piiTypes: ['ssn-or-passport-number', 'birth-data'] }),
      'high',
      input({ encrypted: true, piiTypes: ['ssn-or-passport-number', 'birth-data'] }),
      'low',
    ],
    [
      'targeted-and-misused',
      input({ f: { deliberateTargeting: 'high', priorMisuse: 'high' } }),
      'high',
      input({ f: { deliberateTargeting: 'moderate', priorMisuse: 'high' } }),
      'moderate',
    ],
  ];
  it.each(floors)('%s: lifts the level, with its reason', (id, withFloor, level, without, lower) => {
    const rule = RISK_RULES.find((r) => r.id === id)!;
    expect(rule.kind).toBe('floor');
    const r = assessRisk(withFloor);
    expect(r.level).toBe(level);
    expect(r.score!).toBeLessThan(level === 'high' ? 9 : 4);
    expect(r.reasons).toContain(`${rule.paragraph}: ${rule.when}: ${rule.effect}`);
    expect(assessRisk(without).level).toBe(lower);
  });

  it('targeted-and-misused also fires with misuse likelihood instead of earlier misuse', () => {
    expect(assessRisk(input({ f: { deliberateTargeting: 'high', misuseLikelihood: 'high' } })).level).toBe('high');
  });

  it('every row of the table is tested above', () => {
    const tested = new Set([
      ...factorRows.map(([id]) => id),
      'plain-text',
      'sensitive-pii',
      'bulk',
      'population',
      'score-moderate',
      'score-high',
      ...floors.map(([id]) => id),
    ]);
    expect(RISK_RULES.map((r) => r.id).filter((id) => !tested.has(id))).toEqual([]);
  });

  it.each([
    ['misdirected email, names only', input({}), 0, 'low'],
    [
      'encrypted laptop with SSNs stolen from a car',
      input({
        piiTypes: ['ssn-or-passport-number'],
        affectedCount: 5_000,
        f: { dataNature: 'high', misuseLikelihood: 'moderate', physicalAccess: 'high' },
      }),
      6,
      'moderate',
    ],
    [
      'medical file on a shared drive',
      input({
        piiTypes: ['medical'],
        encrypted: false,
        affectedCount: 1,
        f: { dataNature: 'high', logicalAccess: 'high' },
      }),
      6,
      'moderate',
    ],
    [
      'SSN database exfiltrated by phishing',
      input({
        piiTypes: ['ssn-or-passport-number', 'personnel-payroll'],
        encrypted: false,
        affectedCount: 50_000,
        affectedPopulation: 'both',
        f: {
          dataNature: 'high',
          misuseLikelihood: 'high',
          logicalAccess: 'high',
          deliberateTargeting: 'high',
          physicalAccess: 'moderate',
        },
      }),
      12,
      'high',
    ],
  ])('example of the docs: %s', (_name, riskInput, score, level) => {
    expect(assessRisk(riskInput)).toMatchObject({ score, level });
  });
});

const levelArb = fc.constantFrom(...LEVELS);
const factorsArb = fc.record(
  Object.fromEntries(FACTORS.map((f) => [f, levelArb])) as Record<keyof Factors, fc.Arbitrary<Level>>,
);
const inputArb: fc.Arbitrary<RiskInput> = fc.record({
  factors: factorsArb,
  piiTypes: fc.uniqueArray(fc.constantFrom(...PII_TYPES), { minLength: 1 }),
  encrypted: fc.boolean(),
  affectedPopulation: fc.constantFrom('workforce' as const, 'public' as const, 'both' as const),
  affectedCount: fc.oneof(
    fc.integer({ min: 0, max: 1_000_000_000 }),
    fc.constantFrom(0, 1, BULK_COUNT - 1, BULK_COUNT),
  ),
});
const raise = (l: Level): Level => (l === 'low' ? 'moderate' : 'high');

/** One step that makes the incident worse (or, for the population, only different). */
const worseArb = (base: RiskInput): fc.Arbitrary<RiskInput> =>
  fc.oneof(
    fc.constantFrom(...FACTORS).map((f) => ({ ...base, factors: { ...base.factors, [f]: raise(base.factors[f]) } })),
    fc
      .constantFrom(...PII_TYPES)
      .map((t) => ({ ...base, piiTypes: base.piiTypes.includes(t) ? base.piiTypes : [...base.piiTypes, t] })),
    fc.constant({ ...base, encrypted: false }),
    fc
      .integer({ min: 0, max: 1_000_000_000 })
      .map((more) => ({ ...base, affectedCount: Math.min(1_000_000_000, base.affectedCount + more) })),
    fc
      .constantFrom('workforce' as const, 'public' as const, 'both' as const)
      .map((p) => ({ ...base, affectedPopulation: p })),
  );

describe('assessRisk: properties', () => {
  it('468.4: is monotone: making the incident worse never lowers the level', () => {
    fc.assert(
      fc.property(
        inputArb.chain((base) => fc.tuple(fc.constant(base), worseArb(base))),
        ([base, worse]) => {
          expect(LEVEL_RANK[assessRisk(worse).level]).toBeGreaterThanOrEqual(LEVEL_RANK[assessRisk(base).level]);
          expect(assessRisk(worse).score!).toBeGreaterThanOrEqual(assessRisk(base).score!);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('is monotone over several steps at once', () => {
    const chainArb = inputArb.chain((base) =>
      fc.tuple(
        fc.constant(base),
        worseArb(base).chain((a) => worseArb(a).chain((b) => worseArb(b))),
      ),
    );
    fc.assert(
      fc.property(
        chainArb,
        ([base, worse]) => LEVEL_RANK[assessRisk(worse).level] >= LEVEL_RANK[assessRisk(base).level],
      ),
      { numRuns: 1_000 },
    );
  });

  it('is total and deterministic: never throws, always a level, a score in range and reasons', () => {
    fc.assert(
      fc.property(inputArb, (riskInput) => {
        const a = assessRisk(riskInput);
        expect(LEVELS).toContain(a.level);
        expect(a.score).toBeGreaterThanOrEqual(0);
        expect(a.score).toBeLessThanOrEqual(MAX_SCORE);
        expect(a.reasons.length).toBeGreaterThan(0);
        expect(assessRisk(structuredClone(riskInput))).toEqual(a);
      }),
      { numRuns: 2_000 },
    );
  });

  it('468.4: never rates sensitive PII in plain text low', () => {
    fc.assert(
      fc.property(inputArb, fc.constantFrom(...SENSITIVE_PII), (riskInput, type) => {
        const level = assessRisk({
          ...riskInput,
          encrypted: false,
          piiTypes: [...new Set<PiiType>([...riskInput.piiTypes, type])],
        }).level;
        return level !== 'low';
      }),
      { numRuns: 1_000 },
    );
  });

  it('does not change its input', () => {
    fc.assert(
      fc.property(inputArb, (riskInput) => {
        const copy = structuredClone(riskInput);
        assessRisk(riskInput);
        expect(riskInput).toEqual(copy);
      }),
    );
  });
});

describe('applyOverride', () => {
  it('without an override: the computed level holds', () => {
    expect(applyOverride('moderate')).toEqual({ level: 'moderate', computed: 'moderate' });
  });
  it.each([
    ['low', 'high'],
    ['high', 'low'],
    ['moderate', 'moderate'],
  ] as [Level, Level][])('computed %s, overridden to %s: both recorded', (computed, level) => {
    expect(applyOverride(computed, { level, rationale: '  Data recovered unopened within the hour.  ' })).toEqual({
      level,
      computed,
      override: { level, rationale: 'Data recovered unopened within the hour.' },
    });
  });
  it.each(['', '   ', '\n\t'])('refuses an override with rationale %j, naming the field', (rationale) => {
    expect(riskOverrideProblems({ level: 'low', rationale })).toEqual([
      expect.stringMatching(/^riskOverride\.rationale: required/),
    ]);
    expect(() => applyOverride('high', { level: 'low', rationale })).toThrow(RiskOverrideError);
    expect(() => applyOverride('high', { level: 'low', rationale })).toThrow(/riskOverride\.rationale/);
  });
  it('refuses an unknown level, naming the field', () => {
    expect(riskOverrideProblems({ level: 'severe' as Level, rationale: 'because' })).toEqual([
      expect.stringMatching(/^riskOverride\.level/),
    ]);
  });
});

describe('docs/risk-of-harm.md', () => {
  const doc = readFileSync(new URL('../../docs/risk-of-harm.md', import.meta.url), 'utf8');
  it.each(RISK_RULES.map((r) => [r.id, r]))('documents row %s with its paragraph', (id, rule) => {
    const line = doc.split('\n').find((l) => l.startsWith(`| \`${id}\` |`));
    expect(line, `row ${id}`).toBeDefined();
    expect(line).toContain(rule.paragraph);
  });
});
