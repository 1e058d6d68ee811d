/**
 * 468.6-2b on the time-skipping server: the substitute notice in the media names the areas where the
 * people affected likely live (the states of the roster's postal addresses, with their counts), and is
 * sent again when the substitute count changes, as the web posting is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseRecordQuery, noticesReturnedSignal } from '../../workflows/messages.js';
import { LETTER, decide, report, startFixture, toLetter, waitForState, writeRoster, type Fixture } from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture('media-notice');
});
afterAll(async () => {
  await f?.close();
});

describe('468.6-2b: the substitute notice in the media', () => {
  it('468.6-2b: a roster over several states gives one media notice listing each state with its count; a new substitute count sends it again', async () => {
    const url = writeRoster('states', [
      { name: 'Ada Letter', postalAddress: '1 Main St, Springfield, VA 22150' },
      { name: 'Ben Letter', postalAddress: '2 Oak Ave, Arlington, VA 22201' },
      { name: 'Cy Letter', postalAddress: '3 Elm St, Baltimore, MD 21201' },
      { name: 'Dee Letter', postalAddress: '4 Pine St, Austin TX 78701-1234' },
      { name: 'Eve Abroad', postalAddress: '10 Rue de Rivoli, 75001 Paris, France' },
      { name: 'Fay Nobody' },
      { name: 'Gus Nobody' },
    ]);
    // The roster is everyone affected: under the duty rules a roster short of the reported count would put
    // the shortfall into the substitute notice too (468.6-2b, workflows/duty-flow.ts `countUnreached`).
    const { handle, incidentId } = await report(f, { affectedCount: 7 });
    await toLetter(handle);
    await decide(handle, 'notification-official', {
      kind: 'approve-letter',
      letter: LETTER,
      roster: { url, count: 7 },
    });
    await waitForState(handle, (s) => (s.mediaNotice?.sent ?? 0) === 1, 'the media notice');
    const calls = () =>
      f.receiver.calls('/mediaRelease').filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId);
    expect(calls()).toHaveLength(1);
    expect(calls()[0]!.body).toMatchObject({
      affectedCount: 2,
      tollFreePhone: LETTER.contact.tollFreePhone,
      areas: [
        { area: 'VA', count: 2 },
        { area: 'MD', count: 1 },
        { area: 'TX', count: 1 },
        { area: 'no usable address', count: 3 },
      ],
    });
    expect((calls()[0]!.body as { text: string }).text).toContain(LETTER.contact.tollFreePhone);
    expect(JSON.stringify(calls()[0]!.body)).not.toMatch(/Ada|Main St|Fay/);

    // Cy's letter comes back with no other means left: the count changes, the media notice goes again.
    await handle.signal(noticesReturnedSignal, { returns: [{ line: 2, means: 'letter', reason: 'moved' }] });
    const state = await waitForState(handle, (s) => (s.mediaNotice?.sent ?? 0) === 2, 'the media notice again');
    expect(calls()).toHaveLength(2);
    expect(calls()[1]!.body).toMatchObject({ revision: 1, affectedCount: 3 });
    expect(calls()[1]!.idempotencyKey).not.toBe(calls()[0]!.idempotencyKey);
    expect(state.timeline.map((t) => t.event)).toEqual(
      expect.arrayContaining(['media-notice-sent', 'media-notice-updated']),
    );
    // The record keeps both: the web posting and the media notice.
    const record = (await handle.query(caseRecordQuery)) as unknown as Record<string, unknown>;
    expect(record.mediaNotice).toMatchObject({ affectedCount: 3, sent: 2 });
    expect(record.notification).toMatchObject({ substituteNotice: true, substituted: 3 });
  });
});
