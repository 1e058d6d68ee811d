/**
 * 5 FAM 469.2c(1), need to know, route by route: every route that names an incident (by its id, its case
 * number or a signed approval link) answers a caller who may not read it 404, as for an incident that
 * does not exist, before any check of the body, the decision kind, the decisionId, the form or the
 * phase; the lists leave it out. The table is checked against the routes the API serves (its router and
 * GET /openapi.json), so a new route that names an incident without a row here fails this file.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../security/session.js';
import { aReport, call, linkToken, newId, reportIncident, startApiFixture, TOKEN, type ApiFixture } from './fixture.js';

let f: ApiFixture;
let incidentId: string;
let caseNumber: string;
const gone = `nx-${Date.now().toString(36)}-absent`;

beforeAll(async () => {
  f = await startApiFixture();
  // Non-cyber, reported by the IPS Director, naming a program manager who is not the playbook's: the CRG
  // was never convened, DS/CIRT is not told, the playbook's program manager is not named.
  incidentId = await reportIncident(f.app, {
    incidentId: newId('ex-ntk'),
    medium: 'non-cyber',
    programManager: { name: 'Another Manager', email: 'another.manager@state.example' },
  });
  const state = await call(f.app, { method: 'GET', url: `/incidents/${incidentId}` });
  caseNumber = String(state.json.caseNumber ?? incidentId);
});
afterAll(async () => {
  await f?.close();
});

/** A caller with a role in the playbook (or none) and no part in the incident. */
interface Outsider {
  who: string;
  /** A bearer token of the API (absent: the pages' session only). */
  token?: string;
  /** The session's claims, as the identity provider gives them. */
  email: string;
}

const OUTSIDERS: Outsider[] = [
  { who: 'a CRG member, the CRG never convened', token: 'demo-crg-ca-token', email: 'crg.ca@state.example' },
  { who: 'DS/CIRT on a non-cyber incident', token: 'demo-ds-cirt-token', email: 'ds.cirt@state.example' },
  {
    who: 'a program manager the report does not name',
    token: TOKEN.programManager,
    email: 'program.manager@state.example',
  },
  {
    who: 'a security-incident role not told of it',
    token: 'demo-eo13526-program-manager-token',
    email: 'eo13526.pm@state.example',
  },
  { who: 'a workforce member who did not report it', email: 'wren.workforce@state.example' },
];

/** The pages' session of `email` (security/session.ts), signed as the API signs it. */
function sessionCookie(app: FastifyInstance, email: string): string {
  const value = Buffer.from(
    JSON.stringify({
      claims: { iss: 'https://idp.test', sub: `sub-${email}`, email, email_verified: true, name: email },
      expiresAt: Date.now() + 3_600_000,
    }),
  ).toString('base64url');
  return `${SESSION_COOKIE}=${encodeURIComponent(app.signCookie(value))}`;
}

/** A CSRF token and its cookie for the pages' forms, as a page gives them to the signed-in person. */
async function csrfOf(app: FastifyInstance, session: string): Promise<{ token: string; cookie: string }> {
  const res = await app.inject({ method: 'GET', url: '/cases', headers: { cookie: session } });
  const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
  const setCookie = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('_csrf='));
  if (!token || !setCookie) throw new Error(`no CSRF token on /cases (${res.statusCode})`);
  return { token, cookie: `${session}; ${setCookie.split(';')[0]}` };
}

type Auth = 'bearer' | 'session' | 'session+csrf' | 'none';

interface Request {
  method: 'GET' | 'POST';
  url: (id: string, caller: Outsider) => string;
  auth: Auth;
  body?: string;
  contentType?: string;
  what: string;
}

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const decisions = (id: string) => `/incidents/${encodeURIComponent(id)}/decisions`;
const link = (kind: 'convene-crg' | 'submit-analysis' | 'sign-off-closure') => (id: string, caller: Outsider) =>
  `/links/${linkToken({ incidentId: id, kind, personId: personOf(caller) })}`;
const PERSON: Record<string, string> = {
  'demo-crg-ca-token': 'crg-ca',
  'demo-ds-cirt-token': 'ds-cirt',
  [TOKEN.programManager]: 'program-manager',
  'demo-eo13526-program-manager-token': 'eo13526-program-manager',
};
const personOf = (caller: Outsider) => PERSON[caller.token ?? ''] ?? 'crg-ca';

