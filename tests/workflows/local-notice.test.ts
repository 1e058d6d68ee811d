/**
 * A notice no one waits on goes as a local activity (workflows/activities.ts `mail`): the triage gate's
 * ask once the report is delivered, a gate's reminders and its escalation (5 FAM 468.2a) are each one
 * marker in their workflow task, not an activity on the task queue; the ask that comes with a decision
 * stays an activity, so the decision's answer never waits for the mail server; and when the one local
 * attempt fails, the notice still goes, as the activity with its retries. On the time-skipping server,
 * with the real SMTP receiver.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  DAY,
  decide,
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
  groupFixture('local-notice', (mine) => (f = mine));

  it("468.2a: the triage ask after the report, a stalled gate's reminders and its escalation each go as a local activity; the ask a decision brings goes as an activity", async () => {
    const { handle, incidentId } = await report(f);
    await waitForPhase(handle, 'triage');
    await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.subject.includes('decision needed'));
    // The intake notices are one sendNotices activity and the ask a local one: no sendNotice on the queue.
    // A local notice's marker is recorded when its workflow task completes, after the mail has gone.
    await expect.poll(() => localActivities(handle)).toEqual(['sendNotice']);
    expect(await queuedNotices(handle)).toBe(0);
    await skip(f, 5 * DAY + 60_000);
    const stalled = await waitForState(
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
    // The ask and every reminder and escalation the timeline records, once their markers are in.
    const told = stalled.timeline.filter((t) => /^(reminder|escalated):ipsDirector$/.test(t.event)).length + 1;
    await expect.poll(async () => (await localActivities(handle)).length).toBeGreaterThanOrEqual(told);
    const local = await localActivities(handle);
    // The ask, every reminder and the escalation: at least four, each a sendNotice, none of them on the queue.
    expect(local.length).toBeGreaterThanOrEqual(4);
    expect(new Set(local)).toEqual(new Set(['sendNotice']));
    expect(await queuedNotices(handle)).toBe(0);

    // A decision's answer goes with its workflow task: what the decisions bring (the CRG told, the analysis asked) is queued.
    await decide(handle, 'ips-director', { kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' });
    await decide(handle, 'ips-director', { kind: 'convene-crg', convene: true, rationale: 'Passport numbers.' });
    await waitForPhase(handle, 'analysis');
    await f.mail.waitFor(
      (m) => m.subject.includes(incidentId) && m.subject.includes('decision needed (submit-analysis'),
    );
    expect(await queuedNotices(handle)).toBeGreaterThanOrEqual(1);
    expect(await localActivities(handle)).toHaveLength(local.length);
  });
});

describe('a local attempt that fails', () => {
  let f: Fixture;
  let localFailures = 0;
  groupFixture('local-notice-fallback', (mine) => (f = mine), {
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
    // The triage ask's local attempt failed too: it went as the activity.
    await f.mail.waitFor((m) => m.subject.includes(incidentId) && m.subject.includes('decision needed'));
    const asked = await queuedNotices(handle);
    expect(asked).toBe(1);
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
