/**
 * Crash safety on the real dev server: the production worker (worker/main.ts, a child process) is
 * killed with SIGKILL in the middle of a notification run and started again. The run finishes, every
 * person gets a message, and the repeats are no more than the messages in flight at the kill: those the
 * receiver had got beyond the checkpoint the server held for each running batch.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { messageIdFor } from '../../activities/notify.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import { inFlight, notifyRunsOf, runningBatches } from '../../bench/notify-inspect.js';
import { startSmtpCounter, type SmtpCounter } from '../../bench/smtp-counter.js';
import { startWorkerProcess, type WorkerProcess } from '../../dev/worker-process.js';
import { createKeyring, generateKey } from '../../security/codec.js';
import { createDataConverter } from '../../security/data-converter.js';
import { decideUpdate, incidentStateQuery, reportIntakeSignal } from '../../workflows/messages.js';
import { notifyWorkflowId } from '../../workflows/notify-messages.js';
import type { breachIncidentWorkflow } from '../../workflows/incident.js';
import { startDevServer, startHttpReceiver, type EndpointReceiver, type TestWorkflowEnvironment } from '../helpers/index.js';
import { FACTORS_HIGH, LETTER, aReport, testPlaybook } from '../workflows/fixture.js';
import { rosterMail, writeRoster } from './fixture.js';

// Enough for several batches to be running at the kill, few enough for a loaded CI machine.
const PEOPLE = 6_000;
const KEY = generateKey();
const dataConverter = createDataConverter(createKeyring('crash-test', { 'crash-test': KEY }));

let env: TestWorkflowEnvironment;
let smtp: SmtpCounter;
let receiver: EndpointReceiver;
let worker: WorkerProcess | undefined;
const taskQueue = `crash-${Math.random().toString(36).slice(2, 8)}`;

function workerEnv(): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: 'default',
    BREACH_TASK_QUEUE: taskQueue,
    SMTP_URL: smtp.smtpUrl,
    SMTP_MAX_CONNECTIONS: '5',
    BREACH_ENCRYPTION_KEY: KEY.toString('base64'),
    BREACH_ENCRYPTION_KEY_ID: 'crash-test',
  };
}

beforeAll(async () => {
  env = await startDevServer({ dataConverter });
  smtp = await startSmtpCounter();
  receiver = await startHttpReceiver();
});
afterAll(async () => {
  await worker?.kill('SIGTERM');
  await Promise.all([smtp?.close(), receiver?.close()]);
  await env?.teardown();
});

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

it('a worker killed mid-run: restarted, every person reached, repeats within the messages in flight at the kill', { timeout: 420_000 }, async () => {
  worker = startWorkerProcess(workerEnv());
  await worker.ready;

  const url = writeRoster(PEOPLE);
  const incidentId = `crash-${Date.now().toString(36)}`;
  const playbook = testPlaybook(receiver.url);
  playbook.notification = { ratePerSecond: 2_000, batchSize: 500, parallelBatches: 4 };
  const handle = await env.client.workflow.signalWithStart<typeof breachIncidentWorkflow, [ReturnType<typeof aReport>]>('breachIncidentWorkflow', {
    workflowId: incidentWorkflowId(incidentId),
    taskQueue,
    args: [{ incidentId, playbook, receivedAt: new Date().toISOString() }],
    signal: reportIntakeSignal,
    signalArgs: [{ ...aReport(), incidentId }],
  });
  const decide = (actorId: string, decision: Record<string, unknown>) => handle.executeUpdate(decideUpdate, { args: [{ ...decision, actorId } as never] });
  await waitFor(async () => ((await handle.query(incidentStateQuery)).phase === 'triage' ? true : undefined), 'triage', 30_000);
  await decide('ips-director', { kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' });
  await decide('ips-director', { kind: 'convene-crg', convene: true, rationale: 'Passport numbers.' });
  await decide('ips-director', { kind: 'submit-analysis', factors: FACTORS_HIGH, options: ['notify-individuals'], rationale: 'CRG analysis.' });
  await decide('ppgb-chair', { kind: 'ppgb-chair-decision', outcome: 'refer-to-under-secretary', rationale: 'To M.' });
  await decide('under-secretary', { kind: 'under-secretary-decision', outcome: 'approve-notification', rationale: 'Approved.' });
  await decide('notification-official', { kind: 'approve-letter', letter: LETTER, roster: { url, count: PEOPLE } });

  // Mid-run: about a third of the people reached.
  await waitFor(async () => (rosterMail(smtp).received >= PEOPLE / 3 ? true : undefined), 'a third of the roster', 180_000);
  await worker.kill('SIGKILL');
  // Connections of the dead worker close; a message cut off mid-DATA is dropped by the receiver.
  await new Promise((r) => setTimeout(r, 500));
  const atKill = rosterMail(smtp);
  const batches = await runningBatches(env.client, dataConverter, notifyWorkflowId(handle.workflowId));
  const messageIdOfLine = (line: number) => (line < PEOPLE ? messageIdFor(incidentId, line) : undefined);
  const inFlightAtKill = inFlight(batches, smtp.counts(), messageIdOfLine);
  expect(atKill.received).toBeLessThan(PEOPLE);

  worker = startWorkerProcess(workerEnv());
  await worker.ready;
  const state = await waitFor(async () => {
    const s = await handle.query(incidentStateQuery);
    return s.phase === 'remediation' ? s : undefined;
  }, 'the run to finish after the restart', 180_000);

  const after = rosterMail(smtp);
  const { incidentEvents, runs } = await notifyRunsOf(env.client, handle.workflowId);
  console.log(
    `[crash] ${PEOPLE} people; killed at ${atKill.received} received, ${batches.length} batches running, ` +
      `${inFlightAtKill} messages in flight (received beyond the server's checkpoints); ` +
      `after the restart: ${after.distinct} distinct, ${after.repeats} repeats; incident ${incidentEvents.length} events, notification runs ${runs.map((r) => r.length).join('+')} events`,
  );
  expect(state.notification).toMatchObject({ emails: PEOPLE, failed: 0, processed: PEOPLE });
  expect(after.distinct).toBe(PEOPLE);
  expect(after.repeats).toBeLessThanOrEqual(inFlightAtKill);
});
