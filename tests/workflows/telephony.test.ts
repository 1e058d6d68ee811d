/**
 * 468.6-2c on the time-skipping server: with `immediate`, the people on the roster with a phone are
 * called through the playbook's telephony endpoint, one idempotency key per person; a provider outage
 * in the middle of the run is retried from the activity's checkpoint without a second key for anyone;
 * a number the provider refuses is counted as failed and the person keeps their other means.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
