/**
 * Reports taken by telephone (CBP seed: reported to the SOC by email or by telephone): the official who
 * takes the call files the report for the caller, and the case record keeps both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aReport, call, newId, startApiFixture, TOKEN, waitFor, type ApiFixture } from './fixture.js';

let f: ApiFixture;

beforeAll(async () => {
  f = await startApiFixture();
});

afterAll(async () => {
  await f?.close();
});

const caller = { name: 'Casey Caller', email: 'casey.caller@state.example', office: 'Embassy Paris' };

describe('POST /incidents by telephone', () => {
  it('468.3b: a report taken by telephone keeps the caller as reporter and the signed-in official as filedBy', async () => {
    const incidentId = newId('tel');
    const res = await call(f.app, {
      method: 'POST',
      url: '/incidents',
      token: TOKEN.privacyDivision,
      body: { ...aReport({ incidentId, reporter: caller }), intakeChannel: 'telephone' },
    });
    expect(res.status, res.text).toBe(202);
    await waitFor(f.app, incidentId, (s) => s.discoveredAt !== '', 'the report taken');
    const record = await call(f.app, { method: 'GET', url: `/incidents/${incidentId}/record` });
    expect(record.status, record.text).toBe(200);
    const first = (record.json as unknown as { report: { first: Record<string, unknown> } }).report.first;
    expect(first).toMatchObject({
      intakeChannel: 'telephone',
      reporter: caller,
      filedBy: {
        name: 'Pat Placeholder (Chief, Privacy Division, A/GIS/PRV)',
        email: 'privacy.division@state.example',
      },
    });
  });

  it('an official named in filedBy is kept as given', async () => {
    const incidentId = newId('tel');
    const filedBy = { name: 'Sam Operator', email: 'sam.operator@state.example' };
    const res = await call(f.app, {
      method: 'POST',
      url: '/incidents',
      body: { ...aReport({ incidentId, reporter: caller }), intakeChannel: 'telephone', filedBy },
    });
    expect(res.status, res.text).toBe(202);
    await waitFor(f.app, incidentId, (s) => s.discoveredAt !== '', 'the report taken');
    const record = await call(f.app, { method: 'GET', url: `/incidents/${incidentId}/record` });
    expect((record.json as unknown as { report: { first: Record<string, unknown> } }).report.first).toMatchObject({
      filedBy,
    });
  });

  it('a telephone report needs the official who took it; an unknown channel is 400 naming intakeChannel', async () => {
    const { reportSchema } = await import('../../domain/report.js');
    const checked = reportSchema.safeParse({ ...aReport(), intakeChannel: 'telephone' });
    expect(checked.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['filedBy', expect.stringMatching(/official who took the call/)],
    ]);
    const bad = await call(f.app, {
      method: 'POST',
      url: '/incidents',
      body: { ...aReport(), intakeChannel: 'fax' },
    });
    expect(bad.status).toBe(400);
    expect((bad.json.issues as { path: string }[]).map((i) => i.path)).toEqual(['intakeChannel']);
  });
});
