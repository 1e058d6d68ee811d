/**
 * The workflow's plain checks (domain/check.ts: no zod in the sandbox) side by side with the zod
 * schemas they replace, on generated input: every decision and report accepted or refused the same, with
 * the same value (trimmed text, key order) and the same issues. A running incident replays its signals
 * through these checks, so a difference here would change what it accepted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { object, run, string } from '../../domain/check.js';
import { checkDecisionShape } from '../../domain/decision-check.js';
import { DECISION_KINDS as KIND_LIST, ISO_DATE_TIME } from '../../domain/decision-terms.js';
import { decisionSchema } from '../../domain/decision.js';
import { issuesOf } from '../../domain/issues.js';
import { isEmail } from '../../domain/text.js';
import { unreadableReport } from '../../workflows/intake.js';

const RUNS = 3_000;

/** The zod schema workflows/intake.ts held before its plain checks, kept here as the reference. */
const ztext = z.string();
const zperson = z.looseObject({ name: ztext, email: ztext });
const zodReadableReport = z.looseObject({
  incidentId: ztext.optional(),
  reporter: z.looseObject({ name: ztext, email: ztext, office: ztext }),
  supervisor: zperson,
  programManager: zperson.optional(),
  discoveredAt: ztext.refine((t) => Number.isFinite(Date.parse(t)), 'expected a time'),
  occurredAt: ztext.optional(),
  medium: z.enum(['cyber', 'non-cyber']),
  summary: ztext,
  piiTypes: z.array(ztext),
  affectedCount: z.number().finite().min(0),
  affectedPopulation: ztext,
  encrypted: z.boolean(),
  classifiedInvolved: z.boolean(),
  criminalActSuspected: z.boolean(),
  causedByWorkforceMember: z.boolean().optional(),
});
const zodUnreadable = (raw: unknown) => {
  const r = zodReadableReport.safeParse(raw);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
};

function viaZod(raw: unknown) {
  const r = decisionSchema.safeParse(raw);
  return r.success ? { ok: true, decision: JSON.stringify(r.data) } : { ok: false, issues: issuesOf(r.error) };
}
function viaPlain(raw: unknown) {
  const r = checkDecisionShape(raw);
  return r.ok ? { ok: true, decision: JSON.stringify(r.decision) } : { ok: false, issues: r.issues };
}

// Values of every kind a message could carry, good and bad, so both sides meet each rule.
const edgeString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '  x  ',
    'ok',
    'a'.repeat(129),
    ' '.repeat(300),
    'x'.repeat(10_001),
    'http://roster.example/r.ndjson',
    'file:///r',
    'ftp://x',
  ),
  fc.constantFrom(
    '2026-03-01T14:05:00Z',
    '2026-03-01T14:05:00.123+05:30',
    '2026-02-30T00:00:00Z',
    '2026-03-01',
    '2026-03-01T14:05Z',
  ),
  fc.constantFrom(
    'low',
    'high',
    'remediation',
    'no-further-action',
    'foia',
    'hipaa-custody-exemption',
    'a',
    'correctional-institution',
    'ftc',
    'call-center',
  ),
  fc.constantFrom(
    'approve-notification',
    'refer-to-ppgb',
    'return-to-crg',
    'refer-to-under-secretary',
    '1-800-555-0100',
  ),
  fc.string({ maxLength: 12 }),
);
const edgeNumber = fc.oneof(
  fc.constantFrom(0, -1, 1.5, -0.5, 1e9, 1e9 + 1, 1e13, 1e13 + 1, 2 ** 53, 2 ** 60, -(2 ** 60), Number.NaN, Infinity),
  fc.integer(),
  fc.double(),
);
const leaf = fc.oneof(edgeString, edgeNumber, fc.boolean(), fc.constant(null), fc.constant(undefined));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('v'), { maxLength: 9 }),
    fc.dictionary(fc.constantFrom('name', 'kind', 'address', 'level', 'rationale', 'x'), tie('v'), { maxKeys: 3 }),
  ),
})).v;

