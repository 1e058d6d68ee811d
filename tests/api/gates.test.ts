/**
 * The substance at the gates through the API: the route to "no notification"
 * follows the risk (5 FAM 468.5b, c, e); a decision that would have one person check their own earlier
 * decision is 409 and recorded; CGFS is consulted whenever an option costs money (468.5d). The playbook
 * makes the IPS Director a second PPGB Chair, as a deployment's file might.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  reportIncident,
  startApiFixture,
  TOKEN,
  triage,
  waitFor,
  waitForPhase,
  type ApiFixture,
} from './fixture.js';

let f: ApiFixture;

beforeAll(async () => {
  f = await startApiFixture({
    playbook: (playbook) => ({
      ...playbook,
      people: playbook.people.map((p) =>
        p.id === 'ips-director' ? { ...p, roles: [...p.roles, 'ppgbChair' as const] } : p,
      ),
    }),
  });
});

afterAll(async () => {
  await f?.close();
});

const decisions = (id: string) => `/incidents/${id}/decisions`;
const HIGH = {
  dataNature: 'high',
  misuseLikelihood: 'high',
  logicalAccess: 'high',
  physicalAccess: 'low',
  deliberateTargeting: 'low',
  priorMisuse: 'low',
};
const LOW = {
  dataNature: 'low',
  misuseLikelihood: 'low',
  logicalAccess: 'low',
  physicalAccess: 'low',
  deliberateTargeting: 'low',
  priorMisuse: 'low',
};

async function analysed(body: Record<string, unknown>) {
  const incidentId = await reportIncident(f.app);
  await triage(f.app, incidentId, true);
  await waitForPhase(f.app, incidentId, 'analysis');
  const res = await call(f.app, {
    method: 'POST',
    url: decisions(incidentId),
    body: { kind: 'submit-analysis', rationale: 'CRG analysis.', ...body },
  });
  expect(res.status, res.text).toBe(200);
  return { incidentId, state: res.json };
}

describe('the route to "no notification"', () => {
  it('468.5b: a recommendation not to notify at high risk is answered in ppgb-chair-review, the route and its reason in the state', async () => {
    const { state } = await analysed({ factors: HIGH, options: ['remediation'] });
    expect(state.phase).toBe('ppgb-chair-review');
    expect(state.route).toMatchObject({ phase: 'ppgb-chair-review', reason: expect.stringContaining('468.5e') });
  });

  it('468.5c: a finding of minimal risk (overridden to low, with its rationale) is answered in ppgb-advised', async () => {
    const { state } = await analysed({
      factors: LOW,
      riskOverride: { level: 'low', rationale: 'Recovered unopened.' },
      options: ['no-further-action'],
    });
    expect(state.phase).toBe('ppgb-advised');
    expect(state.route).toMatchObject({ phase: 'ppgb-advised', reason: expect.stringContaining('468.5c') });
  });
});

describe('separation of duties', () => {
  it('468.5b: the submitter deciding as the Chair is 409 with the rule and the earlier decision, recorded; the other Chair is 200', async () => {
    const { incidentId } = await analysed({ factors: HIGH, options: ['notify-individuals'] });
    const refused = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      token: TOKEN.ipsDirector,
      body: { kind: 'ppgb-chair-decision', outcome: 'refer-to-ppgb', rationale: 'My own analysis.' },
    });
    expect(refused.status).toBe(409);
    expect(refused.json.reasons).toEqual([
      expect.stringMatching(/^separation of duties: .*468\.5b.*"ips-director" made the submit-analysis decision at /),
    ]);
    await waitFor(
      f.app,
      incidentId,
      (s) => s.timeline.some((t) => t.event === 'decision-refused:ppgb-chair-decision' && t.actorId === 'ips-director'),
      'the refusal recorded',
    );
    const taken = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      token: TOKEN.ppgbChair,
      body: { kind: 'ppgb-chair-decision', outcome: 'refer-to-ppgb', rationale: 'Board review.' },
    });
    expect(taken.status, taken.text).toBe(200);
    expect(taken.json.phase).toBe('ppgb-review');
  });
});

describe('CGFS on every cost', () => {
  it('468.5d: credit protection without notification goes to cost consultation; the estimate is in the state', async () => {
    const { incidentId, state } = await analysed({
      factors: LOW,
      riskOverride: { level: 'low', rationale: 'Recovered unopened.' },
      options: ['credit-protection'],
    });
    expect(state.phase).toBe('cost-consultation');
    const estimate = await call(f.app, {
      method: 'POST',
      url: decisions(incidentId),
      token: TOKEN.cgfs,
      body: { kind: 'cost-estimate', estimatedCostUsd: 12_000 },
    });
    expect(estimate.status, estimate.text).toBe(200);
    expect(estimate.json).toMatchObject({ phase: 'ppgb-advised', costEstimateUsd: 12_000 });
  });

  it('468.5d: nothing costed, no consultation: notification of a few people goes straight to the Chair', async () => {
    const { state } = await analysed({ factors: HIGH, options: ['notify-individuals'] });
    expect(state.phase).toBe('ppgb-chair-review');
  });
});
