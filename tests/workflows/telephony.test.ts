/**
 * 468.6-2c on the time-skipping server: with `immediate`, the people on the roster with a phone are
 * called through the playbook's telephony endpoint, one idempotency key per person; a provider outage
 * in the middle of the run is retried without a second key for anyone; a call that fails (refused, not
 * answered, the provider out through every attempt) falls to the person's next means, and the record
 * says which. Section 508 (468.6-2b): the letters and emails of the run name the playbook's TTY number.
 * The worker killed mid-run: tests/scale/telephony-crash.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_ATTEMPTS } from '../../activities/telephony.js';
import { LETTER, decide, report, startFixture, toLetter, waitForPhase, writeRoster, type Fixture } from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture('telephony');
});
afterAll(async () => {
  await f?.close();
});

describe('468.6-2c: immediate notice by telephone', () => {
  it('468.6-2c: each person with a phone is called once through the telephony endpoint, across a provider outage mid-run; a refused number is counted failed', async () => {
    const url = writeRoster('phones', [
      { name: 'Ada Phone', email: 'ada.phone@public.example', phone: '+1 703 555 0101' },
      { name: 'Ben NoPhone', email: 'ben.nophone@public.example' },
      { name: 'Cy Phone', postalAddress: '3 Elm St, Baltimore, MD 21201', phone: '+1 410 555 0103' },
      { name: 'Dee Refused', email: 'dee.refused@public.example', phone: '+1 000 555 0104' },
      { name: 'Eve Phone', phone: '+1 512 555 0105' },
    ]);
    const { handle, incidentId } = await report(f);
    // The provider is out once, at the second call (a retry from the checkpoint), and refuses Dee's number.
    let seen = 0;
    const remove = f.receiver.on('/telephony', (call) => {
      const body = call.body as { incidentId?: string; to?: string };
      if (body.incidentId !== incidentId) return undefined;
      seen += 1;
      if (seen === 2) return { status: 503 };
      if (body.to?.includes('000 555')) return { status: 422, body: { error: 'not a callable number' } };
      return undefined;
    });
    try {
      await toLetter(handle);
      await decide(handle, 'notification-official', {
        kind: 'approve-letter',
        letter: LETTER,
        roster: { url, count: 5 },
        immediate: true,
      });
      const state = await waitForPhase(handle, 'remediation', 60_000);
      const calls = f.receiver
        .calls('/telephony')
        .filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId);
      const delivered = calls.filter((c) => c.status < 300);
      const keys = new Set(delivered.map((c) => c.idempotencyKey));
      // One key per person with a phone, the same key on every attempt for that person.
      const keyOf = new Map<number, Set<string | undefined>>();
      for (const c of calls) {
        const line = (c.body as { line: number }).line;
        keyOf.set(line, (keyOf.get(line) ?? new Set()).add(c.idempotencyKey));
      }
      expect([...keyOf.keys()].sort()).toEqual([0, 2, 3, 4]);
      for (const set of keyOf.values()) expect(set.size).toBe(1);
      expect(keys.size).toBe(3);
      expect(state.telephoneNotice).toMatchObject({ called: 3, failed: 1 });
      expect((calls[0]!.body as { message: string }).message).toContain(LETTER.contact.tollFreePhone);
      // Dee's failed call falls to her next means: the email of the immediate run.
      await f.mail.waitFor((m) => m.envelope.to.includes('dee.refused@public.example'));
      expect(state.timeline.map((t) => t.event)).toContain('telephone-notice');
    } finally {
      remove();
    }
  });

  it('468.6-2c, 468.6-2a/b: a failed call falls to the next means: the email, else the letter, else the substitute notice; the record counts each', async () => {
    const url = writeRoster('fall-through', [
      { name: 'Ann Answered', email: 'ann@public.example', phone: '+1 703 555 0201' },
      {
        name: 'Bo NoAnswer',
        email: 'bo@public.example',
        postalAddress: '2 Oak St, Austin, TX 78701',
        phone: '+1 512 555 0202',
      },
      { name: 'Cal NotInService', postalAddress: '3 Elm St, Baltimore, MD 21201', phone: '+1 410 555 0203' },
      { name: 'Dot Refused', email: 'dot@public.example', phone: '+1 000 555 0204' },
      { name: 'Eli PhoneOnly', phone: '+1 202 555 0205' },
    ]);
    const { handle, incidentId } = await report(f);
    // Line 1 is not answered, line 2 is not in service, line 3 is refused, and the provider is out for
    // every attempt at line 4.
    const remove = f.receiver.on('/telephony', (call) => {
      const body = call.body as { incidentId?: string; line?: number };
      if (body.incidentId !== incidentId) return undefined;
      if (body.line === 1) return { status: 200, body: { id: 'c1', outcome: 'no-answer' } };
      if (body.line === 2) return { status: 200, body: { id: 'c2', outcome: 'not-in-service' } };
      if (body.line === 3) return { status: 422, body: { error: 'not a callable number' } };
      if (body.line === 4) return { status: 503 };
      return undefined;
    });
    try {
      await toLetter(handle);
      await decide(handle, 'notification-official', {
        kind: 'approve-letter',
        letter: LETTER,
        roster: { url, count: 5 },
        immediate: true,
      });
      const state = await waitForPhase(handle, 'remediation', 90_000);
      const calls = f.receiver
        .calls('/telephony')
        .filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId);
      // The provider out: every attempt for line 4, and no more.
      expect(calls.filter((c) => (c.body as { line: number }).line === 4)).toHaveLength(CALL_ATTEMPTS);
      expect(state.telephoneNotice).toMatchObject({
        called: 1,
        failed: 4,
        fellTo: { email: 2, letter: 1, substitute: 1 },
      });
      const entry = state.timeline.find((t) => t.event === 'telephone-notice');
      expect(entry?.detail).toContain('2 reached by email, 1 by letter, 1 counted into the substitute notice');
      // Each is reached by that means: Bo's and Dot's emails, Cal's letter, Eli in the substitute notice.
      await f.mail.waitFor((m) => m.envelope.to.includes('bo@public.example'));
      await f.mail.waitFor((m) => m.envelope.to.includes('dot@public.example'));
      const letters = f.receiver
        .calls('/mailVendor')
        .filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId)
        .flatMap((c) => (c.body as { letters: { line: number }[] }).letters);
      expect(letters.map((l) => l.line).sort()).toEqual([1, 2]);
      expect(state.notification).toMatchObject({ substituteNotice: true });
      expect(state.notification?.substituted ?? 0).toBeGreaterThanOrEqual(1);
    } finally {
      remove();
    }
  });

  it("468.6-2b (Section 508): the letters, emails and calls of a roster run name the playbook's TTY/relay number, not only 711", async () => {
    const tty = f.playbook.accessibility?.ttyRelay;
    expect(tty).toBeTruthy();
    const url = writeRoster('relay', [
      {
        name: 'Gus Mail',
        email: 'gus.relay@public.example',
        postalAddress: '7 Pine St, Denver, CO 80202',
        phone: '+1 303 555 0207',
      },
    ]);
    const { handle, incidentId } = await report(f);
    await toLetter(handle);
    await decide(handle, 'notification-official', {
      kind: 'approve-letter',
      letter: LETTER,
      roster: { url, count: 1 },
      immediate: true,
    });
    await waitForPhase(handle, 'remediation', 60_000);
    const email = await f.mail.waitFor((m) => m.envelope.to.includes('gus.relay@public.example'));
    expect(email.text).toContain(`call TTY ${tty}`);
    expect(email.html).toContain(`call TTY ${tty}`);
    const [letter] = f.receiver
      .calls('/mailVendor')
      .filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId)
      .flatMap((c) => (c.body as { letters: { body: string }[] }).letters);
    expect(letter?.body).toContain(`call TTY ${tty}`);
    const [call] = f.receiver
      .calls('/telephony')
      .filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId);
    expect((call?.body as { message: string }).message).toContain(`call TTY ${tty}`);
  });
});
