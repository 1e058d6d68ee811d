/**
 * `npm run bench -- sandbox [--incidents N]` (default 300): what the workflow sandbox costs one incident
 * (docs/performance.md), each figure beside its yardstick, an idle workflow (scripts/bench/empty-workflow.ts) in the same
 * worker setup:
 *   - module initialisation per workflow (ms) and the heap each workflow's modules keep, measured with the
 *     SDK's reusable V8 context on the plain bundle, the traced bundle and the yardstick's
 *     (scripts/bench/module-init.ts, in a process of its own with `--expose-gc`);
 *   - the replay of one whole incident history (a cache miss), beside a workflow that only sleeps with
 *     as many workflow tasks (scripts/bench/replay.ts), and what one entry into a V8 context costs with the
 *     SDK's time-out and without (scripts/bench/vm-call.ts);
 *   - worker CPU per new incident, from the report (POST /incidents) to the triage gate;
 *   - worker RSS and heap per cached incident at the gate: N incidents held in the cache (its size set
 *     above N), a full GC forced in the worker before and after (scripts/bench/gc-probe.mjs);
 *   - with `--cpu-prof DIR`, where each worker's CPU went while it took them on, thread by thread
 *     (scripts/bench/profile.ts).
 */
import { waitUntil } from '../local/ports.js';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PROJECT_ROOT } from '../../config/index.js';
import { startEndpointReceiver } from '../local/endpoint-receiver.js';
import { startWorkerProcess, type WorkerProcess } from '../local/worker-process.js';
import { bundleWorkflows } from '../../workers/bundle.js';
import { tracedBundlePath, WORKFLOW_BUNDLE_PATH } from '../../workers/worker.js';
import { benchIdleWorkflow } from './empty-workflow.js';
import { replayTimes, sleepsReplayTimes } from './replay.js';
import { vmCallMicroseconds } from './vm-call.js';
import { benchPlaybook, cpuSeconds } from './setup.js';
import { fmt, line, type World } from './world.js';
import { nowUs, printProfiles, readProfiles, type ThreadProfile, type Window } from './profile.js';
import { benchApi, fileFirstReport } from './api.js';

interface ModuleInit {
  msPerWorkflow: number;
  heapKbPerWorkflow: number | undefined;
}

function moduleInit(bundleFile: string, workflowType: string): ModuleInit {
  const run = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      join(PROJECT_ROOT, 'scripts', 'bench', 'module-init.ts'),
      bundleFile,
      workflowType,
    ],
    { cwd: PROJECT_ROOT, encoding: 'utf8' },
  );
  const json = /\{.*\}\s*$/.exec(run.stdout)?.[0];
  if (run.status !== 0 || !json) throw new Error(`scripts/bench/module-init.ts failed on ${bundleFile}: ${run.stderr}`);
  return JSON.parse(json) as ModuleInit;
}

/** Forces a full GC in the worker (scripts/bench/gc-probe.mjs) and reads its memory, in MB. */
async function gcMemory(worker: WorkerProcess, last: { probe: number }): Promise<{ rss: number; heap: number }> {
  process.kill(worker.pid, 'SIGUSR2');
  return waitUntil(
    async () => {
      const lines = worker
        .output()
        .split('\n')
        .filter((l) => l.startsWith('[gc-probe] '));
      const m = lines.length
        ? (JSON.parse(lines[lines.length - 1]!.slice(11)) as { probe: number; rss: number; heapUsed: number })
        : undefined;
      if (!m || m.probe <= last.probe) return undefined;
      last.probe = m.probe;
      return { rss: m.rss / 1_048_576, heap: m.heapUsed / 1_048_576 };
    },
    "the worker's memory after a forced GC",
    30_000,
    100,
  );
}

interface Held {
  cpuMsPer: number;
  rssKbPer: number;
  heapKbPer: number;
  seconds: number;
  /** With --cpu-prof: where the worker's CPU went while it took the workflows on (scripts/bench/profile.ts). */
  profile?: ThreadProfile[];
}

