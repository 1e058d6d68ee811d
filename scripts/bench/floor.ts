/**
 * `npm run bench -- floor [--incidents N]`: what a new incident costs up to its one-hour report, beside
 * the floor yardstick (scripts/bench/floor-workflow.ts: the same calls out, none of the policy), each
 * started the same way (N first reports through the HTTP API, fifty at a time) on the production worker
 * in a process of its own. Printed: worker and Temporal server CPU per incident until every report
 * reached the US-CERT stand-in, their ratio to the floor's, and the events, workflow tasks and actions
 * of each history at that point.
 */
import { waitUntil } from '../local/ports.js';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PROJECT_ROOT } from '../../config/index.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import { bundleWorkflows } from '../../workers/bundle.js';
import { startEndpointReceiver } from '../local/endpoint-receiver.js';
import { startWorkerProcess } from '../local/worker-process.js';
import { benchPlaybook, cpuSeconds, descendantPid } from './setup.js';
import { fmt, line, type World } from './world.js';
import { benchApi, fileFirstReport } from './api.js';
import { nowUs, printProfiles, readProfiles, type ThreadProfile, type Window } from './profile.js';

/** What Temporal Cloud counts as an action, per event type (starts, signals, updates, activity attempts, timers, upserts, markers, children). */
const ACTIONS = new Set([
  'workflowExecutionStartedEventAttributes',
  'workflowExecutionSignaledEventAttributes',
  'workflowExecutionUpdateAcceptedEventAttributes',
  'activityTaskStartedEventAttributes',
  'timerStartedEventAttributes',
  'upsertWorkflowSearchAttributesEventAttributes',
  'markerRecordedEventAttributes',
  'startChildWorkflowExecutionInitiatedEventAttributes',
  // A memo change (the case list's, domain/case-list-facts.ts): counted, as an upsert is.
  'workflowPropertiesModifiedEventAttributes',
]);

export interface Cost {
  workerMs: number;
  temporalMs: number;
  seconds: number;
  events: number;
  workflowTasks: number;
  actions: number;
  /** With --cpu-prof: where the worker's CPU went over the same span (scripts/bench/profile.ts). */
  profile?: ThreadProfile[];
}

async function costOf(world: World, count: number, env: Record<string, string>): Promise<Cost> {
  const { server } = world;
  const reported = new Set<string>();
  const receiver = await startEndpointReceiver({
    port: 0,
    onCall: (call) => {
      const id = (call.body as { incidentId?: string }).incidentId;
      if (call.path === '/usCert' && id) reported.add(id);
    },
  });
  const playbook = benchPlaybook(receiver.url);
  const taskQueue = `bench-floor-${randomBytes(3).toString('hex')}`;
  const profileDir = world.options.cpuProfileDir ? join(world.options.cpuProfileDir, taskQueue) : undefined;
  const profiling = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const worker = startWorkerProcess(
    { ...server.workerEnv(taskQueue, world.mail.smtpUrl, world.options.connections), ...env },
    { nodeArgs: [...world.options.workerNodeArgs, ...profiling] },
  );
  let window: Window | undefined;
  let cost: Cost;
  const { app, apiUrl } = await benchApi(server.client, taskQueue, playbook);
  try {
    await worker.ready;
    await new Promise((r) => setTimeout(r, 2_000));
    const temporalPid = descendantPid(process.pid, 'start-dev');
    const before = { worker: cpuSeconds(worker.pid), temporal: cpuSeconds(temporalPid) };
    const started = performance.now();
    const fromUs = nowUs();
    const ids: string[] = [];
    for (let i = 0; i < count; i += 50) {
      ids.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => fileFirstReport(apiUrl)))));
    }
    await waitUntil(
      async () => (ids.every((id) => reported.has(id)) ? true : undefined),
      'every report at the US-CERT stand-in',
      1_800_000,
      100,
    );
    // The workflow tasks that record the reports' completion, and the notices' (a few seconds behind).
    await new Promise((r) => setTimeout(r, 3_000));
    const seconds = (performance.now() - started) / 1_000;
    const cpu = { worker: cpuSeconds(worker.pid) - before.worker, temporal: cpuSeconds(temporalPid) - before.temporal };
    window = { fromUs, toUs: nowUs() };
    let events = 0;
    let workflowTasks = 0;
    let actions = 0;
    for (const id of ids) {
      for (const e of (await server.client.workflow.getHandle(incidentWorkflowId(id)).fetchHistory()).events ?? []) {
        events += 1;
        if (e.workflowTaskCompletedEventAttributes) workflowTasks += 1;
        if (Object.keys(e).some((k) => ACTIONS.has(k) && e[k as keyof typeof e])) actions += 1;
      }
    }
    cost = {
      workerMs: (cpu.worker * 1_000) / count,
      temporalMs: (cpu.temporal * 1_000) / count,
      seconds,
      events: events / count,
      workflowTasks: workflowTasks / count,
      actions: actions / count,
    };
  } finally {
    await app.close();
    // The profiles are written as the worker exits (gracefully, on SIGTERM).
    await worker.kill('SIGTERM');
    await receiver.close();
  }
  if (profileDir) cost.profile = await readProfiles(profileDir, window);
  return cost;
}

