/**
 * The routes against the real incident workflow on the Temporal dev server: report, state, list,
 * decisions with each refusal status, health.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aReport,
  call,
  newId,
  notConvenedToClosureReview,
  reportIncident,
  startApiFixture,
  TOKEN,
  triage,
  waitFor,
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

const decisions = (id: string) => `/incidents/${id}/decisions`;

async function listUntil(
  query: string,
  predicate: (ids: string[]) => boolean,
): Promise<
  { incidentId: string; phase: string; risk: string | null; reportedLate: boolean; awaitingRole: string | null }[]
> {
  // Visibility is eventually consistent: a second or so behind the workflow.
  const until = Date.now() + 20_000;
  for (;;) {
    const res = await call(f.app, { method: 'GET', url: `/incidents${query}` });
    expect(res.status).toBe(200);
    const incidents = res.json.incidents as {
      incidentId: string;
      phase: string;
      risk: string | null;
      reportedLate: boolean;
      awaitingRole: string | null;
    }[];
    if (predicate(incidents.map((i) => i.incidentId)) || Date.now() > until) return incidents;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('POST /incidents', () => {
  it('202 with an opaque id made by the API when the report has none', async () => {
    const res = await call(f.app, { method: 'POST', url: '/incidents', body: aReport() });
    expect(res.status).toBe(202);
    const { incidentId, workflowId } = res.json as unknown as { incidentId: string; workflowId: string };
    expect(incidentId).toMatch(/^inc-[0-9a-f-]{36}$/);
    expect(workflowId).toBe(`breach-${incidentId}`);
    const state = await waitFor(f.app, incidentId, (s) => s.discoveredAt !== '', 'the report');
    expect(state.incidentId).toBe(incidentId);
  });

  it('468.3b(1): a report without an id is a plain start carrying it (no signal); the one-hour report goes out; the id it was given takes a supplement', async () => {
    const res = await call(f.app, { method: 'POST', url: '/incidents', body: aReport({ affectedCount: 37 }) });
    expect(res.status).toBe(202);
    const { incidentId } = res.json as unknown as { incidentId: string };
    const state = await waitForPhase(f.app, incidentId, 'triage');
    expect(state.reportedAt).toBeTypeOf('string');
    expect(state.reporters?.length).toBe(1);
    const handle = f.env.client.workflow.getHandle(`breach-${incidentId}`);
    const started = (await handle.fetchHistory()).events ?? [];
    expect(started.filter((e) => e.workflowExecutionSignaledEventAttributes)).toEqual([]);
    const again = await call(f.app, {
      method: 'POST',
      url: '/incidents',
      body: aReport({ incidentId, affectedCount: 52, summary: 'A second box of files.' }),
    });
    expect(again.status).toBe(202);
    await waitFor(f.app, incidentId, (s) => s.supplements === 1, 'the supplement');
    const events = (await handle.fetchHistory()).events ?? [];
    expect(
      events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'reportIntake'),
    ).toHaveLength(1);
  });

  it('a second report with the same id supplements the running incident', async () => {
    const incidentId = await reportIncident(f.app);
    const again = await call(f.app, {
      method: 'POST',
      url: '/incidents',
      body: aReport({ incidentId, summary: 'More records were on the laptop.', piiTypes: ['financial'] }),
    });
    expect(again.status).toBe(202);
    // The supplement keeps the incident's case number (docs/contract.md "Case numbers").
    expect(again.json).toEqual({
      incidentId,
      workflowId: `breach-${incidentId}`,
      caseNumber: expect.stringMatching(/^PII-\d{4}-\d{4}$/),
    });
    const state = await waitFor(f.app, incidentId, (s) => s.supplements === 1, 'the supplement');
    expect(state.timeline.map((t) => t.event)).toContain('report-supplemented');
  });
});

describe('GET /incidents/{incidentId}', () => {
  it('200 with the state of the contract', async () => {
    const incidentId = await reportIncident(f.app);
    const state = await waitForPhase(f.app, incidentId, 'triage');
    expect(state).toMatchObject({
      incidentId,
      phase: 'triage',
      medium: 'cyber',
      reportedLate: false,
      awaiting: { role: 'ipsDirector' },
    });
    expect(state.reportedAt).toBeTypeOf('string');
  });

  it('404 for an incident that does not exist', async () => {
    const res = await call(f.app, { method: 'GET', url: `/incidents/${newId('missing')}` });
    expect(res.status).toBe(404);
    expect(res.json.error).toMatch(/no incident/);
  });
});

describe('GET /incidents', () => {
  it('lists incidents by phase and by awaited role, from the search attributes', async () => {
    const incidentId = await reportIncident(f.app);
    await waitForPhase(f.app, incidentId, 'triage');
    const byPhase = await listUntil('?phase=triage', (ids) => ids.includes(incidentId));
    expect(byPhase.find((i) => i.incidentId === incidentId)).toMatchObject({
      incidentId,
      caseNumber: expect.stringMatching(/^PII-\d{4}-\d{4}$/),
      office: 'Bureau of Consular Affairs',
      affectedCount: 120,
      phase: 'triage',
      risk: null,
      reportedLate: false,
      awaitingRole: 'ipsDirector',
      majorIncident: false,
    });
    const byRole = await listUntil('?awaitingRole=ipsDirector', (ids) => ids.includes(incidentId));
    expect(byRole.map((i) => i.incidentId)).toContain(incidentId);
    const elsewhere = await call(f.app, { method: 'GET', url: '/incidents?phase=notifying&awaitingRole=cgfs' });
    expect(elsewhere.status).toBe(200);
    expect((elsewhere.json.incidents as { incidentId: string }[]).map((i) => i.incidentId)).not.toContain(incidentId);
  });
});

describe('POST /incidents/{incidentId}/decisions', () => {
  it("200 with the new state; the actor is the token's person", async () => {
    const incidentId = await reportIncident(f.app);
    const res = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      body: { kind: 'assign-responsible-office', office: 'CA/PPT' },
    });
    expect(res.status).toBe(200);
    expect(res.json.responsibleOffice).toBe('CA/PPT');
    expect(res.json.decisions).toEqual([
      expect.objectContaining({ kind: 'assign-responsible-office', actorId: 'ips-director' }),
    ]);
  });

  it("403 when the token's person lacks the gate's role", async () => {
    const incidentId = await reportIncident(f.app);
    const res = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      // The Privacy Division may read every incident (need to know) but does not convene the CRG.
      token: TOKEN.privacyDivision,
      body: { kind: 'convene-crg', convene: true, rationale: 'Serious.' },
    });
    expect(res.status).toBe(403);
    expect(res.json.reasons).toEqual([expect.stringMatching(/ipsDirector/)]);
    // The refused attempt is recorded in the incident's timeline, with its actor.
    const state = await call(f.app, { method: 'GET', url: `/incidents/${incidentId}` });
    expect(state.json.timeline).toContainEqual(
      expect.objectContaining({ event: 'decision-refused:convene-crg', actorId: 'privacy-division' }),
    );
    expect(state.json.crgConvened).toBeNull();
  });

  it('409 when the decision is not allowed in the phase', async () => {
    const incidentId = await reportIncident(f.app);
    const res = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      token: TOKEN.ppgbChair,
      body: { kind: 'ppgb-chair-decision', outcome: 'refer-to-ppgb', rationale: 'To the board.' },
    });
    expect(res.status).toBe(409);
    expect(res.json.reasons).toEqual([expect.stringMatching(/not accepted in phase/)]);
    // Someone who may not read the incident learns neither its phase nor that it exists (469.2c(1)).
    const outsider = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      token: TOKEN.underSecretary,
      body: { kind: 'under-secretary-decision', outcome: 'approve-notification', rationale: 'Notify.' },
    });
    expect(outsider.status).toBe(404);
  });

  it("400 with the workflow's reasons for a decision it finds invalid", async () => {
    const incidentId = await reportIncident(f.app);
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
    const res = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      body: { kind: 'submit-analysis', factors, options: [], rationale: 'No options.' },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: expect.any(String), reasons: [expect.stringMatching(/at least one option/)] });
  });

  it('467.2c: a refused closure is 409 listing the open action items; once done, the incident closes', async () => {
    const incidentId = await reportIncident(f.app);
    const review = await notConvenedToClosureReview(f.app, incidentId);
    const open = review.actionItems.filter((i) => i.status === 'open').map((i) => i.id);
    expect(open).toContain('fact-finding');

    const refused = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      body: { kind: 'sign-off-closure', rationale: 'Done.' },
    });
    expect(refused.status).toBe(409);
    expect(refused.json.reasons).toEqual([expect.stringContaining('fact-finding')]);

    // Each item by its owner: the responsible office (the program manager) does the fact-finding.
    for (const itemId of open) {
      const done = await call(f.app, {
        method: 'POST',
        url: decisions(incidentId),
        token: TOKEN.programManager,
        body: { kind: 'complete-action-item', itemId, evidence: 'Report filed.' },
      });
      expect(done.status, done.text).toBe(200);
    }
    const signed = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      body: { kind: 'sign-off-closure', rationale: 'All items done.' },
    });
    expect(signed.status, signed.text).toBe(200);
    await waitForPhase(f.app, incidentId, 'closed');
    // The workflow has ended: no more decisions, and the id is not reused for a new incident.
    const late = await waitFor(f.app, incidentId, (s) => s.closedAt !== null, 'closedAt');
    expect(late.phase).toBe('closed');
    await expect
      .poll(
        async () =>
          (
            await call(f.app, {
              method: 'POST',
              url: decisions(incidentId),
              body: { kind: 'sign-off-closure', rationale: 'Again.' },
            })
          ).status,
        { timeout: 60_000 },
      )
      .toBe(409);
    // The workflow ends once the case record is archived and the PPGB told.
    await f.env.client.workflow.getHandle(`breach-${incidentId}`).result();
    const report = await call(f.app, { method: 'POST', url: '/incidents', body: aReport({ incidentId }) });
    expect(report.status).toBe(409);
    expect(report.json.error).toMatch(/closed/);
  });

  it('a repeated decisionId is applied once', async () => {
    const incidentId = await reportIncident(f.app);
    const body = { kind: 'assign-responsible-office', office: 'CA/PPT', decisionId: 'office-1' };
    expect((await call(f.app, { method: 'POST', url: decisions(incidentId), body })).status).toBe(200);
    const again = await call(f.app, { method: 'POST', url: decisions(incidentId), body });
    expect(again.status).toBe(200);
    expect(again.json.decisions).toHaveLength(1);
  });

  it('404 for an incident that does not exist', async () => {
    const res = await call(f.app, { method: 'POST', url: decisions(newId('missing')), body: { kind: 'lift-delay' } });
    expect(res.status).toBe(404);
  });
});

describe('GET /healthz, GET /readyz', () => {
  it('healthz 200 without credentials; readyz 200 once Temporal answers, with the checks only for a caller with a token', async () => {
    const live = await call(f.app, { method: 'GET', url: '/healthz', token: null });
    expect(live.status).toBe(200);
    expect(live.json).toEqual({ status: 'ok' });
    const anonymous = await call(f.app, { method: 'GET', url: '/readyz', token: null });
    expect(anonymous.status).toBe(200);
    expect(anonymous.json).toEqual({ status: 'ok' });
    const detailed = await call(f.app, { method: 'GET', url: '/readyz' });
    expect(detailed.status).toBe(200);
    expect(detailed.json).toMatchObject({
      status: 'ok',
      checks: { temporal: { reachable: true, latencyMs: expect.any(Number) } },
    });
  });
});
