/**
 * Risk of harm (5 FAM 468.4): a deterministic rule from the six considerations, the PII types
 * (468.3a), encryption, the population and the number affected, to `low`, `moderate` or `high`.
 *
 * The rule is a table (RISK_RULES, documented in docs/risk-of-harm.md): point rows add up to a score
 * mapped onto a level by two thresholds, and floor rows lift the level to at least their own. Every row
 * can only raise the result as its input gets worse, and the level is the highest of the score's level
 * and the floors that apply, so the whole is monotone: a worse factor, one more PII type, plain text
 * instead of encryption, or more people never lowers the level.
 *
 * Pure: it runs inside the workflow sandbox.
 */
import { LEVELS, type Level } from './decision-terms.js';
import type { Factors } from './decision.js';
import type { PiiType } from './report.js';

export interface RiskInput {
  factors: Factors;
  piiTypes: readonly PiiType[];
  encrypted: boolean;
  affectedPopulation: 'workforce' | 'public' | 'both';
  affectedCount: number;
}

export interface RiskAssessment {
  level: Level;
  /** Which rows drove the level, each with its policy paragraph; they go into the case record. */
  reasons: string[];
  score?: number;
}

/**
 * 5 FAM 463 "Sensitive PII": harm at a moderate or high impact level if exposed. The 468.3a types
 * that are so by their nature: SSN or passport numbers (2), medical (4), financial (6), biometric (8).
 */
export const SENSITIVE_PII: readonly PiiType[] = ['ssn-or-passport-number', 'medical', 'financial', 'biometric'];

export const LEVEL_RANK: Record<Level, number> = { low: 0, moderate: 1, high: 2 };
export function maxLevel(a: Level, b: Level): Level {
  return LEVEL_RANK[a] >= LEVEL_RANK[b] ? a : b;
}

/** Score at which the level is at least moderate, and high. */
export const MODERATE_AT = 4;
export const HIGH_AT = 9;
/** affectedCount from which the records count as a bulk set. */
export const BULK_COUNT = 10_000;

const FACTOR_ROWS = [
  ['data-nature', 'dataNature', '5 FAM 468.4(1)', 'nature, content and age of the data'],
  ['misuse-likelihood', 'misuseLikelihood', '5 FAM 468.4(2)', 'ability and likelihood of misuse'],
  ['logical-access', 'logicalAccess', '5 FAM 468.4(3)', 'ease of logical access'],
  ['physical-access', 'physicalAccess', '5 FAM 468.4(4)', 'ease of physical access'],
  ['deliberate-targeting', 'deliberateTargeting', '5 FAM 468.4(5)', 'evidence of deliberate targeting'],
  ['prior-misuse', 'priorMisuse', '5 FAM 468.4(6)', 'evidence of earlier misuse of the same data'],
] as const satisfies readonly (readonly [string, keyof Factors, string, string])[];

interface RowBase {
  id: string;
  /** The policy paragraph behind the row. */
  paragraph: string;
  /** When the row applies, in words (docs). */
  when: string;
  /** What it does, in words (docs). */
  effect: string;
  /** Why, in a sentence (docs). */
  why: string;
}
export type RiskRule =
  | (RowBase & {
      kind: 'points';
      points: (input: RiskInput) => number;
      reason: (input: RiskInput, points: number) => string;
    })
  | (RowBase & { kind: 'threshold'; atScore: number; level: Level })
  | (RowBase & { kind: 'floor'; level: Level; applies: (input: RiskInput) => boolean })
  | (RowBase & { kind: 'none' });

const POINTS: Record<Level, number> = { low: 0, moderate: 1, high: 2 };
const hasSensitive = (input: RiskInput) => input.piiTypes.some((t) => SENSITIVE_PII.includes(t));
const sensitiveInClear = (input: RiskInput) => !input.encrypted && hasSensitive(input);
const anyHigh = (input: RiskInput) => Object.values(input.factors).some((v) => v === 'high');

