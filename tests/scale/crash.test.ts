/**
 * Crash safety on the real dev server: the production worker (workers/main.ts, a child process) is
 * killed with SIGKILL in the middle of a notification run and started again. The run finishes, every
 * person gets a message, and the repeats are no more than the messages in flight at the kill: those the
 * receiver had got beyond the checkpoint the server held for each running batch.
 */
import { waitUntil } from '../../scripts/local/ports.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inFlight, notifyRunsOf, runningBatches } from '../../scripts/bench/notify-inspect.js';
import type { WorkerProcess } from '../../scripts/local/worker-process.js';
import { notifyWorkflowId } from '../../workflows/notify-messages.js';
import { rosterMail } from './fixture.js';
import { notifyIncident, startProcessWorld, type ProcessWorld } from './processes.js';

// Enough for several batches to be running at the kill, few enough for a loaded CI machine.
const PEOPLE = 6_000;

let world: ProcessWorld;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  world = await startProcessWorld('crash', 5);
});
afterAll(async () => {
  await worker?.kill('SIGTERM');
  await world?.close();
});

it(
  'a worker killed mid-run: restarted, every person reached, repeats within the messages in flight at the kill',
  { timeout: 420_000 },
  async () => {
    worker = world.startWorker();
    await worker.ready;

    const { env, smtp, dataConverter } = world;
    const { handle, messageIdOfLine, finished } = await notifyIncident(world, 'crash', PEOPLE, {
      ratePerSecond: 2_000,
      batchSize: 500,
      parallelBatches: 4,
    });

    // Mid-run: about a third of the people reached.
    await waitUntil(
      async () => (rosterMail(smtp).received >= PEOPLE / 3 ? true : undefined),
      'a third of the roster',
      180_000,
    );
    await worker.kill('SIGKILL');
    // Connections of the dead worker close; a message cut off mid-DATA is dropped by the receiver.
    await new Promise((r) => setTimeout(r, 500));
    const atKill = rosterMail(smtp);
    const batches = await runningBatches(env.client, dataConverter, notifyWorkflowId(handle.workflowId));
    const inFlightAtKill = inFlight(batches, smtp.counts(), messageIdOfLine);
    expect(atKill.received).toBeLessThan(PEOPLE);

    worker = world.startWorker();
    await worker.ready;
    const state = await finished(180_000);

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
  },
);
