/** Phases 2-10 on the time-skipping server: every gate and path of docs/lifecycle.md. */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BreachAwaitingRole, BreachPhase } from '../../domain/search-attributes.js';
import type { DecisionBody } from '../../domain/decision.js';
import {
  DAY,
  FACTORS_HIGH,
  FACTORS_LOW,
  LETTER,
  MEMO_CASE,
  decide,
  phases,
  refusal,
  report,
  toAnalysis,
  stateOf,
  waitForPhase,
  waitForState,
  type Fixture,
  type IncidentHandle,
  skip,
  finished,
  groupFixture,
} from './fixture.js';

let f: Fixture;
let rosterUrl: string;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-'));
  const file = join(dir, 'roster.ndjson');
  writeFileSync(
    file,
    [
      { name: 'Ada Letter', postalAddress: '1 Main St, Springfield, VA 22150' },
      { name: 'Ben Email', email: 'ben.email@public.example' },
      { name: 'Cy Both', email: 'cy.both@public.example', postalAddress: '2 Oak Ave, Arlington, VA 22201' },
      { name: 'Di Nowhere' },
    ]
      .map((p) => JSON.stringify(p))
      .join('\n'),
  );
  rosterUrl = pathToFileURL(file).href;
});

async function analyse(handle: IncidentHandle, options: string[], extra: Record<string, unknown> = {}) {
  return decide(handle, 'ips-director', {
    kind: 'submit-analysis',
    factors: FACTORS_HIGH,
    options: options as never,
    rationale: 'CRG analysis of 468.4.',
    ...extra,
  } as never);
}

/** A fixture of its own for each group of tests (fixture.ts groupFixture). */
const freshFixture = () => groupFixture('lifecycle', (fixture) => (f = fixture));

