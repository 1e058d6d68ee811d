/**
 * Outages end to end on the dev server, with the production worker as a child process:
 * - a reporting endpoint answering 503 for longer than the reporting deadline: retried with backoff, the
 *   incident escalated and marked late at the deadline, then delivered exactly once, with the same
 *   Idempotency-Key on every attempt;
 * - an endpoint answering 400 or 401: one attempt (no retry storm), an escalation mail and a timeline
 *   entry naming the endpoint and its answer;
 * - the SMTP server down for a while: decisions still answered at once, every mail retried and
 *   delivered, none lost and none twice.
 * The playbooks give a deadline of seconds ("5s"), so each test takes seconds, not an hour.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentWorkflowId } from '../../domain/ids.js';
import {
  startDevServer,
  startHttpReceiver,
  type EndpointReceiver,
  type TestWorkflowEnvironment,
  withDeadline,
} from '../helpers/index.js';
import {
  activityAttempts,
  decide,
  endpointsUnder,
  events,
  faultKeys,
  faultPlaybook,
  newIncidentId,
  report,
  RestartableSmtp,
  stateOf,
  waitForState,
  Workers,
  type Incidents,
  until,
} from './fixture.js';
import { realWorkflowBundleFile } from '../helpers/temporal.js';

const keys = faultKeys('faults-outages');
const taskQueue = `faults-outages-${Math.random().toString(36).slice(2, 8)}`;
let env: TestWorkflowEnvironment;
let smtp: RestartableSmtp;
let receiver: EndpointReceiver;
let workers: Workers;
let world: Incidents;

beforeAll(async () => {
  const [server, mail, http, bundle] = await Promise.all([
    startDevServer({ dataConverter: keys.dataConverter }),
    RestartableSmtp.start(),
    startHttpReceiver(),
    realWorkflowBundleFile(),
  ]);
  env = server;
  smtp = mail;
  receiver = http;
  world = { client: env.client, taskQueue };
  workers = new Workers(() => ({
    TEMPORAL_ADDRESS: env.address,
    BREACH_TASK_QUEUE: taskQueue,
    SMTP_URL: smtp.url,
    BREACH_WORKFLOW_BUNDLE: bundle,
    ...keys.env,
  }));
  await workers.start();
});

afterAll(async () => {
  await workers?.kill('SIGTERM');
  await Promise.all([smtp?.close(), receiver?.close()]);
  await env?.teardown();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a reporting endpoint down for longer than the deadline', () => {
  it('468.3b(1): retries with backoff, escalates at the deadline, then delivers exactly once under one Idempotency-Key', async () => {
    const incidentId = newIncidentId('down503');
    const playbook = endpointsUnder(faultPlaybook(receiver.url, { reportingDeadline: '5s' }), '/down503');
    let down = true;
    receiver.failWhile('/down503/usCert', () => down, 503);
    await report(world, playbook, incidentId);

    const late = await waitForState(world, incidentId, (s) => s.reportedLate, 'the late mark at the deadline', 60_000);
    expect(late.reportedAt).toBeNull();
    expect(events(late)).toContain('reported-late:deadline-passed');
    const escalation = await smtp.waitFor(
      (m) => m.subject.includes(incidentId) && m.subject.includes('ESCALATION: one-hour report'),
    );
    expect(escalation.envelope.to).toEqual(
      expect.arrayContaining(['privacy.division@state.example', 'ppgb.chair@state.example']),
    );
    // Still down until it has been retried at least once (a busy machine may start the incident late).
    await until(async () => receiver.calls('/down503/usCert').length >= 2, 'a retry of the report', 60_000);

    down = false;
    const delivered = await waitForState(
      world,
      incidentId,
      (s) => s.reportedAt !== null,
      'the delivery after the outage',
      30_000,
    );
    expect(delivered.reportedLate).toBe(true);
    expect(Date.parse(delivered.reportedAt!)).toBeGreaterThan(Date.parse(delivered.reportingDeadline));
    // Longer than the first retry interval: nothing more arrives after the delivery.
    await sleep(2_500);
    const calls = receiver.calls('/down503/usCert');
    expect(calls.filter((c) => c.status === 200)).toHaveLength(1);
    expect(calls.at(-1)!.status).toBe(200);
    expect(new Set(calls.map((c) => c.idempotencyKey))).toEqual(
      new Set([`${incidentWorkflowId(incidentId)}:report-usCert`]),
    );
    expect(events(await stateOf(world, incidentId)).filter((e) => e === 'reported:usCert')).toHaveLength(1);
    // Backoff: the report's activity is retried with a growing wait (the policy in its scheduled event, as the
    // server applies it), not timed here: a loaded machine stretches any one wait.
    const history = await world.client.workflow.getHandle(incidentWorkflowId(incidentId)).fetchHistory();
    const policies = (history.events ?? []).flatMap((e) =>
      e.activityTaskScheduledEventAttributes?.retryPolicy ? [e.activityTaskScheduledEventAttributes.retryPolicy] : [],
    );
    expect(policies.length).toBeGreaterThan(0);
    for (const policy of policies) expect(policy.backoffCoefficient ?? 0).toBeGreaterThanOrEqual(1.5);
    const times = calls.map((c) => Date.parse(c.at));
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    console.log(
      `[faults] 503 past the deadline: ${calls.length} attempts (${calls.length - 1} answered 503), waits ${gaps.map((g) => `${(g / 1000).toFixed(1)} s`).join(', ')}; ` +
        `late mark and escalation at the deadline, delivered once ${((Date.parse(delivered.reportedAt!) - Date.parse(delivered.reportingDeadline)) / 1000).toFixed(1)} s after it; one Idempotency-Key`,
    );
  });
});

describe('an endpoint refusing the report', () => {
  it.each([400, 401])(
    '%i: one attempt, an escalation mail and a timeline entry naming the endpoint and its answer',
    async (status) => {
      const incidentId = newIncidentId(`refused${status}`);
      const prefix = `/refused${status}`;
      receiver.respondWith(`${prefix}/usCert`, {
        status,
        body: { error: status === 401 ? 'invalid bearer token' : 'missing field' },
      });
      const playbook = endpointsUnder(faultPlaybook(receiver.url, { reportingDeadline: '5s' }), prefix);
      await report(world, playbook, incidentId);

      const rejected = await waitForState(
        world,
        incidentId,
        (s) => events(s).includes(`endpoint-rejected:usCert`),
        'the rejection in the timeline',
        60_000,
      );
      const entry = rejected.timeline.find((t) => t.event === 'endpoint-rejected:usCert')!;
      expect(entry.detail).toMatch(new RegExp(`EndpointRejected: endpoint usCert answered ${status} `));
      const mail = await smtp.waitFor(
        (m) => m.subject.includes(incidentId) && m.subject.includes('ACTION NEEDED: usCert refused a report'),
      );
      expect(mail.envelope.to).toEqual(
        expect.arrayContaining(['privacy.division@state.example', 'ppgb.chair@state.example']),
      );
      expect(mail.text).toContain(`answered ${status}`);
      expect(mail.text).toMatch(/configuration and credentials/);

      // No retry storm: after two first retry intervals, still the one attempt; the incident goes on
      // (late at its deadline, then triage), waiting for a person to deliver the report by hand.
      const triage = await waitForState(
        world,
        incidentId,
        (s) => s.phase === 'triage',
        'triage after the deadline',
        60_000,
      );
      expect(triage.reportedLate).toBe(true);
      await sleep(Math.max(0, Date.parse(entry.at) + 4_500 - Date.now()));
      const attempts = receiver.calls(`${prefix}/usCert`);
      expect(attempts).toHaveLength(1);
      const ended = (await activityAttempts(world.client.workflow.getHandle(incidentWorkflowId(incidentId)))).filter(
        (a) => a.type === 'callEndpoint',
      );
      expect(ended.every((a) => a.attempts <= 1)).toBe(true);
      console.log(
        `[faults] ${status} from US-CERT: ${attempts.length} attempt in ${((Date.now() - Date.parse(entry.at)) / 1000 + 0.001).toFixed(1)} s after it; timeline "${entry.event}: ${entry.detail}"; escalation mail to ${mail.envelope.to.length} people`,
      );
    },
  );
});

describe('the SMTP server down for a while', () => {
  it('decisions are answered at once; every mail is retried and delivered, none lost, none twice', async () => {
    const incidentId = newIncidentId('smtp');
    const playbook = faultPlaybook(receiver.url);
    let decided: number | undefined;
    let failedWhileDown: number[] = [];
    await smtp.down();
    const downAt = Date.now();
    try {
      await report(world, playbook, incidentId);
      await waitForState(world, incidentId, (s) => s.phase === 'triage', 'triage (the report reached US-CERT)', 60_000);
      // A gate's mail must not hold its decisions back: each update answers in a moment, not after the outage.
      // Before the gates sent their mail in the background, the second decision waited for the mail, which
      // cannot go while the server is down: both answer while it is still down (a deadline for a loaded machine).
      const t0 = Date.now();
      const analysis = await withDeadline(
        (async () => {
          await decide(world, incidentId, 'ips-director', {
            kind: 'assign-responsible-office',
            office: 'Bureau of Consular Affairs',
          });
          return decide(world, incidentId, 'ips-director', {
            kind: 'convene-crg',
            convene: true,
            rationale: 'Passport numbers of the public.',
          });
        })(),
        90_000,
        'the two triage decisions while the SMTP server is down',
      );
      expect(analysis.phase).toBe('analysis');
      decided = Date.now() - t0;
      // Down until each of the incident's 6 mails so far has failed at least once.
      await until(
        async () => {
          const pending =
            (await world.client.workflow.getHandle(incidentWorkflowId(incidentId)).describe()).raw.pendingActivities ??
            [];
          // The three intake notices are one activity (workflows/reporting.ts INTAKE_NOTICES_TOGETHER).
          const mails = pending.filter(
            (a) => a.activityType?.name === 'sendNotice' || a.activityType?.name === 'sendNotices',
          );
          failedWhileDown = mails.map((a) => a.attempt ?? 1);
          return mails.length >= 4 && mails.every((a) => (a.attempt ?? 1) >= 2);
        },
        'every mail to fail once',
        30_000,
        200,
      );
      // And a while longer: retried again while the server is down.
      await sleep(Math.max(0, downAt + 4_000 - Date.now()));
    } finally {
      await smtp.up();
    }
    const upAt = Date.now();

    const handle = world.client.workflow.getHandle(incidentWorkflowId(incidentId));
    const expected = [
      'Tell the supervisor; Tell the program manager; Route to DS/CIRT',
      'Ask ipsDirector to decide',
      'Tell the CRG',
    ];
    const mine = () => smtp.messages().filter((m) => m.subject.includes(incidentId));
    // Every mail the incident has sent by now: the three at intake, the triage ask, the CRG, the analysis ask.
    const all = await waitUntilMail(
      () => mine().length >= 6 && mine().filter((m) => /decision needed/.test(m.subject)).length >= 2,
      40_000,
    );
    void all;
    const attempts = (await activityAttempts(handle)).filter(
      (a) => a.type === 'sendNotice' || a.type === 'sendNotices',
    );
    expect(attempts.length).toBeGreaterThanOrEqual(expected.length);
    // Each mail activity completed (none still retrying) and was tried more than once across the outage.
    // The mail has arrived; the last completion may reach the history a moment later (a loaded machine).
    await until(
      async () => {
        const events = (await handle.fetchHistory()).events ?? [];
        const completed = events.filter((e) => e.activityTaskCompletedEventAttributes).length;
        return completed === events.filter((e) => e.activityTaskScheduledEventAttributes).length;
      },
      'every mail activity completed',
      60_000,
      200,
    );
    // Each of them failed at least once while the server was down (seen as pending with attempt ≥ 2).
    expect(failedWhileDown).toHaveLength(attempts.length);
    const ids = mine().map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    // One message per notice: the intake activity's three (checkpointed: none sent twice across its retries), one each for the others.
    expect(mine().length).toBe(attempts.reduce((n, a) => n + (a.type === 'sendNotices' ? 3 : 1), 0));
    console.log(
      `[faults] SMTP down ${((upAt - downAt) / 1000).toFixed(1)} s: the two triage decisions answered in ${((decided ?? 0) / 1000).toFixed(1)} s; ${attempts.length} mail activities, attempts ${attempts.map((a) => a.attempts).join('/')}; ` +
        `${mine().length} delivered, ${ids.length - new Set(ids).size} twice, 0 lost`,
    );
  });
});

async function waitUntilMail(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(
        `mail did not all arrive within ${timeoutMs} ms: ${smtp
          .messages()
          .map((m) => m.subject)
          .join(' | ')}`,
      );
    await sleep(100);
  }
}