/**
 * Every route that names an incident, by its route pattern (as the router knows it), with the requests
 * an outsider may send it: a sound one, and bad bodies, kinds, ids and methods' bodies.
 */
const ROUTES: Record<string, Request[]> = {
  'GET /incidents/:incidentId': [
    { method: 'GET', url: (id) => `/incidents/${id}`, auth: 'bearer', what: 'the state' },
    { method: 'GET', url: (id) => `/incidents/${id}`, auth: 'session', what: 'the state, by session' },
    { method: 'GET', url: () => `/incidents/${caseNumber}`, auth: 'bearer', what: 'by case number' },
  ],
  'POST /incidents/:incidentId/decisions': [
    {
      method: 'POST',
      url: decisions,
      auth: 'bearer',
      body: JSON.stringify({ kind: 'convene-crg', convene: true, rationale: 'Sensitive PII.' }),
      what: 'a sound decision',
    },
    {
      method: 'POST',
      url: decisions,
      auth: 'bearer',
      body: JSON.stringify({ kind: 'sign-off-closure', rationale: 'Done.' }),
      what: 'a decision of another phase',
    },
    {
      method: 'POST',
      url: decisions,
      auth: 'bearer',
      body: JSON.stringify({ kind: 'no-such-kind' }),
      what: 'an unknown kind',
    },
    { method: 'POST', url: decisions, auth: 'bearer', body: '{}', what: 'an empty object' },
    { method: 'POST', url: decisions, auth: 'bearer', body: '[1,2]', what: 'an array' },
    { method: 'POST', url: decisions, auth: 'bearer', body: '{"kind":', what: 'a body that is not JSON' },
    { method: 'POST', url: decisions, auth: 'bearer', body: '', what: 'an empty body' },
    {
      method: 'POST',
      url: decisions,
      auth: 'bearer',
      body: JSON.stringify({ kind: 'convene-crg', convene: true, rationale: 'x', actorId: 'ips-director' }),
      what: 'an actorId in the body',
    },
    {
      method: 'POST',
      url: decisions,
      auth: 'bearer',
      body: 'kind=convene-crg',
      contentType: FORM_TYPE,
      what: 'a form body (415 elsewhere)',
    },
    {
      method: 'POST',
      url: decisions,
      auth: 'bearer',
      body: JSON.stringify({ kind: 'assign-responsible-office', office: 'CA', decisionId: '' }),
      what: 'a bad decisionId',
    },
  ],
  'GET /incidents/:incidentId/decisions/:decisionId': [
    { method: 'GET', url: (id) => `${decisions(id)}/any-id`, auth: 'bearer', what: 'a decision status' },
    {
      method: 'GET',
      url: (id) => `${decisions(id)}/${'x'.repeat(200)}`,
      auth: 'bearer',
      what: 'a decisionId too long',
    },
    { method: 'GET', url: (id) => `${decisions(id)}/link-abc`, auth: 'session', what: 'by session' },
  ],
  'GET /incidents/:incidentId/record': [
    { method: 'GET', url: (id) => `/incidents/${id}/record`, auth: 'bearer', what: 'the case record' },
    { method: 'GET', url: (id) => `/incidents/${id}/record?format=bogus`, auth: 'bearer', what: 'a bad format' },
    {
      method: 'GET',
      url: (id) => `/incidents/${id}/record?x=1`,
      auth: 'session',
      what: 'an unknown query, by session',
    },
  ],
  'GET /links/:token': [
    { method: 'GET', url: link('convene-crg'), auth: 'none', what: 'a link to a decision open now' },
    { method: 'GET', url: link('submit-analysis'), auth: 'none', what: 'a link to a decision of another phase' },
  ],
  'POST /links/:token': [
    {
      method: 'POST',
      url: link('convene-crg'),
      auth: 'none',
      body: 'convene=maybe',
      contentType: FORM_TYPE,
      what: 'a bad form',
    },
    {
      method: 'POST',
      url: link('convene-crg'),
      auth: 'none',
      body: 'convene=yes&rationale=Sensitive',
      contentType: FORM_TYPE,
      what: 'a sound form',
    },
    {
      method: 'POST',
      url: link('sign-off-closure'),
      auth: 'none',
      body: 'rationale=Done',
      contentType: FORM_TYPE,
      what: 'another phase',
    },
    {
      method: 'POST',
      url: link('convene-crg'),
      auth: 'none',
      body: '{"convene":',
      contentType: JSON_TYPE,
      what: 'a body that is not JSON',
    },
  ],
  'GET /cases/:incidentId': [
    { method: 'GET', url: (id) => `/cases/${id}`, auth: 'session', what: 'the case page' },
    { method: 'GET', url: () => `/cases/${caseNumber}?done=convene-crg`, auth: 'session', what: 'by case number' },
  ],
  'POST /cases/:incidentId/decide': [
    {
      method: 'POST',
      url: (id) => `/cases/${id}/decide`,
      auth: 'session+csrf',
      body: 'kind=convene-crg&convene=yes&rationale=Sensitive',
      contentType: FORM_TYPE,
      what: 'a sound form',
    },
    {
      method: 'POST',
      url: (id) => `/cases/${id}/decide`,
      auth: 'session+csrf',
      body: 'kind=no-such-kind',
      contentType: FORM_TYPE,
      what: 'an unknown kind',
    },
    {
      method: 'POST',
      url: (id) => `/cases/${id}/decide`,
      auth: 'session',
      body: 'kind=convene-crg',
      contentType: FORM_TYPE,
      what: 'no CSRF token',
    },
    {
      method: 'POST',
      url: (id) => `/cases/${id}/decide`,
      auth: 'session+csrf',
      body: '{"kind":',
      contentType: JSON_TYPE,
      what: 'a body that is not JSON',
    },
  ],
  'GET /cases/:incidentId/after-action': [
    {
      method: 'GET',
      url: (id) => `/cases/${id}/after-action?format=json`,
      auth: 'session',
      what: 'the after-action report',
    },
  ],
  'POST /cases/:incidentId/after-action/findings': [
    {
      method: 'POST',
      url: (id) => `/cases/${id}/after-action/findings`,
      auth: 'session+csrf',
      body: 'new-finding=x&bogus=1',
      contentType: FORM_TYPE,
      what: 'findings',
    },
    {
      method: 'POST',
      url: (id) => `/cases/${id}/after-action/findings`,
      auth: 'session',
      body: 'x=1',
      contentType: FORM_TYPE,
      what: 'no CSRF token',
    },
  ],
  'GET /report': [
    { method: 'GET', url: (id) => `/report?incident=${id}`, auth: 'session', what: 'the form to add to a report' },
  ],
  'GET /report/received/:incidentId': [
    { method: 'GET', url: (id) => `/report/received/${id}`, auth: 'session', what: 'the confirmation' },
  ],
};