/** A worker process with the GC probe and a cache above `count`; `load` starts `count` workflows and waits until each waits. */
async function hold(
  world: World,
  count: number,
  env: Record<string, string>,
  load: (taskQueue: string) => Promise<void>,
): Promise<Held> {
  const taskQueue = `bench-sandbox-${randomBytes(3).toString('hex')}`;
  const profileDir = world.options.cpuProfileDir ? join(world.options.cpuProfileDir, taskQueue) : undefined;
  const profiling = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const worker = startWorkerProcess(
    {
      ...world.server.workerEnv(taskQueue, world.mail.smtpUrl, world.options.connections),
      BREACH_WORKER_MAX_CACHED_WORKFLOWS: String(count + 50),
      ...env,
    },
    {
      nodeArgs: [
        ...world.options.workerNodeArgs,
        ...profiling,
        '--expose-gc',
        '--import',
        join(PROJECT_ROOT, 'scripts', 'bench', 'gc-probe.mjs'),
      ],
    },
  );
  let window: Window | undefined;
  let held: Held;
  try {
    await worker.ready;
    await new Promise((r) => setTimeout(r, 2_000));
    const probe = { probe: 0 };
    const before = await gcMemory(worker, probe);
    const cpuBefore = cpuSeconds(worker.pid);
    const started = performance.now();
    const fromUs = nowUs();
    await load(taskQueue);
    window = { fromUs, toUs: nowUs() };
    const seconds = (performance.now() - started) / 1_000;
    const cpu = cpuSeconds(worker.pid) - cpuBefore;
    await new Promise((r) => setTimeout(r, 2_000));
    const after = await gcMemory(worker, probe);
    held = {
      cpuMsPer: (cpu * 1_000) / count,
      rssKbPer: ((after.rss - before.rss) * 1_024) / count,
      heapKbPer: ((after.heap - before.heap) * 1_024) / count,
      seconds,
    };
  } finally {
    // The profiles are written as the worker exits (gracefully, on SIGTERM).
    await worker.kill('SIGTERM');
  }
  if (profileDir) held.profile = await readProfiles(profileDir, window);
  return held;
}

