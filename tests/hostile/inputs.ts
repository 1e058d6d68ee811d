/**
 * Hostile inputs for tests/hostile: fast-check arbitraries that are wrong by construction (a report or a
 * decision with one field made bad, malformed JSON, wrong content types, huge and deeply nested bodies,
 * unicode and control characters, dates in the far past and future, negative and enormous counts), and
 * the tally of the distinct ones tried.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { z } from 'zod';
import { CUSTODY_PURPOSES, decisionBodySchema, type DecisionBody } from '../../domain/decision.js';
import type { Report } from '../../domain/report.js';

// --- The tally ---------------------------------------------------------------------------------------

const tried = new Map<string, Set<string>>();

/** Counts one bad input under a category; big inputs are counted by their digest. */
export function tally(category: string, input: unknown): void {
  const text = typeof input === 'string' ? input : (JSON.stringify(input) ?? String(input));
  const key = text.length > 512 ? `sha256:${createHash('sha256').update(text).digest('hex')}` : text;
  let set = tried.get(category);
  if (!set) tried.set(category, (set = new Set()));
  set.add(key);
}

export function tallies(): { total: number; byCategory: [string, number][] } {
  const byCategory = [...tried]
    .map(([category, set]) => [category, set.size] as [string, number])
    .sort((a, b) => b[1] - a[1]);
  return { total: byCategory.reduce((n, [, count]) => n + count, 0), byCategory };
}

// --- Strings and values --------------------------------------------------------------------------------

const controlChars = fc
  .array(fc.integer({ min: 0, max: 31 }), { minLength: 1, maxLength: 8 })
  .map((codes) => String.fromCharCode(...codes));
/** Lone surrogates, bidi overrides, zero-width and combining marks, emoji, homoglyphs. */
const oddUnicode = fc.constantFrom(
  '\ud800',
  '\udfff',
  'a\u202Eb',
  '\u200B',
  'e\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦',
  'суber',
  'ｃｙｂｅｒ',
  '\uFEFF',
  '\u0000',
  '\u2028\u2029',
);
const injections = fc.constantFrom(
  '"><script>alert(1)</script>',
  "'; DROP TABLE incidents; --",
  '${7*7}',
  '{{7*7}}',
  '../../etc/passwd',
  '%00',
  '\r\nBcc: all@example.com',
  '__proto__',
  'constructor',
);
export const hostileText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  controlChars,
  oddUnicode,
  injections,
  fc.tuple(fc.string({ maxLength: 5 }), controlChars, oddUnicode).map((parts) => parts.join('')),
);

/** A value nested `depth` deep, as an array or an object. */
export function nested(depth: number, as: 'array' | 'object'): string {
  return as === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const nonStrings = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue(), { maxKeys: 3 }),
);
const nonBooleans = fc.oneof(
  fc.constantFrom('true', 'false', 'yes', 1, 0, null, [], {}),
  fc.integer(),
  fc.string({ maxLength: 5 }),
);

/** A required text bounded to `max` characters: wrong type, empty, blank or too long. */
function badText(max: number) {
  return fc.oneof(
    nonStrings,
    fc.constantFrom('', ' ', '\t\n \r'),
    fc.integer({ min: max + 1, max: max + 50 }).map((n) => 'x'.repeat(n)),
  );
}

const isEmail = (s: string) => z.email().safeParse(s).success;
const badEmail = fc.oneof(
  nonStrings,
  hostileText.filter((s) => !isEmail(s)),
  fc.constantFrom('a@', '@b.example', 'a b@c.example', 'a@b', 'robin..reporter@state.example'),
);

function badEnum(allowed: readonly string[]) {
  return fc.oneof(
    nonStrings,
    hostileText.filter((s) => !allowed.includes(s)),
    fc.constantFrom(...allowed).map((v) => v.toUpperCase()),
    fc.constantFrom(...allowed).map((v) => ` ${v}`),
  );
}