const FIELDS: Record<string, fc.Arbitrary<unknown>> = {
  actorId: fc.oneof(edgeString, leaf),
  decisionId: fc.oneof(edgeString, leaf),
  office: edgeString,
  rationale: fc.oneof(edgeString, leaf),
  convene: fc.oneof(fc.boolean(), leaf),
  factors: fc.oneof(
    fc.record(
      {
        dataNature: edgeString,
        misuseLikelihood: edgeString,
        logicalAccess: edgeString,
        physicalAccess: edgeString,
        deliberateTargeting: edgeString,
        priorMisuse: edgeString,
      },
      { requiredKeys: [] },
    ),
    fc.constant({
      dataNature: 'low',
      misuseLikelihood: 'low',
      logicalAccess: 'high',
      physicalAccess: 'moderate',
      deliberateTargeting: 'low',
      priorMisuse: 'low',
    }),
    value,
  ),
  authorizedDisclosure: fc.oneof(
    fc.record(
      {
        basis: edgeString,
        explanation: edgeString,
        custodyPurpose: edgeString,
        custodian: fc.oneof(fc.record({ name: edgeString, kind: edgeString }), value),
        subjectInLawfulCustody: fc.oneof(fc.boolean(), leaf),
        recipient: fc.oneof(fc.record({ name: edgeString, address: edgeString }, { requiredKeys: [] }), value),
        disclosedAt: edgeString,
      },
      { requiredKeys: [] },
    ),
    value,
  ),
  riskOverride: fc.oneof(fc.record({ level: edgeString, rationale: edgeString }, { requiredKeys: [] }), value),
  options: fc.oneof(fc.array(edgeString, { maxLength: 9 }), value),
  liaisons: fc.oneof(fc.array(edgeString, { maxLength: 5 }), value),
  classifiedInvolved: fc.oneof(fc.boolean(), leaf),
  affectedCount: edgeNumber,
  costedMeasures: fc.oneof(fc.array(edgeString, { maxLength: 5 }), value),
  estimatedCostUsd: fc.oneof(edgeNumber, leaf),
  notes: fc.oneof(edgeString, leaf),
  outcome: edgeString,
  letter: fc.oneof(
    fc.record(
      {
        whatHappened: edgeString,
        piiInvolved: edgeString,
        actionsTaken: edgeString,
        contact: fc.oneof(
          fc.record(
            { tollFreePhone: edgeString, email: edgeString, website: fc.oneof(edgeString, leaf), x: leaf },
            { requiredKeys: ['tollFreePhone'] },
          ),
          value,
        ),
        protectiveSteps: edgeString,
        protectionAtTime: edgeString,
        creditProtectionOffer: fc.oneof(edgeString, leaf),
      },
      {
        requiredKeys: ['whatHappened', 'piiInvolved', 'actionsTaken', 'contact', 'protectiveSteps', 'protectionAtTime'],
      },
    ),
    value,
  ),
  roster: fc.oneof(fc.record({ url: edgeString, count: edgeNumber }, { requiredKeys: [] }), value),
  immediate: fc.oneof(fc.boolean(), leaf),
  requestingEntity: edgeString,
  reason: edgeString,
  notifyAfter: fc.oneof(edgeString, leaf),
  itemId: edgeString,
  evidence: edgeString,
  reference: edgeString,
  unknownKey: leaf,
};

const decisionLike = fc.record(
  { kind: fc.oneof(fc.constantFrom(...KIND_LIST), fc.constantFrom(...KIND_LIST), leaf), ...FIELDS },
  { requiredKeys: ['kind'] },
);

const READABLE_REPORT = {
  reporter: { name: 'R', email: 'r@x.gov', office: 'CA' },
  supervisor: { name: 'S', email: 's@x.gov' },
  discoveredAt: '2026-03-01T10:00:00Z',
  medium: 'cyber',
  summary: 's',
  piiTypes: ['medical'],
  affectedCount: 3,
  affectedPopulation: 'public',
  encrypted: false,
  classifiedInvolved: false,
  criminalActSuspected: false,
};

