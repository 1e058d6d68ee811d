/**
 * The production worker (workers/main.ts, a child process) killed with SIGKILL on the dev server, at a
 * moment when one incident waits at a gate with decisions accepted, and another's US-CERT call is in
 * flight (the receiver holds it without answering). A new worker process takes over: the waiting
 * incident has every decision it had and goes on; the interrupted call is tried again once its
 * start-to-close (the endpoint's time-out plus 10 s) has passed, under the same Idempotency-Key, and the
 * report is recorded delivered once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { incidentWorkflowId } from '../../domain/ids.js';
import {
  startDevServer,
  startHttpReceiver,
  startSmtpReceiver,
  type EndpointReceiver,
  type SmtpReceiver,
  type TestWorkflowEnvironment,
} from '../helpers/index.js';
import { FACTORS_HIGH } from '../workflows/fixture.js';
import {
  decide,
  endpointsUnder,
  events,
  faultKeys,
  faultPlaybook,
  newIncidentId,
  report,
  stateOf,
  waitForState,
  Workers,
  type Incidents,
} from './fixture.js';
import { realWorkflowBundleFile } from '../helpers/temporal.js';

const keys = faultKeys('faults-crash');
const taskQueue = `faults-crash-${Math.random().toString(36).slice(2, 8)}`;
let env: TestWorkflowEnvironment;
let smtp: SmtpReceiver;
let receiver: EndpointReceiver;
let workers: Workers;
let world: Incidents;

beforeAll(async () => {
  const [server, mail, http, bundle] = await Promise.all([
    startDevServer({ dataConverter: keys.dataConverter }),
    startSmtpReceiver(),
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
    SMTP_URL: smtp.smtpUrl,
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

it('SIGKILL while an incident waits at a gate and while an activity runs: restarted, it continues with every decision', async () => {
  const playbook = faultPlaybook(receiver.url);

  // Incident G: triage decided, the security liaison's delay accepted, waiting at the analysis gate.
  const gated = newIncidentId('gate');
  await report(world, playbook, gated);
  await waitForState(world, gated, (s) => s.phase === 'triage', 'triage');
  await decide(world, gated, 'ips-director', {
    kind: 'assign-responsible-office',
    office: 'Bureau of Consular Affairs',
    decisionId: 'g-office',
  });
  await decide(world, gated, 'ips-director', {
    kind: 'convene-crg',
    convene: true,
    rationale: 'Passport numbers of the public.',
    decisionId: 'g-crg',
  });
  await decide(world, gated, 'ds-investigations', {
    kind: 'request-delay',
    requestingEntity: 'DS/ICI',
    reason: 'An investigation is under way.',
    notifyAfter: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    decisionId: 'g-delay',
  });
  const before = await waitForState(
    world,
    gated,
    (s) => s.awaiting?.kinds.includes('submit-analysis') === true,
    'the analysis gate',
  );

  // Incident A: its US-CERT call arrives and is held; the worker dies while it waits for the answer.
  const held = newIncidentId('held');
  const prefix = `/held`;
  const restore = receiver.on(`${prefix}/usCert`, (_call, nth) =>
    nth === 1 ? { status: 200, delayMs: 60_000 } : undefined,
  );
  await report(world, endpointsUnder(playbook, prefix), held);
  await receiver.waitFor((c) => c.path === `${prefix}/usCert`, 20_000);
  const killedAt = Date.now();
  await workers.kill('SIGKILL');

  const restartedAt = Date.now();
  await workers.start();
  const restartMs = Date.now() - restartedAt;

  // G: the same decisions, the same phase and gate; and it goes on.
  const after = await stateOf(world, gated);
  expect(after.decisions).toEqual(before.decisions);
  expect(after.decisions.map((d) => d.kind)).toEqual(['assign-responsible-office', 'convene-crg', 'request-delay']);
  expect(after.phase).toBe('analysis');
  expect(after.delay).toEqual(before.delay);
  expect(after.timeline.slice(0, before.timeline.length)).toEqual(before.timeline);
  const next = await decide(world, gated, 'ips-director', {
    kind: 'submit-analysis',
    factors: FACTORS_HIGH,
    options: ['notify-individuals'],
    rationale: 'CRG analysis.',
  });
  expect(next.phase).toBe('ppgb-chair-review');
  // A decision replayed after the restart is still recognised as applied.
  const replayed = await decide(world, gated, 'ips-director', {
    kind: 'assign-responsible-office',
    office: 'Bureau of Consular Affairs',
    decisionId: 'g-office',
  });
  expect(replayed.decisions.filter((d) => d.kind === 'assign-responsible-office')).toHaveLength(1);

  // A: tried again after its start-to-close (2 s endpoint time-out + 10 s), same key, recorded once.
  const delivered = await waitForState(
    world,
    held,
    (s) => s.reportedAt !== null,
    'the held report delivered by the new worker',
    40_000,
  );
  restore();
  const calls = receiver.calls(`${prefix}/usCert`);
  expect(calls).toHaveLength(2);
  expect(new Set(calls.map((c) => c.idempotencyKey))).toEqual(new Set([`${incidentWorkflowId(held)}:report-usCert`]));
  expect(events(delivered).filter((e) => e === 'reported:usCert')).toHaveLength(1);
  expect(delivered.reportedLate).toBe(false);
  const retriedAfterMs = Date.parse(calls[1]!.at) - killedAt;
  console.log(
    `[faults] worker SIGKILLed: new worker polling in ${(restartMs / 1000).toFixed(1)} s; gated incident kept its ${after.decisions.length} decisions and ${before.timeline.length} timeline entries, then moved on; ` +
      `the interrupted US-CERT call was retried ${(retriedAfterMs / 1000).toFixed(1)} s after the kill under the same Idempotency-Key (2 calls, 1 recorded delivery)`,
  );
});