/** Routes that take an incident only in their body or query, or none; checked by the lists' test below. */
const NOT_BY_PATH = new Set(['POST /incidents', 'GET /incidents', 'GET /cases', 'GET /cases.csv', 'POST /report']);

/** The routes the router knows, as `METHOD /pattern` (from fastify's printRoutes tree). */
function routesOf(app: FastifyInstance): string[] {
  const lines = app.printRoutes({ commonPrefix: false }).split('\n');
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of lines) {
    const match = /^([│ ]*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line.replace(/\s+$/, ''));
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    for (const method of (match[3] ?? '').split(', ').filter(Boolean))
      if (method !== 'HEAD') routes.push(`${method} ${stack.join('') || '/'}`);
  }
  return routes;
}

async function ask(request: Request, caller: Outsider, id: string) {
  const headers: Record<string, string> = {};
  if (request.body !== undefined) headers['content-type'] = request.contentType ?? JSON_TYPE;
  let payload = request.body;
  if (request.auth === 'bearer') headers.authorization = `Bearer ${caller.token}`;
  if (request.auth === 'session') headers.cookie = sessionCookie(f.app, caller.email);
  if (request.auth === 'session+csrf') {
    const { token, cookie } = await csrfOf(f.app, sessionCookie(f.app, caller.email));
    headers.cookie = cookie;
    if (request.contentType === FORM_TYPE) payload = `_csrf=${encodeURIComponent(token)}&${request.body ?? ''}`;
    else headers['csrf-token'] = token;
  }
  const res = await f.app.inject({ method: request.method, url: request.url(id, caller), headers, payload });
  return { status: res.statusCode, text: res.body };
}

