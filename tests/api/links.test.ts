/**
 * Signed one-click approval links: signing and checking (no server), then the pages against the real
 * workflow: a valid link shows the form and decides only when it is submitted; expired, tampered,
 * reused and wrong-phase links get a page saying why and decide nothing.
 */
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkDecisionId, loadLinkSecret, signLink, verifyLink } from '../../security/links.js';
import {
  call,
  LINK_SECRET,
  linkToken,
  PUBLIC_URL,
  reportIncident,
  startApiFixture,
  triage,
  waitFor,
  waitForPhase,
  type ApiFixture,
} from './fixture.js';

describe('signLink / verifyLink', () => {
  const claims = {
    incidentId: 'inc-1234',
    kind: 'convene-crg',
    personId: 'ips-director',
    expiresAt: Date.now() + 60_000,
    linkId: 'link-id-0001',
  };

  it('a signed link verifies with its claims', () => {
    const verdict = verifyLink(LINK_SECRET, signLink(LINK_SECRET, claims));
    expect(verdict).toEqual({ ok: true, claims: { ...claims, issuedAt: expect.any(Number) } });
    expect(linkDecisionId('link-id-0001')).toBe('link-link-id-0001');
  });

  it('each link gets its own id', () => {
    const { linkId: _, ...rest } = claims;
    const a = verifyLink(LINK_SECRET, signLink(LINK_SECRET, rest));
    const b = verifyLink(LINK_SECRET, signLink(LINK_SECRET, rest));
    expect(a.ok && b.ok && a.claims.linkId !== b.claims.linkId).toBe(true);
  });

  it('an expired link is refused as expired', () => {
    const token = signLink(LINK_SECRET, { ...claims, expiresAt: Date.now() - 1 });
    expect(verifyLink(LINK_SECRET, token)).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('a changed payload, a changed signature or another secret is refused as tampered', () => {
    const token = signLink(LINK_SECRET, claims);
    const [payload, signature] = token.split('.') as [string, string];
    const forged = Buffer.from(
      Buffer.from(payload, 'base64url').toString().replace('ips-director', 'ppgb-chair'),
    ).toString('base64url');
    expect(verifyLink(LINK_SECRET, `${forged}.${signature}`)).toEqual({ ok: false, reason: 'tampered' });
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect(verifyLink(LINK_SECRET, `${payload}.${flipped}`)).toEqual({ ok: false, reason: 'tampered' });
    expect(verifyLink('another-secret-0123456789abcdefghijkl', token)).toEqual({ ok: false, reason: 'tampered' });
  });

  it('garbage is refused as malformed', () => {
    for (const token of ['', 'abc', 'a.b', `${'x'.repeat(5000)}.${'y'.repeat(43)}`])
      expect(verifyLink(LINK_SECRET, token)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses to sign an unknown kind or with a short secret', () => {
    expect(() => signLink(LINK_SECRET, { ...claims, kind: 'approve-everything' })).toThrow();
    expect(() => signLink('short', claims)).toThrow(/at least 32/);
  });

  it('loadLinkSecret: BREACH_LINK_SECRET, else a generated file kept for the next start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'link-secret-'));
    const file = join(dir, 'sub', 'link-secret');
    expect(await loadLinkSecret({ BREACH_LINK_SECRET: LINK_SECRET }, file)).toBe(LINK_SECRET);
    await expect(loadLinkSecret({ BREACH_LINK_SECRET: 'short' }, file)).rejects.toThrow(/at least 32/);
    const made = await loadLinkSecret({}, file);
    expect(made.length).toBeGreaterThanOrEqual(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await loadLinkSecret({}, file)).toBe(made);
    expect((await readFile(file, 'utf8')).trim()).toBe(made);
    await writeFile(file, 'too-short');
    await expect(loadLinkSecret({}, file)).rejects.toThrow(/shorter than 32/);
  });
});

describe('link pages', () => {
  let f: ApiFixture;

  beforeAll(async () => {
    f = await startApiFixture();
  });

  afterAll(async () => {
    await f?.close();
  });

  const open = (token: string) => call(f.app, { method: 'GET', url: `/links/${token}`, token: null });
  const submit = (token: string, form: Record<string, string>) =>
    call(f.app, {
      method: 'POST',
      url: `/links/${token}`,
      token: null,
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  const stateOf = async (incidentId: string) =>
    (await call(f.app, { method: 'GET', url: `/incidents/${incidentId}` })).json;

  it('the link mailed at triage opens the form, and only its submission decides', async () => {
    const incidentId = await reportIncident(f.app);
    await waitForPhase(f.app, incidentId, 'triage');
    const mail = await f.mail.waitFor(
      (m) => m.text.includes(incidentId) && m.text.includes(`${PUBLIC_URL}/links/`),
      20_000,
    );
    const token = /\/links\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(mail.text)![1]!;

    for (let i = 0; i < 3; i += 1) {
      const page = await open(token);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.headers['content-security-policy']).toContain("default-src 'none'");
      expect(page.text).toContain('<form method="post"');
      expect(page.text).toContain('name="office"');
      expect(page.text).toContain(incidentId);
      // The summary names no one from the report.
      expect(page.text).not.toMatch(/Robin|Sam Supervisor|state\.example/);
    }
    expect((await stateOf(incidentId)).decisions).toEqual([]);

    const done = await submit(token, { office: 'Bureau of Consular Affairs' });
    expect(done.status, done.text).toBe(200);
    expect(done.text).toContain('Decision recorded');
    const state = await stateOf(incidentId);
    expect(state.responsibleOffice).toBe('Bureau of Consular Affairs');
    expect(state.decisions).toEqual([
      expect.objectContaining({ kind: 'assign-responsible-office', actorId: 'ips-director' }),
    ]);
  });

  it('a reused link decides nothing and says it was used, on GET and POST', async () => {
    const incidentId = await reportIncident(f.app);
    const token = linkToken({ incidentId, kind: 'convene-crg', personId: 'ips-director' });
    expect((await submit(token, { convene: 'yes', rationale: 'Sensitive PII of the public.' })).status).toBe(200);
    const again = await submit(token, { convene: 'no', rationale: 'Changed my mind.' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('already been used');
    const reopened = await open(token);
    expect(reopened.status).toBe(409);
    expect(reopened.text).toContain('already been used');
    const state = await stateOf(incidentId);
    expect(state.crgConvened).toBe(true);
    expect(state.decisions.filter((d) => d.kind === 'convene-crg')).toHaveLength(1);
  });

  it('a double submission of one form is applied once', async () => {
    const incidentId = await reportIncident(f.app);
    const token = linkToken({ incidentId, kind: 'assign-responsible-office', personId: 'ips-director' });
    const [a, b] = await Promise.all([submit(token, { office: 'CA/PPT' }), submit(token, { office: 'CA/PPT' })]);
    // Two submissions racing past the page's check are both told the decision is in; it counts once.
    // Which of the two gets there first depends on the machine's load: one is 200, the other 200 or 409.
    expect([a.status, b.status]).toContain(200);
    for (const res of [a, b]) expect([200, 409]).toContain(res.status);
    expect((await stateOf(incidentId)).decisions).toHaveLength(1);
  });

  it('an expired link gets a page saying so and decides nothing', async () => {
    const incidentId = await reportIncident(f.app);
    const token = linkToken({
      incidentId,
      kind: 'assign-responsible-office',
      personId: 'ips-director',
      expiresAt: Date.now() - 1_000,
    });
    for (const res of [await open(token), await submit(token, { office: 'CA/PPT' })]) {
      expect(res.status).toBe(410);
      expect(res.text).toContain('This link has expired');
    }
    expect((await stateOf(incidentId)).decisions).toEqual([]);
  });

  it('a tampered link gets a page saying so and decides nothing', async () => {
    const incidentId = await reportIncident(f.app);
    const token = linkToken({ incidentId, kind: 'assign-responsible-office', personId: 'crg-cgfs' });
    const [payload, signature] = token.split('.') as [string, string];
    const forged = Buffer.from(
      Buffer.from(payload, 'base64url').toString().replace('crg-cgfs', 'ips-director'),
    ).toString('base64url');
    for (const res of [
      await open(`${forged}.${signature}`),
      await submit(`${forged}.${signature}`, { office: 'CA/PPT' }),
    ]) {
      expect(res.status).toBe(400);
      expect(res.text).toContain('changed after it was sent');
    }
    expect((await open('not-a-link')).status).toBe(400);
    expect((await stateOf(incidentId)).decisions).toEqual([]);
  });

  it('a link for a decision the phase does not take gets a page saying so', async () => {
    const incidentId = await reportIncident(f.app);
    await waitForPhase(f.app, incidentId, 'triage');
    // The PPGB Chair reads every incident (469.2c(1)); the Under Secretary does not until their review: 404.
    const outsider = linkToken({ incidentId, kind: 'under-secretary-decision', personId: 'under-secretary' });
    expect((await open(outsider)).status).toBe(404);
    const token = linkToken({ incidentId, kind: 'ppgb-chair-decision', personId: 'ppgb-chair' });
    const page = await open(token);
    expect(page.status).toBe(409);
    expect(page.text).toContain('This decision is not open now');
    expect(page.text).toContain('phase triage');
    const posted = await submit(token, { outcome: 'approve-notification', rationale: 'Notify.' });
    expect(posted.status).toBe(409);
    expect(posted.text).toContain('not accepted in phase');
    expect((await stateOf(incidentId)).decisions).toEqual([]);
  });

  it('a link for someone without the role is refused with 403 on submission', async () => {
    const incidentId = await reportIncident(f.app);
    // The Privacy Division reads every incident but does not name the office; CGFS, with no part in the
    // incident yet, gets the 404 of need to know (469.2c(1)) before any of it.
    const outsider = linkToken({ incidentId, kind: 'assign-responsible-office', personId: 'crg-cgfs' });
    expect((await submit(outsider, { office: 'CA/PPT' })).status).toBe(404);
    const token = linkToken({ incidentId, kind: 'assign-responsible-office', personId: 'privacy-division' });
    const res = await submit(token, { office: 'CA/PPT' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('You may not make this decision');
  });

  it('an incomplete form comes back with its problems and what was typed', async () => {
    const incidentId = await reportIncident(f.app);
    const token = linkToken({ incidentId, kind: 'convene-crg', personId: 'ips-director' });
    const res = await submit(token, { rationale: 'Because <b>of</b> it' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Error: Convene the Core Response Group?');
    expect(res.text).toContain('Because &lt;b&gt;of&lt;/b&gt; it');
    expect((await stateOf(incidentId)).decisions).toEqual([]);
  });

  it('a form for the analysis carries the six factors and the options to the workflow', async () => {
    const incidentId = await reportIncident(f.app);
    await triage(f.app, incidentId, true);
    await waitForPhase(f.app, incidentId, 'analysis');
    const token = linkToken({ incidentId, kind: 'submit-analysis', personId: 'ips-director' });
    const page = await open(token);
    expect(page.status).toBe(200);
    for (const name of [
      'factors.dataNature',
      'factors.priorMisuse',
      'options',
      'riskOverride.level',
      'authorizedDisclosure.basis',
    ])
      expect(page.text).toContain(`name="${name}"`);
    const form = new URLSearchParams({
      'factors.dataNature': 'high',
      'factors.misuseLikelihood': 'high',
      'factors.logicalAccess': 'high',
      'factors.physicalAccess': 'low',
      'factors.deliberateTargeting': 'low',
      'factors.priorMisuse': 'low',
      rationale: 'Passport numbers of the public, unencrypted.',
      'riskOverride.level': '',
    });
    form.append('options', 'notify-individuals');
    form.append('options', 'remediation');
    const res = await call(f.app, {
      method: 'POST',
      url: `/links/${token}`,
      token: null,
      body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status, res.text).toBe(200);
    const state = await waitFor(f.app, incidentId, (s) => s.risk !== null, 'the risk');
    expect(state.options).toEqual(['notify-individuals', 'remediation']);
  });

  it('a link for an incident that does not exist is 404', async () => {
    const res = await open(
      linkToken({ incidentId: 'no-such-incident', kind: 'convene-crg', personId: 'ips-director' }),
    );
    expect(res.status).toBe(404);
  });
});
