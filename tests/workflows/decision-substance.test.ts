/**
 * The substance at the gates on the time-skipping server: the route to "no
 * notification" follows the risk (5 FAM 468.5b, c, e); no person checks their own decision; CGFS is
 * consulted whenever an option costs money (468.5d). Each rule both ways: refused when broken, taken
 * when met.
 */
import { describe, expect, it } from 'vitest';
import type { Playbook } from '../../domain/playbook.js';
import type { Role } from '../../domain/roles.js';
import {
  DAY,
  FACTORS_HIGH,
  FACTORS_LOW,
  LETTER,
  decide,
  refusal,
  report,
  stateOf,
  toAnalysis,
  testPlaybook,
  waitForState,
  type Fixture,
  skip,
  finished,
  groupFixture,
} from './fixture.js';

let f: Fixture;

/** The test playbook with roles added to people, and other changes. */
function playbookWith(roles: Record<string, Role[]>, changes: Partial<Playbook> = {}): Playbook {
  const base = testPlaybook(f.receiver.url, changes);
  return {
    ...base,
    people: base.people.map((p) => (roles[p.id] ? { ...p, roles: [...p.roles, ...roles[p.id]!] } : p)),
  };
}

const analysis = (options: string[], extra: Record<string, unknown> = {}) =>
  ({ kind: 'submit-analysis', factors: FACTORS_HIGH, options, rationale: 'CRG analysis of 468.4.', ...extra }) as never;

/** A fixture of its own for each group of tests (fixture.ts groupFixture). */
const freshFixture = () => groupFixture('substance', (fixture) => (f = fixture));

describe('the route to "no notification" follows the risk', () => {
  freshFixture();
  it('468.5c: a CRG finding of minimal risk (low) without notification goes to the objection window, and the state says why', async () => {
    // Birth data alone, low factors: risk low as computed (468.4).
    const { handle } = await report(f, { piiTypes: ['birth-data'] });
    await toAnalysis(handle);
    const state = await decide(handle, 'ips-director', analysis(['no-further-action'], { factors: FACTORS_LOW }));
    expect(state.riskComputed).toBe('low');
    expect(state.phase).toBe('ppgb-advised');
    expect(state.route).toMatchObject({ phase: 'ppgb-advised', reason: expect.stringContaining('468.5c') });
    expect(state.timeline.map((t) => t.event)).toContain('routed:ppgb-advised');
  });

  it('468.5c: a risk the CRG overrides to low, with its rationale, is minimal risk too', async () => {
    const { handle } = await report(f);
    await toAnalysis(handle);
    const state = await decide(
      handle,
      'ips-director',
      analysis(['no-further-action'], {
        riskOverride: { level: 'low', rationale: 'Recovered unopened within the hour.' },
      }),
    );
    expect(state.riskComputed).toBe('high');
    expect(state.risk).toBe('low');
    expect(state.phase).toBe('ppgb-advised');
  });

  it('468.5b: a recommendation not to notify at high risk goes to the PPGB Chair, not to the objection window', async () => {
    const { handle, incidentId } = await report(f);
    await toAnalysis(handle);
    const state = await decide(handle, 'ips-director', analysis(['remediation']));
    expect(state.risk).toBe('high');
    expect(state.phase).toBe('ppgb-chair-review');
    expect(state.awaiting).toMatchObject({ role: 'ppgbChair', kinds: ['ppgb-chair-decision'] });
    expect(state.route).toMatchObject({
      phase: 'ppgb-chair-review',
      reason: expect.stringContaining('no notification at risk high'),
    });
    const ask = await f.mail.waitFor(
      (m) => m.subject.includes(incidentId) && m.subject.includes('ppgb-chair-decision'),
    );
    expect(ask.text).toContain('recommends no notification at risk high');
  });

  it('468.5e: on a recommendation not to notify the final authority decides: the Chair may not decline alone, M declines after a referral', async () => {
    const { handle } = await report(f);
    await toAnalysis(handle);
    await decide(handle, 'ips-director', analysis(['remediation']));
    const refused = await refusal(
      decide(handle, 'ppgb-chair', {
        kind: 'ppgb-chair-decision',
        outcome: 'decline-notification',
        rationale: 'Agree with the CRG.',
      }),
    );
    expect(refused.message).toContain('468.5e');
    let state = await decide(handle, 'ppgb-chair', {
      kind: 'ppgb-chair-decision',
      outcome: 'refer-to-under-secretary',
      rationale: 'For M.',
    });
    expect(state.phase).toBe('under-secretary-review');
    state = await decide(handle, 'under-secretary', {
      kind: 'under-secretary-decision',
      outcome: 'decline-notification',
      rationale: 'No notification: the data was recovered.',
    });
    expect(state.phase).toBe('remediation');
    await decide(handle, 'program-manager', {
      kind: 'complete-action-item',
      itemId: 'remediation',
      evidence: 'Access revoked.',
    });
    await decide(handle, 'program-manager', {
      kind: 'complete-action-item',
      itemId: 'fact-finding',
      evidence: 'Report filed.',
    });
    await decide(handle, 'ips-director', { kind: 'sign-off-closure', rationale: 'Done.' });
    expect(await finished(f, handle)).toMatchObject({ outcome: 'notification-declined' });
    const record = await f.receiver.waitFor(
      (c) => c.path === '/recordsArchive' && (c.body as { incidentId?: string }).incidentId === state.incidentId,
    );
    expect((record.body as { route: unknown }).route).toMatchObject({ phase: 'ppgb-chair-review' });
  });
});