/** Not an ISO 8601 time with an offset, or not a real date. */
const badTimeFormat = fc.oneof(
  nonStrings,
  fc.constantFrom(
    '2026-02-30T00:00:00Z',
    '2025-02-29T12:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T23:59:60Z',
    '2026-01-01T00:00:00',
    '2026-01-01',
    '2026-01-01T00:00:00+24:00',
    '+275760-09-13T00:00:00Z',
    '-000001-01-01T00:00:00Z',
    'yesterday',
    '1767225600',
    '',
  ),
  fc.date({ noInvalidDate: true }).map((d) => d.toString()),
  hostileText,
);

/** Far in the future: for a discovery time, more than the tolerated clock skew ahead. */
export const farFuture = fc.oneof(
  fc.constantFrom('9999-12-31T23:59:59Z', '2999-01-01T00:00:00+14:00'),
  fc.integer({ min: 10, max: 1_000_000 }).map((minutes) => new Date(Date.now() + minutes * 60_000).toISOString()),
);

/** Far in the past: valid ISO times a discovery may have (late on arrival), not hostile in themselves. */
export const farPast = fc.constantFrom(
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '1900-01-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
);

/** Counts a person cannot be: negative, fractional, enormous, not numbers. */
export const badCount = fc.oneof(
  fc.integer({ max: -1 }),
  fc.double({ min: 0.001, max: 1e9, noNaN: true }).filter((n) => !Number.isInteger(n)),
  fc.constantFrom(1_000_000_001, 1e10, 1e21, 1e308, Number.MAX_SAFE_INTEGER + 2, -1e308),
  fc.constantFrom('120', '1e3', null, true, [], {}),
);

// --- Reports --------------------------------------------------------------------------------------------

type Mutation = { path: string; value?: unknown; remove?: boolean; add?: [string, unknown] };

const REQUIRED = [
  'reporter',
  'supervisor',
  'discoveredAt',
  'medium',
  'summary',
  'piiTypes',
  'affectedCount',
  'affectedPopulation',
  'encrypted',
  'classifiedInvolved',
  'criminalActSuspected',
];

/** One change that makes a valid report invalid, by construction. */
export const reportMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ path: fc.constantFrom('reporter.name', 'supervisor.name', 'reporter.office'), value: badText(200) }),
  fc.record({ path: fc.constant('summary'), value: badText(20_000) }),
  fc.record({ path: fc.constantFrom('disclosedBy', 'disclosedTo'), value: badText(500) }),
  fc.record({ path: fc.constantFrom('reporter.email', 'supervisor.email'), value: badEmail }),
  fc.record({
    path: fc.constant('programManager'),
    value: fc.oneof(
      nonStrings.filter((v) => v !== null && !Array.isArray(v) && typeof v !== 'object'),
      fc.record({ name: fc.constant('P'), email: badEmail }),
    ),
  }),
  fc.record({ path: fc.constant('medium'), value: badEnum(['cyber', 'non-cyber']) }),
  fc.record({ path: fc.constant('affectedPopulation'), value: badEnum(['workforce', 'public', 'both']) }),
  fc.record({ path: fc.constant('disclosureFormat'), value: badEnum(['electronic', 'paper', 'verbal', 'other']) }),
  fc.record({
    path: fc.constant('piiTypes'),
    value: fc.oneof(
      fc.constant([]),
      nonStrings.filter((v) => !Array.isArray(v)),
      badEnum(['ssn-or-passport-number']).map((v) => [v]),
      fc.constant(Array(10).fill('other')),
    ),
  }),
  fc.record({ path: fc.constant('affectedCount'), value: badCount }),
  fc.record({
    path: fc.constantFrom('encrypted', 'classifiedInvolved', 'criminalActSuspected', 'causedByWorkforceMember'),
    value: nonBooleans,
  }),
  fc.record({ path: fc.constantFrom('discoveredAt', 'occurredAt'), value: badTimeFormat }),
  fc.record({ path: fc.constant('discoveredAt'), value: farFuture }),
  // occurredAt after discoveredAt
  fc.record({
    path: fc.constant('occurredAt'),
    value: fc.integer({ min: 1, max: 60 }).map((m) => new Date(Date.now() + m * 1_000).toISOString()),
  }),
  fc.record({
    path: fc.constant('incidentId'),
    value: fc.oneof(
      nonStrings,
      fc.constantFrom(
        '',
        'ab',
        '-abc',
        'a'.repeat(65),
        'inc 1',
        'inc_1',
        'inc.1',
        'robin@state.example',
        'inc/../x',
        'ínc-1',
      ),
      hostileText.filter((s) => !/^[A-Za-z0-9][A-Za-z0-9-]{2,63}$/.test(s)),
    ),
  }),
  fc.record({ path: fc.constantFrom(...REQUIRED), remove: fc.constant(true) }),
  fc.record({
    path: fc.constant('(extra)'),
    add: fc.tuple(
      fc.oneof(
        fc.constantFrom('actorId', 'phase', 'admin', 'constructor', 'toString'),
        fc
          .string({ minLength: 1, maxLength: 12 })
          .filter(
            (k) =>
              ![
                'incidentId',
                'programManager',
                'occurredAt',
                'disclosureFormat',
                'disclosedBy',
                'disclosedTo',
                'causedByWorkforceMember',
                '__proto__',
                ...REQUIRED,
              ].includes(k),
          ),
      ),
      fc.jsonValue(),
    ),
  }),
  // medical without the DHS statement
  fc.record({ path: fc.constant('piiTypes'), value: fc.constant(['medical']) }),
);

