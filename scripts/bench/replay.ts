/**
 * The replay figure (docs/performance.md): one whole incident history replayed again and again, each time as a new
 * workflow (a cache miss), beside its yardstick: a workflow that only sleeps, with as many workflow tasks
 * as the incident's history has, recorded on the bench's dev server and replayed the same way. What the
 * yardstick costs is the SDK's own price per workflow task (the sandbox's entries and the core), which no
 * workflow code can go under.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import proto from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { PROJECT_ROOT } from '../../config/index.js';
import { createDataConverter, type BreachDataConverter } from '../../security/data-converter.js';
import { readKeyringFile } from '../../security/keyring.js';
import { bundleWorkflows } from '../../workers/bundle.js';
import { benchSleepsWorkflow } from './empty-workflow.js';
import { percentile, type BenchServer } from './setup.js';

type History = proto.temporal.api.history.v1.IHistory;

export interface ReplayFigure {
  p50: number;
  p99: number;
  events: number;
  workflowTasks: number;
}

const workflowTasksOf = (history: History) =>
  (history.events ?? []).filter((e) => e.workflowTaskCompletedEventAttributes).length;

/** Replays `history` times + 3 over (the first three warm the worker's V8 context and JIT, as in a worker up a while). */
async function replayed(
  code: string,
  dataConverter: BreachDataConverter,
  workflowId: string,
  history: History,
  times: number,
): Promise<ReplayFigure> {
  const histories = Array.from({ length: times + 3 }, () => ({ workflowId, history }));
  const durations: number[] = [];
  let last = performance.now();
  let index = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: { code }, dataConverter }, histories)) {
    const now = performance.now();
    if (result.error) throw new Error(`the history does not replay: ${result.error.message}`);
    if (index++ >= 3) durations.push(now - last);
    last = now;
  }
  return {
    p50: percentile(durations, 50),
    p99: percentile(durations, 99),
    events: history.events?.length ?? 0,
    workflowTasks: workflowTasksOf(history),
  };
}

/** A recorded incident history of tests/replay (default: the whole chain, to the notification and closure). */
export async function replayTimes(
  times: number,
  historyFile = 'full-chain-delay-notification.json',
): Promise<ReplayFigure> {
  const fixture = JSON.parse(readFileSync(join(PROJECT_ROOT, 'tests', 'replay', 'histories', historyFile), 'utf8')) as {
    workflowId: string;
    history: object;
  };
  const history = proto.temporal.api.history.v1.History.fromObject(fixture.history);
  const dataConverter = createDataConverter(
    await readKeyringFile(join(PROJECT_ROOT, 'tests', 'replay', 'test-keyring.json'), 'test keyring'),
  );
  return replayed(await bundleWorkflows(), dataConverter, fixture.workflowId, history, times);
}

/** The yardstick: a workflow of `workflowTasks - 1` one-millisecond sleeps, run on `server`, its history replayed `times` times. */
export async function sleepsReplayTimes(
  server: BenchServer,
  workflowTasks: number,
  times: number,
): Promise<ReplayFigure> {
  const workflowsPath = join(PROJECT_ROOT, 'scripts', 'bench', 'empty-workflow.ts');
  const connection = await NativeConnection.connect({ address: server.env.address });
  const taskQueue = `bench-sleeps-${randomBytes(3).toString('hex')}`;
  const worker = await Worker.create({ connection, taskQueue, workflowsPath, dataConverter: server.dataConverter });
  let history: History;
  try {
    history = await worker.runUntil(async () => {
      const handle = await server.client.workflow.start(benchSleepsWorkflow, {
        taskQueue,
        workflowId: taskQueue,
        args: [workflowTasks - 1],
      });
      await handle.result();
      return handle.fetchHistory();
    });
  } finally {
    await connection.close();
  }
  return replayed(
    await bundleWorkflows(workflowsPath, { quiet: true }),
    server.dataConverter,
    taskQueue,
    history,
    times,
  );
}
