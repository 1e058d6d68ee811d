/**
 * Key rotation on the real dev server: an incident started while key A was active continues, answers
 * queries and replays once B is the active key (A kept to decrypt); its history then holds payloads
 * of both keys. Without A, the same history fails to replay with an error naming A. Keys are made at
 * run time.
 */
import { readFile } from 'node:fs/promises';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { getIncidentState, submitReport } from '../../client/incidents.js';
import { decide } from '../../client/decisions.js';
import type { Decision } from '../../domain/decision.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import { parsePlaybook, type Playbook } from '../../domain/playbook.js';
import { holdersOf } from '../../domain/playbook-terms.js';
import type { IncidentState } from '../../domain/state.js';
import { createKeyring, generateKey, KEY_ID_METADATA } from '../../security/codec.js';
import { DEFAULT_PLAYBOOK } from '../../config/index.js';
import { createDataConverter } from '../../security/data-converter.js';
import { sampleReport } from '../../scripts/local/sample-report.js';
import {
  createTestWorker,
  realWorkflowBundle,
  startDevServer,
  startHttpReceiver,
  startSmtpReceiver,
  withEndpointsAt,
  type EndpointReceiver,
  type SmtpReceiver,
  type TestWorkflowEnvironment,
  withoutReturnsWindow,
} from '../helpers/index.js';

const keyA = generateKey();
const keyB = generateKey();
const underA = createDataConverter(createKeyring('key-a', { 'key-a': keyA }));
const underB = createDataConverter(createKeyring('key-b', { 'key-a': keyA, 'key-b': keyB }));
const onlyB = createDataConverter(createKeyring('key-b', { 'key-b': keyB }));

let env: TestWorkflowEnvironment;
let mail: SmtpReceiver;
let receiver: EndpointReceiver;
let playbook: Playbook;
const taskQueue = `rotation-${Math.random().toString(36).slice(2, 8)}`;
const workers: { worker: Worker; run: Promise<void> }[] = [];

beforeAll(async () => {
  env = await startDevServer({ dataConverter: underA });
  mail = await startSmtpReceiver();
  receiver = await startHttpReceiver();
  const raw = JSON.parse(await readFile(DEFAULT_PLAYBOOK, 'utf8')) as {
    endpoints: Record<string, { url: string; tokenEnv?: string }>;
    timers: Record<string, string>;
  };
  const moved = withEndpointsAt(withoutReturnsWindow(raw), receiver.url);
  for (const endpoint of Object.values(moved.endpoints)) delete endpoint.tokenEnv;
  // The 468.5c objection window a minimal-risk finding waits out before closure review: seconds here (real time).
  moved.timers = { ...moved.timers, minimalRiskObjectionWindow: '2s' };
  playbook = parsePlaybook(moved);
});

afterAll(async () => {
  for (const { worker, run } of workers) {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await run.catch(() => undefined);
  }
  await Promise.all([mail?.close(), receiver?.close()]);
  await env?.teardown();
});

async function startWorker(dataConverter: typeof underA): Promise<{ worker: Worker; run: Promise<void> }> {
  const worker = await createTestWorker(env, {
    taskQueue,
    dataConverter,
    activities: createActivities({
      mailer: mail.mailer(),
      mailFrom: 'breach@test.example',
      publicUrl: 'http://breach.test',
      env: {},
    }),
  });
  const started = { worker, run: worker.run() };
  workers.push(started);
  return started;
}

