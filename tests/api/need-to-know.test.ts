/**
 * Need to know on the incident routes (5 FAM 469.2c(1), domain/need-to-know.ts): who may not read an
 * incident is answered 404 before any other check; a decision's status says only what became of it; a
 * reporter sees their report's progress, not others' evidence; a program manager the incidents that name them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aReport,
  call,
  newId,
  reportIncident,
  startApiFixture,
  TOKEN,
  waitFor,
  type ApiFixture,
  notConvenedToClosureReview,
  withShortObjectionWindow,
} from './fixture.js';

let f: ApiFixture;
beforeAll(async () => {
  f = await startApiFixture({ playbook: withShortObjectionWindow });
});
afterAll(async () => {
  await f?.close();
});

const CIRT = 'demo-ds-cirt-token';
const PM = 'demo-program-manager-token';
const decisions = (id: string) => `/incidents/${id}/decisions`;

describe('469.2c(1): need to know on every incident route', () => {
  it('469.2c(1): a decision from someone who may not read the incident is 404, before the 409 that would list its action items', async () => {
    const incidentId = await reportIncident(f.app, { medium: 'non-cyber' });
    await notConvenedToClosureReview(f.app, incidentId);
    const outsider = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      token: CIRT,
      body: { kind: 'sign-off-closure', rationale: 'Done.' },
    });
    expect(outsider.status).toBe(404);
    expect(outsider.text).not.toContain('fact-finding');
    const status = await call(f.app, { method: 'GET', url: `${decisions(incidentId)}/any-id`, token: CIRT });
    expect(status.status).toBe(404);
    // Someone with a role on it still gets the 409 naming the open item.
    const director = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      body: { kind: 'sign-off-closure', rationale: 'Done.' },
    });
    expect(director.status).toBe(409);
    expect(director.json.reasons).toEqual([expect.stringContaining('fact-finding')]);
  });

  it("469.2c(1): a decision's status answers only what became of it, not the incident's state", async () => {
    const incidentId = await reportIncident(f.app);
    const decisionId = newId('office');
    const posted = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      body: { kind: 'assign-responsible-office', office: 'CA/PPT', decisionId },
    });
    expect(posted.status, posted.text).toBe(200);
    const status = await call(f.app, { method: 'GET', url: `${decisions(incidentId)}/${decisionId}` });
    expect(status.status).toBe(200);
    expect(status.json).toEqual({ decisionId, status: 'applied' });
  });

  it("469.2c(1): a reporter with no role on the incident sees its phase and what was decided, not others' evidence, the rationales or the case record", async () => {
    const incidentId = newId('own');
    const reported = await call(f.app, {
      method: 'POST',
      url: '/incidents',
      token: CIRT,
      body: aReport({ incidentId, medium: 'non-cyber' }),
    });
    expect(reported.status, reported.text).toBe(202);
    await waitFor(f.app, incidentId, (s) => s.discoveredAt !== '', 'the report taken');
    await notConvenedToClosureReview(f.app, incidentId);
    const done = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      token: TOKEN.programManager,
      body: { kind: 'complete-action-item', itemId: 'fact-finding', evidence: 'The clerk was counselled in writing.' },
    });
    expect(done.status, done.text).toBe(200);

    const seen = await call(f.app, { method: 'GET', url: `/incidents/${incidentId}`, token: CIRT });
    expect(seen.status).toBe(200);
    expect(seen.json.phase).toBe('closure-review');
    expect(seen.json.decisions.map((d) => d.kind)).toEqual([
      'assign-responsible-office',
      'convene-crg',
      'submit-analysis',
      'complete-action-item',
    ]);
    // Each item as its id, owner and status only: no evidence.
    expect(seen.json.actionItems).toContainEqual({
      id: 'fact-finding',
      ownerRole: 'responsibleOffice',
      status: 'done',
    });
    for (const item of seen.json.actionItems) expect(Object.keys(item).sort()).toEqual(['id', 'ownerRole', 'status']);
    expect(seen.json.disclosures).toEqual([]);
    expect(seen.text).not.toContain('counselled');
    expect(seen.text).not.toContain('rationale');
    const record = await call(f.app, { method: 'GET', url: `/incidents/${incidentId}/record`, token: CIRT });
    expect(record.status).toBe(403);
    expect(record.text).not.toContain('counselled');
    // The IPS Director sees the evidence.
    const whole = await call(f.app, { method: 'GET', url: `/incidents/${incidentId}` });
    expect(whole.text).toContain('counselled');
  });

  it('469.2c(1): a program manager sees the incidents whose report names them, not the others', async () => {
    const named = await reportIncident(f.app, {
      programManager: { name: 'Morgan Mock', email: 'Program.Manager@state.example' },
    });
    const other = await reportIncident(f.app, {
      programManager: { name: 'Another Manager', email: 'another.manager@state.example' },
    });
    expect((await call(f.app, { method: 'GET', url: `/incidents/${named}`, token: PM })).status).toBe(200);
    expect((await call(f.app, { method: 'GET', url: `/incidents/${other}`, token: PM })).status).toBe(404);
    const list = await call(f.app, { method: 'GET', url: '/incidents?limit=1000', token: PM });
    const ids = (list.json.incidents as unknown as { incidentId: string }[]).map((i) => i.incidentId);
    expect(ids).toContain(named);
    expect(ids).not.toContain(other);
    expect((await call(f.app, { method: 'GET', url: `/incidents/${other}` })).json.programManagers).toEqual([]);
  });
});
