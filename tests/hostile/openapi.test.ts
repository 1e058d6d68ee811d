/**
 * A client generated from GET /openapi.json is right first time: requests made from the document alone
 * (tests/hostile/from-schema.ts) against the API on the dev server with the real workflow.
 *
 * The external fuzzer (`npm run fuzz`, tests/fuzz) checks every operation for what a schema can say: no
 * 5xx, statuses, content types and bodies as declared, schema-valid input taken, invalid input refused,
 * an undeclared method 405. Kept here is only what it does not check:
 *   - where tests/fuzz/schemathesis.toml lets a schema-valid request be refused with a 400 (the report,
 *     a decision, an approval link: rules the document states in words), the request made as a client
 *     reading those words would make it is never a 400 with `issues` (the validator refusing what the
 *     document allows), and a report so made is always taken (202);
 *   - the medical statement is required by the document (generated with it) and its absence is refused
 *     naming the field;
 *   - a decisionId of "." or ".." is outside the document's pattern and refused naming decisionId;
 *   - a 405 names in `Allow` every method the document declares for the path.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../domain/report.js';
import { decisionParamsSchema } from '../../api/schemas.js';
import { call, linkToken, reportIncident, startApiFixture, triage, type ApiFixture } from '../api/fixture.js';
import { arbitraryOf, type Document, type JsonSchema } from './from-schema.js';

interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: 'path' | 'query'; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
}
type OpenApi = Document & { security: Record<string, string[]>[]; paths: Record<string, Record<string, Operation>> };

let f: ApiFixture;
let doc: OpenApi;
/** Incidents the generated requests may name besides the generated ids: one in triage, one in analysis. */
let live: string[];
const seen = new Map<string, Map<number, number>>();
/** Approval links signed for the live incidents, beside the generated (unsigned) tokens. */
let tokens: string[];

beforeAll(async () => {
  f = await startApiFixture();
  doc = (await call(f.app, { method: 'GET', url: '/openapi.json', token: null })).json as unknown as OpenApi;
  const [a, b] = await Promise.all([reportIncident(f.app), reportIncident(f.app)]);
  await triage(f.app, b!, true);
  live = [a!, b!];
  tokens = live.flatMap((incidentId) => [
    linkToken({ incidentId, kind: 'assign-responsible-office', personId: 'ips-director' }),
    linkToken({ incidentId, kind: 'submit-analysis', personId: 'privacy-division' }),
  ]);
}, 120_000);