describe('triage and analysis', () => {
  freshFixture();
  it('467.4-2a, 468.4: CRG declined: rationale recorded; the IPS Director still records the analysis', async () => {
    const { handle } = await report(f);
    await waitForPhase(handle, 'triage');
    await decide(handle, 'ips-director', {
      kind: 'convene-crg',
      convene: false,
      rationale: 'Encrypted media recovered unopened.',
    });
    const state = await decide(handle, 'ips-director', {
      kind: 'assign-responsible-office',
      office: 'Bureau of Consular Affairs',
    });
    // Not convening is the IPS Director's call; the analysis of 468.4 is not (docs/lifecycle.md "Duties").
    expect(state.phase).toBe('analysis');
    expect(state.decisions.find((d) => d.kind === 'convene-crg')?.rationale).toBe(
      'Encrypted media recovered unopened.',
    );
    expect(state.actionItems.map((i) => i.id)).toEqual(['fact-finding', 'risk-assessment']);
    expect(phases(state)).toEqual(['reporting', 'triage', 'analysis']);
    // The search attributes are registered on the test server as on every real one, and upserted.
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(BreachPhase)).toBe('analysis');
    expect(described.typedSearchAttributes.get(BreachAwaitingRole)).toBe('ipsDirector');
  });

  it('469.6: medical information disclosed by a workforce member (DHS PIHG): program manager told, conduct review, destruction of copies', async () => {
    const { handle, incidentId } = await report(f, {
      piiTypes: ['medical'],
      disclosureFormat: 'verbal',
      disclosedBy: 'a supervisor in the field office',
      disclosedTo: 'co-workers without a need to know',
      causedByWorkforceMember: true,
      programManager: { name: 'Pia Manager', email: 'pia.manager@cbp.example' },
      affectedPopulation: 'workforce',
      affectedCount: 1,
    });
    const pm = await f.mail.waitFor(
      (m) => m.subject.includes(incidentId) && m.envelope.to.includes('pia.manager@cbp.example'),
    );
    expect(pm.text).toContain('Privacy Incident Handling Guidance');
    await toAnalysis(handle);
    const state = await analyse(handle, ['other-mitigation']);
    expect(state.actionItems).toContainEqual(
      expect.objectContaining({
        id: 'conduct-review',
        ownerRole: 'responsibleOffice',
        status: 'open',
        description: expect.stringContaining('469.6'),
      }),
    );
    expect(state.actionItems).toContainEqual(
      expect.objectContaining({
        id: 'other-mitigation',
        description: expect.stringContaining('extra copies of the medical records destroyed'),
      }),
    );
    const done = await decide(handle, 'program-manager', {
      kind: 'complete-action-item',
      itemId: 'other-mitigation',
      evidence: 'Three printed copies shredded on 3 March; certificate of destruction filed.',
    });
    expect(done.actionItems.find((i) => i.id === 'other-mitigation')).toMatchObject({
      status: 'done',
      evidence: expect.stringContaining('shredded'),
      completedBy: 'program-manager',
    });
  });

  it('triage decisions are accepted while the report is still being delivered', async () => {
    const restore = f.receiver.failWhile('/usCert', () => true, 503);
    try {
      const { handle } = await report(f);
      const state = await decide(handle, 'ips-director', { kind: 'assign-responsible-office', office: 'IRM' });
      expect(state.phase).toBe('reporting');
      expect(state.responsibleOffice).toBe('IRM');
    } finally {
      restore();
    }
  });

  it('468.5c: authorized disclosure (464b): no breach; PPGB advised; after the window, closure review', async () => {
    const { handle, incidentId } = await report(f, {
      piiTypes: ['medical'],
      disclosureFormat: 'paper',
      disclosedBy: 'clinic records clerk',
      disclosedTo: 'ICE Health Service Corps, which has lawful custody of the detainee',
    });
    await toAnalysis(handle);
    const state = await analyse(handle, ['no-further-action'], {
      authorizedDisclosure: {
        ...MEMO_CASE,
        explanation:
          'Records sent to the correctional institution with lawful custody for the continuity of health care of the detainee.',
      },
    });
    expect(state.phase).toBe('ppgb-advised');
    expect(state.authorizedDisclosure).toEqual({ basis: 'hipaa-custody-exemption' });
    await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.subject.includes('minimal risk'));
    await skip(f, 10 * DAY + 60_000);
    const closed = await waitForPhase(handle, 'closure-review');
    expect(closed.timeline.map((t) => t.event)).toContain('objection-window-ended');
  });

  it('authorized disclosure without its grounds is refused with the missing field', async () => {
    const { handle } = await report(f);
    await toAnalysis(handle);
    const refused = await refusal(
      analyse(handle, ['no-further-action'], {
        authorizedDisclosure: {
          basis: 'hipaa-custody-exemption',
          explanation: 'Sent to the custodian for the health care of the detainee.',
        },
      }),
    );
    expect(refused.type).toBe('InvalidDecision');
    expect(refused.message).toContain('custodyPurpose');
    expect((await stateOf(handle)).phase).toBe('analysis');
  });

  it('468.5c: minimal risk with a PPGB override goes to the PPGB Chair', async () => {
    const { handle } = await report(f);
    await toAnalysis(handle);
    // Passport numbers keep the computed risk at moderate even with low factors (468.4): the CRG finds
    // minimal risk by overriding, with its rationale (a not-notify at moderate goes to the Chair, 468.5b).
    const advised = await decide(handle, 'ips-director', {
      kind: 'submit-analysis',
      factors: FACTORS_LOW,
      riskOverride: { level: 'low', rationale: 'Recovered unopened within the hour.' },
      options: ['no-further-action'],
      rationale: 'Minimal risk.',
    });
    expect(advised.phase).toBe('ppgb-advised');
    expect(advised.awaiting).toMatchObject({ role: 'ppgb', kinds: ['ppgb-override'] });
    const overridden = await decide(handle, 'ppgb-chair', {
      kind: 'ppgb-override',
      rationale: 'The board wants notification considered.',
    });
    expect(overridden.phase).toBe('ppgb-chair-review');
  });

  /** Low factors leave passport numbers above low (468.4); the CRG finds minimal risk by overriding. */
  const MINIMAL_BY_OVERRIDE = {
    kind: 'submit-analysis',
    factors: FACTORS_LOW,
    riskOverride: { level: 'low', rationale: 'Recovered unopened within the hour.' },
    options: ['no-further-action'],
    rationale: 'Minimal risk.',
  } satisfies DecisionBody;

  it('468.5c: any PPGB member, not only the Chair, may object in the minimal-risk window; the advice carries the computed level and the override rationale', async () => {
    const { handle, incidentId } = await report(f);
    await toAnalysis(handle);
    await decide(handle, 'ips-director', MINIMAL_BY_OVERRIDE);
    const advice = await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.subject.includes('minimal risk'));
    expect(advice.text).toContain(
      'risk low; the rule of 5 FAM 468.4 computed high, and the CRG overrode it: "Recovered unopened within the hour."',
    );
    expect(advice.text).toContain('Any PPGB member may object');
    const advised = await stateOf(handle);
    expect(advised.route?.reason).toContain('computed high, and the CRG overrode it');
    // A member of the board who is neither the Chair nor the analysis's submitter.
    const objected = await decide(handle, 'ppgb-m-pri', {
      kind: 'ppgb-override',
      rationale: 'M/PRI asks that notification be considered.',
    });
    expect(objected.phase).toBe('ppgb-chair-review');
    expect(objected.decisions.at(-1)).toMatchObject({ kind: 'ppgb-override', actorId: 'ppgb-m-pri' });
  });

  it('468.5c: someone outside the PPGB may not object (403 role, naming the PPGB, not the Chair alone), and the submitter of the analysis may not either', async () => {
    const { handle } = await report(f);
    await toAnalysis(handle);
    await decide(handle, 'ips-director', MINIMAL_BY_OVERRIDE);
    const outsider = await refusal(
      decide(handle, 'crg-cgfs', { kind: 'ppgb-override', rationale: 'I would like notification.' }),
    );
    expect(outsider.type).toBe('ActorLacksRole');
    expect(outsider.message).toContain('ppgb-override is decided by the ppgbChair or ppgb role');
    const submitter = await refusal(
      decide(handle, 'ips-director', { kind: 'ppgb-override', rationale: 'On second thought.' }),
    );
    expect(submitter.message).toContain('its submitter may not object to it (5 FAM 468.5c)');
    expect((await stateOf(handle)).phase).toBe('ppgb-advised');
  });
});

