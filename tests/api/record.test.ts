/**
 * GET /incidents/{id}/record and the filing of the record (5 FAM 468.7) through the API, against the
 * real incident workflow on the Temporal dev server: JSON against its schema, HTML, PDF; an archive that
 * refuses, filed by hand by the Privacy Division; an archive that takes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseRecordSchema } from '../../domain/case-record.js';
import {
  call,
  notConvenedToClosureReview,
  reportIncident,
  startApiFixture,
  TOKEN,
  triage,
  waitForPhase,
  withShortObjectionWindow,
  type ApiFixture,
} from './fixture.js';

let f: ApiFixture;
beforeAll(async () => {
  // The PPGB's objection window (468.5c) a case without the CRG passes on its way to closure review, in seconds.
  f = await startApiFixture({ playbook: withShortObjectionWindow });
});
afterAll(async () => {
  await f?.close();
});

const decide = async (id: string, token: string, body: unknown) => {
  const res = await call(f.app, { method: 'POST', url: `/incidents/${id}/decisions`, token, body });
  if (res.status !== 200) throw new Error(`${(body as { kind: string }).kind} answered ${res.status}: ${res.text}`);
  return res.json;
};

/** Reported, CRG not convened, the analysis recorded, fact-finding done by its owner: waits for the sign-off. */
async function toClosureReview(): Promise<string> {
  const id = await reportIncident(f.app);
  await notConvenedToClosureReview(f.app, id);
  await decide(id, TOKEN.programManager, {
    kind: 'complete-action-item',
    itemId: 'fact-finding',
    evidence: 'Fact-finding report filed.',
  });
  return id;
}

