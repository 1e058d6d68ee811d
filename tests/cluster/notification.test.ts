/**
 * A notification run on the self-hosted cluster (PostgreSQL, SQL visibility, tests/cluster/cluster.ts)
 * with production worker processes: the worker killed with SIGKILL mid-run, then the Temporal server
 * killed with SIGKILL mid-run and started again on its databases. Each time the run finishes, every
 * person is reached, and the repeats are no more than the messages in flight: those received beyond the
 * checkpoint the server held for each running batch (and, while the server was down, every message
 * sent, which no checkpoint could record).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inFlight, runningBatches } from '../../scripts/bench/notify-inspect.js';
import type { WorkerProcess } from '../../scripts/local/worker-process.js';
import { notifyWorkflowId } from '../../workflows/notify-messages.js';
import { rosterMail } from '../scale/fixture.js';
import { notifyIncident, startProcessWorld, type ProcessWorld } from '../scale/processes.js';
import { waitUntil } from '../../scripts/local/ports.js';
import { startCluster, type Cluster } from './cluster.js';

const PEOPLE = 3_000;
const RUN = { ratePerSecond: 400, batchSize: 250, parallelBatches: 4 };

let cluster: Cluster;
let world: ProcessWorld;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  cluster = await startCluster('notify');
  world = await startProcessWorld('cluster-notify', 4, (dc) => cluster.target(dc));
  worker = world.startWorker();
  await worker.ready;
}, 300_000);

afterAll(async () => {
  await worker?.kill('SIGTERM');
  await world?.close();
});

it('the worker killed with SIGKILL mid-notification: restarted, every person reached once, repeats within the messages in flight', async () => {
  const { env, smtp, dataConverter } = world;
  const before = rosterMail(smtp);
  const { handle, messageIdOfLine, finished } = await notifyIncident(world, 'cl-crash', PEOPLE, RUN);
  await waitUntil(
    async () => (rosterMail(smtp).received - before.received >= PEOPLE / 3 ? true : undefined),
    'a third',
    180_000,
  );
  await worker!.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 500));
  const batches = await runningBatches(env.client, dataConverter, notifyWorkflowId(handle.workflowId));
  const inFlightAtKill = inFlight(batches, smtp.counts(), messageIdOfLine);
  worker = world.startWorker();
  await worker.ready;
  const state = await finished(240_000);
  const after = rosterMail(smtp);
  console.log(
    `[cluster] worker SIGKILLed: ${inFlightAtKill} in flight; ${after.distinct - before.distinct} distinct, ${after.repeats - before.repeats} repeats`,
  );
  expect(state.notification).toMatchObject({ emails: PEOPLE, failed: 0, processed: PEOPLE });
  expect(after.distinct - before.distinct).toBe(PEOPLE);
  expect(after.repeats - before.repeats).toBeLessThanOrEqual(inFlightAtKill);
});

it('the Temporal server killed with SIGKILL mid-notification and started again: every person reached once, repeats within what was in flight', async () => {
  const { env, smtp, dataConverter } = world;
  const before = rosterMail(smtp);
  const { handle, messageIdOfLine, finished } = await notifyIncident(world, 'cl-server', PEOPLE, RUN);
  await waitUntil(
    async () => (rosterMail(smtp).received - before.received >= PEOPLE / 3 ? true : undefined),
    'a third',
    180_000,
  );
  // The server's checkpoints just before it dies; everything received from then until it serves again
  // was sent with no checkpoint the server could keep.
  const batches = await runningBatches(env.client, dataConverter, notifyWorkflowId(handle.workflowId));
  const inFlightBefore = inFlight(batches, smtp.counts(), messageIdOfLine);
  const receivedAtRead = rosterMail(smtp).received;
  await cluster.stopServer('SIGKILL');
  await new Promise((r) => setTimeout(r, 2_000));
  await cluster.startServer();
  const sentWhileDown = rosterMail(smtp).received - receivedAtRead;
  const state = await finished(300_000);
  const after = rosterMail(smtp);
  console.log(
    `[cluster] server SIGKILLed mid-run: ${inFlightBefore} in flight before, ${sentWhileDown} received while it was down or starting; ` +
      `${after.distinct - before.distinct} distinct, ${after.repeats - before.repeats} repeats; the same worker process throughout`,
  );
  expect(state.notification).toMatchObject({ emails: PEOPLE, failed: 0, processed: PEOPLE });
  expect(after.distinct - before.distinct).toBe(PEOPLE);
  expect(after.repeats - before.repeats).toBeLessThanOrEqual(inFlightBefore + sentWhileDown);
  expect(worker!.child.exitCode).toBeNull();
});