export const RISK_RULES: readonly RiskRule[] = [
  ...FACTOR_ROWS.map(([id, factor, paragraph, label]): RiskRule => ({
    id,
    kind: 'points',
    paragraph,
    when: `the CRG rates the ${label} (\`${factor}\`)`,
    effect: '+0 low, +1 moderate, +2 high',
    why: 'One of the six considerations of a data breach analysis; each counts alike, as 468.4 ranks none above another.',
    points: (input) => POINTS[input.factors[factor]],
    reason: (input, points) => `${paragraph} ${label}: ${input.factors[factor]} (+${points})`,
  })),
  {
    id: 'plain-text',
    kind: 'points',
    paragraph: '5 FAM 468.4(3), 469.3b',
    when: 'the data was not encrypted (`encrypted: false`, paper and oral included)',
    effect: '+1',
    why: '468.4(3) names "encrypted ... or plain text" as the measure of logical access; the flag is a fact of the report, the factor a judgement, so both count.',
    points: (input) => (input.encrypted ? 0 : 1),
    reason: () => '5 FAM 468.4(3) data not encrypted (+1)',
  },
  {
    id: 'sensitive-pii',
    kind: 'points',
    paragraph: '5 FAM 463 "Sensitive PII", 468.3a(2), (4), (6), (8)',
    when: 'the PII types include SSN or passport numbers, medical, financial or biometric information',
    effect: '+1',
    why: 'These types are sensitive PII by definition: exposure harms at a moderate or high impact level.',
    points: (input) => (hasSensitive(input) ? 1 : 0),
    reason: (input) =>
      `5 FAM 463 sensitive PII involved: ${input.piiTypes.filter((t) => SENSITIVE_PII.includes(t)).join(', ')} (+1)`,
  },
  {
    id: 'bulk',
    kind: 'points',
    paragraph: '5 FAM 468.4(2), (5)',
    when: `\`affectedCount\` is ${BULK_COUNT} or more`,
    effect: '+1',
    why: "A bulk set of records is worth more to an unauthorized party and likelier to be targeted and used; the threshold is this project's judgement, not a number of the FAM.",
    points: (input) => (input.affectedCount >= BULK_COUNT ? 1 : 0),
    reason: (input) => `5 FAM 468.4(2) bulk records: ${input.affectedCount} people (+1)`,
  },
  {
    id: 'population',
    kind: 'none',
    paragraph: '5 FAM 468.3a',
    when: '`affectedPopulation` is workforce, public or both',
    effect: 'none',
    why: "468.3a treats breaches of workforce members' and the public's PII alike; the population decides the means and liaison of notice, not the risk to a person.",
  },
  {
    id: 'score-moderate',
    kind: 'threshold',
    paragraph: '5 FAM 468.5c',
    when: `score ${MODERATE_AT} or more`,
    effect: 'moderate',
    why: 'Below this, the considerations point to minimal risk, which 468.5c answers by advising the PPGB and no further action.',
    atScore: MODERATE_AT,
    level: 'moderate',
  },
  {
    id: 'score-high',
    kind: 'threshold',
    paragraph: '5 FAM 468.4, 463 (impact levels)',
    when: `score ${HIGH_AT} or more`,
    effect: 'high',
    why: 'Most considerations rate high, or several with plain-text sensitive data in bulk.',
    atScore: HIGH_AT,
    level: 'high',
  },
  {
    id: 'any-high-consideration',
    kind: 'floor',
    paragraph: '5 FAM 468.4, 468.5c',
    when: 'any one of the six considerations is rated high',
    effect: 'at least moderate',
    why: 'A consideration the CRG itself rates high cannot sit with a finding of minimal risk.',
    level: 'moderate',
    applies: anyHigh,
  },
  {
    id: 'sensitive-unencrypted',
    kind: 'floor',
    paragraph: '5 FAM 463 "Sensitive PII", 468.4(3), 469.3b',
    when: 'sensitive PII and not encrypted',
    effect: 'at least moderate',
    why: 'Sensitive PII is PII whose exposure harms at a moderate or high impact level, and 469.3b requires it encrypted: in plain text it is never low.',
    level: 'moderate',
    applies: sensitiveInClear,
  },
  {
    id: 'sensitive-unencrypted-misuse',
    kind: 'floor',
    paragraph: '5 FAM 468.4(2), (3), 463',
    when: 'sensitive PII, not encrypted, and misuse likelihood rated high',
    effect: 'high',
    why: 'Readable sensitive data in the hands of a party able and likely to use it.',
    level: 'high',
    applies: (input) => sensitiveInClear(input) && input.factors.misuseLikelihood === 'high',
  },
  {
    id: 'identity-theft-set',
    kind: 'floor',
    paragraph: '5 FAM 463 "PII", 468.4(1), 468.6-1a(5)',
    when: "SSN or passport numbers together with date/place of birth or mother's maiden name, not encrypted",
    effect: 'high',
    why: 'The very combination 463 and 468.4(1) give as the example of linkable PII: together with a name it is what identity theft needs.',
    level: 'high',
    applies: (input) =>
      !input.encrypted && input.piiTypes.includes('ssn-or-passport-number') && input.piiTypes.includes('birth-data'),
  },
  {
    id: 'targeted-and-misused',
    kind: 'floor',
    paragraph: '5 FAM 468.4(2), (5), (6)',
    when: 'deliberate targeting rated high, and misuse likelihood or earlier misuse rated high',
    effect: 'high',
    why: 'Someone went after the data and it is being, or has been, put to use.',
    level: 'high',
    applies: (input) =>
      input.factors.deliberateTargeting === 'high' &&
      (input.factors.misuseLikelihood === 'high' || input.factors.priorMisuse === 'high'),
  },
];

