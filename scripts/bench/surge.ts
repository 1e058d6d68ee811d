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
import { floorBundle } from './floor.js';
import type { Playbook } from '../../domain/playbook.js';
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

/**
 * The receiver's own floor: one plain POST of a report-sized body, a hundred times one at a time, then
 * `count` at once (the same burst, with nothing behind it).
 */
async function plainPosts(receiverUrl: string, count: number): Promise<{ alone: number[]; burst: number[] }> {
  const body = JSON.stringify({ ...aReport('floor-0'), padding: 'x'.repeat(200) });
  const post = async () => {
    const t = performance.now();
    await (
      await fetch(`${receiverUrl}/floor`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    ).text();
    return performance.now() - t;
  };
  const alone: number[] = [];
  for (let i = 0; i < 100; i++) alone.push(await post());
  return { alone, burst: await Promise.all(Array.from({ length: count }, post)) };
}

/** One burst: `count` first reports at once through the API to a worker of its own, until every one reached US-CERT. */
interface Burst {
  ids: string[];
  statuses: Map<number, number>;
  startsPerSecond: number;
  allReportedMs: number;
  latencies: number[];
  cpu: { worker: number; mail: number; temporal: number; bench: number };
  memory: ReturnType<ReturnType<typeof memorySampler>['stop']>;
  usCertCalls: number;
}

/**
 * `env` picks what the worker runs: the incident (none) or the floor workflow's bundle (scripts/bench/floor.ts).
 * `whileRunning` measures more once every report arrived, before the worker stops.
 */
async function reportBurst(
  world: World,
  count: number,
  env: Record<string, string>,
  whileRunning: (ids: string[], playbook: Playbook, receiverUrl: string) => Promise<void> = async () => {},
): Promise<Burst> {
  const { server, mail } = world;
  const reportedAt = new Map<string, number>();
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
  const worker = await startWorker(world, taskQueue, env);
  const temporalPid = descendantPid(process.pid, 'start-dev');
  const { app, apiUrl } = await benchApi(server.client, taskQueue, playbook);
  try {
    await mail.reset();
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
    const ids = [...posted.sentAt.keys()];
    await waitUntil(
      async () => (ids.every((id) => reportedAt.has(id)) ? true : undefined),
      'every incident reported to US-CERT',
      3_600_000,
      100,
    );
    const allReportedMs = performance.now() - first;
    const cpu = {
      worker: cpuSeconds(worker.pid) - cpuBefore.worker,
      mail: cpuSeconds(mail.pid) - cpuBefore.mail,
      temporal: cpuSeconds(temporalPid) - cpuBefore.temporal,
      bench: cpuSeconds(process.pid) - cpuBefore.bench,
    };
    await new Promise((r) => setTimeout(r, 2_000));
    const memoryMb = memory.stop();
    await whileRunning(ids, playbook, receiver.url);
    return {
      ids,
      statuses: posted.statuses,
      startsPerSecond: posted.perSecond,
      allReportedMs,
      latencies: ids.map((id) => reportedAt.get(id)! - posted.sentAt.get(id)!),
      cpu,
      memory: memoryMb,
      usCertCalls: receiver.calls('/usCert').length,
    };
  } finally {
    await app.close();
    await worker.kill('SIGTERM');
    await receiver.close();
  }
}

export async function benchSurge(world: World): Promise<void> {
  const { server, options } = world;
  const count = options.incidents || 1_000;
  console.log(`\nsurge: ${fmt(count)} incidents reported at once through the HTTP API`);
  // The yardstick is measured before the surge and again after it (the server then holds the open
  // incidents): the machine's load moves, and the mean of the two is compared.
  const emptyBefore = await emptyStarts(world, count);
  // The floor workflow (scripts/bench/floor-workflow.ts: the same calls out, none of the policy) under the
  // same burst, before and after the incidents (the machine's load drifts, and the server holds more):
  // what the SDK and the server cannot avoid on this machine, the surge's own yardstick.
  const floorEnv = { BREACH_WORKFLOW_BUNDLE: await floorBundle() };
  const floorBefore = await reportBurst(world, count, floorEnv);
  let failedTasks = 0;
  let timedOutTasks = 0;
  let emptyAfter = 0;
  let unworked = 0;
  let posts: { alone: number[]; burst: number[] } = { alone: [], burst: [] };
  // While the incidents' worker still runs, as the yardsticks were always taken.
  const incidents = await reportBurst(world, count, {}, async (ids, playbook, receiverUrl) => {
    posts = await plainPosts(receiverUrl, count);
    for (let i = 0; i < ids.length; i += 20) {
      await Promise.all(
        ids.slice(i, i + 20).map(async (id) => {
          const events = (await server.client.workflow.getHandle(`breach-${id}`).fetchHistory()).events ?? [];
          failedTasks += events.filter((e) => e.workflowTaskFailedEventAttributes).length;
          timedOutTasks += events.filter((e) => e.workflowTaskTimedOutEventAttributes).length;
        }),
      );
    }
    emptyAfter = await emptyStarts(world, count);
    // The same playbook: its case numbers come from the numbering workflow this worker runs.
    unworked = await startsWithoutWork(world, playbook, count);
  });
  const { ids, statuses, startsPerSecond, latencies, cpu, memory: mem } = incidents;
  const { alone: floorCalls, burst } = posts;
  const floorAfter = await reportBurst(world, count, floorEnv);
  const floorLatencies = [...floorBefore.latencies, ...floorAfter.latencies];
  const floorP = (p: number) => (percentile(floorBefore.latencies, p) + percentile(floorAfter.latencies, p)) / 2;
  const emptyPerSecond = (emptyBefore + emptyAfter) / 2;
  results.surge = {
    incidents: count,
    statuses: Object.fromEntries(statuses),
    startsPerSecond,
    emptyStartsPerSecond: emptyPerSecond,
    emptyStartsPerSecondBeforeAfter: [emptyBefore, emptyAfter],
    startsPerSecondWithoutWorker: unworked,
    allReportedMs: incidents.allReportedMs,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) },
    floorWorkflow: [floorBefore, floorAfter].map((f) => ({
      statuses: Object.fromEntries(f.statuses),
      allReportedMs: f.allReportedMs,
      latencyMs: { p50: percentile(f.latencies, 50), p99: percentile(f.latencies, 99), max: Math.max(...f.latencies) },
      cpuSeconds: f.cpu,
    })),
    floorMs: {
      sequentialP50: percentile(floorCalls, 50),
      burstP50: percentile(burst, 50),
      burstP99: percentile(burst, 99),
    },
    memoryMb: mem,
    cpuSeconds: cpu,
    failedWorkflowTasks: failedTasks,
    timedOutWorkflowTasks: timedOutTasks,
    usCertCalls: incidents.usCertCalls,
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
    `${fmt(ids.length)} incidents (${fmt(incidents.usCertCalls)} calls), the last ${fmt(incidents.allReportedMs / 1_000, 1)} s after the first POST`,
    { ok: ids.length === count && incidents.allReportedMs < 3_600_000, text: 'every one, well inside the hour' },
  );
  line(
    'intake → report p50 / p99 / max',
    `${fmt(percentile(latencies, 50))} / ${fmt(percentile(latencies, 99))} / ${fmt(Math.max(...latencies))} ms`,
    { ok: percentile(latencies, 99) <= 15_000, text: 'p99 ≤ 15 s' },
  );
  line(
    'the floor workflow, same burst: p50 / p99',
    `${fmt(floorP(50))} / ${fmt(floorP(99))} ms, the mean of before and after (p99 ${fmt(percentile(floorBefore.latencies, 99))}, ${fmt(percentile(floorAfter.latencies, 99))} ms; ${fmt(floorLatencies.length)} reported)`,
  );
  line(
    'the floor workflow: CPU s before / after',
    [floorBefore, floorAfter]
      .map((f) => `worker ${fmt(f.cpu.worker, 1)} + Temporal ${fmt(f.cpu.temporal, 1)}`)
      .join(' / '),
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
}