export async function benchSandbox(world: World): Promise<Record<string, unknown>> {
  const count = world.options.incidents || 300;
  console.log(
    `\nsandbox: what the workflow sandbox costs an incident, beside an idle workflow; ${fmt(count)} held in one worker's cache`,
  );
  // The bundles: main.ts wrote the plain one; the traced one and the yardstick's are made the same way.
  const traced = tracedBundlePath(WORKFLOW_BUNDLE_PATH);
  await writeFile(traced, await bundleWorkflows(undefined, { quiet: true, traced: true }));
  const idle = join(tmpdir(), `bench-idle-bundle-${process.pid}.js`);
  await writeFile(
    idle,
    await bundleWorkflows(join(PROJECT_ROOT, 'scripts', 'bench', 'empty-workflow.ts'), { quiet: true }),
  );

  const init = {
    incident: moduleInit(WORKFLOW_BUNDLE_PATH, 'breachIncidentWorkflow'),
    traced: moduleInit(traced, 'breachIncidentWorkflow'),
    idle: moduleInit(idle, 'benchIdleWorkflow'),
  };
  const kb = (v: number | undefined) => (v === undefined ? 'n/a' : `${fmt(v)} KB`);
  line(
    'module init per workflow: incident / idle',
    `${fmt(init.incident.msPerWorkflow, 2)} / ${fmt(init.idle.msPerWorkflow, 2)} ms (traced bundle ${fmt(init.traced.msPerWorkflow, 2)} ms)`,
  );
  // Replay of one whole incident (a cache miss), beside a workflow of sleeps with as many workflow tasks.
  const replay = await replayTimes(30);
  const sleeps = await sleepsReplayTimes(world.server, replay.workflowTasks, 30);
  line(
    'replay of one whole incident (cache miss) p50 / p99',
    `${fmt(replay.p50, 1)} / ${fmt(replay.p99, 1)} ms (${replay.events} events, ${replay.workflowTasks} workflow tasks); sleeps only, as many tasks: ${fmt(sleeps.p50, 1)} / ${fmt(sleeps.p99, 1)} ms (${fmt(replay.p50 / sleeps.p50, 1)}× at p50)`,
    { ok: replay.p99 <= 50, text: '≤ 50 ms p99' },
  );
  const entry = vmCallMicroseconds();
  line(
    'one call into a V8 context (node:vm)',
    `${fmt(entry.withTimeout)} µs with the SDK's 5 s time-out (a watchdog thread each); ${fmt(entry.without, 1)} µs without`,
  );
  line(
    "heap of one workflow's modules: incident / idle",
    `${kb(init.incident.heapKbPerWorkflow)} / ${kb(init.idle.heapKbPerWorkflow)} (traced ${kb(init.traced.heapKbPerWorkflow)})`,
  );

  // The yardstick: idle workflows started by the client on a worker running the idle bundle.
  const idleHeld = await hold(world, count, { BREACH_WORKFLOW_BUNDLE: idle }, async (taskQueue) => {
    const stamp = Date.now().toString(36);
    const handles = [];
    for (let i = 0; i < count; i += 50) {
      handles.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(50, count - i) }, (_, j) =>
            world.server.client.workflow.start(benchIdleWorkflow, { taskQueue, workflowId: `idle-${stamp}-${i + j}` }),
          ),
        )),
      );
    }
    // Each has run its first workflow task (its history has the task's completion) and waits.
    for (const handle of handles)
      await waitUntil(
        async () => ((await handle.describe()).historyLength >= 4 ? true : undefined),
        'an idle workflow at its wait',
        120_000,
        50,
      );
  });

  // The incidents: reported through the API, as the soak and surge parts do, and brought to triage.
  const receiver = await startEndpointReceiver({ port: 0 });
  const playbook = benchPlaybook(receiver.url);
  let app: Awaited<ReturnType<typeof benchApi>>['app'] | undefined;
  try {
    const incidentHeld = await hold(world, count, {}, async (taskQueue) => {
      const api = await benchApi(world.server.client, taskQueue, playbook);
      app = api.app;
      for (let i = 0; i < count; i += 50)
        await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => fileFirstReport(api.apiUrl)));
      const query = `TaskQueue = '${taskQueue}' AND BreachPhase = 'triage'`;
      await waitUntil(
        async () => ((await world.server.client.workflow.count(query)).count >= count ? true : undefined),
        `${count} incidents at triage`,
        600_000,
        250,
      );
    });
    const ratio = (a: number, b: number) => (b > 0 ? `${fmt(a / b, 1)}×` : 'n/a');
    line(
      'worker CPU per new incident (report → triage)',
      `${fmt(incidentHeld.cpuMsPer, 1)} ms; idle workflow start ${fmt(idleHeld.cpuMsPer, 1)} ms (${ratio(incidentHeld.cpuMsPer, idleHeld.cpuMsPer)})`,
      { ok: incidentHeld.cpuMsPer <= 25, text: '≤ 25 ms' },
    );
    line(
      'worker RSS per cached incident (GC forced)',
      `${fmt(incidentHeld.rssKbPer)} KB; idle ${fmt(idleHeld.rssKbPer)} KB`,
      { ok: incidentHeld.rssKbPer <= 512, text: '≤ 0.5 MB' },
    );
    // The SDK runs workflows in worker threads: their heap is in the RSS above, not in the main thread's.
    line(
      'worker main-thread heap per cached incident',
      `${fmt(incidentHeld.heapKbPer)} KB; idle ${fmt(idleHeld.heapKbPer)} KB (workflows' heap: module figures above)`,
    );
    line('time to hold them all', `incidents ${fmt(incidentHeld.seconds, 1)} s; idle ${fmt(idleHeld.seconds, 1)} s`);
    if (incidentHeld.profile && idleHeld.profile) {
      printProfiles(`${fmt(count)} new incidents, report to triage`, incidentHeld.profile, count, console.log);
      printProfiles(`${fmt(count)} idle workflows (the yardstick)`, idleHeld.profile, count, console.log);
    }
    const { profile: _incidentProfile, ...incident } = incidentHeld;
    const { profile: _idleProfile, ...idleFigures } = idleHeld;
    return {
      incidents: count,
      moduleInit: init,
      replay,
      sleepsReplay: sleeps,
      vmCallMicroseconds: entry,
      incident,
      idle: idleFigures,
    };
  } finally {
    await app?.close();
    await receiver.close();
  }
}
