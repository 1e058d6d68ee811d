/**
 * GET /incidents/{id}/record and the filing of the record (5 FAM 468.7) through the API, against the
 * real incident workflow on the Temporal dev server: JSON against its schema, HTML, PDF; an archive that
 * refuses, filed by hand by the Privacy Division; an archive that takes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseRecordSchema } from '../../domain/case-record.js';
import { call, reportIncident, startApiFixture, TOKEN, triage, waitForPhase, type ApiFixture } from './fixture.js';

let f: ApiFixture;
beforeAll(async () => {
  f = await startApiFixture();
});
afterAll(async () => {
  await f?.close();
});

const decide = async (id: string, token: string, body: unknown) => {
  const res = await call(f.app, { method: 'POST', url: `/incidents/${id}/decisions`, token, body });
  if (res.status !== 200) throw new Error(`${(body as { kind: string }).kind} answered ${res.status}: ${res.text}`);
  return res.json;
};

/** Reported, CRG not convened, fact-finding done: waits for the sign-off. */
async function toClosureReview(): Promise<string> {
  const id = await reportIncident(f.app);
  await triage(f.app, id, false);
  await waitForPhase(f.app, id, 'closure-review');
  await decide(id, TOKEN.ipsDirector, { kind: 'complete-action-item', itemId: 'fact-finding', evidence: 'Fact-finding report filed.' });
  return id;
}

describe('GET /incidents/{id}/record', () => {
  it('468.7: JSON against its schema, a printable HTML page, a PDF; a token is needed', async () => {
    const id = await toClosureReview();
    const json = await call(f.app, { method: 'GET', url: `/incidents/${id}/record` });
    expect(json.status).toBe(200);
    const record = caseRecordSchema.parse(json.json);
    expect(record).toMatchObject({ incidentId: id, phase: 'closure-review', crgConvened: false });
    expect(record.decisions.map((d) => d.kind)).toEqual(['assign-responsible-office', 'convene-crg', 'complete-action-item']);
    expect(record.decisions[1]!.rationale).toBeTruthy();
    expect(record.actionItems[0]).toMatchObject({ id: 'fact-finding', status: 'done', evidence: 'Fact-finding report filed.' });
    expect(json.headers['cache-control']).toBe('no-store');

    const html = await call(f.app, { method: 'GET', url: `/incidents/${id}/record`, headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.text).toContain(`<h1>Case record ${id}</h1>`);
    expect(html.text).toContain('Fact-finding report filed.');
    expect((await call(f.app, { method: 'GET', url: `/incidents/${id}/record?format=html` })).text).toContain('<!DOCTYPE html>');

    const pdf = await f.app.inject({ method: 'GET', url: `/incidents/${id}/record?format=pdf`, headers: { authorization: `Bearer ${TOKEN.ipsDirector}` } });
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

  it('468.7: an archive that takes the record closes the case; the record of a closed case still answers', async () => {
    const id = await toClosureReview();
    await decide(id, TOKEN.ipsDirector, { kind: 'sign-off-closure', rationale: 'Done.' });
    await waitForPhase(f.app, id, 'closed');
    const archived = await f.receiver.waitFor((c) => c.path === '/records-archive' && (c.body as { incidentId?: string }).incidentId === id);
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
      const forbidden = await call(f.app, { method: 'POST', url: `/incidents/${id}/decisions`, token: TOKEN.ipsDirector, body: { kind: 'record-filed', reference: 'ERMS 77' } });
      expect(forbidden.status).toBe(403);
      await decide(id, TOKEN.privacyDivision, { kind: 'record-filed', reference: 'ERMS 2026-0042, box 7' });
      await waitForPhase(f.app, id, 'closed');
      const record = caseRecordSchema.parse((await call(f.app, { method: 'GET', url: `/incidents/${id}/record` })).json);
      expect(record.closure.archive).toMatchObject({ status: 'filed-by-hand', reference: 'ERMS 2026-0042, box 7', filedBy: 'privacy-division' });
    } finally {
      stop();
    }
  });
});
