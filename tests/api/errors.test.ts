/**
 * Every route's refusals that need no workflow: authentication, bad input (400), wrong content type
 * (415), too large (413), unknown routes (404), Temporal down (503), and the OpenAPI document. The
 * client points at a port where nothing listens, so any call that reached Temporal would show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { Client, Connection } from '@temporalio/client';
import { DEFAULT_API_TOKENS, DEFAULT_PLAYBOOK, loadApiTokens, loadPlaybookFile } from '../../config/index.js';
import { buildApi } from '../../api/server.js';
import { DECISION_KINDS } from '../../domain/decision-terms.js';
import { aReport, call, LINK_SECRET, PUBLIC_URL, TOKEN } from './fixture.js';

let app: FastifyInstance;
let connection: Connection;
const lines: string[] = [];

beforeAll(async () => {
  const playbook = await loadPlaybookFile(DEFAULT_PLAYBOOK);
  const tokens = await loadApiTokens(DEFAULT_API_TOKENS, playbook);
  connection = Connection.lazy({ address: '127.0.0.1:9' });
  app = await buildApi({
    client: new Client({ connection }),
    taskQueue: 'nowhere',
    playbook,
    tokens,
    linkSecret: LINK_SECRET,
    publicUrl: PUBLIC_URL,
    log: (l) => lines.push(l),
  });
});

afterAll(async () => {
  await app?.close();
  // The connection to nowhere is left for the test process's end: closing it while the client's retry of
  // a call is still pending makes that retry throw "Channel has been shut down" outside any test (an
  // unhandled error that fails the run with every test green).
});

const ROUTES = [
  { method: 'POST', url: '/incidents', body: aReport() },
  { method: 'GET', url: '/incidents' },
  { method: 'GET', url: '/incidents/inc-123' },
  { method: 'POST', url: '/incidents/inc-123/decisions', body: { kind: 'lift-delay' } },
] as const;

describe('authentication', () => {
  it.each(ROUTES)('$method $url without a token is 401', async (route) => {
    const res = await call(app, { ...route, token: null });
    expect(res.status).toBe(401);
    expect(res.json.error).toMatch(/Authorization: Bearer/);
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it.each(ROUTES)('$method $url with an unknown token is 401', async (route) => {
    const res = await call(app, { ...route, token: 'not-a-token-of-anybody-at-all' });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: 'unknown bearer token' });
  });

  it('a malformed Authorization header is 401', async () => {
    const res = await call(app, {
      method: 'GET',
      url: '/incidents',
      token: null,
      headers: { authorization: `Basic ${TOKEN.ipsDirector}` },
    });
    expect(res.status).toBe(401);
  });

  it('serves /openapi.json without a token', async () => {
    const res = await call(app, { method: 'GET', url: '/openapi.json', token: null });
    expect(res.status).toBe(200);
  });
});

describe('bad input', () => {
  it('a report that is not valid is 400 with each issue', async () => {
    const res = await call(app, {
      method: 'POST',
      url: '/incidents',
      body: { ...aReport(), medium: 'carrier-pigeon', affectedCount: -1, reporter: { name: 'R' } },
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toBeTypeOf('string');
    const paths = (res.json.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['medium', 'affectedCount', 'reporter.email', 'reporter.office']));
  });

  it('DHS PIHG: a medical disclosure without the DHS statement is 400 naming the fields', async () => {
    const res = await call(app, { method: 'POST', url: '/incidents', body: aReport({ piiTypes: ['medical'] }) });
    expect(res.status).toBe(400);
    expect((res.json.issues as { path: string }[]).map((i) => i.path).sort()).toEqual([
      'disclosedBy',
      'disclosedTo',
      'disclosureFormat',
    ]);
  });

  it('a discovery time in the future is 400 with a clear message', async () => {
    const res = await call(app, {
      method: 'POST',
      url: '/incidents',
      body: aReport({ discoveredAt: new Date(Date.now() + 3_600_000).toISOString() }),
    });
    expect(res.status).toBe(400);
    expect(res.json.issues).toEqual([
      { path: 'discoveredAt', message: expect.stringMatching(/ahead of the server clock/) },
    ]);
  });

  it('a discovery time a minute ahead (clock skew) is accepted as input', async () => {
    // It reaches Temporal, which is down here: 503, not 400.
    const res = await call(app, {
      method: 'POST',
      url: '/incidents',
      body: aReport({ discoveredAt: new Date(Date.now() + 60_000).toISOString() }),
    });
    expect(res.status).toBe(503);
  }, 60_000);

  it('an incident id with PII-like characters is 400', async () => {
    const res = await call(app, {
      method: 'POST',
      url: '/incidents',
      body: aReport({ incidentId: 'john.doe@example.com' }),
    });
    expect(res.status).toBe(400);
    expect((res.json.issues as { path: string }[])[0]!.path).toBe('incidentId');
  });

  it('malformed JSON is 400', async () => {
    const res = await call(app, {
      method: 'POST',
      url: '/incidents',
      body: '{"reporter": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: 'the body is not valid JSON',
      issues: [{ path: '(root)', message: 'the body is not valid JSON' }],
    });
  });

  it('an empty JSON body is 400', async () => {
    const res = await call(app, {
      method: 'POST',
      url: '/incidents',
      body: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
  });

  it('no body at all is 400', async () => {
    const res = await call(app, { method: 'POST', url: '/incidents' });
    expect(res.status).toBe(400);
    expect(res.json.issues).toHaveLength(1);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])('a %s body is 415', async (type) => {
    const res = await call(app, { method: 'POST', url: '/incidents', body: 'a=b', headers: { 'content-type': type } });
    expect(res.status).toBe(415);
    expect(res.json.error).toMatch(/expected application\/json/);
  });

  it('a body over 1 MB is 413', async () => {
    const res = await call(app, {
      method: 'POST',
      url: '/incidents',
      body: { ...aReport(), summary: 'x'.repeat(1_100_000) },
    });
    expect(res.status).toBe(413);
    expect(res.json.error).toMatch(/1 MB/);
  });

  it('a bad incident id in the path is 400', async () => {
    for (const url of ['/incidents/a', '/incidents/-bad-start']) {
      const res = await call(app, { method: 'GET', url });
      expect(res.status).toBe(400);
      expect((res.json.issues as { path: string }[])[0]!.path).toBe('incidentId');
    }
    const decision = await call(app, { method: 'POST', url: '/incidents/a/decisions', body: { kind: 'lift-delay' } });
    expect(decision.status).toBe(400);
  });

  it('bad list filters are 400', async () => {
    for (const query of [
      'phase=done',
      'awaitingRole=janitor',
      'limit=0',
      'limit=abc',
      'color=red',
      'phase=triage&phase=analysis',
    ]) {
      const res = await call(app, { method: 'GET', url: `/incidents?${query}` });
      expect(res.status, query).toBe(400);
      expect(res.json.issues, query).not.toHaveLength(0);
    }
  });

  it('any JSON body of a wrong shape is 400, never 5xx, never a stack trace', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue(),
        // A decision's body is read after need to know (469.2c(1)), which asks Temporal: its bodies are
        // tests/hostile/hostile.test.ts's and tests/api/need-to-know-routes.test.ts's.
        fc.constantFrom('/incidents'),
        async (value, url) => {
          const res = await call(app, {
            method: 'POST',
            url,
            body: JSON.stringify(value),
            headers: { 'content-type': 'application/json' },
          });
          expect(res.status).toBe(400);
          expect(res.text).not.toMatch(/\bat .+\.(ts|js):\d+/);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('routes', () => {
  it('an unknown route is 404, with or without a token', async () => {
    for (const token of [TOKEN.ipsDirector, null]) {
      const res = await call(app, { method: 'GET', url: '/admin', token });
      expect(res.status).toBe(404);
      expect(res.json.error).toMatch(/no route/);
    }
  });

  it('a method a route does not have is 405 with Allow, not 404', async () => {
    const cases = [
      { method: 'DELETE', url: '/incidents/inc-123', allow: 'GET, HEAD' },
      { method: 'PUT', url: '/incidents', allow: 'GET, HEAD, POST' },
      { method: 'GET', url: '/incidents/inc-123/decisions', allow: 'POST' },
      { method: 'POST', url: '/healthz', allow: 'GET, HEAD' },
    ] as const;
    for (const { method, url, allow } of cases) {
      const res = await call(app, { method: method as 'DELETE', url, ...(method === 'GET' ? {} : { body: {} }) });
      expect(res.status, `${method} ${url}`).toBe(405);
      expect(res.headers.allow).toBe(allow);
      expect(res.json.error).toContain(allow);
    }
  });

  it('a method no route has but one with a body (QUERY) is 405 with Allow too, not a 400 for its Content-Type', async () => {
    for (const [url, allow] of [
      ['/incidents', 'GET, HEAD, POST'],
      ['/readyz', 'GET, HEAD'],
      ['/incidents/inc-123/record', 'GET, HEAD'],
    ] as const) {
      const res = await app.inject({
        method: 'QUERY' as 'GET',
        url,
        headers: { authorization: `Bearer ${TOKEN.ipsDirector}` },
      });
      expect(res.statusCode, `QUERY ${url}`).toBe(405);
      expect(res.headers.allow).toBe(allow);
    }
  });

  it('the document declares 414 where a path takes parameters, and addresses by the pattern the validator uses', async () => {
    const doc = (await call(app, { method: 'GET', url: '/openapi.json', token: null })).json as unknown as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    for (const [path, operations] of Object.entries(doc.paths))
      for (const [method, operation] of Object.entries(operations))
        expect(Boolean(operation.responses['414']), `${method} ${path}`).toBe(path.includes('{'));
    expect(JSON.stringify(doc)).not.toContain('"format":"email"');
    const long = await call(app, { method: 'GET', url: `/incidents/${'a'.repeat(2_300)}` });
    expect(long.status).toBe(414);
  });

  it('healthz (liveness) is 200 without credentials or details while Temporal does not answer; readyz is 503', async () => {
    const live = await call(app, { method: 'GET', url: '/healthz', token: null });
    expect(live.status).toBe(200);
    expect(live.json).toEqual({ status: 'ok' });
    const anonymous = await call(app, { method: 'GET', url: '/readyz', token: null });
    expect(anonymous.status).toBe(503);
    expect(anonymous.json).toEqual({ status: 'unavailable' });
    const detailed = await call(app, { method: 'GET', url: '/readyz' });
    expect(detailed.status).toBe(503);
    expect(detailed.json).toMatchObject({
      status: 'unavailable',
      checks: { temporal: { reachable: false, namespace: 'default' } },
    });
    const stranger = await call(app, { method: 'GET', url: '/readyz', token: 'not-a-token-of-anybody-at-all' });
    expect(stranger.json).toEqual({ status: 'unavailable' });
  });

  it('logs one line per request with the route pattern, never ids, bodies or tokens', async () => {
    lines.length = 0;
    await call(app, {
      method: 'POST',
      // A malformed id (over 64 characters): answered 400 without Temporal. A well-formed one is read for
      // need to know (469.2c(1)) before the body, which asks Temporal (tests/api/need-to-know-routes.test.ts).
      url: `/incidents/inc-secret-42-${'x'.repeat(60)}/decisions`,
      body: { kind: 'convene-crg', convene: 'x', rationale: 'Robin Reporter' },
    });
    await call(app, { method: 'GET', url: '/links/some-token.value' });
    expect(lines).toEqual([
      expect.stringMatching(/^POST \/incidents\/:incidentId\/decisions 400 \d+ms$/),
      expect.stringMatching(/^GET \/links\/:token 400 \d+ms$/),
    ]);
    expect(lines.join('\n')).not.toMatch(/inc-secret-42|Robin|some-token|demo-/);
  });
});

describe('GET /openapi.json', () => {
  it('describes every route with the request schemas the server validates with', async () => {
    const doc = (await call(app, { method: 'GET', url: '/openapi.json', token: null })).json as unknown as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: {
        schemas: Record<
          string,
          { properties?: Record<string, { enum?: string[] }>; oneOf?: unknown[]; required?: string[] }
        >;
      };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/healthz',
      '/incidents',
      '/incidents/{incidentId}',
      '/incidents/{incidentId}/decisions',
      '/incidents/{incidentId}/decisions/{decisionId}',
      '/incidents/{incidentId}/record',
      '/links/{token}',
      '/openapi.json',
      '/readyz',
      '/vendor/returns',
    ]);
    expect(Object.keys(doc.paths['/vendor/returns']!.post!.responses)).toEqual(
      expect.arrayContaining(['202', '400', '401', '404', '409']),
    );
    expect(Object.keys(doc.paths['/incidents']!.post!.responses)).toEqual(
      expect.arrayContaining(['202', '400', '401', '413', '415']),
    );
    expect(Object.keys(doc.paths['/incidents/{incidentId}/decisions']!.post!.responses)).toEqual(
      expect.arrayContaining(['200', '202', '400', '403', '404', '409']),
    );
    expect(Object.keys(doc.paths['/incidents/{incidentId}/decisions/{decisionId}']!.get!.responses)).toEqual(
      expect.arrayContaining(['200', '400', '404']),
    );
    const { Report, DecisionBody, IncidentState } = doc.components.schemas;
    expect(Report!.properties!.medium!.enum).toEqual(['cyber', 'non-cyber']);
    expect(Report!.required).toEqual(expect.arrayContaining(['reporter', 'discoveredAt', 'piiTypes']));
    // One schema per decision kind of the contract.
    expect(DecisionBody!.oneOf).toHaveLength(DECISION_KINDS.length);
    for (const kind of DecisionBody!.oneOf as { properties: Record<string, unknown> }[])
      expect(kind.properties).not.toHaveProperty('actorId');
    expect(IncidentState!.properties!.phase!.enum).toContain('closure-review');
  });
});
