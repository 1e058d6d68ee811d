/** A test-only workflow that proves the time-skipping harness: it waits an hour of workflow time. */
import { sleep } from '@temporalio/workflow';

export async function waitAnHour(): Promise<{ waitedMs: number }> {
  const started = Date.now();
  await sleep('1 hour');
  return { waitedMs: Date.now() - started };
}