/** The highest score the point rows can give. */
export const MAX_SCORE = 6 * POINTS.high + 3;

export function assessRisk(input: RiskInput): RiskAssessment {
  const reasons: string[] = [];
  let score = 0;
  for (const rule of RISK_RULES) {
    if (rule.kind !== 'points') continue;
    const points = rule.points(input);
    score += points;
    if (points > 0) reasons.push(rule.reason(input, points));
  }
  let level: Level = 'low';
  for (const rule of RISK_RULES) {
    if (rule.kind === 'threshold' && score >= rule.atScore) level = maxLevel(level, rule.level);
  }
  reasons.push(`score ${score} of ${MAX_SCORE} (moderate from ${MODERATE_AT}, high from ${HIGH_AT}): ${level}`);
  for (const rule of RISK_RULES) {
    if (rule.kind === 'floor' && rule.applies(input)) {
      level = maxLevel(level, rule.level);
      reasons.push(`${rule.paragraph}: ${rule.when}: ${rule.effect}`);
    }
  }
  return { level, reasons, score };
}

export interface RiskOverride {
  level: Level;
  rationale: string;
}

/** The level that holds, recorded beside the computed one (5 FAM 468.7: the case record). */
export interface RiskDetermination {
  level: Level;
  computed: Level;
  override?: RiskOverride;
}

/** Problems of an override, as messages naming the field; empty when it may be applied. */
export function riskOverrideProblems(override: RiskOverride): string[] {
  const problems: string[] = [];
  if (!(LEVELS as readonly string[]).includes(override.level)) {
    problems.push(`riskOverride.level: expected one of ${LEVELS.join(', ')}`);
  }
  if (typeof override.rationale !== 'string' || override.rationale.trim() === '') {
    problems.push(
      'riskOverride.rationale: required: overriding the computed risk level needs a rationale (5 FAM 468.7)',
    );
  }
  return problems;
}

export class RiskOverrideError extends Error {
  override name = 'RiskOverrideError';
}

/**
 * The CRG may set the level against the rule (docs/lifecycle.md phase 4), with a rationale; both levels are
 * kept so the record shows what the rule said and who departed from it. Throws RiskOverrideError for
 * an override without rationale (callers validate first with riskOverrideProblems).
 */
export function applyOverride(computed: Level, override?: RiskOverride): RiskDetermination {
  if (override === undefined) return { level: computed, computed };
  const problems = riskOverrideProblems(override);
  if (problems.length > 0) throw new RiskOverrideError(problems.join('; '));
  return { level: override.level, computed, override: { level: override.level, rationale: override.rationale.trim() } };
}
