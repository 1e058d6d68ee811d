/**
 * `npm run bench [-- start|notify|surge|crash|soak|sandbox|floor|all] [--recipients N] [--million] [--incidents N] [--connections N] [--cpu-prof DIR]`
 *
 * Measures, on this machine, against a Temporal dev server (the CLI's, in memory) and the production
 * worker (workers/main.ts in a process of its own, running the workflow bundle this writes first, as
 * `npm run build:workflows` does), and prints each figure beside its target:
 *
 *   start   `npm start` as a person runs it: the seconds until "running", and the first report posted
 *           right after it until it reaches the US-CERT stand-in, beside the next reports
 *           (scripts/bench/start.ts; 468.3b(1)).
 *   notify  N recipients (default 100,000) through the whole notification step (approve-letter to the
 *           end of notification) to a counting SMTP receiver in its own process, beside a plain pooled
 *           nodemailer loop sending the same emails to it with the same connection count; throughput,
 *           history events per 1,000 recipients, the largest single run, the worker's memory growth.
 *           With --million, also a 1,000,000-recipient run (about 10 minutes here).
 *   crash   the worker killed with SIGKILL a third of the way through a run and started again: the
 *           messages in flight at the kill, the repeats, every recipient reached.
 *   surge   1,000 incidents reported at once through the HTTP API (buildApi): every one reported to
 *           its endpoint, intake-to-report p50/p99 beside the floor workflow's under the same burst
 *           (before and after) and one plain HTTP POST to the same receiver, starts per second beside an empty workflow on the same server, the worker's memory at
 *           1,000 open incidents, failed workflow tasks.
 *   soak    N open incidents at a gate with reminders firing, then the officials' latency at N open
 *           (a decision's round trip in and out of the worker's cache, /cases, a case page, the record;
 *           scripts/bench/soak.ts, officials.ts).
 *   floor   N new incidents to their one-hour report beside a floor workflow making the same calls out
 *           with none of the policy: worker + server CPU per incident as a ratio to it (floor.ts; --cpu-prof
 *           DIR: the incidents' worker and the first floor's profiled over the same span, profile.ts).
 *   sandbox what the workflow sandbox costs an incident beside an idle workflow: module initialisation
 *           per workflow, worker CPU from report to triage, worker memory per cached incident with a GC
 *           forced (scripts/bench/sandbox.ts; --incidents N, default 300; --cpu-prof DIR: the workers profiled,
 *           where their CPU went printed thread by thread, scripts/bench/profile.ts).
 *
 * Outside `npm test`: it takes minutes and measures the machine as much as the code.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WORKFLOW_BUNDLE_PATH } from '../../workers/worker.js';
import { bundleWorkflows } from '../../workers/bundle.js';
import { startBenchServer, startMailServer } from './setup.js';
import { startEndpointReceiver } from '../local/endpoint-receiver.js';

import { benchCrash, benchNotify } from './notify.js';
import { benchSurge } from './surge.js';
import { benchSoak } from './soak.js';
import { benchSandbox } from './sandbox.js';
import { benchStart } from './start.js';
import { benchFloor } from './floor.js';
import { fmt, line, parseArgs, results, type World } from './world.js';
import { loadBenchConfig } from '../../config/index.js';

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2), loadBenchConfig());
  const began = performance.now();
  const os = await import('node:os');
  console.log(
    `bench: ${[...options.parts].join(', ')} on ${process.platform}, Node ${process.version}, ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  // npm start on its own ports, before the bench's own servers start.
  if (options.parts.has('start')) results.start = await benchStart();
  if ([...options.parts].every((part) => part === 'start')) {
    console.log(`results: ${JSON.stringify(results)}`);
    return;
  }
  // The worker runs the pre-built workflow bundle, as in production (`npm run build:workflows`): a
  // worker that bundles at start keeps webpack's garbage in its heap and pays for it in every GC.
  await mkdir(dirname(WORKFLOW_BUNDLE_PATH), { recursive: true });
  await writeFile(WORKFLOW_BUNDLE_PATH, await bundleWorkflows(undefined, { quiet: true }));
  const server = await startBenchServer();
  const mail = await startMailServer();
  const receiver = await startEndpointReceiver({ port: 0 });
  const world: World = { server, mail, receiver, options };
  try {
    if (options.parts.has('notify')) await benchNotify(world);
    if (options.parts.has('crash')) await benchCrash(world);
    if (options.parts.has('surge')) await benchSurge(world);
    if (options.parts.has('sandbox')) results.sandbox = await benchSandbox(world);
    if (options.parts.has('floor')) results.floor = await benchFloor(world);
    if (options.parts.has('soak')) {
      results.soak = await benchSoak(
        { server, mail },
        {
          incidents: options.incidents || 5_000,
          reminderEvery: options.reminderEvery,
          soakSeconds: options.soakSeconds,
          connections: options.connections,
          workerNodeArgs: options.workerNodeArgs,
        },
        line,
      );
    }
  } finally {
    mail.close();
    await receiver.close();
    await server.env.teardown();
  }
  console.log(`\nbench finished in ${fmt((performance.now() - began) / 60_000, 1)} min`);
  console.log(`results: ${JSON.stringify(results)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`[bench] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