export function applyMutation(report: Report, m: Mutation): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
  if (m.add) {
    copy[m.add[0]] = m.add[1];
    return copy;
  }
  const parts = m.path.split('.');
  let target = copy;
  for (const part of parts.slice(0, -1)) target = target[part] as Record<string, unknown>;
  const last = parts.at(-1)!;
  if (m.remove) delete target[last];
  else target[last] = m.value;
  return copy;
}

/** Text that is not JSON: truncations of a valid body, and the usual near-misses. */
export function malformedJson(valid: string): fc.Arbitrary<string> {
  const notJson = (s: string) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  };
  return fc
    .oneof(
      fc.integer({ min: 1, max: valid.length - 1 }).map((n) => valid.slice(0, n)),
      fc.constantFrom(
        "{'medium': 'cyber'}",
        '{"medium": "cyber",}',
        '{"a": NaN}',
        '{"a": Infinity}',
        '{"a": undefined}',
        '{a: 1}',
        '{"a": 01}',
        '[1, 2',
        '"unterminated',
        '{"a":1}{"b":2}',
        '// comment\n{}',
        '{"a": "\\x41"}',
        'nul',
        'tru',
        '{"\u0000": 1',
        '\u0000',
      ),
      fc.string({ minLength: 1, maxLength: 60 }),
    )
    .filter(notJson);
}

export const wrongContentTypes = fc.constantFrom(
  'text/plain',
  'text/plain; charset=utf-8',
  'application/xml',
  'text/html',
  'text/csv',
  'multipart/form-data; boundary=----x',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'application/jsonp',
  'image/png',
  'application/javascript',
  'application/x-json-stream',
  'json',
);

// --- Decisions -------------------------------------------------------------------------------------------

const FACTORS = {
  dataNature: 'high',
  misuseLikelihood: 'high',
  logicalAccess: 'high',
  physicalAccess: 'moderate',
  deliberateTargeting: 'moderate',
  priorMisuse: 'low',
} as const;
const LETTER = {
  whatHappened: 'A laptop holding your record was stolen.',
  piiInvolved: 'Your name and passport number.',
  actionsTaken: 'We reported the theft to law enforcement.',
  contact: { tollFreePhone: '1-800-555-0100' },
  protectiveSteps: 'Place a fraud alert with a credit bureau.',
  protectionAtTime: 'The disk was not encrypted.',
};

