import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  createTestWorker,
  offlineActivities,
  startTimeSkippingEnv,
  type TestWorkflowEnvironment,
  withDeadline,
} from '../helpers/index.js';
import type { waitAnHour } from './workflows/timer.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkippingEnv();
});
afterAll(async () => {
  await env?.teardown();
});

test('an hour-long timer passes at once on the time-skipping server', async () => {
  const worker = await createTestWorker(env, {
    workflowsPath: fileURLToPath(new URL('./workflows/timer.ts', import.meta.url)),
    activities: offlineActivities(),
  });
  // Without time skipping the hour would take an hour: the deadline (a minute, for a loaded machine) says so.
  const result = await withDeadline(
    worker.runUntil(
      env.client.workflow.execute<typeof waitAnHour>('waitAnHour', {
        taskQueue: worker.options.taskQueue,
        workflowId: `timer-${Date.now()}`,
      }),
    ),
    60_000,
    'the hour-long timer to pass on the time-skipping server',
  );
  expect(result.waitedMs).toBeGreaterThanOrEqual(3_600_000);
});