describe('separation of duties', () => {
  freshFixture();
  it('468.5b: the submitter of the analysis may not decide on it as the Chair (409 naming the rule and the earlier decision); another Chair may, and only they are asked', async () => {
    const playbook = playbookWith({ 'ips-director': ['ppgbChair'] });
    const { handle, incidentId } = await report(f, {}, playbook);
    await toAnalysis(handle);
    await decide(handle, 'ips-director', analysis(['notify-individuals']));
    const refused = await refusal(
      decide(handle, 'ips-director', {
        kind: 'ppgb-chair-decision',
        outcome: 'refer-to-under-secretary',
        rationale: 'Mine.',
      }),
    );
    expect(refused.type).toBe('NotAllowedNow');
    expect(refused.message).toContain('separation of duties');
    expect(refused.message).toContain('468.5b');
    expect(refused.message).toContain('"ips-director" made the submit-analysis decision');
    const ask = await f.mail.waitFor(
      (m) => m.subject.includes(incidentId) && m.subject.includes('ppgb-chair-decision'),
    );
    expect(ask.envelope.to).toEqual(['ppgb.chair@state.example']);
    // The signal path refuses too, and records it.
    await handle.signal('decision', {
      kind: 'ppgb-chair-decision',
      outcome: 'refer-to-ppgb',
      rationale: 'Mine.',
      actorId: 'ips-director',
    } as never);
    await waitForState(
      handle,
      (s) =>
        s.timeline.some(
          (t) =>
            t.event === 'decision-refused:ppgb-chair-decision' && t.detail?.includes('separation of duties') === true,
        ),
      'the refusal recorded',
    );
    const state = await decide(handle, 'ppgb-chair', {
      kind: 'ppgb-chair-decision',
      outcome: 'refer-to-under-secretary',
      rationale: 'For M.',
    });
    expect(state.phase).toBe('under-secretary-review');
  });

  it('468.5e: the Chair who referred may not decide as the final authority; the other holder does', async () => {
    const playbook = playbookWith({ 'ppgb-chair': ['underSecretary'] });
    const { handle } = await report(f, {}, playbook);
    await toAnalysis(handle);
    await decide(handle, 'ips-director', analysis(['notify-individuals']));
    await decide(handle, 'ppgb-chair', {
      kind: 'ppgb-chair-decision',
      outcome: 'refer-to-ppgb',
      rationale: 'Board review.',
    });
    await decide(handle, 'ppgb-chair', {
      kind: 'ppgb-decision',
      outcome: 'refer-to-under-secretary',
      rationale: 'Recorded for the board.',
    });
    const refused = await refusal(
      decide(handle, 'ppgb-chair', {
        kind: 'under-secretary-decision',
        outcome: 'approve-notification',
        rationale: 'Mine.',
      }),
    );
    expect(refused.type).toBe('NotAllowedNow');
    expect(refused.message).toContain('468.5e');
    expect(refused.message).toMatch(/"ppgb-chair" made the ppgb-(chair-)?decision decision/);
    const state = await decide(handle, 'under-secretary', {
      kind: 'under-secretary-decision',
      outcome: 'approve-notification',
      rationale: 'Approved.',
    });
    expect(state.phase).toBe('notification-prep');
  });

  it("468.5b: when every Chair is conflicted the playbook's alternate is asked and decides; before that the alternate may not", async () => {
    const base = playbookWith({ 'ips-director': ['ppgbChair'] }, { alternates: { ppgbChair: ['ppgb-m-pri'] } });
    const playbook = {
      ...base,
      people: base.people.map((p) =>
        p.id === 'ppgb-chair' ? { ...p, roles: p.roles.filter((r) => r !== 'ppgbChair') } : p,
      ),
    };
    const { handle, incidentId } = await report(f, {}, playbook);
    await toAnalysis(handle);
    // Before the conflict (the analysis not yet submitted) an alternate is nobody's stand-in.
    const early = await refusal(
      decide(handle, 'ppgb-m-pri', { kind: 'ppgb-chair-decision', outcome: 'refer-to-ppgb', rationale: 'Early.' }),
    );
    expect(early.type).toBe('ActorLacksRole');
    await decide(handle, 'ips-director', analysis(['notify-individuals']));
    const ask = await f.mail.waitFor(
      (m) => m.subject.includes(incidentId) && m.subject.includes('ppgb-chair-decision'),
    );
    expect(ask.envelope.to).toEqual(['ppgb.m-pri@state.example']);
    expect(
      (
        await refusal(
          decide(handle, 'ips-director', { kind: 'ppgb-chair-decision', outcome: 'refer-to-ppgb', rationale: 'Mine.' }),
        )
      ).type,
    ).toBe('NotAllowedNow');
    const state = await decide(handle, 'ppgb-m-pri', {
      kind: 'ppgb-chair-decision',
      outcome: 'refer-to-under-secretary',
      rationale: 'As the alternate.',
    });
    expect(state.phase).toBe('under-secretary-review');
    expect(state.decisions.at(-1)).toMatchObject({ kind: 'ppgb-chair-decision', actorId: 'ppgb-m-pri' });
  });

  it('468.6-1: a letter drafter the playbook names may not approve the letter; the alternate notification official does', async () => {
    const playbook = testPlaybook(f.receiver.url, {
      letterDrafters: ['notification-official'],
      alternates: { notificationOfficial: ['privacy-division'] },
    });
    const { handle } = await report(f, {}, playbook);
    await toAnalysis(handle);
    await decide(handle, 'ips-director', analysis(['notify-individuals']));
    await decide(handle, 'ppgb-chair', {
      kind: 'ppgb-chair-decision',
      outcome: 'refer-to-under-secretary',
      rationale: 'For M.',
    });
    await decide(handle, 'under-secretary', {
      kind: 'under-secretary-decision',
      outcome: 'approve-notification',
      rationale: 'Approved.',
    });
    const letter = {
      kind: 'approve-letter',
      letter: LETTER,
      roster: { url: 'file:///nonexistent/roster.ndjson', count: 1 },
    } as const;
    const refused = await refusal(decide(handle, 'notification-official', letter));
    expect(refused.message).toContain('468.6-1');
    expect(refused.message).toContain('letter drafter');
    const state = await decide(handle, 'privacy-division', letter);
    expect(state.decisions.at(-1)).toMatchObject({ kind: 'approve-letter', actorId: 'privacy-division' });
  });

  it('468.2a: a stalled Chair gate escalates to the final authority and the Privacy Division, not to the Chair; other gates still to the SAOP', async () => {
    const { handle, incidentId } = await report(f);
    await toAnalysis(handle);
    await decide(handle, 'ips-director', analysis(['notify-individuals']));
    await skip(f, 5 * DAY + 60_000);
    const state = await waitForState(
      handle,
      (s) => s.timeline.some((t) => t.event === 'escalated:ppgbChair'),
      'the escalation',
    );
    expect(state.timeline.find((t) => t.event === 'escalated:ppgbChair')?.detail).toContain(
      'the final authority and the Privacy Division told',
    );
    const escalation = await f.mail.waitFor(
      (m) => m.subject.includes(incidentId) && m.subject.includes('ESCALATION to the final authority'),
    );
    expect([...escalation.envelope.to].sort()).toEqual([
      'privacy.division@state.example',
      'under.secretary@state.example',
    ]);
    // The Chair's stalled gate never escalates to the Chair (the open fact-finding item's owner, who also
    // stalled meanwhile, is escalated to the SAOP as any other role is: workflows/item-owners.ts).
    expect(
      f.mail
        .messages()
        .some(
          (m) =>
            m.subject.includes(incidentId) &&
            m.subject.includes('ESCALATION to the SAOP') &&
            m.subject.includes('(ppgbChair)'),
        ),
    ).toBe(false);
    expect((await stateOf(handle)).phase).toBe('ppgb-chair-review');
  });
});

