/**
 * Mass notification at the time-skipping server, with small rosters and small settings: batching,
 * per-person failures, resumption from heartbeat details, the rate limit, continue-as-new and the
 * incident's progress while the run goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentWorkflowId } from '../../domain/ids.js';
import { waitUntil } from '../../scripts/local/ports.js';
import { decideUpdate, incidentStateQuery, reportIntakeSignal } from '../../workflows/messages.js';
import { notifyWorkflowId, type NotifyRosterResult } from '../../workflows/notify-messages.js';
import type { breachIncidentWorkflow } from '../../workflows/incident.js';
import { FACTORS_HIGH, LETTER, aReport, testPlaybook } from '../workflows/fixture.js';
import {
  CONNECTIONS,
  eventsOfType,
  maxConcurrentActivities,
  rosterMail,
  runsOf,
  startRun,
  startScaleFixture,
  writeRoster,
  type ScaleFixture,
} from './fixture.js';

let f: ScaleFixture;
beforeAll(async () => {
  f = await startScaleFixture('notify');
});
afterAll(async () => {
  await f?.close();
});

const callsFor = (workflowId: string) =>
  f.receiver.calls('/mailVendor').filter((c) => c.idempotencyKey?.startsWith(`${workflowId}:`));

describe('batches', () => {
  it('cuts the roster into line ranges, at most parallelBatches at once; letters batched; a bad line is a failure and a refused address a return (468.6-2a), neither stops the run', async () => {
    f.smtp.reset();
    f.faults.rejectRecipient = (address) => (address === 'p19@roster.test' ? 550 : undefined);
    try {
      const url = writeRoster(23, (i) => {
        if (i === 3 || i === 11) return { postalAddress: `${i} Main St, Springfield, VA 22150`, email: '' };
        if (i === 7) return { email: '' };
        if (i === 15) return '{"name": "cut off';
        return {};
      });
      const handle = await startRun(f, { url, count: 23 }, { batchSize: 5, parallelBatches: 2 });
      const result: NotifyRosterResult = await handle.result();
      // Line 19's address refused (550): out of date, so returned and, with no letter going, counted for the substitute notice.
      expect(result).toMatchObject({
        processed: 23,
        letters: 2,
        emails: 18,
        substitute: 2,
        returned: 1,
        failed: 1,
        rosterLines: 23,
        runs: 1,
      });
      expect(result.failures.map((x) => x.line)).toEqual([15]);
      expect(JSON.stringify(result)).not.toContain('p19@');

      const [events] = await runsOf(f.client, handle.workflowId, handle.firstExecutionRunId);
      expect(eventsOfType(events!, 'activityTaskScheduledEventAttributes')).toHaveLength(5);
      expect(maxConcurrentActivities(events!)).toBe(2);
      expect(f.smtp.stats()).toMatchObject({ received: 18, distinct: 18, repeats: 0 });
      // Letters go by the line grid, one request per group, keyed by the group's first line.
      const letters = callsFor(handle.workflowId);
      expect(letters.map((c) => c.idempotencyKey!.split(':letters:')[1]).sort()).toEqual(['0', '10']);
      expect(letters.map((c) => (c.body as { letters: { line: number }[] }).letters.map((l) => l.line))).toEqual(
        expect.arrayContaining([[3], [11]]),
      );
    } finally {
      f.faults.rejectRecipient = undefined;
    }
  });

  it('a roster longer than declared is read to its end, and the real count reported', async () => {
    f.smtp.reset();
    const url = writeRoster(12);
    const handle = await startRun(f, { url, count: 4 }, { batchSize: 5, parallelBatches: 2 });
    const result = await handle.result();
    expect(result).toMatchObject({ processed: 12, emails: 12, rosterLines: 12 });
    expect(f.smtp.stats()).toMatchObject({ distinct: 12, repeats: 0 });
  });

  it('a roster that cannot be read fails the run with the reason', async () => {
    const handle = await startRun(f, { url: 'file:///nonexistent/roster.ndjson', count: 3 });
    await expect(handle.result()).rejects.toMatchObject({ cause: { type: 'RosterUnreadable' } });
  });
});

describe('crash safety and rate', () => {
  it('a batch that fails mid-way is retried from its heartbeat: every person reached, repeats within the messages in flight', async () => {
    f.smtp.reset();
    let failures = 0;
    // The 30th message gets a temporary error: the batch fails and Temporal retries it.
    f.faults.failMessage = (nth) => (nth === 30 && failures++ === 0 ? 421 : undefined);
    try {
      const url = writeRoster(40);
      const handle = await startRun(f, { url, count: 40 }, { batchSize: 40, parallelBatches: 1, ratePerSecond: 100 });
      const result = await handle.result();
      expect(result).toMatchObject({ processed: 40, emails: 40, failed: 0 });
      const stats = f.smtp.stats();
      expect(stats.distinct).toBe(40);
      const [events] = await runsOf(f.client, handle.workflowId, handle.firstExecutionRunId);
      const started = eventsOfType(events!, 'activityTaskStartedEventAttributes');
      expect(started.at(-1)!.activityTaskStartedEventAttributes!.attempt).toBe(2);
      // Restarting from the first line would repeat the 29 accepted before the failure. Resuming from
      // the heartbeat repeats only what was sent after the last checkpoint the server holds (at most
      // 100 ms old: 10 messages at this rate) and the emails in flight beside the failed one.
      console.log(
        `[scale] retried batch: ${stats.repeats} repeats (${CONNECTIONS} in flight, heartbeat at most 100 ms old)`,
      );
      expect(stats.repeats).toBeLessThanOrEqual(10 + CONNECTIONS);
    } finally {
      f.faults.failMessage = undefined;
    }
  });

  it('honours the playbook rate across parallel batches', async () => {
    f.smtp.reset();
    const url = writeRoster(30);
    const handle = await startRun(f, { url, count: 30 }, { batchSize: 15, parallelBatches: 2, ratePerSecond: 20 });
    await handle.result();
    const times = [...f.smtp.times()];
    expect(times).toHaveLength(30);
    // 30 messages at 20 a second, two batches: no one-second window holds more than the rate allows.
    for (let i = 0; i < times.length; i++) {
      const inSecond = times.filter((t) => t >= times[i]! && t < times[i]! + 1_000).length;
      // The rate, plus the messages the pooled transport may hold and hand over together on a busy machine.
      expect(inSecond).toBeLessThanOrEqual(20 + 5);
    }
  });
});

describe('continue-as-new, progress and the case record (the whole incident)', () => {
  it('a long run continues as new within its threshold; the incident shows progress while it runs and lists the failures in the case record', async () => {
    f.smtp.reset();
    const url = writeRoster(60, (i) => (i === 20 ? 'not json' : {}));
    const incidentId = `CAN${Date.now().toString(36)}`;
    const playbook = testPlaybook(f.receiver.url, {});
    // A short continue-as-new threshold and progress at every batch, set the way a deployment sets them: in the playbook.
    playbook.notification = {
      ratePerSecond: 60,
      batchSize: 3,
      parallelBatches: 2,
      continueAsNewAfter: 40,
      progressEvery: '1ms',
    };
    const now = await f.env.currentTimeMs();
    const handle = await f.client.workflow.signalWithStart<typeof breachIncidentWorkflow, [ReturnType<typeof aReport>]>(
      'breachIncidentWorkflow',
      {
        workflowId: incidentWorkflowId(incidentId),
        taskQueue: f.taskQueue,
        args: [{ incidentId, playbook, receivedAt: new Date(now).toISOString() }],
        signal: reportIntakeSignal,
        signalArgs: [{ ...aReport({}, now), incidentId }],
      },
    );
    const decide = (actorId: string, decision: Record<string, unknown>) =>
      handle.executeUpdate(decideUpdate, { args: [{ ...decision, actorId } as never] });
    await waitUntil(async () => (await handle.query(incidentStateQuery)).phase === 'triage', 'triage', 20_000, 30);
    await decide('ips-director', { kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' });
    await decide('ips-director', { kind: 'convene-crg', convene: true, rationale: 'Passport numbers.' });
    await decide('ips-director', {
      kind: 'submit-analysis',
      factors: FACTORS_HIGH,
      options: ['notify-individuals'],
      rationale: 'CRG analysis.',
    });
    await decide('ppgb-chair', {
      kind: 'ppgb-chair-decision',
      outcome: 'refer-to-under-secretary',
      rationale: 'To M.',
    });
    await decide('under-secretary', {
      kind: 'under-secretary-decision',
      outcome: 'approve-notification',
      rationale: 'Approved.',
    });
    await decide('notification-official', { kind: 'approve-letter', letter: LETTER, roster: { url, count: 60 } });

    // While it runs: progress in the state and in the UI's current details.
    const seen: number[] = [];
    let details = '';
    await waitUntil(
      async () => {
        const s = await handle.query(incidentStateQuery);
        if (s.phase === 'notifying' && s.notification?.processed) {
          seen.push(s.notification.processed);
          const meta = (await handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
          if ((meta.currentDetails ?? '').includes('people done')) details = meta.currentDetails!;
        }
        return s.phase === 'remediation';
      },
      'the end of notification',
      30_000,
      30,
    );
    expect(seen.some((n) => n > 0 && n < 60)).toBe(true);
    expect(details).toMatch(/\d+ of 60 people done, \d+ remaining/);

    const state = await handle.query(incidentStateQuery);
    expect(state.notification).toMatchObject({ emails: 59, failed: 1, processed: 60, total: 60 });
    expect(rosterMail(f.smtp)).toEqual({ received: 59, distinct: 59, repeats: 0 });

    // The runs: several, each under its threshold plus what lands after it: the batches still running
    // (6 events each) and, with a report after every batch here, their progress signals (5 each).
    const parent = await handle.fetchHistory();
    const childStarted = parent.events!.find(
      (e) => e.childWorkflowExecutionStartedEventAttributes,
    )!.childWorkflowExecutionStartedEventAttributes!;
    const runs = await runsOf(f.client, notifyWorkflowId(handle.workflowId), childStarted.workflowExecution!.runId!);
    expect(runs.length).toBeGreaterThan(2);
    // On a busy machine a few more progress reports may land before the run continues as new.
    for (const events of runs) expect(events.length).toBeLessThanOrEqual(40 + 2 * 6 + 6 * 5 + 5);
    // The incident's history grows by the progress reports, not by the batches.
    expect(eventsOfType(parent.events!, 'workflowExecutionSignaledEventAttributes').length).toBeLessThanOrEqual(
      runs.length + 25,
    );

    await decide('program-manager', { kind: 'complete-action-item', itemId: 'fact-finding', evidence: 'Filed.' });
    await decide('ips-director', { kind: 'sign-off-closure', rationale: 'Done.' });
    await handle.result();
    const record = await f.receiver.waitFor(
      (c) => c.path === '/recordsArchive' && (c.body as { incidentId?: string }).incidentId === incidentId,
    );
    const failures = (record.body as { notification: { failures: { line: number; reason: string }[] } }).notification
      .failures;
    expect(failures).toEqual([{ line: 20, reason: 'roster line 21: not valid JSON' }]);
  });
});
