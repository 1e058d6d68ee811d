/**
 * The scale tests' world at the time-skipping server: a worker with the real workflows and activities,
 * sending over a pooled transport to a counting SMTP receiver whose faults each test programs, and the
 * endpoint receiver standing in for the mail vendor and the other endpoints. Rosters are files written
 * per test; batch size, parallelism, rate and the continue-as-new threshold are made small per test.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { createMailTransport } from '../../activities/mailer.js';
import type { RosterEntry } from '../../domain/roster.js';
import { runsOf, type HistoryEvent } from '../../scripts/bench/notify-inspect.js';
import { startSmtpCounter, type SmtpCounter, type SmtpCounterOptions } from '../../scripts/bench/smtp-counter.js';
import { notifyRosterWorkflow } from '../../workflows/notify-roster.js';
import type { NotifyRosterInput } from '../../workflows/notify-messages.js';
import {
  createTestWorker,
  startHttpReceiver,
  startTimeSkippingEnv,
  type EndpointReceiver,
  type TestWorkflowEnvironment,
} from '../helpers/index.js';
import { LETTER, testPlaybook } from '../workflows/fixture.js';

export interface ScaleFixture {
  env: TestWorkflowEnvironment;
  client: Client;
  worker: Worker;
  smtp: SmtpCounter;
  /** The counter's faults: set and clear them per test. */
  faults: SmtpCounterOptions;
  receiver: EndpointReceiver;
  taskQueue: string;
  close(): Promise<void>;
}

/** Emails a batch keeps in flight (the pool's connections). */
export const CONNECTIONS = 2;

export async function startScaleFixture(name: string): Promise<ScaleFixture> {
  const env = await startTimeSkippingEnv();
  const faults: SmtpCounterOptions = {};
  const smtp = await startSmtpCounter({
    keepTimes: true,
    rejectRecipient: (address) => faults.rejectRecipient?.(address),
    failMessage: (nth) => faults.failMessage?.(nth),
  });
  const receiver = await startHttpReceiver();
  const mailer = createMailTransport({ smtpUrl: smtp.smtpUrl, maxConnections: CONNECTIONS });
  const taskQueue = `scale-${name}-${Math.random().toString(36).slice(2, 8)}`;
  const worker = await createTestWorker(env, {
    taskQueue,
    activities: createActivities({
      mailer,
      mailFrom: 'breach@test.example',
      publicUrl: 'http://localhost:3000',
      env: {},
    }),
    // As workers/main.ts: the server holds a checkpoint at most 100 ms old.
    workerOptions: { maxHeartbeatThrottleInterval: '100ms' },
  });
  const run = worker.run();
  return {
    env,
    client: env.client,
    worker,
    smtp,
    faults,
    receiver,
    taskQueue,
    async close() {
      worker.shutdown();
      await run.catch(() => undefined);
      mailer.close();
      await Promise.all([smtp.close(), receiver.close()]);
      await env.teardown();
    },
  };
}

/** A roster file: person i has an email `p<i>@roster.test` unless `shape` says otherwise. */
export function writeRoster(count: number, shape: (i: number) => Partial<RosterEntry> | string = () => ({})): string {
  const dir = mkdtempSync(join(tmpdir(), 'scale-roster-'));
  const file = join(dir, 'roster.ndjson');
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const custom = shape(i);
    lines.push(
      typeof custom === 'string'
        ? custom
        : JSON.stringify({ name: `Person ${i}`, email: `p${i}@roster.test`, ...custom }),
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return pathToFileURL(file).href;
}

let counter = 0;

/** Starts the notification run alone (no incident): what the incident's notification step starts. */
export async function startRun(
  f: ScaleFixture,
  roster: { url: string; count: number },
  options: Partial<Omit<NotifyRosterInput, 'roster'>> = {},
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof notifyRosterWorkflow>> {
  counter += 1;
  const incidentId = `S${Date.now().toString(36)}-${counter}`;
  const playbook = testPlaybook(f.receiver.url);
  return f.client.workflow.start(notifyRosterWorkflow, {
    workflowId: `breach-${incidentId}:notify`,
    taskQueue: f.taskQueue,
    args: [
      {
        incidentId,
        organization: playbook.organization,
        roster,
        letter: LETTER,
        immediate: false,
        mailVendor: playbook.endpoints.mailVendor,
        batchSize: 5,
        parallelBatches: 2,
        ratePerSecond: 10_000,
        ...options,
      },
    ],
  });
}

export { runsOf, type HistoryEvent };

export function eventsOfType(events: HistoryEvent[], type: string): HistoryEvent[] {
  return events.filter((e) => e[type as keyof HistoryEvent] != null);
}

/**
 * The most batches given out at once in one run's history (scheduled, not yet closed). Not "started":
 * the server writes a retried activity's started event only with its result.
 */
export function maxConcurrentActivities(events: HistoryEvent[]): number {
  let running = 0;
  let most = 0;
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes) most = Math.max(most, ++running);
    if (
      e.activityTaskCompletedEventAttributes ||
      e.activityTaskFailedEventAttributes ||
      e.activityTaskTimedOutEventAttributes ||
      e.activityTaskCanceledEventAttributes
    )
      running -= 1;
  }
  return most;
}

/** The notification emails the counter received (Message-IDs of activities/notify.ts), apart from mail to officials. */
export function rosterMail(smtp: SmtpCounter): { received: number; distinct: number; repeats: number } {
  let received = 0;
  let distinct = 0;
  for (const [id, count] of smtp.counts()) {
    if (!id.endsWith('@notify.breach-response>')) continue;
    received += count;
    distinct += 1;
  }
  return { received, distinct, repeats: received - distinct };
}