describe('decision gates, notification and closure', () => {
  freshFixture();
  it('468.5b, 468.5e, 468.6: full chain: Chair → PPGB → Under Secretary → letter → notification → action items → closure', async () => {
    const { handle, incidentId } = await report(f);
    await toAnalysis(handle);
    // Mail to groups carries the minimum: no reporter, no summary, no contact details.
    const crgMail = await f.mail.waitFor(
      (m) => m.subject.includes(incidentId) && m.subject.includes('Core Response Group convened'),
    );
    expect(crgMail.envelope.to.length).toBeGreaterThan(5);
    for (const pii of ['Robin Reporter', 'robin.reporter@state.example', 'Sam Supervisor', 'visa applicants'])
      expect(crgMail.text).not.toContain(pii);
    let state = await analyse(handle, ['notify-individuals', 'credit-protection', 'systemic-review'], {
      liaisons: ['ftc', 'credit-bureaus'],
    });
    expect(state.phase).toBe('cost-consultation');
    expect(state.risk).toBe('high');
    expect(state.riskReasons.length).toBeGreaterThan(0);
    state = await decide(handle, 'crg-cgfs', {
      kind: 'cost-estimate',
      estimatedCostUsd: 14_400,
      notes: '120 people, 12 months of monitoring',
    });
    expect(state.phase).toBe('ppgb-chair-review');
    state = await decide(handle, 'ppgb-chair', {
      kind: 'ppgb-chair-decision',
      outcome: 'refer-to-ppgb',
      rationale: 'Board review.',
    });
    expect(state.phase).toBe('ppgb-review');
    state = await decide(handle, 'ppgb-chair', {
      kind: 'ppgb-decision',
      outcome: 'refer-to-under-secretary',
      rationale: 'Recommend notification.',
    });
    expect(state.phase).toBe('under-secretary-review');
    state = await decide(handle, 'under-secretary', {
      kind: 'under-secretary-decision',
      outcome: 'approve-notification',
      rationale: 'Approved under DA-198.',
    });
    expect(state.phase).toBe('notification-prep');
    // 468.6-2b: the roster holds 4 of the 120 reported; the official says why, else the rest go into the substitute notice.
    await decide(handle, 'notification-official', {
      kind: 'reconcile-roster',
      rationale: 'The other 116 were counted twice in the first report; the roster is the whole.',
    });
    await decide(handle, 'notification-official', {
      kind: 'approve-letter',
      letter: {
        ...LETTER,
        creditProtectionOffer: 'Twelve months of credit monitoring at no cost: call the number below.',
      },
      roster: { url: rosterUrl, count: 4 },
    });
    state = await waitForPhase(handle, 'remediation');
    expect(state.notification).toMatchObject({ letters: 2, emails: 1, substituteNotice: true, failed: 0 });
    await f.mail.waitFor((m) => m.envelope.to.includes('ben.email@public.example'));
    const letters = f.receiver
      .calls('/mailVendor')
      .filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId);
    expect(letters).toHaveLength(1);
    expect(JSON.stringify(letters[0]!.body)).toContain('Ada Letter');
    expect(JSON.stringify(letters[0]!.body)).not.toContain('Ben Email');
    const posting = f.receiver
      .calls('/webPosting')
      .filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId);
    expect(posting).toHaveLength(1);
    expect(JSON.stringify(posting[0]!.body)).toContain('800');

    for (const liaison of ['ftc', 'credit-bureaus']) {
      const notice = await f.mail.waitFor(
        (m) => m.subject.includes(incidentId) && m.subject.includes(`Liaison notice due: ${liaison}`),
      );
      expect(notice.envelope.to).toEqual(['privacy.division@state.example']);
      expect(notice.text).not.toContain('Ada Letter');
    }
    const open = state.actionItems.filter((i) => i.status === 'open').map((i) => i.id);
    expect(open.sort()).toEqual(['credit-protection', 'fact-finding', 'systemic-review']);
    expect(state.actionItems.find((i) => i.id === 'notification')?.status).toBe('done');

    const refused = await refusal(decide(handle, 'ips-director', { kind: 'sign-off-closure', rationale: 'Done?' }));
    expect(refused.type).toBe('NotAllowedNow');
    expect(refused.message).toContain('credit-protection');
    expect(refused.message).toContain('fact-finding');

    await decide(handle, 'program-manager', {
      kind: 'complete-action-item',
      itemId: 'credit-protection',
      evidence: 'Contract 19AQMM-26 for 12 months of monitoring.',
    });
    await decide(handle, 'program-manager', {
      kind: 'complete-action-item',
      itemId: 'fact-finding',
      evidence: 'Fact-finding report filed.',
    });
    state = await decide(handle, 'crg-ds', {
      kind: 'complete-action-item',
      itemId: 'systemic-review',
      evidence: 'Laptop encryption enforced bureau-wide.',
    });
    expect(state.phase).toBe('closure-review');
    state = await decide(handle, 'ips-director', { kind: 'sign-off-closure', rationale: 'All actions complete.' });
    expect(state.decisions.at(-1)).toMatchObject({ kind: 'sign-off-closure', actorId: 'ips-director' });
    const summary = await finished(f, handle);
    expect(summary).toMatchObject({ incidentId, outcome: 'notified', risk: 'high' });
    const record = await f.receiver.waitFor(
      (c) => c.path === '/recordsArchive' && (c.body as { incidentId?: string }).incidentId === incidentId,
    );
    const body = record.body as {
      decisions: { kind: string; actorId: string }[];
      timeline: unknown[];
      notification: unknown;
    };
    expect(body.decisions.map((d) => d.kind)).toEqual(
      expect.arrayContaining([
        'convene-crg',
        'submit-analysis',
        'cost-estimate',
        'under-secretary-decision',
        'approve-letter',
        'sign-off-closure',
      ]),
    );
    expect(body.decisions.every((d) => d.actorId)).toBe(true);
    expect(summary.archiveRecordId).toBeTruthy();
    await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.subject.includes('case closed'));
    const final = await stateOf(handle);
    expect(phases(final)).toEqual([
      'reporting',
      'triage',
      'analysis',
      'cost-consultation',
      'ppgb-chair-review',
      'ppgb-review',
      'under-secretary-review',
      'notification-prep',
      'notifying',
      'remediation',
      'closure-review',
      'archiving',
      'closed',
    ]);
  });

  it('468.5e: Under Secretary declines: no notification, remediation of the open items', async () => {
    const { handle } = await report(f);
    await toAnalysis(handle);
    await analyse(handle, ['notify-individuals']);
    await decide(handle, 'ppgb-chair', {
      kind: 'ppgb-chair-decision',
      outcome: 'refer-to-under-secretary',
      rationale: 'Straight to M.',
    });
    const state = await decide(handle, 'under-secretary', {
      kind: 'under-secretary-decision',
      outcome: 'decline-notification',
      rationale: 'Data recovered.',
    });
    expect(state.phase).toBe('remediation');
    expect(state.notification).toBeNull();
  });

  it('468.5b: returned to the CRG and resubmitted', async () => {
    const { handle } = await report(f);
    await toAnalysis(handle);
    await analyse(handle, ['notify-individuals']);
    let state = await decide(handle, 'ppgb-chair', {
      kind: 'ppgb-chair-decision',
      outcome: 'return-to-crg',
      rationale: 'Consider credit protection.',
    });
    expect(state.phase).toBe('analysis');
    state = await analyse(handle, ['notify-individuals', 'credit-protection']);
    expect(state.phase).toBe('cost-consultation');
    expect(state.options).toEqual(['notify-individuals', 'credit-protection']);
  });

  it('468.6-3a: a delay requested, extended and lifted; the PPGB told each time', async () => {
    const { handle, incidentId } = await report(f);
    await toAnalysis(handle);
    const now = await f.env.currentTimeMs();
    let state = await decide(handle, 'ds-investigations', {
      kind: 'request-delay',
      requestingEntity: 'DS/ICI',
      reason: 'Ongoing investigation.',
      notifyAfter: new Date(now + 3 * DAY).toISOString(),
    });
    expect(state.delay).toMatchObject({ requestingEntity: 'DS/ICI', barred: false });
    await analyse(handle, ['notify-individuals']);
    await decide(handle, 'ppgb-chair', {
      kind: 'ppgb-chair-decision',
      outcome: 'refer-to-under-secretary',
      rationale: 'To M.',
    });
    await decide(handle, 'under-secretary', {
      kind: 'under-secretary-decision',
      outcome: 'approve-notification',
      rationale: 'Approved.',
    });
    await decide(handle, 'notification-official', {
      kind: 'approve-letter',
      letter: LETTER,
      roster: { url: rosterUrl, count: 4 },
    });
    state = await waitForPhase(handle, 'notification-delayed');
    expect(state.awaiting).toMatchObject({ role: 'securityLiaison' });
    state = await decide(handle, 'ds-investigations', {
      kind: 'extend-delay',
      notifyAfter: new Date(now + 6 * DAY).toISOString(),
    });
    expect(state.delay?.notifyAfter).toBe(new Date(now + 6 * DAY).toISOString());
    await skip(f, 4 * DAY);
    expect((await stateOf(handle)).phase).toBe('notification-delayed');
    await decide(handle, 'ds-investigations', { kind: 'lift-delay' });
    state = await waitForPhase(handle, 'remediation');
    expect(state.notification?.letters).toBe(2);
    for (const event of ['delay requested', 'delay extended', 'delay lifted']) {
      await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.subject.includes(event));
    }
  });

  it('468.6-3b: a bar holds notification (no letters) until the security liaison lifts it; then notification goes ahead', async () => {
    const { handle, incidentId } = await report(f);
    await toAnalysis(handle);
    await analyse(handle, ['notify-individuals']);
    await decide(handle, 'ds-investigations', { kind: 'bar-notification', reason: 'National security.' });
    await decide(handle, 'ppgb-chair', {
      kind: 'ppgb-chair-decision',
      outcome: 'refer-to-under-secretary',
      rationale: 'To M.',
    });
    await decide(handle, 'under-secretary', {
      kind: 'under-secretary-decision',
      outcome: 'approve-notification',
      rationale: 'Approved.',
    });
    let state = await waitForPhase(handle, 'notification-delayed');
    expect(state.delay).toMatchObject({ barred: true, reason: 'National security.' });
    expect(state.awaiting).toMatchObject({ role: 'securityLiaison', kinds: ['lift-delay'] });
    await skip(f, 2 * DAY);
    state = await stateOf(handle);
    expect(state.phase).toBe('notification-delayed');
    expect(state.notification).toBeNull();
    expect(
      f.receiver.calls('/mailVendor').filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId),
    ).toHaveLength(0);
    // Lifted by the security liaison: the letter (not yet approved when the bar came) is asked for, then sent.
    await decide(handle, 'ds-investigations', { kind: 'lift-delay' });
    state = await waitForPhase(handle, 'notification-prep');
    expect(state.delay).toBeNull();
    await decide(handle, 'notification-official', {
      kind: 'approve-letter',
      letter: LETTER,
      roster: { url: rosterUrl, count: 4 },
    });
    state = await waitForPhase(handle, 'remediation');
    expect(state.notification).toMatchObject({ letters: 2, emails: 1 });
  });
});

