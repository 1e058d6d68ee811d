import { condition, sleep } from '@temporalio/workflow';

/** The bench's yardstick for starts: a workflow that does nothing (its worker is the bench's own). */
export async function benchEmptyWorkflow(): Promise<void> {}

/** The yardstick of a cached incident at a gate (scripts/bench/sandbox.ts): a workflow that only waits. */
export async function benchIdleWorkflow(): Promise<void> {
  await condition(() => false);
}

/** The replay yardstick (scripts/bench/replay.ts): `sleeps` one-millisecond sleeps in a row, one workflow task each. */
export async function benchSleepsWorkflow(sleeps: number): Promise<void> {
  for (let i = 0; i < sleeps; i++) await sleep(1);
}