/** One valid body of each kind (valid in shape; whether it is accepted depends on who and when). */
export const VALID_DECISIONS: Record<string, DecisionBody> = {
  'assign-responsible-office': { kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' },
  'convene-crg': { kind: 'convene-crg', convene: true, rationale: 'Passport numbers of the public.' },
  'submit-analysis': {
    kind: 'submit-analysis',
    factors: FACTORS,
    options: ['notify-individuals'],
    rationale: 'CRG analysis.',
  },
  'cost-estimate': { kind: 'cost-estimate', estimatedCostUsd: 1200 },
  'ppgb-override': { kind: 'ppgb-override', rationale: 'The board wants notification considered.' },
  'ppgb-chair-decision': { kind: 'ppgb-chair-decision', outcome: 'refer-to-under-secretary', rationale: 'To M.' },
  'ppgb-decision': { kind: 'ppgb-decision', outcome: 'refer-to-under-secretary', rationale: 'To M.' },
  'under-secretary-decision': {
    kind: 'under-secretary-decision',
    outcome: 'approve-notification',
    rationale: 'Approved.',
  },
  'approve-letter': {
    kind: 'approve-letter',
    letter: LETTER,
    roster: { url: 'https://roster.example/r.ndjson', count: 4 },
  },
  'request-delay': {
    kind: 'request-delay',
    requestingEntity: 'DS/ICI',
    reason: 'An investigation.',
    notifyAfter: '2099-01-01T00:00:00Z',
  },
  'extend-delay': { kind: 'extend-delay', notifyAfter: '2099-06-01T00:00:00Z' },
  'lift-delay': { kind: 'lift-delay' },
  'bar-notification': { kind: 'bar-notification', reason: 'National security.' },
  'complete-action-item': { kind: 'complete-action-item', itemId: 'fact-finding', evidence: 'Report filed.' },
  'sign-off-closure': { kind: 'sign-off-closure', rationale: 'All done.' },
};
export const KINDS = Object.keys(VALID_DECISIONS);

/** A decision made invalid in shape: a field of the wrong type or value, one missing, one extra. */
export const decisionShapeMutation: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.constantFrom(...KINDS),
    fc.nat(),
    fc.oneof(nonStrings, hostileText, badCount, badTimeFormat, fc.constant(undefined)),
    fc.boolean(),
  )
  .map(([kind, pick, value, extra]) => {
    const body = JSON.parse(JSON.stringify(VALID_DECISIONS[kind])) as Record<string, unknown>;
    const fields = Object.keys(body).filter((k) => k !== 'kind');
    if (extra || fields.length === 0) {
      body[['actorId', 'admin', 'phase', 'approved'][pick % 4]!] = value ?? 'x';
      return body;
    }
    const field = fields[pick % fields.length]!;
    if (value === undefined) delete body[field];
    else body[field] = value;
    return body;
  })
  .filter((body) => {
    // Keep only what is wrong in shape (a hostile text may happen to be a valid office or rationale).
    return !isValidDecisionShape(body);
  });

function isValidDecisionShape(body: unknown): boolean {
  return decisionBodySchema.safeParse(body).success;
}

/** Valid in shape, but wrong on its grounds whatever the phase: checked by the workflow (400). */
export const groundlessDecisions: DecisionBody[] = [
  { kind: 'submit-analysis', factors: FACTORS, options: [], rationale: 'No options.' },
  { kind: 'submit-analysis', factors: FACTORS, options: ['no-further-action', 'remediation'], rationale: 'Both.' },
  {
    kind: 'submit-analysis',
    factors: FACTORS,
    options: ['notify-individuals'],
    authorizedDisclosure: { basis: 'foia', explanation: 'Released under FOIA.' },
    rationale: 'x',
  },
  {
    kind: 'submit-analysis',
    factors: FACTORS,
    options: ['no-further-action'],
    authorizedDisclosure: { basis: 'hipaa-custody-exemption', explanation: 'Sent to the custodian.' },
    rationale: 'x',
  },
  ...CUSTODY_PURPOSES.slice(0, 2).map(
    (p) =>
      ({
        kind: 'submit-analysis',
        factors: FACTORS,
        options: ['no-further-action'],
        authorizedDisclosure: { basis: 'routine-use', explanation: 'x', custodyPurpose: p },
        rationale: 'x',
      }) as DecisionBody,
  ),
  { kind: 'request-delay', requestingEntity: 'DS/ICI', reason: 'x', notifyAfter: '2001-01-01T00:00:00Z' },
  { kind: 'request-delay', requestingEntity: 'DS/ICI', reason: 'x', notifyAfter: '0000-01-01T00:00:00Z' },
];
