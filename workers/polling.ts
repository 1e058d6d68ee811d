/**
 * "The worker polls its task queue", as the server sees it: `npm start` prints "ready" only after this,
 * so the first report after "ready" finds a poller waiting instead of sitting in the queue while the
 * worker is still starting its pollers. Worker.run() starts them, but gives no signal when the server
 * has them; DescribeTaskQueue lists the pollers of the last minutes by identity, so the worker waits
 * until its own identity is there, for workflow tasks and for activity tasks alike.
 */
import type { NativeConnection } from '@temporalio/worker';

// temporal.api.enums.v1.TaskQueueType (numbers: @temporalio/proto is not a production dependency).
const TASK_QUEUE_TYPES = { workflow: 1, activity: 2 } as const;

export async function waitUntilPolling(
  connection: NativeConnection,
  target: { namespace: string; taskQueue: string; identity: string },
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<number> {
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 60_000);
  const missing = new Set<keyof typeof TASK_QUEUE_TYPES>(['workflow', 'activity']);
  for (;;) {
    for (const kind of [...missing]) {
      const described = await connection.workflowService
        .describeTaskQueue({
          namespace: target.namespace,
          taskQueue: { name: target.taskQueue },
          taskQueueType: TASK_QUEUE_TYPES[kind],
        })
        .catch(() => undefined);
      if (described?.pollers?.some((p) => p.identity === target.identity)) missing.delete(kind);
    }
    if (missing.size === 0) return Date.now() - started;
    if (Date.now() > deadline) {
      throw new Error(
        `the server lists no ${[...missing].join(' or ')} poller of this worker (${target.identity}) on ${target.taskQueue} after ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
}
