/** `npm run bench -- surge`: 1,000 incidents reported at once through the HTTP API. */
import { waitUntil } from '../local/ports.js';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NativeConnection, Worker } from '@temporalio/worker';
import { PROJECT_ROOT } from '../../config/index.js';
import { benchEmptyWorkflow } from './empty-workflow.js';
import { aFirstReport, aReport, benchPlaybook, cpuSeconds, descendantPid, memorySampler, percentile } from './setup.js';
import { startEndpointReceiver } from '../local/endpoint-receiver.js';
import { fmt, line, results, startWorker, type World } from './world.js';
import { BENCH_AUTH, benchApi } from './api.js';

async function emptyStarts(world: World, count: number): Promise<number> {
  const { server } = world;
  const connection = await NativeConnection.connect({ address: server.env.address });
  const taskQueue = `bench-empty-${randomBytes(3).toString('hex')}`;
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: join(PROJECT_ROOT, 'scripts', 'bench', 'empty-workflow.ts'),
    dataConverter: server.dataConverter,
  });
  const running = worker.run();
  try {
    const stamp = Date.now().toString(36);
    // Warm the path (connection, JIT) as the API's first requests warm it.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        server.client.workflow.start(benchEmptyWorkflow, { taskQueue, workflowId: `empty-warm-${stamp}-${i}` }),
      ),
    );
    const started = performance.now();
    const handles = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        server.client.workflow.start(benchEmptyWorkflow, { taskQueue, workflowId: `empty-${stamp}-${i}` }),
      ),
    );
    const perSecond = (count / (performance.now() - started)) * 1_000;
    await Promise.all(handles.map((h) => h.result()));
    return perSecond;
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
  }
}

/** `count` first reports at once to an API; the rate at which they were accepted, and each id with when it was sent. */
async function postReports(
  apiUrl: string,
  count: number,
): Promise<{ perSecond: number; sentAt: Map<string, number>; statuses: Map<number, number> }> {
  const sentAt = new Map<string, number>();
  const statuses = new Map<number, number>();
  let lastAccepted = 0;
  const first = performance.now();
  await Promise.all(
    Array.from({ length: count }, async () => {
      const at = performance.now();
      const response = await fetch(`${apiUrl}/incidents`, {
        method: 'POST',
        headers: BENCH_AUTH,
        body: JSON.stringify(aFirstReport()),
      });
      const accepted = (await response.json().catch(() => ({}))) as { incidentId?: string };
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (accepted.incidentId) sentAt.set(accepted.incidentId, at);
      lastAccepted = Math.max(lastAccepted, performance.now());
    }),
  );
  return { perSecond: (count / (lastAccepted - first)) * 1_000, sentAt, statuses };
}

/**
 * The same starts through the API to a task queue no worker polls: the API and the server alone, without
 * the incidents' own work (their workflow tasks, mail and reports) competing for the same two cores.
 */
async function startsWithoutWork(
  world: World,
  playbook: ReturnType<typeof benchPlaybook>,
  count: number,
): Promise<number> {
  const taskQueue = `bench-idle-queue-${randomBytes(3).toString('hex')}`;
  const { app, apiUrl } = await benchApi(world.server.client, taskQueue, playbook);
  try {
    await postReports(apiUrl, 20);
    return (await postReports(apiUrl, count)).perSecond;
  } finally {
    await app.close();
  }
}