let bundled: Promise<string> | undefined;

/** The floor workflow's bundle, written once per bench run; its path for the worker's BREACH_WORKFLOW_BUNDLE. */
export function floorBundle(): Promise<string> {
  bundled ??= (async () => {
    const path = join(tmpdir(), `bench-floor-bundle-${process.pid}.js`);
    await writeFile(
      path,
      await bundleWorkflows(join(PROJECT_ROOT, 'scripts', 'bench', 'floor-workflow.ts'), { quiet: true }),
    );
    return path;
  })();
  return bundled;
}

export async function benchFloor(world: World): Promise<Record<string, unknown>> {
  const count = world.options.incidents || 300;
  console.log(`\nfloor: ${fmt(count)} new incidents to their one-hour report, beside the floor workflow`);
  const bundle = await floorBundle();
  // Floor, incident, floor: the machine's load drifts, and the incident is compared with the mean of the two.
  const floorBefore = await costOf(world, count, { BREACH_WORKFLOW_BUNDLE: bundle });
  const incident = await costOf(world, count, {});
  const floorAfter = await costOf(world, count, { BREACH_WORKFLOW_BUNDLE: bundle });
  const mean = (k: Exclude<keyof Cost, 'profile'>) => (floorBefore[k] + floorAfter[k]) / 2;
  const floor: Cost = {
    workerMs: mean('workerMs'),
    temporalMs: mean('temporalMs'),
    seconds: mean('seconds'),
    events: mean('events'),
    workflowTasks: mean('workflowTasks'),
    actions: mean('actions'),
  };
  const ratio = (incident.workerMs + incident.temporalMs) / (floor.workerMs + floor.temporalMs);
  const ms = (c: Cost) => `worker ${fmt(c.workerMs, 1)} + Temporal ${fmt(c.temporalMs, 1)} ms`;
  line('CPU per incident, report → one-hour report', ms(incident));
  line(
    'the floor workflow, same calls',
    `${ms(floor)} (before ${fmt(floorBefore.workerMs + floorBefore.temporalMs, 1)}, after ${fmt(floorAfter.workerMs + floorAfter.temporalMs, 1)} ms in all)`,
  );
  line('incident / floor, worker + Temporal CPU', `${fmt(ratio, 2)}×`, { ok: ratio <= 1.3, text: '≤ 1.3×' });
  line('Temporal server CPU per incident', `${fmt(incident.temporalMs, 1)} ms`, {
    ok: incident.temporalMs <= 30,
    text: '≤ 30 ms',
  });
  const history = (c: Cost) =>
    `${fmt(c.events, 1)} events, ${fmt(c.workflowTasks, 1)} workflow tasks, ${fmt(c.actions, 1)} actions`;
  line('history at the report: incident', history(incident));
  line('history at the report: floor', history(floor));
  line('wall time: incident / floor', `${fmt(incident.seconds, 1)} / ${fmt(floor.seconds, 1)} s`);
  if (incident.profile && floorBefore.profile) {
    printProfiles(`${fmt(count)} incidents, report → one-hour report`, incident.profile, count, console.log);
    printProfiles(`${fmt(count)} floor workflows (the first run)`, floorBefore.profile, count, console.log);
  }
  const { profile: _i, ...incidentFigures } = incident;
  const { profile: _b, ...before } = floorBefore;
  const { profile: _a, ...after } = floorAfter;
  return { incidents: count, incident: incidentFigures, floor, floorBefore: before, floorAfter: after, ratio };
}