describe('CGFS on every cost', () => {
  freshFixture();
  it("468.5d: credit protection without notification is costed: CGFS asked with what to estimate, the estimate in the PPGB's advice and the state", async () => {
    const { handle, incidentId } = await report(f);
    await toAnalysis(handle);
    let state = await decide(
      handle,
      'ips-director',
      analysis(['credit-protection'], {
        factors: FACTORS_LOW,
        riskOverride: { level: 'low', rationale: 'Recovered unopened.' },
      }),
    );
    expect(state.phase).toBe('cost-consultation');
    const ask = await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.subject.includes('cost-estimate'));
    expect(ask.envelope.to).toEqual(['crg.cgfs@state.example']);
    expect(ask.text).toContain('Costs to estimate (5 FAM 468.5d): credit protection');
    state = await decide(handle, 'crg-cgfs', { kind: 'cost-estimate', estimatedCostUsd: 9_000 });
    expect(state.phase).toBe('ppgb-advised');
    expect(state.costEstimateUsd).toBe(9_000);
    const advice = await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.subject.includes('minimal risk'));
    expect(advice.text).toContain('USD 9000');
  });

  it("468.5d: a call center the CRG marks as costed is costed with notification, and the estimate reaches the Chair's mail", async () => {
    const { handle, incidentId } = await report(f);
    await toAnalysis(handle);
    let state = await decide(
      handle,
      'ips-director',
      analysis(['notify-individuals'], { costedMeasures: ['call-center'] }),
    );
    expect(state.phase).toBe('cost-consultation');
    state = await decide(handle, 'crg-cgfs', { kind: 'cost-estimate', estimatedCostUsd: 25_000 });
    expect(state.phase).toBe('ppgb-chair-review');
    const ask = await f.mail.waitFor(
      (m) => m.subject.includes(incidentId) && m.subject.includes('ppgb-chair-decision'),
    );
    expect(ask.text).toContain('CGFS cost estimate (5 FAM 468.5d): USD 25000 for a call center');
  });

  it('468.5d: notification by mail at scale is costed; a small mailing with nothing else costed goes straight to the Chair', async () => {
    const big = await report(f, { affectedCount: 5_000 });
    await toAnalysis(big.handle);
    expect((await decide(big.handle, 'ips-director', analysis(['notify-individuals']))).phase).toBe(
      'cost-consultation',
    );
    const small = await report(f, { affectedCount: 40 });
    await toAnalysis(small.handle);
    const state = await decide(small.handle, 'ips-director', analysis(['notify-individuals', 'systemic-review']));
    expect(state.phase).toBe('ppgb-chair-review');
    expect(state.timeline.map((t) => t.event)).not.toContain('phase:cost-consultation');
  });
});
