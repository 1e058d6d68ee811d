/**
 * On the time-skipping server: returned notices (468.6-2a/b) and a delay or bar that comes
 * while the letters go out (468.6-3), both directions.
 */
import { describe, expect, it } from 'vitest';
import { caseRecordSchema } from '../../domain/case-record.js';
import { caseRecordQuery, noticesReturnedSignal } from '../../workflows/messages.js';
import {
  DAY,
  LETTER,
  decide,
  report,
  toLetter,
  stateOf,
  waitForPhase,
  waitForState,
  writeRoster,
  type Fixture,
  skip,
  groupFixture,
} from './fixture.js';

let f: Fixture;

const vendorCalls = (incidentId: string) =>
  f.receiver.calls('/mailVendor').filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId);

/** A fixture of its own for each group of tests (fixture.ts groupFixture). */
const freshFixture = () => groupFixture('returns', (fixture) => (f = fixture));

describe('468.6-2a/b: notices that came back', () => {
  freshFixture();
  it('468.6-2a: a returned letter goes again by email; with no means left, the substitute notice is posted, then updated with the new count', async () => {
    const url = writeRoster('returns', [
      { name: 'Ada Letter', postalAddress: '1 Main St, Springfield, VA 22150' },
      { name: 'Ben Email', email: 'ben.email@public.example' },
      { name: 'Cy Both', email: 'cy.both@public.example', postalAddress: '2 Oak Ave, Arlington, VA 22201' },
      { name: 'Dee Letter', postalAddress: '3 Elm St, Fairfax, VA 22030' },
    ]);
    const { handle, incidentId } = await report(f);
    await toLetter(handle, { reconcileRoster: true });
    await decide(handle, 'notification-official', {
      kind: 'approve-letter',
      letter: LETTER,
      roster: { url, count: 4 },
    });
    let state = await waitForPhase(handle, 'remediation');
    expect(state.notification).toMatchObject({ letters: 3, emails: 1, substituteNotice: false });

    await handle.signal(noticesReturnedSignal, {
      returns: [
        { line: 0, means: 'letter', reason: 'moved' },
        { line: 2, means: 'letter', reason: 'undeliverable' },
        { line: 1, means: 'email', reason: 'bounced' },
      ],
    });
    state = await waitForState(
      handle,
      (s) => (s.notification?.substituted ?? 0) === 2 && s.notification?.substituteNotice === true,
      'resend',
    );
    expect(state.notification).toMatchObject({ returned: 3, resent: 1, substituted: 2 });
    const again = await f.mail.waitFor(
      (m) => m.envelope.to.includes('cy.both@public.example') && m.subject.includes(incidentId),
    );
    expect(again.text).toContain('Cy Both');
    await f.receiver.waitFor(
      (c) => c.path === '/webPosting' && (c.body as { incidentId?: string }).incidentId === incidentId,
      60_000,
    );
    let postings = f.receiver
      .calls('/webPosting')
      .filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId);
    expect(postings).toHaveLength(1);
    expect(JSON.stringify(postings[0]!.body)).toContain('2 people');

    // The same return twice is counted once; a new one updates the posting.
    await handle.signal(noticesReturnedSignal, {
      returns: [
        { line: 0, means: 'letter', reason: 'moved' },
        { line: 3, means: 'letter', reason: 'deceased' },
      ],
    });
    state = await waitForState(handle, (s) => (s.notification?.substituted ?? 0) === 3, 'update');
    expect(state.notification).toMatchObject({ returned: 4, substituted: 3 });
    // The state counts the return as it arrives; the posting's update is a call after it.
    await f.receiver.waitFor(
      (c) =>
        c.path === '/webPosting' &&
        (c.body as { incidentId?: string }).incidentId === incidentId &&
        (c.body as { revision?: number }).revision === 1,
      60_000,
    );
    postings = f.receiver
      .calls('/webPosting')
      .filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId);
    expect(postings).toHaveLength(2);
    expect(postings[1]!.body).toMatchObject({ revision: 1 });
    expect(JSON.stringify(postings[1]!.body)).toContain('3 people');
    const record = caseRecordSchema.parse(await handle.query(caseRecordQuery));
    expect(record.notification).toMatchObject({ returned: 4, resent: 1, substituted: 3, substituteNotice: true });
    // Lines and counts only: nothing of the people in the state the workflow keeps.
    expect(JSON.stringify(await stateOf(handle))).not.toMatch(/Ada|Cy Both|Oak Ave|cy\.both/);
  });

  it('468.6-2a/b: an email refused during the run keeps its line: a later bounce or returned letter for the same person counts them once; a bounce after delivery goes to the letter they got, else to the substitute notice', async () => {
    // Immediate notice: a letter and an email to whoever has both (468.6-2c). `.invalid` addresses are
    // refused at RCPT TO by the SMTP server (550), as a domain that cannot exist is.
    const url = writeRoster('refused', [
      { name: 'Eve Gone', email: 'eve@gone.invalid' },
      { name: 'Fay Both', email: 'fay@gone.invalid', postalAddress: '5 Pine St, Springfield, VA 22150' },
      { name: 'Gus Email', email: 'gus.email@public.example' },
      { name: 'Hal Both', email: 'hal.both@public.example', postalAddress: '6 Birch St, Springfield, VA 22150' },
    ]);
    const { handle, incidentId } = await report(f);
    await toLetter(handle, { reconcileRoster: true });
    await decide(handle, 'notification-official', {
      kind: 'approve-letter',
      letter: LETTER,
      roster: { url, count: 4 },
      immediate: true,
    });
    let state = await waitForPhase(handle, 'remediation');
    expect(state.notification).toMatchObject({
      letters: 2,
      emails: 2,
      returned: 2,
      substituted: 1,
      substituteNotice: true,
    });

    // Eve's bounce reported again, and Fay's letter returned: Eve is no news; Fay has no means left.
    await handle.signal(noticesReturnedSignal, {
      returns: [
        { line: 0, means: 'email', reason: 'bounced' },
        { line: 1, means: 'letter', reason: 'moved' },
      ],
    });
    state = await waitForState(handle, (s) => (s.notification?.substituted ?? 0) === 2, 'Fay to the substitute notice');
    expect(state.notification).toMatchObject({ returned: 3, resent: 0, substituted: 2 });
    // Bounces after delivery: Gus (email only) to the substitute notice; Hal still reached by his letter.
    await handle.signal(noticesReturnedSignal, {
      returns: [
        { line: 2, means: 'email', reason: 'bounced' },
        { line: 3, means: 'email', reason: 'mailbox-unavailable' },
      ],
    });
    state = await waitForState(
      handle,
      (s) =>
        (s.notification?.returned ?? 0) === 5 && s.timeline.filter((t) => t.event === 'notices-resent').length === 2,
      'the bounces',
    );
    expect(state.notification).toMatchObject({ returned: 5, resent: 0, substituted: 3 });
    const postings = f.receiver
      .calls('/webPosting')
      .filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId);
    expect(postings.map((p) => JSON.stringify(p.body).match(/(\d+) (?:people|person)\b/)?.[1])).toEqual([
      '1',
      '2',
      '3',
    ]);
    expect(JSON.stringify(await stateOf(handle))).not.toMatch(/Eve|Fay|gone\.invalid|Pine St/);
  });

  it('468.6-2a/b: an email sent again after a returned letter and refused at once goes to the substitute notice; its later bounce is no news', async () => {
    const url = writeRoster('refused-again', [
      { name: 'Ivy Moved', email: 'ivy@gone.invalid', postalAddress: '7 Cedar St, Springfield, VA 22150' },
    ]);
    const { handle } = await report(f);
    await toLetter(handle, { reconcileRoster: true });
    await decide(handle, 'notification-official', {
      kind: 'approve-letter',
      letter: LETTER,
      roster: { url, count: 1 },
    });
    let state = await waitForPhase(handle, 'remediation');
    expect(state.notification).toMatchObject({ letters: 1, emails: 0, substituteNotice: false });
    await handle.signal(noticesReturnedSignal, { returns: [{ line: 0, means: 'letter', reason: 'moved' }] });
    state = await waitForState(handle, (s) => s.notification?.substituteNotice === true, 'the substitute notice');
    // The letter came back (1) and the email sent again was refused (1): one person, substituted once.
    expect(state.notification).toMatchObject({ returned: 2, resent: 0, substituted: 1 });
    await handle.signal(noticesReturnedSignal, {
      returns: [
        { line: 0, means: 'email', reason: 'bounced' },
        { line: 0, means: 'letter', reason: 'moved' },
      ],
    });
    state = await waitForState(
      handle,
      (s) => s.timeline.filter((t) => t.event === 'notices-returned').length === 2,
      'the repeat',
    );
    expect(state.notification).toMatchObject({ returned: 2, resent: 0, substituted: 1 });
  });

  it('468.6-2a: returns before any notice went out are ignored and recorded', async () => {
    const { handle } = await report(f);
    await waitForPhase(handle, 'triage');
    await handle.signal(noticesReturnedSignal, { returns: [{ line: 0, means: 'letter', reason: 'moved' }] });
    const state = await waitForState(
      handle,
      (s) => s.timeline.some((t) => t.event === 'notices-returned-ignored'),
      'ignored',
    );
    expect(state.notification).toBeNull();
  });
});