describe('GET /incidents/{id}/record', () => {
  it('468.7: JSON against its schema, a printable HTML page, a PDF; a token is needed', async () => {
    const id = await toClosureReview();
    const json = await call(f.app, { method: 'GET', url: `/incidents/${id}/record` });
    expect(json.status).toBe(200);
    const record = caseRecordSchema.parse(json.json);
    expect(record).toMatchObject({ incidentId: id, phase: 'closure-review', crgConvened: false });
    expect(record.decisions.map((d) => d.kind)).toEqual([
      'assign-responsible-office',
      'convene-crg',
      'submit-analysis',
      'complete-action-item',
    ]);
    expect(record.decisions[1]!.rationale).toBeTruthy();
    expect(record.actionItems[0]).toMatchObject({
      id: 'fact-finding',
      status: 'done',
      evidence: 'Fact-finding report filed.',
    });
    expect(json.headers['cache-control']).toBe('no-store');

    const html = await call(f.app, { method: 'GET', url: `/incidents/${id}/record`, headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toContain('text/html');
    // Titled by the case number (docs/contract.md "Case numbers"), the id in its first section.
    expect(html.text).toMatch(/<h1>Case record PII-\d{4}-\d{4}<\/h1>/);
    expect(html.text).toContain(`<dt>Incident</dt><dd>${id}</dd>`);
    expect(html.text).toContain('Fact-finding report filed.');
    expect((await call(f.app, { method: 'GET', url: `/incidents/${id}/record?format=html` })).text).toContain(
      '<!DOCTYPE html>',
    );

    const pdf = await f.app.inject({
      method: 'GET',
      url: `/incidents/${id}/record?format=pdf`,
      headers: { authorization: `Bearer ${TOKEN.ipsDirector}` },
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.rawPayload.length).toBeGreaterThan(2_000);

    expect((await call(f.app, { method: 'GET', url: `/incidents/${id}/record`, token: null })).status).toBe(401);
    const bad = await call(f.app, { method: 'GET', url: `/incidents/${id}/record?format=docx` });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json.issues)).toContain('format');
    expect((await call(f.app, { method: 'GET', url: '/incidents/no-such-incident-1/record' })).status).toBe(404);
  });

  it("469.2c(1): the record of an incident is for those who may read it: DS/CIRT reads a cyber incident's, not a paper one's (404)", async () => {
    const [cyber, paper] = await Promise.all([
      reportIncident(f.app, { medium: 'cyber' }),
      reportIncident(f.app, { medium: 'non-cyber' }),
    ]);
    const asCirt = (id: string) =>
      call(f.app, { method: 'GET', url: `/incidents/${id}/record`, token: 'demo-ds-cirt-token' });
    expect((await asCirt(cyber)).status).toBe(200);
    const refused = await asCirt(paper);
    expect(refused.status).toBe(404);
    expect(refused.text).not.toContain('summary');
    expect((await call(f.app, { method: 'GET', url: `/incidents/${paper}/record` })).status).toBe(200);
  });

  it('468.7: an archive that takes the record closes the case; the record of a closed case still answers', async () => {
    const id = await toClosureReview();
    await decide(id, TOKEN.ipsDirector, { kind: 'sign-off-closure', rationale: 'Done.' });
    await waitForPhase(f.app, id, 'closed');
    const archived = await f.receiver.waitFor(
      (c) => c.path === '/records-archive' && (c.body as { incidentId?: string }).incidentId === id,
    );
    caseRecordSchema.parse(archived.body);
    const after = caseRecordSchema.parse((await call(f.app, { method: 'GET', url: `/incidents/${id}/record` })).json);
    expect(after.closure.archive).toMatchObject({ status: 'filed', reference: `rcv-${archived.seq}` });
    expect(after.closure.closedAt).toBeTruthy();
  });

  it('468.7: an archive that refuses: archiving, escalated; record-filed by the Privacy Division (403 for others) closes it', async () => {
    const stop = f.receiver.failWhile('/records-archive', () => true, 422);
    try {
      const id = await toClosureReview();
      await decide(id, TOKEN.ipsDirector, { kind: 'sign-off-closure', rationale: 'Done.' });
      const state = await waitForPhase(f.app, id, 'archiving');
      expect(state.closedAt).toBeNull();
      await f.mail.waitFor((m) => m.subject.includes(id) && m.subject.includes('case record is not filed'));
      const forbidden = await call(f.app, {
        method: 'POST',
        url: `/incidents/${id}/decisions`,
        token: TOKEN.ipsDirector,
        body: { kind: 'record-filed', reference: 'ERMS 77' },
      });
      expect(forbidden.status).toBe(403);
      await decide(id, TOKEN.privacyDivision, { kind: 'record-filed', reference: 'ERMS 2026-0042, box 7' });
      await waitForPhase(f.app, id, 'closed');
      const record = caseRecordSchema.parse(
        (await call(f.app, { method: 'GET', url: `/incidents/${id}/record` })).json,
      );
      expect(record.closure.archive).toMatchObject({
        status: 'filed-by-hand',
        reference: 'ERMS 2026-0042, box 7',
        filedBy: 'privacy-division',
      });
    } finally {
      stop();
    }
  });
});

/** Triage and analysis through the API; the Under Secretary approves: the letter is awaited. */
async function toLetter(options: string[]): Promise<string> {
  const id = await reportIncident(f.app);
  await triage(f.app, id, true);
  await decide(id, TOKEN.ipsDirector, {
    kind: 'submit-analysis',
    factors: {
      dataNature: 'high',
      misuseLikelihood: 'high',
      logicalAccess: 'high',
      physicalAccess: 'moderate',
      deliberateTargeting: 'moderate',
      priorMisuse: 'low',
    },
    options,
    rationale: 'High risk.',
  });
  if (options.includes('credit-protection'))
    await decide(id, TOKEN.cgfs, { kind: 'cost-estimate', estimatedCostUsd: 1_000 });
  await decide(id, TOKEN.ppgbChair, {
    kind: 'ppgb-chair-decision',
    outcome: 'refer-to-under-secretary',
    rationale: 'To M.',
  });
  await decide(id, TOKEN.underSecretary, {
    kind: 'under-secretary-decision',
    outcome: 'approve-notification',
    rationale: 'Approved.',
  });
  await waitForPhase(f.app, id, 'notification-prep');
  return id;
}

const LETTER = {
  whatHappened: 'A laptop holding your record was stolen.',
  piiInvolved: 'Your name and passport number.',
  actionsTaken: 'We reported the theft and are reviewing our safeguards.',
  contact: { tollFreePhone: '1-800-555-0100' },
  protectiveSteps: 'Place a fraud alert with a credit bureau and consider a credit freeze.',
  protectionAtTime: 'Password protected, not encrypted.',
};

describe('468.6-1 and 468.6-3 through the API', () => {
  it('468.6-1a(1), (5), 468.6-1b: a contradicting date, missing fraud-alert steps, a missing credit offer are 400 naming the field; the right letter is taken', async () => {
    const id = await toLetter(['notify-individuals', 'credit-protection']);
    const approve = (letter: object) =>
      call(f.app, {
        method: 'POST',
        url: `/incidents/${id}/decisions`,
        token: TOKEN.notificationOfficial,
        body: { kind: 'approve-letter', letter, roster: { url: 'file:///nonexistent/roster.ndjson', count: 0 } },
      });
    const offer = { creditProtectionOffer: 'Twelve months of credit monitoring at no cost.' };
    const dated = await approve({ ...LETTER, ...offer, whatHappened: 'On 4 July 2019 a laptop was stolen.' });
    expect(dated.status).toBe(400);
    expect(JSON.stringify(dated.json.reasons)).toContain('letter.whatHappened');
    const steps = await approve({ ...LETTER, ...offer, protectiveSteps: 'Be careful.' });
    expect(steps.status).toBe(400);
    expect(JSON.stringify(steps.json.reasons)).toContain('letter.protectiveSteps');
    const noOffer = await approve(LETTER);
    expect(noOffer.status).toBe(400);
    expect(JSON.stringify(noOffer.json.reasons)).toContain('letter.creditProtectionOffer');
    const taken = await approve({ ...LETTER, ...offer });
    expect(taken.status, taken.text).toBe(200);
  });

  it('468.6-3a: a delay beyond 30 days holds at the limit until the PPGB Chair acknowledges it (403 for others)', async () => {
    const id = await toLetter(['notify-individuals']);
    const far = new Date(Date.now() + 90 * 86_400_000).toISOString();
    const requested = await decide(id, TOKEN.securityLiaison, {
      kind: 'request-delay',
      requestingEntity: 'FBI',
      reason: 'Arrest pending.',
      notifyAfter: far,
    });
    expect(requested.delay).toMatchObject({
      requestingEntity: 'FBI',
      reason: 'Arrest pending.',
      pendingReview: { notifyAfter: far },
    });
    expect(Date.parse(requested.delay!.notifyAfter)).toBeLessThan(Date.parse(far));
    expect(
      (
        await call(f.app, {
          method: 'POST',
          url: `/incidents/${id}/decisions`,
          // Someone who may read the incident (need to know) but lacks the Chair's role.
          token: TOKEN.privacyDivision,
          body: { kind: 'acknowledge-delay', rationale: 'Fine.' },
        })
      ).status,
    ).toBe(403);
    const acknowledged = await decide(id, TOKEN.ppgbChair, {
      kind: 'acknowledge-delay',
      rationale: 'Does not unduly exacerbate the risk.',
    });
    expect(acknowledged.delay).toMatchObject({ notifyAfter: far, pendingReview: null });
    const again = await call(f.app, {
      method: 'POST',
      url: `/incidents/${id}/decisions`,
      token: TOKEN.ppgbChair,
      body: { kind: 'acknowledge-delay', rationale: 'Again.' },
    });
    expect(again.status).toBe(409);
  });
});
