/**
 * The mail a timer brings goes as a local activity (workflows/activities.ts `timedMail`): a gate's
 * reminders and its escalation (5 FAM 468.2a) are each one marker in the workflow task their timer woke,
 * not an activity on the task queue; and when that one local attempt fails, the mail still goes, as the
 * activity with its retries. On the time-skipping server, with the real SMTP receiver.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  DAY,
  groupFixture,
  report,
  skip,
  waitForPhase,
  waitForState,
  type Fixture,
  type IncidentHandle,
} from './fixture.js';

interface Marker {
  markerName?: string | null;
  details?: Record<string, { payloads?: { data?: Uint8Array | null }[] | null }> | null;
}

/** The activity types of the local activities a history ran, from their markers' data (plain JSON from the SDK's core). */
async function localActivities(handle: IncidentHandle): Promise<string[]> {
  const { events } = await handle.fetchHistory();
  return (events ?? []).flatMap((e) => {
    const marker = e.markerRecordedEventAttributes as Marker | null | undefined;
    if (marker?.markerName !== 'core_local_activity') return [];
    const data = marker.details?.data?.payloads?.[0]?.data;
    return data ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string }).activity_type] : [];
  });
}

/** How many sendNotice activities a history scheduled on the task queue. */
async function queuedNotices(handle: IncidentHandle): Promise<number> {
  const { events } = await handle.fetchHistory();
  return (events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendNotice')
    .length;
}

describe('a healthy mail server', () => {
  let f: Fixture;
  groupFixture('timed-mail', (mine) => (f = mine));

  it("468.2a: a stalled gate's reminders and escalation each go as a local activity; only its first ask is an activity on the queue", async () => {
    const { handle, incidentId } = await report(f);
    await waitForPhase(handle, 'triage');
    const asked = await queuedNotices(handle);
    await skip(f, 5 * DAY + 60_000);
    await waitForState(
      handle,
      (s) =>
        s.timeline.filter((t) => t.event === 'reminder:ipsDirector').length >= 2 &&
        s.timeline.some((t) => t.event === 'escalated:ipsDirector'),
      'two reminders and the escalation',
    );
    await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.subject.includes('Reminder 2'));
    const escalation = await f.mail.waitFor(
      (m) => m.subject.includes(incidentId) && m.subject.includes('ESCALATION to the SAOP'),
    );
    expect(escalation.envelope.to).toContain('ppgb.chair@state.example');
    const local = await localActivities(handle);
    // Every reminder and the escalation: at least three, each a sendNotice, none of them on the queue.
    expect(local.length).toBeGreaterThanOrEqual(3);
    expect(new Set(local)).toEqual(new Set(['sendNotice']));
    expect(await queuedNotices(handle)).toBe(asked);
  });
});

describe('a local attempt that fails', () => {
  let f: Fixture;
  let localFailures = 0;
  groupFixture('timed-mail-fallback', (mine) => (f = mine), {
    // A mail server that does not answer the local attempt (its one try in the workflow task) and answers after.
    activities: (real) => ({
      ...real,
      sendNotice: async (input) => {
        if (Context.current().info.isLocal) {
          localFailures += 1;
          throw ApplicationFailure.retryable('the mail server did not answer (test)', 'MailNotSent');
        }
        return real.sendNotice(input);
      },
    }),
  });

  it('468.2a: a reminder whose local attempt fails still goes, as the activity, and the timeline records no failure', async () => {
    const { handle, incidentId } = await report(f);
    await waitForPhase(handle, 'triage');
    const asked = await queuedNotices(handle);
    await skip(f, DAY + 60_000);
    await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.subject.includes('Reminder 1'));
    const state = await waitForState(
      handle,
      (s) => s.timeline.some((t) => t.event === 'reminder:ipsDirector'),
      'the reminder',
    );
    expect(state.timeline.filter((t) => t.event.startsWith('failed:'))).toEqual([]);
    expect(localFailures).toBeGreaterThanOrEqual(1);
    // The failed local attempt is in the history, and the reminder went as an activity beside the ask.
    expect(await localActivities(handle)).toContain('sendNotice');
    expect(await queuedNotices(handle)).toBeGreaterThan(asked);
  });
});