afterAll(async () => {
  const lines = [...seen].map(
    ([op, statuses]) =>
      `  ${op.padEnd(20)} ${[...statuses]
        .sort()
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
  );
  const total = [...seen.values()].flatMap((statuses) => [...statuses.values()]).reduce((sum, n) => sum + n, 0);
  console.log(
    `[openapi] ${total} requests generated from /openapi.json, by operation and status:\n${lines.join('\n')}`,
  );
  await f?.close();
});

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Generated {
  method: string;
  url: string;
  body?: string;
  headers: Record<string, string>;
}

/** A request for one operation, from its parameters, body schema and security as the document gives them. */
function requestsOf(path: string, method: string, op: Operation): fc.Arbitrary<Generated> {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const pathValues = fc.record(
    Object.fromEntries(
      pathParams.map((p) => [
        p.name,
        p.name === 'incidentId'
          ? fc.oneof(fc.constantFrom(...live), arbitraryOf(p.schema, doc))
          : p.name === 'token'
            ? fc.oneof(fc.constantFrom(...tokens), arbitraryOf(p.schema, doc))
            : arbitraryOf(p.schema, doc),
      ]),
    ),
  );
  const queryValues = fc.record(Object.fromEntries(queryParams.map((p) => [p.name, arbitraryOf(p.schema, doc)])), {
    requiredKeys: queryParams.filter((p) => p.required).map((p) => p.name),
  });
  const content = op.requestBody?.content ?? {};
  const [mediaType, media] = Object.entries(content)[0] ?? [];
  const body: fc.Arbitrary<unknown> = media ? arbitraryOf(media.schema, doc) : fc.constant(undefined);
  const security = op.security ?? doc.security;
  // `[{}, { bearer: [] }]`: credentials optional; `[]`: none; else required.
  const sendToken =
    security.length === 0
      ? fc.constant(false)
      : security.some((s) => Object.keys(s).length === 0)
        ? fc.boolean()
        : fc.constant(true);
  return fc.record({ pathValues, queryValues, body, sendToken }).map(({ pathValues, queryValues, body, sendToken }) => {
    const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(pathValues[name])));
    const query = new URLSearchParams(
      Object.entries(queryValues).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    const headers: Record<string, string> = sendToken ? { authorization: 'Bearer demo-ips-director-token' } : {};
    let payload: string | undefined;
    if (mediaType === 'application/json') {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(
        op.operationId === 'reportIncident'
          ? asDescribed(body as Record<string, unknown>)
          : op.operationId === 'decide'
            ? custodyAsDescribed(body as Record<string, unknown>)
            : body,
      );
    } else if (mediaType === 'application/x-www-form-urlencoded') {
      headers['content-type'] = mediaType;
      payload = new URLSearchParams(
        Object.entries((body ?? {}) as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)]),
      ).toString();
    }
    return { method: method.toUpperCase(), url: query ? `${url}?${query}` : url, body: payload, headers };
  });
}

/**
 * The one rule of the Report that JSON Schema cannot state and its description does ("occurredAt is at or
 * before discoveredAt"), applied as a client reading the description would: the earlier time first. (The
 * other, "discoveredAt may not lie in the future", the generator keeps: its times are in the past.)
 */
function asDescribed(report: Record<string, unknown>): Record<string, unknown> {
  const { occurredAt, discoveredAt } = report as { occurredAt?: string; discoveredAt: string };
  if (occurredAt && Date.parse(occurredAt) > Date.parse(discoveredAt))
    return { ...report, occurredAt: discoveredAt, discoveredAt: occurredAt };
  return report;
}

/**
 * The custody exemption's comparisons its description states and JSON Schema cannot (domain/custody.ts),
 * applied as a client reading the description would: the recipient is the custodian, and the custodian's
 * determination comes no later than the disclosure.
 */
function custodyAsDescribed(decision: Record<string, unknown>): Record<string, unknown> {
  const ad = decision.authorizedDisclosure as
    | {
        basis: string;
        disclosedAt?: string;
        recipient?: { name: string; address: string };
        custodian?: { name: string; determination?: { by: string; at: string } };
      }
    | undefined;
  if (ad?.basis !== 'hipaa-custody-exemption' || !ad.custodian) return decision;
  const { custodian, disclosedAt, recipient } = ad;
  const determination =
    custodian.determination && disclosedAt && Date.parse(custodian.determination.at) > Date.parse(disclosedAt)
      ? { ...custodian.determination, at: disclosedAt }
      : custodian.determination;
  return {
    ...decision,
    authorizedDisclosure: {
      ...ad,
      custodian: { ...custodian, ...(determination ? { determination } : {}) },
      ...(recipient ? { recipient: { ...recipient, name: custodian.name } } : {}),
    },
  };
}

function count(operationId: string, status: number) {
  const statuses = seen.get(operationId) ?? new Map<number, number>();
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  seen.set(operationId, statuses);
}

/**
 * The operations whose schema-valid requests tests/fuzz/schemathesis.toml lets be refused with a 400 (a
 * rule stated in words), and the runs for each: reports start workflows, so fewer of those; decisions
 * have 17 kinds. (A run that once took over 10 minutes was the generator, not the server: a
 * 20-character explanation filtered out of fast-check's short strings; from-schema.ts.)
 */
const RUNS: Record<string, number> = { reportIncident: 25, decide: 200, approvalLinkPage: 50, approvalLinkSubmit: 50 };

describe('requests generated from /openapi.json', () => {
  it('where a rule is stated in words: never a 400 naming issues the document allows, and a report made as described is taken', async () => {
    // Reports last: each starts an incident, and the worker's first tasks for them would slow the rest.
    const operations = Object.entries(doc.paths)
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })))
      .filter(({ op }) => op.operationId in RUNS)
      .sort((a, b) => Number(a.op.operationId === 'reportIncident') - Number(b.op.operationId === 'reportIncident'));
    expect(operations.map(({ op }) => op.operationId).sort()).toEqual(Object.keys(RUNS).sort());
    for (const { path, method, op } of operations) {
      await fc.assert(
        fc.asyncProperty(requestsOf(path, method, op), async (request) => {
          const send = () =>
            f.app.inject({
              method: request.method as 'GET',
              url: request.url,
              headers: request.headers,
              ...(request.body !== undefined ? { payload: request.body } : {}),
            });
          let res = await send();
          // 503/504 say Temporal or the worker did not answer in time (a loaded machine), not that the
          // request is wrong: a read is asked again once, as a client would; twice is a failure.
          if ((res.statusCode === 503 || res.statusCode === 504) && request.method === 'GET') {
            count(op.operationId, res.statusCode);
            await new Promise((r) => setTimeout(r, 2_000));
            res = await send();
          }
          count(op.operationId, res.statusCode);
          const what = `${request.method} ${request.url} ${request.body?.slice(0, 300) ?? ''} → ${res.statusCode} ${res.body.slice(0, 300)}`;
          if (res.statusCode === 400 && String(res.headers['content-type'] ?? '').includes('json')) {
            const issues = (res.json() as { issues?: { path: string }[] }).issues;
            // The one rule stated in words only: the content of an authorized-disclosure explanation by
            // basis (the description of authorizedDisclosure says so); every other 400 with issues means
            // the document allows what the validator refuses.
            const inWords =
              op.operationId === 'decide' && issues?.every((i) => i.path === 'authorizedDisclosure.explanation');
            if (inWords) count('decide (explanation refused, rule in words)', 400);
            else expect(issues, what).toBeUndefined();
          }
          if (op.operationId === 'reportIncident') {
            // A report valid by the document (with the described times) is taken.
            expect(reportSchema.safeParse(JSON.parse(request.body!)).success, what).toBe(true);
            expect(res.statusCode, what).toBe(202);
          }
        }),
        // No shrinking: a shrink of a decision or a report re-runs workflows for minutes; the first counterexample says enough.
        { numRuns: RUNS[op.operationId], endOnFailure: true },
      );
    }
    const reports = seen.get('reportIncident');
    expect(reports?.get(202)).toBeGreaterThan(0);
  }, 600_000);

  it('the medical statement is generated as the document requires it, and refused without it', async () => {
    const report = doc.components!.schemas!.Report!;
    const medical = fc
      .sample(arbitraryOf(report, doc), 300)
      .filter((r) => ((r as { piiTypes: string[] }).piiTypes ?? []).includes('medical'));
    expect(medical.length).toBeGreaterThan(10);
    for (const r of medical)
      expect(r).toMatchObject({
        disclosureFormat: expect.any(String),
        disclosedBy: expect.any(String),
        disclosedTo: expect.any(String),
      });
    const { disclosedBy: _, ...without } = asDescribed(medical[0] as Record<string, unknown>);
    const res = await call(f.app, { method: 'POST', url: '/incidents', body: without });
    expect(res.status).toBe(400);
    expect((res.json.issues as { path: string }[]).map((i) => i.path)).toEqual(['disclosedBy']);
  });

  it('a decisionId of "." or ".." is outside the document (a URL\'s normalisation removes such a segment before the request is sent), and refused by the server naming decisionId', async () => {
    const op = doc.paths['/incidents/{incidentId}/decisions/{decisionId}']!.get as unknown as {
      parameters: { name: string; schema: { not?: { pattern: string } } }[];
    };
    const pattern = new RegExp(op.parameters.find((p) => p.name === 'decisionId')!.schema.not!.pattern);
    expect(['.', '..'].map((id) => pattern.test(id))).toEqual([true, true]);
    expect(['a.', '...', 'd-1'].map((id) => pattern.test(id))).toEqual([false, false, false]);
    expect(
      decisionParamsSchema
        .safeParse({ incidentId: live[0], decisionId: '..' })
        .error?.issues.map((i) => i.path.join('.')),
    ).toEqual(['decisionId']);
  });

  it('a method a path does not have: 405 whose Allow lists every documented one', async () => {
    for (const [path, methods] of Object.entries(doc.paths)) {
      const url = path.replace('{incidentId}', live[0]!).replace('{token}', 'x.y');
      const documented = Object.keys(methods).map((m) => m.toUpperCase());
      for (const method of HTTP_METHODS.filter((m) => !(m in methods))) {
        const res = await f.app.inject({
          method: method.toUpperCase() as 'PUT',
          url,
          headers: { authorization: 'Bearer demo-ips-director-token', 'content-type': 'application/json' },
          payload: method === 'get' ? undefined : '{}',
        });
        count('(undeclared method)', res.statusCode);
        expect(res.statusCode, `${method.toUpperCase()} ${path}`).toBe(405);
        const allow = String(res.headers.allow).split(', ');
        for (const m of documented) expect(allow, `${method} ${path}`).toContain(m);
      }
    }
  });
});