describe('468.6-3: a delay or bar while the letters go out', () => {
  freshFixture();
  const slow = () => ({ ...f.playbook, notification: { batchSize: 2, parallelBatches: 1, ratePerSecond: 4 } });
  const people = Array.from({ length: 24 }, (_, i) => ({
    name: `Person ${i}`,
    postalAddress: `${i} Main St, Springfield, VA 22150`,
  }));

  it('468.6-3b: a bar pauses the run at its next batch boundary; nothing more is sent until the security liaison lifts it', async () => {
    const url = writeRoster('bar', people);
    const { handle, incidentId } = await report(f, {}, slow());
    await toLetter(handle, { reconcileRoster: true });
    await decide(handle, 'notification-official', {
      kind: 'approve-letter',
      letter: LETTER,
      roster: { url, count: people.length },
    });
    await waitForPhase(handle, 'notifying');
    const until = Date.now() + 20_000;
    while (vendorCalls(incidentId).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await decide(handle, 'ds-investigations', { kind: 'bar-notification', reason: 'Recovery of the data under way.' });
    const state = await waitForPhase(handle, 'notification-delayed');
    expect(state.awaiting).toMatchObject({ role: 'securityLiaison', kinds: ['lift-delay'] });
    await new Promise((r) => setTimeout(r, 2_000));
    const atPause = vendorCalls(incidentId).length;
    await skip(f, 10 * DAY);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(vendorCalls(incidentId).length).toBe(atPause);
    expect(atPause).toBeLessThan(people.length / 2);
    await decide(handle, 'ds-investigations', { kind: 'lift-delay' });
    const done = await waitForPhase(handle, 'remediation', 60_000);
    expect(done.notification).toMatchObject({ letters: people.length, processed: people.length });
    const events = done.timeline.map((t) => t.event);
    expect(events).toEqual(expect.arrayContaining(['notification-paused', 'notification-resumed']));
  });

  it('468.6-3a: a delay while sending pauses the run and resumes it when its date passes', async () => {
    const url = writeRoster('delay', people);
    const { handle, incidentId } = await report(f, {}, slow());
    await toLetter(handle, { reconcileRoster: true });
    await decide(handle, 'notification-official', {
      kind: 'approve-letter',
      letter: LETTER,
      roster: { url, count: people.length },
    });
    await waitForPhase(handle, 'notifying');
    const until = Date.now() + 20_000;
    while (vendorCalls(incidentId).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const now = await f.env.currentTimeMs();
    await decide(handle, 'ds-investigations', {
      kind: 'request-delay',
      requestingEntity: 'FBI',
      reason: 'Arrest pending.',
      notifyAfter: new Date(now + 2 * DAY).toISOString(),
    });
    await waitForPhase(handle, 'notification-delayed');
    await new Promise((r) => setTimeout(r, 1_500));
    const atPause = vendorCalls(incidentId).length;
    expect(atPause).toBeLessThan(people.length / 2);
    // Time passes on this server only while a test sleeps: the delay's date comes and goes.
    await skip(f, 2 * DAY + 60_000);
    const done = await waitForPhase(handle, 'remediation', 60_000);
    expect(done.notification).toMatchObject({ letters: people.length });
    expect(done.timeline.map((t) => t.event)).toEqual(
      expect.arrayContaining(['notification-paused', 'delay-ended', 'notification-resumed']),
    );
  });
});
