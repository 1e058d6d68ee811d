/**
 * What operators watch (docs/operations-alerts.md): the production worker (workers/main.ts, a child
 * process) on the dev server with BREACH_METRICS_PORT set serves one Prometheus page with the SDK's
 * runtime metrics, Node's and the project's; the incident gauges follow the incidents (by phase, gates
 * by role and by how long they have waited, late reports); a notification batch counts what it sent and
 * who it failed. Nothing on the page names an incident or a person.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailTransport } from '../../activities/mailer.js';
import { notifyRange, type NotifyBatchResult } from '../../activities/notify.js';
import { startSmtpCounter } from '../../scripts/bench/smtp-counter.js';
import { freePort } from '../../scripts/local/ports.js';
import { collectOnce } from '../../workers/collector.js';
import { createBreachMetrics, notificationObserver } from '../../workers/metrics.js';
import {
  startDevServer,
  startHttpReceiver,
  startSmtpReceiver,
  type EndpointReceiver,
  type SmtpReceiver,
  type TestWorkflowEnvironment,
} from '../helpers/index.js';
import {
  faultKeys,
  faultPlaybook,
  newIncidentId,
  report,
  until,
  waitForState,
  Workers,
  type Incidents,
} from '../faults/fixture.js';
import { realWorkflowBundleFile } from '../helpers/temporal.js';
import { writeRoster } from '../scale/fixture.js';
import { LETTER } from '../workflows/fixture.js';

const keys = faultKeys('ops-metrics');
const taskQueue = `ops-metrics-${Math.random().toString(36).slice(2, 8)}`;
let env: TestWorkflowEnvironment;
let smtp: SmtpReceiver;
let receiver: EndpointReceiver;
let workers: Workers;
let world: Incidents;
let metricsUrl: string;

beforeAll(async () => {
  const [server, mail, http, bundle, port] = await Promise.all([
    startDevServer({ dataConverter: keys.dataConverter }),
    startSmtpReceiver(),
    startHttpReceiver(),
    realWorkflowBundleFile(),
    freePort(),
  ]);
  env = server;
  smtp = mail;
  receiver = http;
  world = { client: env.client, taskQueue };
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  workers = new Workers(() => ({
    TEMPORAL_ADDRESS: env.address,
    BREACH_TASK_QUEUE: taskQueue,
    SMTP_URL: smtp.smtpUrl,
    BREACH_WORKFLOW_BUNDLE: bundle,
    BREACH_METRICS_PORT: String(port),
    BREACH_METRICS_COLLECT_SECONDS: '1',
    ...keys.env,
  }));
  await workers.start();
}, 180_000);

afterAll(async () => {
  await workers?.kill('SIGTERM');
  await Promise.all([smtp?.close(), receiver?.close()]);
  await env?.teardown();
});

/** The value of one sample (`name{labels}`) on a Prometheus page, undefined when absent. */
function sample(page: string, series: string): number | undefined {
  const line = page.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(): Promise<string> {
  const response = await fetch(metricsUrl);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
}

describe("the worker's /metrics", () => {
  it("serves the SDK's runtime metrics, Node's and the project's on the configured port", async () => {
    // The SDK's counters appear once the worker has polled; wait for one.
    const page = await until(
      async () => {
        const text = await scrape();
        return /^temporal_\w+/m.test(text) ? text : undefined;
      },
      "the SDK's temporal_* metrics",
      30_000,
      500,
    );
    expect(page).toMatch(/^temporal_(request|worker_start|num_pollers|workflow_task|long_request)\w*/m);
    expect(page).toMatch(/^nodejs_heap_size_used_bytes /m);
    expect(page).toMatch(/^# TYPE breach_notifications_sent_total counter/m);
    expect(page).toMatch(/^# TYPE breach_open_gate_oldest_wait_seconds gauge/m);
    const other = await fetch(metricsUrl.replace('/metrics', '/'));
    expect(other.status).toBe(404);
  });

  it('468.3c, 468.2a: incidents by phase, gates by role and age, late reports follow the incidents; no id on the page', async () => {
    const playbook = faultPlaybook(receiver.url);
    const before = await scrape();
    const triageBefore = sample(before, 'breach_incidents{phase="triage"}') ?? 0;
    const gatesBefore = sample(before, 'breach_open_gates{role="ipsDirector"}') ?? 0;
    const lateBefore = sample(before, 'breach_reports_late') ?? 0;

    const onTime = newIncidentId('metrics');
    // Discovered two hours ago: the one-hour report is late on arrival (5 FAM 468.3c).
    const late = newIncidentId('metrics-late');
    await report(world, playbook, onTime);
    await report(world, playbook, late, { discoveredAt: new Date(Date.now() - 2 * 3_600_000).toISOString() });
    await waitForState(world, onTime, (s) => s.awaiting?.role === 'ipsDirector', 'the triage gate');
    await waitForState(
      world,
      late,
      (s) => s.awaiting?.role === 'ipsDirector' && s.reportedLate,
      'the late triage gate',
    );

    const page = await until(
      async () => {
        const text = await scrape();
        return sample(text, 'breach_incidents{phase="triage"}') === triageBefore + 2 &&
          sample(text, 'breach_reports_late') === lateBefore + 1 &&
          sample(text, 'breach_open_gates{role="ipsDirector"}') === gatesBefore + 2
          ? text
          : undefined;
      },
      'the gauges to count the two incidents',
      30_000,
      500,
    );
    expect(sample(page, 'breach_open_gates_waiting{role="ipsDirector",over="1h"}')).toBe(0);
    expect(sample(page, 'breach_open_gate_oldest_wait_seconds{role="ipsDirector"}')).toBeLessThan(600);
    expect(page).not.toContain(onTime);
    expect(page).not.toContain(late);

    // The same visibility seen six days on: both gates are past the 1h, 1d and 5d marks (the shipped
    // playbook escalates after 5 days, 468.2a), not the 30d one.
    const metrics = createBreachMetrics();
    await collectOnce(env.client, metrics, Date.now() + 6 * 86_400_000);
    const later = await metrics.registry.metrics();
    for (const over of ['1h', '1d', '5d'])
      expect(sample(later, `breach_open_gates_waiting{role="ipsDirector",over="${over}"}`)).toBeGreaterThanOrEqual(2);
    expect(sample(later, 'breach_open_gates_waiting{role="ipsDirector",over="30d"}')).toBe(0);
    expect(sample(later, 'breach_open_gate_oldest_wait_seconds{role="ipsDirector"}')).toBeGreaterThan(6 * 86_400 - 60);
  });
});

describe('notification counters', () => {
  it('468.6-1: a batch counts each email and letter sent and each person whose notification failed', async () => {
    const counter = await startSmtpCounter();
    const vendor = await startHttpReceiver();
    // 10 people: 8 by email, one by letter (no email), one unreadable line.
    const url = writeRoster(10, (i) =>
      i === 3 ? 'not json' : i === 5 ? { email: '', postalAddress: '1 Main St, Springfield, VA 22150' } : {},
    );
    const mailer = createMailTransport({ smtpUrl: counter.smtpUrl, maxConnections: 2 });
    const metrics = createBreachMetrics();
    try {
      const counts: NotifyBatchResult = await new MockActivityEnvironment().run(
        notifyRange,
        { mailer, mailFrom: 'b@test.example', env: {}, observe: notificationObserver(metrics) },
        {
          incidentId: 'M-1',
          workflowId: 'breach-M-1:notify',
          organization: 'the Department of State',
          roster: { url, count: 10 },
          letter: LETTER,
          immediate: false,
          mailVendor: { url: `${vendor.url}/mailVendor` },
          fromLine: 0,
          toLine: 10,
          letterBatch: 100,
          ratePerSecond: 10_000,
        },
      );
      const page = await metrics.registry.metrics();
      expect(sample(page, 'breach_notifications_sent_total{means="email"}')).toBe(counts.emails);
      expect(sample(page, 'breach_notifications_sent_total{means="letter"}')).toBe(counts.letters);
      expect(sample(page, 'breach_notification_failures_total')).toBe(counts.failed);
      expect(counts.emails).toBe(8);
      expect(counts.failed).toBe(1);
    } finally {
      mailer.close();
      await Promise.all([counter.close(), vendor.close()]);
    }
  });
});
