/**
 * Hostile input at the mail vendor's callback, POST /vendor/returns (docs/case-record.md
 * "Returned notices"), on the dev server with the real workflow: random and near-miss credentials (the
 * bearer token and the X-Breach-Signature), bodies of the wrong shape, and references that are not a
 * notice of the incident. Every one is answered 401 or 400 naming what is wrong, never a 5xx; what is
 * refused reaches no workflow; the incident's workflow never fails a task.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signVendorBody } from '../../api/vendor-routes.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import { RETURN_REASONS } from '../../domain/returns.js';
import type { IncidentState } from '../../domain/state.js';
import { noticeRef } from '../../security/notice-ref.js';
import { incidentStateQuery } from '../../workflows/messages.js';
import {
  reportIncident,
  startApiFixture,
  triage,
  vendorCall,
  VENDOR_SECRET,
  VENDOR_TOKEN,
  type ApiFixture,
} from '../api/fixture.js';
import { hostileText, malformedJson, nested, tally } from './inputs.js';

let f: ApiFixture;
let incidentId: string;
const now = () => Math.floor(Date.now() / 1_000);

beforeAll(async () => {
  f = await startApiFixture();
  incidentId = await reportIncident(f.app);
  await triage(f.app, incidentId, true);
}, 120_000);
afterAll(async () => {
  await f?.close();
});

const stateOf = () =>
  f.env.client.workflow.getHandle(incidentWorkflowId(incidentId)).query(incidentStateQuery) as Promise<IncidentState>;
const good = () => ({ incidentId, returns: [{ line: 3, means: 'letter', reason: 'moved' }] });

/** A 4xx with an error, never a 5xx; `issues` name fields when it is 400. */
function expectClear(
  res: { status: number; json?: { error?: string; issues?: { path: string; message: string }[] } },
  statuses: number[],
): void {
  expect(res.status).toBeLessThan(500);
  expect(statuses, JSON.stringify(res.json)).toContain(res.status);
  expect(typeof res.json?.error).toBe('string');
  if (res.status === 400) {
    expect(res.json?.issues?.length).toBeGreaterThan(0);
    // A path names the field (an unexpected key named "" is named ""); a message says what was expected.
    for (const issue of res.json!.issues!)
      expect(typeof issue.path === 'string' && issue.message.length > 0).toBe(true);
  }
}

