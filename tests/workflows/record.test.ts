/**
 * On the time-skipping server: the case record (468.7) and its filing (`archiving`), the letter
 * rules (468.6-1a(1), (5), 468.6-1b) and delays (468.6-3), each in both directions.
 */
import { createHash } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { caseRecordSchema, type CaseRecord } from '../../domain/case-record.js';
import { caseRecordQuery } from '../../workflows/messages.js';
import {
  DAY,
  FACTORS_HIGH,
  FACTORS_LOW,
  LETTER,
  decide,
  phases,
  report,
  toLetter,
  stateOf,
  waitForPhase,
  waitForState,
  writeRoster,
  type Fixture,
  type IncidentHandle,
  skip,
  leftInFlight,
  idle,
  finished,
  groupFixture,
} from './fixture.js';

let f: Fixture;
let rosterUrl: string;
beforeAll(async () => {
  rosterUrl = writeRoster('roster', [
    { name: 'Ada Letter', postalAddress: '1 Main St, Springfield, VA 22150' },
    { name: 'Ben Email', email: 'ben.email@public.example' },
  ]);
});

async function refused(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return ((err as WorkflowUpdateFailedError).cause as Error).message;
  }
  throw new Error('expected the decision to be refused');
}

/** The CRG not convened: the IPS Director's finding of minimal risk, the PPGB's window, the fact-finding done; signed off. */
async function signedOff(handle: IncidentHandle): Promise<void> {
  await waitForPhase(handle, 'triage');
  await decide(handle, 'ips-director', {
    kind: 'convene-crg',
    convene: false,
    rationale: 'Encrypted media recovered.',
  });
  await decide(handle, 'ips-director', { kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' });
  // 468.4: not convening the CRG still needs the six factors, recorded by its chair (docs/lifecycle.md "Duties").
  await decide(handle, 'ips-director', {
    kind: 'submit-analysis',
    factors: FACTORS_LOW,
    options: ['no-further-action'],
    riskOverride: { level: 'low', rationale: 'The media was recovered unopened.' },
    rationale: 'Recorded by the IPS Director.',
  });
  await skip(f, 11 * DAY);
  await waitForPhase(handle, 'closure-review');
  await decide(handle, 'program-manager', {
    kind: 'complete-action-item',
    itemId: 'fact-finding',
    evidence: 'Report filed.',
  });
  await idle(f, handle);
  await decide(handle, 'ips-director', { kind: 'sign-off-closure', rationale: 'Done.' });
}

/** A fixture of its own for each group of tests (fixture.ts groupFixture). */
const freshFixture = () => groupFixture('record', (fixture) => (f = fixture));

describe('468.7: the case record', () => {
  freshFixture();
  it('468.7, 467.4-2b(7): the archived record holds report, routing, decisions with grounds, the letter and its digest, counts, deadlines; the PPGB gets the report without PII', async () => {
    const { handle, incidentId } = await report(f, {
      occurredAt: new Date((await f.env.currentTimeMs()) - 2 * DAY).toISOString(),
    });
    await toLetter(handle, { reconcileRoster: true });
    await decide(handle, 'notification-official', {
      kind: 'approve-letter',
      letter: LETTER,
      roster: { url: rosterUrl, count: 2 },
    });
    await waitForPhase(handle, 'remediation');
    await decide(handle, 'program-manager', {
      kind: 'complete-action-item',
      itemId: 'fact-finding',
      evidence: 'Fact-finding report filed.',
    });
    await decide(handle, 'ips-director', { kind: 'sign-off-closure', rationale: 'All done.' });
    const summary = await finished(f, handle);
    expect(await leftInFlight(handle)).toEqual([]);

    const call = await f.receiver.waitFor(
      (c) => c.path === '/recordsArchive' && (c.body as { incidentId?: string }).incidentId === incidentId,
    );
    const record: CaseRecord = caseRecordSchema.parse(call.body);
    expect(summary.archiveRecordId).toBe(`rcv-${call.seq}`);
    expect(record.report.first?.summary).toBeTruthy();
    expect(record.routing.map((r) => r.step)).toEqual(
      expect.arrayContaining(['report-usCert', 'tell-supervisor', 'tell-dsCirt']),
    );
    expect(record.routing.find((r) => r.step === 'report-usCert')).toMatchObject({
      status: 'delivered',
      receipt: expect.stringMatching(/^rcv-/),
    });
    const analysis = record.decisions.find((d) => d.kind === 'submit-analysis')!;
    expect(analysis.grounds.factors).toEqual(FACTORS_HIGH);
    expect(record.risk).toMatchObject({ computed: 'high', determined: 'high', overridden: false });
    // The letter as sent: element (1) carries the incident's dates (the fixture letter names none).
    expect(record.letter!.letter.whatHappened).toContain('was discovered on');
    expect(record.letter!.sha256).toBe(createHash('sha256').update(record.letter!.text).digest('hex'));
    expect(record.notification).toMatchObject({ letters: 1, emails: 1, returned: 0, substituted: 0 });
    expect(record.deadlines[0]).toMatchObject({ paragraph: '5 FAM 468.3b(1)', status: 'met' });
    expect(record.deadlines.some((d) => d.name.startsWith('notification-prep'))).toBe(true);
    expect(record.closure).toMatchObject({ signedOffBy: 'ips-director', archive: { status: 'pending' } });
    // After filing, the query's record says where it went.
    const after = caseRecordSchema.parse(await handle.query(caseRecordQuery));
    expect(after.closure.archive).toMatchObject({ status: 'filed', reference: `rcv-${call.seq}` });
    expect(after.phase).toBe('closed');
    expect(phases(await stateOf(handle)).slice(-2)).toEqual(['archiving', 'closed']);

    const ppgb = await f.mail.waitFor(
      (m) => m.subject.includes(incidentId) && m.subject.includes('comprehensive report'),
    );
    expect(ppgb.text).toContain('submit-analysis');
    expect(ppgb.text).toContain('Deadlines');
    for (const pii of ['Robin Reporter', 'robin.reporter@state.example', 'Sam Supervisor'])
      expect(ppgb.text).not.toContain(pii);
  });

  it('468.7: an archive that refuses keeps the case in archiving, escalates to the SAOP and the Privacy Division; record-filed closes it', async () => {
    // Ended when the test ends, whatever its result: a programmed failure left on would fail the next test's archive.
    onTestFinished(f.receiver.failWhile('/recordsArchive', () => true, 400));
    const { handle, incidentId } = await report(f);
    await signedOff(handle);
    const state = await waitForState(
      handle,
      (s) => s.timeline.some((t) => t.event === 'record-not-filed') && s.awaiting !== null,
      'escalation',
    );
    expect(state.phase).toBe('archiving');
    expect(state.awaiting).toMatchObject({ role: 'privacyDivision', kinds: ['record-filed'] });
    const escalation = await f.mail.waitFor(
      (m) => m.subject.includes(incidentId) && m.subject.includes('case record is not filed'),
    );
    expect(escalation.envelope.to).toEqual(expect.arrayContaining(['privacy.division@state.example']));
    expect(escalation.envelope.to.length).toBeGreaterThan(1);
    // Not any role: the Privacy Division records the filing.
    expect(
      await refused(decide(handle, 'ips-director', { kind: 'record-filed', reference: 'ERMS 2026-0001' })),
    ).toContain('privacyDivision');
    await skip(f, 2 * DAY);
    expect((await stateOf(handle)).phase).toBe('archiving');
    await decide(handle, 'privacy-division', { kind: 'record-filed', reference: 'ERMS 2026-0001' });
    const summary = await finished(f, handle);
    expect(await leftInFlight(handle)).toEqual([]);
    expect(summary.archiveRecordId).toBe('ERMS 2026-0001');
    const record = caseRecordSchema.parse(await handle.query(caseRecordQuery));
    expect(record.closure.archive).toMatchObject({
      status: 'filed-by-hand',
      reference: 'ERMS 2026-0001',
      filedBy: 'privacy-division',
    });
    expect(record.escalations.map((e) => e.event)).toEqual(
      expect.arrayContaining(['case-record-refused', 'record-not-filed']),
    );
  });

  it('468.7: an archive that is down is retried; when it comes back within the escalation time the case closes with no escalation', async () => {
    let down = true;
    // Ended when the test ends, whatever its result: a programmed failure left on would fail the next test's archive.
    onTestFinished(f.receiver.failWhile('/recordsArchive', () => down, 503));
    const { handle } = await report(f);
    await signedOff(handle);
    await waitForPhase(handle, 'archiving');
    await skip(f, DAY);
    expect((await stateOf(handle)).phase).toBe('archiving');
    down = false;
    const summary = await finished(f, handle);
    expect(await leftInFlight(handle)).toEqual([]);
    expect(summary.archiveRecordId).toMatch(/^rcv-/);
    expect((await stateOf(handle)).timeline.map((t) => t.event)).not.toContain('record-not-filed');
  });

  it('record-filed is refused outside archiving', async () => {
    const { handle } = await report(f);
    await waitForPhase(handle, 'triage');
    expect(await refused(decide(handle, 'privacy-division', { kind: 'record-filed', reference: 'x' }))).toContain(
      'archiving',
    );
  });
});

describe('468.6-1: what the letter says', () => {
  freshFixture();
  it("468.6-1a(1): a date that contradicts the incident is refused; the incident's dates are accepted", async () => {
    const { handle } = await report(f);
    await toLetter(handle, { reconcileRoster: true });
    const roster = { url: rosterUrl, count: 2 };
    const wrong = await refused(
      decide(handle, 'notification-official', {
        kind: 'approve-letter',
        letter: { ...LETTER, whatHappened: 'On 1 March 2020 a laptop was stolen.' },
        roster,
      }),
    );
    expect(wrong).toContain('letter.whatHappened');
    expect(wrong).toContain('2020-03-01');
    const discovered = (await stateOf(handle)).discoveredAt.slice(0, 10);
    await decide(handle, 'notification-official', {
      kind: 'approve-letter',
      letter: { ...LETTER, whatHappened: `On ${discovered} we discovered that a laptop was stolen.` },
      roster,
    });
    await waitForPhase(handle, 'remediation');
  });

  it('468.6-1a(5): with SSNs or passport data, the letter needs fraud alert and credit freeze steps', async () => {
    const { handle } = await report(f, { piiTypes: ['ssn-or-passport-number'] });
    await toLetter(handle, { reconcileRoster: true });
    const message = await refused(
      decide(handle, 'notification-official', {
        kind: 'approve-letter',
        letter: { ...LETTER, protectiveSteps: 'Watch your accounts.' },
        roster: { url: rosterUrl, count: 2 },
      }),
    );
    expect(message).toContain('letter.protectiveSteps');
    expect(message).toContain('468.6-1a(5)');
  });

  it('468.6-1b: credit protection chosen: the letter must carry the offer, and every person gets the same one', async () => {
    const { handle, incidentId } = await report(f);
    await toLetter(handle, { options: ['notify-individuals', 'credit-protection'], reconcileRoster: true });
    const roster = { url: rosterUrl, count: 2 };
    expect(
      await refused(decide(handle, 'notification-official', { kind: 'approve-letter', letter: LETTER, roster })),
    ).toContain('letter.creditProtectionOffer');
    const offer = 'Eighteen months of credit monitoring and identity restoration, at no cost to you.';
    await decide(handle, 'notification-official', {
      kind: 'approve-letter',
      letter: { ...LETTER, creditProtectionOffer: offer },
      roster,
    });
    await waitForPhase(handle, 'remediation');
    const email = await f.mail.waitFor(
      (m) => m.envelope.to.includes('ben.email@public.example') && m.subject.includes(incidentId),
    );
    expect(email.text).toContain(offer);
    const letters = f.receiver
      .calls('/mailVendor')
      .filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId);
    expect(JSON.stringify(letters[0]!.body)).toContain(offer);
  });

  it('468.6-1b: an offer the CRG did not choose is refused', async () => {
    const { handle } = await report(f);
    await toLetter(handle, { reconcileRoster: true });
    expect(
      await refused(
        decide(handle, 'notification-official', {
          kind: 'approve-letter',
          letter: { ...LETTER, creditProtectionOffer: 'Monitoring.' },
          roster: { url: rosterUrl, count: 2 },
        }),
      ),
    ).toContain('did not choose');
  });
});

describe('468.6-3: delays', () => {
  freshFixture();
  const shortReview = () => ({ ...f.playbook, timers: { ...f.playbook.timers, maxDelayWithoutReview: '3d' } });

  it('468.6-3a: a delay beyond maxDelayWithoutReview holds at the limit until the PPGB Chair acknowledges it; reason and entity are kept', async () => {
    const { handle } = await report(f, {}, shortReview());
    await toLetter(handle, { reconcileRoster: true });
    const now = await f.env.currentTimeMs();
    const far = new Date(now + 10 * DAY).toISOString();
    let state = await decide(handle, 'ds-investigations', {
      kind: 'request-delay',
      requestingEntity: 'FBI',
      reason: 'Undercover operation.',
      notifyAfter: far,
    });
    expect(state.delay).toMatchObject({
      requestingEntity: 'FBI',
      reason: 'Undercover operation.',
      pendingReview: { notifyAfter: far },
    });
    expect(Date.parse(state.delay!.notifyAfter)).toBeLessThanOrEqual(now + 3 * DAY + 60_000);
    expect(await refused(decide(handle, 'under-secretary', { kind: 'acknowledge-delay', rationale: 'x' }))).toContain(
      'ppgbChair',
    );
    state = await decide(handle, 'ppgb-chair', {
      kind: 'acknowledge-delay',
      rationale: 'The risk is not unduly increased: the data was recovered.',
    });
    expect(state.delay).toMatchObject({ notifyAfter: far, pendingReview: null });
    expect(await refused(decide(handle, 'ppgb-chair', { kind: 'acknowledge-delay', rationale: 'again' }))).toContain(
      'no delay waits',
    );
    const record = caseRecordSchema.parse(await handle.query(caseRecordQuery));
    expect(record.delays[0]).toMatchObject({
      kind: 'request-delay',
      requestingEntity: 'FBI',
      reason: 'Undercover operation.',
    });
  });

  it('468.6-3a: without the acknowledgement, notification goes ahead at the limit', async () => {
    const { handle } = await report(f, {}, shortReview());
    await toLetter(handle, { reconcileRoster: true });
    const now = await f.env.currentTimeMs();
    await decide(handle, 'ds-investigations', {
      kind: 'request-delay',
      requestingEntity: 'DS/ICI',
      reason: 'Investigation.',
      notifyAfter: new Date(now + 20 * DAY).toISOString(),
    });
    await decide(handle, 'notification-official', {
      kind: 'approve-letter',
      letter: LETTER,
      roster: { url: rosterUrl, count: 2 },
    });
    await waitForPhase(handle, 'notification-delayed');
    await skip(f, 3 * DAY + 60_000);
    const state = await waitForPhase(handle, 'remediation');
    expect(state.timeline.map((t) => t.event)).toContain('delay-ended');
    expect(state.notification?.letters).toBe(1);
  });
});
