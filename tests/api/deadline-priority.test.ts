/**
 * The one-hour report goes ahead of the mail: on the dev server, the report's
 * activity task carries Temporal task priority 1 and the notices queued beside it the default, so under
 * a burst the matching service hands the report to the next free activity slot first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentWorkflowId } from '../../domain/ids.js';
import { aReport, call, startApiFixture, waitForPhase, type ApiFixture } from './fixture.js';

let f: ApiFixture;

beforeAll(async () => {
  f = await startApiFixture();
});

afterAll(async () => {
  await f?.close();
});

async function scheduled(incidentId: string) {
  const { events } = await f.env.client.workflow.getHandle(incidentWorkflowId(incidentId)).fetchHistory();
  return (events ?? [])
    .filter((e) => e.activityTaskScheduledEventAttributes)
    .map((e) => ({
      type: e.activityTaskScheduledEventAttributes!.activityType?.name,
      priority: e.activityTaskScheduledEventAttributes!.priority?.priorityKey ?? 0,
    }));
}

describe('work with a legal deadline first', () => {
  it('468.3b(1): the one-hour report to US-CERT is scheduled at task priority 1, the notices beside it at the default', async () => {
    const res = await call(f.app, { method: 'POST', url: '/incidents', body: aReport() });
    expect(res.status).toBe(202);
    const { incidentId } = res.json as { incidentId: string };
    await waitForPhase(f.app, incidentId, 'triage');
    const activities = await scheduled(incidentId);
    const reports = activities.filter((a) => a.type === 'callEndpoint');
    const notices = activities.filter((a) => a.type === 'sendNotice' || a.type === 'sendNotices');
    expect(reports.length).toBe(1);
    expect(reports[0]!.priority).toBe(1);
    expect(notices.length).toBeGreaterThan(0);
    // 0: not set, the task queue's default (3).
    expect(notices.every((n) => n.priority === 0)).toBe(true);
  });

  it('468.3b(2): the OIG referral of a suspected criminal act is scheduled at task priority 1 too', async () => {
    const res = await call(f.app, { method: 'POST', url: '/incidents', body: aReport({ criminalActSuspected: true }) });
    expect(res.status).toBe(202);
    const { incidentId } = res.json as { incidentId: string };
    await waitForPhase(f.app, incidentId, 'triage');
    // The referral follows its mail to OIG/INV, in the background of the reporting phase.
    let reports = (await scheduled(incidentId)).filter((a) => a.type === 'callEndpoint');
    for (const until = Date.now() + 30_000; reports.length < 2 && Date.now() < until;) {
      await new Promise((r) => setTimeout(r, 200));
      reports = (await scheduled(incidentId)).filter((a) => a.type === 'callEndpoint');
    }
    expect(reports.length).toBe(2);
    expect(reports.every((r) => r.priority === 1)).toBe(true);
  });
});