describe('POST /vendor/returns, hostile', () => {
  it("credentials: any token but the vendor's, and any signature that is missing, malformed, of another secret or body, stale or future: 401 saying which", async () => {
    const token = fc.oneof(
      fc.constant(null),
      hostileText.filter((t) => t !== VENDOR_TOKEN && /^[\x21-\x7e]+$/.test(t)),
      fc.constant(VENDOR_TOKEN.slice(0, -1)),
      fc.constant(`${VENDOR_TOKEN}x`),
    );
    await fc.assert(
      fc.asyncProperty(token, async (t) => {
        tally('vendor token', t);
        const res = await vendorCall(f.app, good(), { token: t });
        expectClear(res, [401]);
        expect(res.json?.error).toMatch(/vendor token/);
      }),
      { numRuns: 150 },
    );
    const raw = JSON.stringify(good());
    const signature = fc.oneof(
      hostileText.filter((s) => s.trim() !== '' && !/[\r\n\0]/.test(s) && /^[\x20-\x7e]*$/.test(s)),
      fc
        .string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 })
        .map((h) => `t=${now()},v1=${h}`),
      fc
        .string({ minLength: 32, maxLength: 64 })
        .filter((s) => s !== VENDOR_SECRET)
        .map((secret) => signVendorBody(secret, raw, now())),
      hostileText.map((extra) => signVendorBody(VENDOR_SECRET, `${raw}${extra}x`, now())),
      fc
        .integer({ min: 301, max: 10_000_000 })
        .chain((skew) => fc.constantFrom(-skew, skew))
        .map((skew) => signVendorBody(VENDOR_SECRET, raw, now() + skew)),
      fc.constantFrom(
        't=,v1=',
        't=1,v1=',
        'v1=00',
        't=abc,v1=' + '0'.repeat(64),
        `t=${'9'.repeat(30)},v1=${'0'.repeat(64)}`,
      ),
    );
    await fc.assert(
      fc.asyncProperty(signature, async (s) => {
        tally('vendor signature', s);
        const res = await vendorCall(f.app, good(), { signature: s, raw });
        expectClear(res, [401]);
        expect(res.json?.error).toMatch(/x-breach-signature/);
      }),
      { numRuns: 400 },
    );
  });

  it('bodies that are not returns (malformed JSON, any JSON value, a field made bad, deep nesting), signed right: 400 naming the field', async () => {
    const raw = fc.oneof(
      malformedJson(JSON.stringify(good())),
      fc.constantFrom(nested(5_000, 'array'), nested(5_000, 'object'), '', '   '),
    );
    await fc.assert(
      fc.asyncProperty(raw, async (text) => {
        tally('vendor raw body', text);
        expectClear(await vendorCall(f.app, null, { raw: text }), [400]);
      }),
      { numRuns: 200 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('returns' in v)),
        async (value) => {
          tally('vendor JSON value', value);
          expectClear(await vendorCall(f.app, value), [400]);
        },
      ),
      { numRuns: 200 },
    );
    const field = fc.record({
      key: fc.constantFrom('line', 'means', 'reason', 'reference', 'name', 'postalAddress'),
      value: fc.oneof(
        hostileText,
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.constant(-1),
        fc.constant(1.5),
        fc.constant(2e9),
        fc.string({ minLength: 201, maxLength: 300 }),
      ),
    });
    await fc.assert(
      fc.asyncProperty(field, async ({ key, value }) => {
        const entry: Record<string, unknown> = { line: 3, means: 'letter', reason: 'moved', [key]: value };
        // Only values that cannot be a return: a reason of the closed list or a means would be fine.
        fc.pre(
          !(key === 'reason' && (RETURN_REASONS as readonly unknown[]).includes(value)) &&
            !(key === 'means' && (value === 'letter' || value === 'email')) &&
            !(key === 'line' && Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 1e9),
        );
        tally('vendor return field', entry);
        const res = await vendorCall(f.app, { incidentId, returns: [entry] });
        expectClear(res, [400]);
        expect(JSON.stringify(res.json?.issues)).toContain('returns.0.');
      }),
      { numRuns: 400 },
    );
  });

  it('references that are not a notice of this incident (made up, altered, of another incident, of another means): 400 naming returns.N.reference; nothing taken', async () => {
    const before = (await stateOf()).timeline.length;
    const valid = noticeRef(incidentId, 7, 'letter');
    const reference = fc.oneof(
      hostileText.filter((s) => s.trim() !== '' && s.length <= 200),
      fc.nat({ max: 1_000_000 }).map((line) => noticeRef('another-incident-1', line, 'letter')),
      fc
        .tuple(fc.nat({ max: valid.length - 1 }), fc.constantFrom(...'0123456789abcdef'))
        .map(([i, c]) => `${valid.slice(0, i)}${c}${valid.slice(i + 1)}`)
        .filter((r) => r !== valid),
      fc.nat({ max: 1_000_000 }).map((line) => `L${line}-${'0'.repeat(12)}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(reference, { minLength: 1, maxLength: 5 }), async (refs) => {
        tally('vendor reference', refs);
        const res = await vendorCall(f.app, {
          incidentId,
          returns: [{ reference: valid, reason: 'moved' }, ...refs.map((r) => ({ reference: r, reason: 'bounced' }))],
        });
        expectClear(res, [400]);
        const paths = res.json!.issues!.map((i) => i.path);
        expect(paths.every((p) => /^returns\.\d+\.(reference|means)$/.test(p))).toBe(true);
        expect(paths).not.toContain('returns.0.reference');
      }),
      { numRuns: 300 },
    );
    // An email reference said to be a letter: 400 naming means.
    const wrongMeans = await vendorCall(f.app, {
      incidentId,
      returns: [{ reference: noticeRef(incidentId, 7, 'email'), means: 'letter', reason: 'bounced' }],
    });
    expectClear(wrongMeans, [400]);
    expect(wrongMeans.json?.issues?.[0]?.path).toBe('returns.0.means');
    // Nothing of the refused requests reached the incident.
    const after = await stateOf();
    expect(after.timeline.length).toBe(before);
    // The right reference is taken (the incident has not notified yet: recorded and ignored).
    const ok = await vendorCall(f.app, { incidentId, returns: [{ reference: valid, reason: 'moved' }] });
    expect(ok.status, ok.text).toBe(202);
    const until = Date.now() + 20_000;
    while (!(await stateOf()).timeline.some((t) => t.event === 'notices-returned-ignored') && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    expect((await stateOf()).timeline.some((t) => t.event === 'notices-returned-ignored')).toBe(true);
    const history = await f.env.client.workflow.getHandle(incidentWorkflowId(incidentId)).fetchHistory();
    expect((history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes)).toHaveLength(0);
  });
});