async function waitFor(
  client: Client,
  incidentId: string,
  predicate: (s: IncidentState) => boolean,
  what: string,
): Promise<IncidentState> {
  const until = Date.now() + 30_000;
  let last: IncidentState | undefined;
  while (Date.now() < until) {
    last = await getIncidentState(client, incidentId).catch(() => undefined);
    if (last && predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}: phase ${last?.phase}`);
}

const aReport = (incidentId: string) =>
  sampleReport({ incidentId, piiTypes: ['ssn-or-passport-number'], affectedCount: 12 });

function keyIdsIn(history: unknown): Set<string> {
  const ids = new Set<string>();
  const walk = (v: unknown) => {
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return;
    const metadata = (v as { metadata?: Record<string, unknown> }).metadata;
    const keyId = metadata?.[KEY_ID_METADATA];
    if (keyId instanceof Uint8Array) ids.add(Buffer.from(keyId).toString());
    for (const item of Array.isArray(v) ? v : Object.values(v)) walk(item);
  };
  walk(history);
  return ids;
}

it('an incident started under key A continues, answers queries and replays after B becomes active', async () => {
  const incidentId = `rot-${Date.now().toString(36)}`;
  const clientA = env.client;

  // Key A is active: the incident starts and takes its triage decisions.
  const first = await startWorker(underA);
  await submitReport({ client: clientA, taskQueue, playbook }, aReport(incidentId));
  await waitFor(clientA, incidentId, (s) => s.phase === 'triage', 'triage');
  await decide(clientA, incidentId, {
    kind: 'assign-responsible-office',
    office: 'Bureau of Consular Affairs',
    actorId: 'ips-director',
  } as Decision);
  first.worker.shutdown();
  await first.run;

  // B becomes active everywhere; A stays in the ring to decrypt. A new worker replays the history from scratch.
  const clientB = new Client({
    connection: env.connection,
    namespace: env.namespace ?? 'default',
    dataConverter: underB,
  });
  await startWorker(underB);
  const before = await getIncidentState(clientB, incidentId);
  expect(before.responsibleOffice).toBe('Bureau of Consular Affairs');
  expect(before.phase).toBe('triage');

  await decide(clientB, incidentId, {
    kind: 'convene-crg',
    convene: false,
    rationale: 'Recovered unopened.',
    actorId: 'ips-director',
  } as Decision);
  // 468.4: the CRG not convened, its chair records the six factors; the PPGB's window then passes (docs/lifecycle.md "Duties").
  await waitFor(clientB, incidentId, (s) => s.phase === 'analysis', 'analysis');
  await decide(clientB, incidentId, {
    kind: 'submit-analysis',
    factors: {
      dataNature: 'low',
      misuseLikelihood: 'low',
      logicalAccess: 'low',
      physicalAccess: 'low',
      deliberateTargeting: 'low',
      priorMisuse: 'low',
    },
    options: ['no-further-action'],
    riskOverride: { level: 'low', rationale: 'Recovered unopened.' },
    rationale: 'Recorded by the IPS Director, the CRG not convened.',
    actorId: 'ips-director',
  } as Decision);
  const review = await waitFor(clientB, incidentId, (s) => s.phase === 'closure-review', 'closure review');
  // Each open item is completed by its owner (a holder of its role).
  for (const item of review.actionItems.filter((i) => i.status === 'open')) {
    await decide(clientB, incidentId, {
      kind: 'complete-action-item',
      itemId: item.id,
      evidence: 'Done.',
      actorId: holdersOf(playbook, item.ownerRole)[0]!.id,
    } as Decision);
  }
  await decide(clientB, incidentId, {
    kind: 'sign-off-closure',
    rationale: 'Closed.',
    actorId: 'ips-director',
  } as Decision);
  const handle: WorkflowHandle = clientB.workflow.getHandle(incidentWorkflowId(incidentId));
  await handle.result();
  expect((await getIncidentState(clientB, incidentId)).phase).toBe('closed');

  // The history holds both keys' payloads, and replays with the rotated keyring.
  const history = await handle.fetchHistory();
  expect([...keyIdsIn(history)].sort()).toEqual(['key-a', 'key-b']);
  const { code } = await realWorkflowBundle();
  await Worker.runReplayHistory(
    { workflowBundle: { code }, dataConverter: underB },
    history,
    incidentWorkflowId(incidentId),
  );

  // Without A, the history cannot be read: replay fails (its failure is itself encoded, so the reason is
  // in the worker's log), and decoding one of its payloads names the missing key.
  await expect(
    Worker.runReplayHistory(
      { workflowBundle: { code }, dataConverter: onlyB },
      history,
      incidentWorkflowId(incidentId),
    ),
  ).rejects.toThrow(/Replay failed/);
  const clientOnlyB = new Client({
    connection: env.connection,
    namespace: env.namespace ?? 'default',
    dataConverter: onlyB,
  });
  await expect(
    clientOnlyB.workflow
      .getHandle(incidentWorkflowId(incidentId))
      .fetchHistory()
      .then(async (h) => {
        const payloads = [h.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]].filter(
          (p) => p !== undefined && p !== null,
        );
        return onlyB.payloadCodecs[0].decode(payloads);
      }),
  ).rejects.toThrow(/key "key-a", which is not in the keyring/);
});