describe('469.2c(1): every route that names an incident answers an outsider 404, before any other check', () => {
  it('469.2c(1): the table names every route of the router and of /openapi.json that takes an incident', async () => {
    const byPath = routesOf(f.app).filter((r) => /:incidentId|:token|^GET \/report$/.test(r));
    const missing = byPath.filter((r) => !(r in ROUTES) && !NOT_BY_PATH.has(r));
    expect(missing, 'routes naming an incident without a row in ROUTES').toEqual([]);
    for (const r of Object.keys(ROUTES)) expect(routesOf(f.app), r).toContain(r);
    const document = (await call(f.app, { method: 'GET', url: '/openapi.json', token: null })).json as unknown as {
      paths: Record<string, Record<string, unknown>>;
    };
    for (const [path, operations] of Object.entries(document.paths))
      for (const method of Object.keys(operations).filter((m) => m !== 'parameters'))
        if (/\{(incidentId|token)\}/.test(path))
          expect(Object.keys(ROUTES), path).toContain(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
  });

  for (const [route, requests] of Object.entries(ROUTES))
    for (const request of requests)
      it(`469.2c(1): ${route}, ${request.what}: 404 for every outsider, as for no incident`, async () => {
        for (const caller of OUTSIDERS) {
          if (request.auth === 'bearer' && !caller.token) continue;
          if (request.auth === 'none' && !caller.token) continue;
          const res = await ask(request, caller, incidentId);
          expect(res.status, `${caller.who}: ${res.text.slice(0, 300)}`).toBe(404);
          expect(res.text).not.toContain(caseNumber);
          expect(res.text).not.toContain('Another Manager');
          // And the same answer as for an incident that does not exist.
          if (request.auth !== 'none') expect((await ask(request, caller, gone)).status).toBe(404);
        }
      });

  it('469.2c(1): the lists and the CSV leave the incident out for an outsider, even searched by its case number', async () => {
    for (const caller of OUTSIDERS) {
      const session = sessionCookie(f.app, caller.email);
      for (const url of [
        `/incidents?number=${caseNumber}&limit=1000`,
        `/cases?number=${caseNumber}`,
        `/cases.csv?number=${caseNumber}`,
      ]) {
        const res = await f.app.inject({
          method: 'GET',
          url,
          headers:
            caller.token && url.startsWith('/incidents')
              ? { authorization: `Bearer ${caller.token}` }
              : { cookie: session },
        });
        expect(res.statusCode, `${caller.who} ${url}`).toBe(200);
        expect(res.body, `${caller.who} ${url}`).not.toContain(incidentId);
      }
    }
    // The IPS Director does find it.
    const director = await call(f.app, { method: 'GET', url: `/incidents?number=${caseNumber}` });
    expect(director.text).toContain(incidentId);
  });

  it("469.2c(1): a report naming an outsider's incident is refused as the contract says (403), adding nothing", async () => {
    for (const caller of OUTSIDERS.filter((c) => c.token)) {
      const res = await call(f.app, {
        method: 'POST',
        url: '/incidents',
        token: caller.token,
        body: aReport({ incidentId }),
      });
      expect(res.status, caller.who).toBe(403);
      expect(res.text).not.toContain(caseNumber);
    }
  });

  it('469.2c(1): the people who may read it still get past the check (the table tests need to know, not a broken route)', async () => {
    expect((await call(f.app, { method: 'GET', url: `/incidents/${incidentId}` })).status).toBe(200);
    // The body's 400s come after need to know, for whoever may read the incident.
    const bad = await call(f.app, { method: 'POST', url: decisions(incidentId), body: { kind: 'no-such-kind' } });
    expect(bad.status).toBe(400);
    const actor = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      body: { kind: 'sign-off-closure', rationale: 'done', actorId: 'ppgb-chair' },
    });
    expect(actor.status).toBe(400);
    expect(actor.json.issues).toEqual([{ path: 'actorId', message: expect.stringMatching(/bearer token/) }]);
    const missing = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      body: { kind: 'convene-crg', convene: 'yes' },
    });
    expect(missing.status).toBe(400);
    expect((missing.json.issues as { path: string }[]).map((i) => i.path).sort()).toEqual(['convene', 'rationale']);
    const long = await call(f.app, { method: 'GET', url: `${decisions(incidentId)}/${'x'.repeat(200)}` });
    expect(long.status).toBe(400);
    const link = await f.app.inject({
      method: 'GET',
      url: `/links/${linkToken({ incidentId, kind: 'convene-crg', personId: 'ips-director' })}`,
    });
    expect(link.statusCode).toBe(200);
  });
});
