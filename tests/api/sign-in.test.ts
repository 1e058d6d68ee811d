/**
 * The API on real identity: access tokens of the development IdP (scripts/local/idp.ts, a real OpenID Provider)
 * are JWTs checked against its JWKS (issuer, audience, expiry); a workforce member the playbook does
 * not know may report and read their own report, not decide; need to know (469.2c(1)) on reads; and
 * the pages' sign-in (authorization code with PKCE) through the same IdP, ending in a session cookie.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevIdp, WORKFORCE_MEMBER, type DevIdp } from '../../scripts/local/idp.js';
import { createOidc } from '../../security/oidc.js';
import { buildApi } from '../../api/server.js';
import { accessTokenFor, sessionFor, signInAtIdp } from '../helpers/idp-login.js';
import {
  LINK_SECRET,
  PUBLIC_URL,
  TOKEN,
  aReport,
  call,
  linkToken,
  newId,
  reportIncident,
  startApiFixture,
  testPlaybook,
  triage,
  waitFor,
  waitForPhase,
  type ApiFixture,
} from './fixture.js';
import { defaultPayloadConverter } from '@temporalio/common';
import { payloadToJson } from '../../api/codec-server.js';
import { createKeyring, EncryptionCodec, generateKey } from '../../security/codec.js';

const CLIENT = { id: 'breach-pages', secret: 'test-client-secret-0123456789', audience: 'urn:breach-response:api' };
const REDIRECT = `${PUBLIC_URL}/auth/callback`;

let idp: DevIdp;
let shortIdp: DevIdp;
let f: ApiFixture;

beforeAll(async () => {
  const playbook = testPlaybook('http://127.0.0.1:9');
  const common = {
    playbook,
    port: 0,
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
    audience: CLIENT.audience,
    redirectUris: [REDIRECT],
  };
  [idp, shortIdp] = await Promise.all([startDevIdp(common), startDevIdp({ ...common, accessTokenTtlSeconds: 5 })]);
  f = await startApiFixture({
    oidc: createOidc(
      { issuer: idp.issuer, clientId: CLIENT.id, clientSecret: CLIENT.secret, audience: CLIENT.audience },
      REDIRECT,
    ),
  });
});

afterAll(async () => {
  await f?.close();
  await Promise.all([idp?.close(), shortIdp?.close()]);
});

const tokenOf = (sub: string, at: DevIdp = idp) => accessTokenFor(at.issuer, CLIENT.id, CLIENT.secret, REDIRECT, sub);

describe('access tokens of the identity provider', () => {
  it('a JWT of the IdP is accepted: its verified email makes it the playbook person', async () => {
    const token = await tokenOf('ips-director');
    const incidentId = newId('jwt');
    const posted = await call(f.app, { method: 'POST', url: '/incidents', token, body: aReport({ incidentId }) });
    expect(posted.status, posted.text).toBe(202);
    await waitFor(f.app, incidentId, (s) => s.phase === 'triage', 'triage');
    const decided = await call(f.app, {
      method: 'POST',
      url: `/incidents/${incidentId}/decisions`,
      token,
      body: { kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' },
    });
    expect(decided.status, decided.text).toBe(200);
    expect(decided.json.decisions).toEqual([
      expect.objectContaining({ kind: 'assign-responsible-office', actorId: 'ips-director' }),
    ]);
  });

  it('an expired JWT is refused with 401', async () => {
    const app = await buildApi({
      client: f.env.client,
      taskQueue: f.taskQueue,
      playbook: f.playbook,
      tokens: new Map(),
      linkSecret: LINK_SECRET,
      publicUrl: PUBLIC_URL,
      oidc: createOidc(
        { issuer: shortIdp.issuer, clientId: CLIENT.id, clientSecret: CLIENT.secret, audience: CLIENT.audience },
        REDIRECT,
      ),
    });
    try {
      // Five seconds to live: time enough on a loaded machine to use it once; then past its exp claim.
      const token = await tokenOf('ips-director', shortIdp);
      expect((await call(app, { method: 'GET', url: '/incidents', token })).status).toBe(200);
      const { exp } = decodeJwt(token);
      await new Promise((r) => setTimeout(r, Math.max(0, exp! * 1_000 - Date.now()) + 1_100));
      const res = await call(app, { method: 'GET', url: '/incidents', token });
      expect(res.status).toBe(401);
      expect(res.json.error).toMatch(/expired/);
    } finally {
      await app.close();
    }
  });

  it('a JWT for another audience is refused with 401, and so is a forged one', async () => {
    const app = await buildApi({
      client: f.env.client,
      taskQueue: f.taskQueue,
      playbook: f.playbook,
      tokens: new Map(),
      linkSecret: LINK_SECRET,
      publicUrl: PUBLIC_URL,
      oidc: createOidc(
        { issuer: idp.issuer, clientId: CLIENT.id, clientSecret: CLIENT.secret, audience: 'another-api' },
        REDIRECT,
      ),
    });
    try {
      const token = await tokenOf('ips-director');
      const res = await call(app, { method: 'GET', url: '/incidents', token });
      expect(res.status).toBe(401);
      expect(res.json.error).toMatch(/aud/);
    } finally {
      await app.close();
    }
    // Signed by another IdP (its own key): the signature does not check against this issuer's JWKS.
    const foreign = await tokenOf('ips-director', shortIdp);
    expect((await call(f.app, { method: 'GET', url: '/incidents', token: foreign })).status).toBe(401);
  });

  it('468.3a: a workforce member with no role may report and read their own report, and cannot decide (403)', async () => {
    const token = await tokenOf(WORKFORCE_MEMBER.sub);
    const incidentId = newId('wf');
    const posted = await call(f.app, { method: 'POST', url: '/incidents', token, body: aReport({ incidentId }) });
    expect(posted.status, posted.text).toBe(202);
    await waitFor(f.app, incidentId, (s) => s.phase === 'triage', 'triage');
    const own = await call(f.app, { method: 'GET', url: `/incidents/${incidentId}`, token });
    expect(own.status, own.text).toBe(200);
    const decided = await call(f.app, {
      method: 'POST',
      url: `/incidents/${incidentId}/decisions`,
      token,
      body: { kind: 'assign-responsible-office', office: 'CA' },
    });
    expect(decided.status, decided.text).toBe(403);
    expect((await call(f.app, { method: 'GET', url: `/incidents/${incidentId}` })).json.decisions).toEqual([]);
    const listed = await call(f.app, { method: 'GET', url: '/incidents', token });
    expect(listed.json.incidents).toEqual([expect.objectContaining({ incidentId })]);
  });

  it("469.2c(1): someone else's incident is not shown to a person with no role on it", async () => {
    const incidentId = newId('ntk');
    expect((await call(f.app, { method: 'POST', url: '/incidents', body: aReport({ incidentId }) })).status).toBe(202);
    await waitFor(f.app, incidentId, (s) => s.phase === 'triage', 'triage');
    const member = await tokenOf(WORKFORCE_MEMBER.sub);
    expect((await call(f.app, { method: 'GET', url: `/incidents/${incidentId}`, token: member })).status).toBe(404);
    const listed = await call(f.app, { method: 'GET', url: '/incidents', token: member });
    expect((listed.json.incidents as { incidentId: string }[]).map((i) => i.incidentId)).not.toContain(incidentId);
    // A CRG member before the CRG is convened has no role on it yet; the CGFS token's person neither.
    expect(
      (await call(f.app, { method: 'GET', url: `/incidents/${incidentId}`, token: 'demo-crg-ds-token' })).status,
    ).toBe(404);
    // The IPS Director directs every response (467.2c).
    expect((await call(f.app, { method: 'GET', url: `/incidents/${incidentId}` })).status).toBe(200);
    // A report naming the incident is not a way in either.
    const supplement = await call(f.app, {
      method: 'POST',
      url: '/incidents',
      token: member,
      body: aReport({ incidentId }),
    });
    expect(supplement.status).toBe(403);
  });
});

describe('sign-in to the pages', () => {
  it('authorization code with PKCE through the IdP ends in a signed HttpOnly SameSite session; sign-out ends it', async () => {
    const start = await f.app.inject({ method: 'GET', url: '/auth/sign-in?returnTo=/cases' });
    expect(start.statusCode).toBe(302);
    const location = start.headers.location as string;
    expect(location.startsWith(`${idp.issuer}/`)).toBe(true);
    expect(new URL(location).searchParams.get('code_challenge_method')).toBe('S256');
    const loginCookie = start.cookies.find((c) => c.name === 'breach_login')!;
    expect(loginCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    const callback = new URL(await signInAtIdp(location, 'ips-director'));
    expect(callback.href.startsWith(REDIRECT)).toBe(true);
    const done = await f.app.inject({
      method: 'GET',
      url: `${callback.pathname}${callback.search}`,
      cookies: { breach_login: loginCookie.value },
    });
    expect(done.statusCode, done.body).toBe(303);
    expect(done.headers.location).toBe('/cases');
    const session = done.cookies.find((c) => c.name === 'breach_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });

    const cases = await f.app.inject({ method: 'GET', url: '/cases', cookies: { breach_session: session.value } });
    expect(cases.statusCode, cases.body).toBe(200);
    expect(cases.body).toContain('Signed in as Dana Demo');
    // A session cookie altered by hand is not a session.
    const forged = await f.app.inject({
      method: 'GET',
      url: '/cases',
      cookies: { breach_session: session.value.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) },
    });
    expect(forged.statusCode).toBe(302);
    // Without a session the pages send the browser to sign in, and the API refuses a cookie on POST.
    expect((await f.app.inject({ method: 'GET', url: '/report' })).headers.location).toBe(
      '/auth/sign-in?returnTo=%2Freport',
    );
    const post = await f.app.inject({
      method: 'POST',
      url: '/incidents',
      cookies: { breach_session: session.value },
      payload: aReport(),
    });
    expect(post.statusCode).toBe(401);
    // Sign-out needs the page's CSRF token.
    const noToken = await f.app.inject({
      method: 'POST',
      url: '/auth/sign-out',
      cookies: { breach_session: session.value },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(noToken.statusCode).toBe(403);
  });
});

describe('approval links with step-up', () => {
  it("the PPGB Chair's decision asks for a fresh sign-in as the person the link was sent to", async () => {
    const incidentId = await reportIncident(f.app);
    await waitForPhase(f.app, incidentId, 'triage');
    await triage(f.app, incidentId, true);
    await waitForPhase(f.app, incidentId, 'analysis');
    const factors = {
      dataNature: 'high',
      misuseLikelihood: 'high',
      logicalAccess: 'high',
      physicalAccess: 'low',
      deliberateTargeting: 'low',
      priorMisuse: 'low',
    };
    const analysis = await call(f.app, {
      method: 'POST',
      url: `/incidents/${incidentId}/decisions`,
      body: { kind: 'submit-analysis', factors, options: ['notify-individuals'], rationale: 'Passport numbers.' },
    });
    expect(analysis.status, analysis.text).toBe(200);
    await waitForPhase(f.app, incidentId, 'ppgb-chair-review');

    const url = `/links/${linkToken({ incidentId, kind: 'ppgb-chair-decision', personId: 'ppgb-chair' })}`;
    const form = { outcome: 'refer-to-under-secretary', rationale: 'The Under Secretary decides.' };
    const post = (cookies: Record<string, string>, extra: Record<string, string> = {}) =>
      f.app.inject({
        method: 'POST',
        url,
        cookies,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ ...form, ...extra }).toString(),
      });
    const decisions = async () =>
      (
        await call(f.app, { method: 'GET', url: `/incidents/${incidentId}`, token: TOKEN.ipsDirector })
      ).json.decisions.filter((d) => d.kind === 'ppgb-chair-decision');

    // The link alone: a page asking to sign in; its form decides nothing.
    const anonymous = await f.app.inject({ method: 'GET', url });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.body).toContain('Sign in to decide: Record the PPGB Chair&#39;s decision');
    expect(anonymous.body).toContain(`/auth/sign-in?stepUp=1&amp;returnTo=${encodeURIComponent(url)}`);
    expect(anonymous.body).not.toContain('name="outcome"');
    expect((await post({})).statusCode).toBe(401);

    // Signed in, freshly, as someone else (a forwarded mail): refused.
    const other = await sessionFor(f.app, 'ips-director', true);
    const otherPage = await f.app.inject({ method: 'GET', url, cookies: { breach_session: other } });
    expect(otherPage.body).toContain('but this link was sent to Alex Fictional');
    const otherCsrf = /name="_csrf" value="([^"]+)"/.exec(otherPage.body)![1]!;
    const csrfCookie = otherPage.cookies.find((c) => c.name === '_csrf')!.value;
    expect((await post({ breach_session: other, _csrf: csrfCookie }, { _csrf: otherCsrf })).statusCode).toBe(401);

    // The right person, but signed in without step-up: asked again.
    const stale = await sessionFor(f.app, 'ppgb-chair');
    expect((await f.app.inject({ method: 'GET', url, cookies: { breach_session: stale } })).body).toContain(
      'Sign in to decide',
    );
    expect(await decisions()).toEqual([]);

    // The right person, freshly signed in: the form, and the decision with its CSRF token.
    const chair = await sessionFor(f.app, 'ppgb-chair', true);
    const formPage = await f.app.inject({ method: 'GET', url, cookies: { breach_session: chair } });
    expect(formPage.statusCode, formPage.body).toBe(200);
    expect(formPage.body).toContain('name="outcome"');
    expect(formPage.body).toContain('Refer to the Under Secretary');
    const token = /<form method="post" action="" novalidate><input type="hidden" name="_csrf" value="([^"]+)"/.exec(
      formPage.body,
    )![1]!;
    const secret = formPage.cookies.find((c) => c.name === '_csrf')!.value;
    expect((await post({ breach_session: chair, _csrf: secret })).statusCode).toBe(403);
    const done = await post({ breach_session: chair, _csrf: secret }, { _csrf: token });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.body).toContain('Decision recorded');
    expect(await decisions()).toEqual([
      expect.objectContaining({ actorId: 'ppgb-chair', outcome: 'refer-to-under-secretary' }),
    ]);
  });
});

describe('the codec server takes the sign-in session', () => {
  it('a signed-in operator reads decrypted payloads; a workforce member with no role gets 403; no session 401', async () => {
    const codec = new EncryptionCodec(createKeyring('k1', { k1: generateKey() }));
    const app = await buildApi({
      client: f.env.client,
      taskQueue: f.taskQueue,
      playbook: f.playbook,
      tokens: new Map(),
      linkSecret: LINK_SECRET,
      publicUrl: PUBLIC_URL,
      oidc: createOidc(
        { issuer: idp.issuer, clientId: CLIENT.id, clientSecret: CLIENT.secret, audience: CLIENT.audience },
        REDIRECT,
      ),
      codecServer: { codec, origins: ['http://localhost:8233'] },
    });
    try {
      const secret = { name: 'Jane Q. Public' };
      const payloads = (await codec.encode([defaultPayloadConverter.toPayload(secret)])).map(payloadToJson);
      const decode = (cookies: Record<string, string>) =>
        app.inject({
          method: 'POST',
          url: '/decode',
          cookies,
          headers: { 'content-type': 'application/json', origin: 'http://localhost:8233' },
          payload: JSON.stringify({ payloads }),
        });
      const operator = await decode({ breach_session: await sessionFor(app, 'ips-director') });
      expect(operator.statusCode, operator.body).toBe(200);
      expect(operator.headers['access-control-allow-credentials']).toBe('true');
      expect(
        Buffer.from((operator.json() as { payloads: { data: string }[] }).payloads[0]!.data, 'base64').toString(),
      ).toContain('Jane Q. Public');
      expect((await decode({ breach_session: await sessionFor(app, WORKFORCE_MEMBER.sub) })).statusCode).toBe(403);
      expect((await decode({})).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });
});