describe('the workflow sandbox checks without zod', () => {
  it("the decision kinds of domain/decision-terms.ts are the schema's", () => {
    expect([...KIND_LIST]).toEqual(decisionSchema.options.map((o) => o.shape.kind.value));
  });

  it('a decision message: accepted with the same value, or refused with the same issues, as decisionSchema', () => {
    fc.assert(
      fc.property(fc.oneof(decisionLike, value), (raw) => {
        expect(viaPlain(raw)).toEqual(viaZod(raw));
      }),
      { numRuns: RUNS },
    );
  });

  it('valid decisions of every kind are accepted, trimmed as zod trims them', () => {
    const good = [
      {
        kind: 'assign-responsible-office',
        actorId: 'ips-director',
        office: '  Bureau of Consular Affairs ',
        decisionId: 'd-1',
      },
      {
        kind: 'submit-analysis',
        actorId: 'crg',
        factors: {
          dataNature: 'high',
          misuseLikelihood: 'low',
          logicalAccess: 'low',
          physicalAccess: 'low',
          deliberateTargeting: 'low',
          priorMisuse: 'low',
        },
        options: ['notify-individuals', 'credit-protection'],
        liaisons: ['ftc'],
        affectedCount: 120,
        rationale: ' r ',
      },
      {
        kind: 'approve-letter',
        actorId: 'no',
        letter: {
          whatHappened: 'w',
          piiInvolved: 'p',
          actionsTaken: 'a',
          contact: { tollFreePhone: '1-800-555-0100' },
          protectiveSteps: 's',
          protectionAtTime: 't',
        },
        roster: { url: 'file:///r.ndjson', count: 3 },
      },
      {
        kind: 'request-delay',
        actorId: 'sl',
        requestingEntity: 'FBI',
        reason: 'investigation',
        notifyAfter: '2026-05-01T00:00:00Z',
      },
      { kind: 'lift-delay', actorId: 'sl' },
    ];
    for (const raw of good) {
      expect(viaPlain(raw)).toEqual(viaZod(raw));
      expect(viaPlain(raw).ok).toBe(true);
    }
  });

  it('a report the workflow reads: the same issues as the zod schema it replaced', () => {
    const goodReport = READABLE_REPORT;
    const field = fc.oneof(leaf, value);
    const reportLike = fc.oneof(
      fc
        .record({
          key: fc.constantFrom(
            ...Object.keys(goodReport),
            'programManager',
            'incidentId',
            'occurredAt',
            'causedByWorkforceMember',
            'extra',
          ),
          v: field,
        })
        .map(({ key, v }) => ({ ...goodReport, [key]: v })),
      fc
        .record(
          {
            reporter: field,
            supervisor: field,
            discoveredAt: fc.oneof(edgeString, leaf),
            medium: field,
            affectedCount: edgeNumber,
            piiTypes: field,
          },
          { requiredKeys: [] },
        )
        .map((r) => ({ ...goodReport, ...r })),
      value,
    );
    expect(unreadableReport(goodReport)).toEqual([]);
    fc.assert(
      fc.property(reportLike, (raw) => {
        expect(unreadableReport(raw)).toEqual(zodUnreadable(raw));
      }),
      { numRuns: RUNS },
    );
  });

  it('keys named like Object.prototype members ("toString", "constructor", "__proto__", from JSON): refused or kept as zod does, and never a prototype', () => {
    const base = { kind: 'assign-responsible-office', actorId: 'ips-director', office: 'Bureau of Consular Affairs' };
    for (const key of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const decision = JSON.parse(
        JSON.stringify(base).replace(/}$/, `,${JSON.stringify(key)}:{"polluted":true}}`),
      ) as unknown;
      expect(viaPlain(decision), key).toEqual(viaZod(decision));
      expect(viaPlain(decision).ok, key).toBe(false);
      const report = JSON.parse(
        JSON.stringify(READABLE_REPORT).replace(/}$/, `,${JSON.stringify(key)}:{"polluted":true}}`),
      ) as unknown;
      expect(unreadableReport(report), key).toEqual(zodUnreadable(report));
      expect(unreadableReport(report), key).toEqual([]);
    }
    const loose = run(object({ a: string({}) }, 'loose'), JSON.parse('{"a":"x","__proto__":{"polluted":true}}'));
    expect(loose.ok).toBe(true);
    const kept = (loose as { value: Record<string, unknown> }).value;
    expect(Object.getPrototypeOf(kept)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(kept, '__proto__')?.value).toEqual({ polluted: true });
    expect((kept as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it("the ISO time and email patterns are zod's", () => {
    const times = fc.oneof(
      edgeString,
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.string(),
    );
    const iso = z.iso.datetime({ offset: true });
    fc.assert(
      fc.property(times, (t) => {
        expect(ISO_DATE_TIME.test(t)).toBe(iso.safeParse(t).success);
      }),
      { numRuns: RUNS },
    );
    const emails = fc.oneof(
      fc.emailAddress(),
      fc.string(),
      fc.constantFrom('a@b.co', 'a.b@c', "o'neil@state.gov", 'x@y.z', '.a@b.gov'),
    );
    const email = z.email();
    fc.assert(
      fc.property(emails, (e) => {
        expect(isEmail(e)).toBe(email.safeParse(e).success);
      }),
      { numRuns: RUNS },
    );
  });
});