export async function benchSurge(world: World): Promise<void> {
  const { server, mail, options } = world;
  const count = options.incidents || 1_000;
  console.log(`\nsurge: ${fmt(count)} incidents reported at once through the HTTP API`);
  // The yardstick is measured before the surge and again after it (the server then holds the open
  // incidents): the machine's load moves, and the mean of the two is compared.
  const emptyBefore = await emptyStarts(world, count);

  const reportedAt = new Map<string, number>();
  const floorCalls: number[] = [];
  const receiver = await startEndpointReceiver({
    port: 0,
    onCall: (call) => {
      if (call.path === '/usCert') {
        const id = (call.body as { incidentId?: string }).incidentId;
        if (id && !reportedAt.has(id)) reportedAt.set(id, performance.now());
      }
    },
  });
  const playbook = benchPlaybook(receiver.url);
  const taskQueue = `bench-surge-${randomBytes(3).toString('hex')}`;
  const worker = await startWorker(world, taskQueue);
  const temporalPid = descendantPid(process.pid, 'start-dev');
  const { app, apiUrl } = await benchApi(server.client, taskQueue, playbook);
  try {
    await mail.reset();
    // The floor: one plain POST of a report-sized body to the same receiver, one at a time.
    const body = JSON.stringify({ ...aReport('floor-0'), padding: 'x'.repeat(200) });
    for (let i = 0; i < 100; i++) {
      const t = performance.now();
      await (
        await fetch(`${receiver.url}/floor`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      ).text();
      floorCalls.push(performance.now() - t);
    }
    const health = await fetch(`${apiUrl}/healthz`, { headers: BENCH_AUTH });
    if (!health.ok) throw new Error(`the API answered /healthz with ${health.status}`);

    const memory = memorySampler(() => worker.rssMb());
    const cpuBefore = {
      worker: cpuSeconds(worker.pid),
      mail: cpuSeconds(mail.pid),
      temporal: cpuSeconds(temporalPid),
      bench: cpuSeconds(process.pid),
    };
    // First reports, as reporters file them: the API makes each id, and the answer names it.
    const first = performance.now();
    const posted = await postReports(apiUrl, count);
    const { sentAt, statuses } = posted;
    const startsPerSecond = posted.perSecond;
    const ids = [...sentAt.keys()];
    await waitUntil(
      async () => (ids.every((id) => reportedAt.has(id)) ? true : undefined),
      'every incident reported to US-CERT',
      3_600_000,
      100,
    );
    const allReported = performance.now() - first;
    const cpu = {
      worker: cpuSeconds(worker.pid) - cpuBefore.worker,
      mail: cpuSeconds(mail.pid) - cpuBefore.mail,
      temporal: cpuSeconds(temporalPid) - cpuBefore.temporal,
      bench: cpuSeconds(process.pid) - cpuBefore.bench,
    };
    await new Promise((r) => setTimeout(r, 2_000));
    const mem = memory.stop();
    const latencies = ids.map((id) => reportedAt.get(id)! - sentAt.get(id)!);

    // A thousand plain POSTs at once to the same receiver: the floor under the same burst.
    const burst = await Promise.all(
      Array.from({ length: count }, async () => {
        const t = performance.now();
        await (
          await fetch(`${receiver.url}/floor`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          })
        ).text();
        return performance.now() - t;
      }),
    );

    let failedTasks = 0;
    let timedOutTasks = 0;
    for (let i = 0; i < ids.length; i += 20) {
      await Promise.all(
        ids.slice(i, i + 20).map(async (id) => {
          const events = (await server.client.workflow.getHandle(`breach-${id}`).fetchHistory()).events ?? [];
          failedTasks += events.filter((e) => e.workflowTaskFailedEventAttributes).length;
          timedOutTasks += events.filter((e) => e.workflowTaskTimedOutEventAttributes).length;
        }),
      );
    }
    const usCertCalls = receiver.calls('/usCert').length;
    const emptyAfter = await emptyStarts(world, count);
    const unworked = await startsWithoutWork(world, playbook, count);
    const emptyPerSecond = (emptyBefore + emptyAfter) / 2;
    results.surge = {
      incidents: count,
      statuses: Object.fromEntries(statuses),
      startsPerSecond,
      emptyStartsPerSecond: emptyPerSecond,
      emptyStartsPerSecondBeforeAfter: [emptyBefore, emptyAfter],
      startsPerSecondWithoutWorker: unworked,
      allReportedMs: allReported,
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) },
      floorMs: {
        sequentialP50: percentile(floorCalls, 50),
        burstP50: percentile(burst, 50),
        burstP99: percentile(burst, 99),
      },
      memoryMb: mem,
      cpuSeconds: cpu,
      failedWorkflowTasks: failedTasks,
      timedOutWorkflowTasks: timedOutTasks,
      usCertCalls: usCertCalls,
    };
    const ratio = startsPerSecond / emptyPerSecond;
    line(
      'accepted',
      Object.entries(Object.fromEntries(statuses))
        .map(([s, n]) => `${n} × ${s}`)
        .join(', '),
      { ok: statuses.get(202) === count, text: `all ${count} × 202` },
    );
    line(
      'reported to US-CERT',
      `${fmt(reportedAt.size)} incidents (${fmt(usCertCalls)} calls), the last ${fmt(allReported / 1_000, 1)} s after the first POST`,
      { ok: reportedAt.size === count && allReported < 3_600_000, text: 'every one, well inside the hour' },
    );
    line(
      'intake → report p50 / p99 / max',
      `${fmt(percentile(latencies, 50))} / ${fmt(percentile(latencies, 99))} / ${fmt(Math.max(...latencies))} ms`,
    );
    line('floor: one plain POST (alone) p50', `${fmt(percentile(floorCalls, 50), 2)} ms`);
    line(
      'floor: 1,000 plain POSTs at once p50 / p99',
      `${fmt(percentile(burst, 50))} / ${fmt(percentile(burst, 99))} ms`,
    );
    line('incident starts per second (API)', `${fmt(startsPerSecond)} /s`);
    line(
      'empty workflow starts per second (client)',
      `${fmt(emptyPerSecond)} /s (before ${fmt(emptyBefore)}, after ${fmt(emptyAfter)})`,
    );
    line('incident / empty', `${fmt(ratio, 2)}×`, { ok: ratio >= 0.9, text: '≥ 0.9×' });
    line(
      'incident starts, no worker on the queue',
      `${fmt(unworked)} /s: ${fmt(unworked / emptyPerSecond, 2)}× the empty workflow's (the API and the server alone, the incidents' work not competing)`,
    );
    line(
      'CPU s until every one was reported',
      `worker ${fmt(cpu.worker, 1)} + Temporal ${fmt(cpu.temporal, 1)} + API and receivers ${fmt(cpu.bench, 1)} + mail server ${fmt(cpu.mail, 1)}`,
    );
    line(
      'worker memory growth at 1,000 open incidents',
      `${fmt(mem.growth)} MB (${fmt(mem.baseline)} → peak ${fmt(mem.peak)}, now ${fmt(mem.last)} MB)`,
      { ok: mem.growth < 1_024, text: '< 1 GB' },
    );
    line('failed workflow tasks', `${failedTasks} (timed out: ${timedOutTasks})`, {
      ok: failedTasks === 0,
      text: 'none',
    });
  } finally {
    await app.close();
    await worker.kill('SIGTERM');
    await receiver.close();
  }
}