describe('who may decide, and when', () => {
  freshFixture();
  it('an actor without the role is refused (update) and recorded (signal)', async () => {
    const { handle } = await report(f);
    await waitForPhase(handle, 'triage');
    const refused = await refusal(
      decide(handle, 'crg-ds', { kind: 'convene-crg', convene: true, rationale: 'I think so.' }),
    );
    expect(refused.type).toBe('ActorLacksRole');
    expect(refused.message).toContain('ipsDirector');
    await handle.signal('decision', {
      kind: 'convene-crg',
      convene: true,
      rationale: 'Via signal.',
      actorId: 'crg-ds',
    });
    const state = await waitForState(
      handle,
      (s) => s.timeline.some((t) => t.event === 'decision-refused:convene-crg'),
      'the refusal in the timeline',
    );
    expect(state.crgConvened).toBeNull();
    expect(state.timeline.find((t) => t.event === 'decision-refused:convene-crg')).toMatchObject({ actorId: 'crg-ds' });
  });

  it('a decision out of phase is refused', async () => {
    const { handle } = await report(f);
    await waitForPhase(handle, 'triage');
    const refused = await refusal(
      decide(handle, 'under-secretary', {
        kind: 'under-secretary-decision',
        outcome: 'approve-notification',
        rationale: 'Early.',
      }),
    );
    expect(refused.type).toBe('NotAllowedNow');
    expect(refused.message).toContain('triage');
  });

  it('a repeated decisionId is applied once', async () => {
    const { handle } = await report(f);
    await waitForPhase(handle, 'triage');
    await decide(handle, 'ips-director', { kind: 'assign-responsible-office', office: 'CA', decisionId: 'd-1' });
    const again = await decide(handle, 'ips-director', {
      kind: 'assign-responsible-office',
      office: 'CA',
      decisionId: 'd-1',
    });
    expect(again.decisions.filter((d) => d.kind === 'assign-responsible-office')).toHaveLength(1);
    await handle.signal('decision', {
      kind: 'assign-responsible-office',
      office: 'CA',
      decisionId: 'd-1',
      actorId: 'ips-director',
    });
    const state = await waitForState(
      handle,
      (s) => s.timeline.some((t) => t.event.startsWith('decision-repeated')),
      'the repeat noted',
    );
    expect(state.decisions.filter((d) => d.kind === 'assign-responsible-office')).toHaveLength(1);
  });

  it('468.2a: a stalled gate reminds each interval, then escalates to the SAOP', async () => {
    const { handle, incidentId } = await report(f);
    await waitForPhase(handle, 'triage');
    await skip(f, 2 * DAY + 60_000);
    const reminded = await waitForState(
      handle,
      (s) => s.timeline.filter((t) => t.event === 'reminder:ipsDirector').length >= 2,
      'two reminders',
    );
    expect(reminded.timeline.some((t) => t.event === 'escalated:ipsDirector')).toBe(false);
    await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.subject.includes('Reminder 2'));
    await skip(f, 3 * DAY + 60_000);
    const state = await waitForState(
      handle,
      (s) => s.timeline.some((t) => t.event === 'escalated:ipsDirector'),
      'the escalation',
    );
    const escalation = await f.mail.waitFor(
      (m) => m.subject.includes(incidentId) && m.subject.includes('ESCALATION to the SAOP'),
    );
    expect(escalation.envelope.to).toContain('ppgb.chair@state.example');
    expect(state.phase).toBe('triage');
  });
});
