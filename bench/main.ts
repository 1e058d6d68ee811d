/**
 * `npm run bench [-- notify|surge|crash|all] [--recipients N] [--million] [--incidents N] [--connections N]`
 *
 * Measures, on this machine, against a Temporal dev server (the CLI's, in memory) and the production
 * worker (worker/main.ts in a process of its own, running the workflow bundle this writes first, as
 * `npm run build:workflows` does), and prints each figure beside its target:
 *
 *   notify  N recipients (default 100,000) through the whole notification step (approve-letter to the
 *           end of notification) to a counting SMTP receiver in its own process, beside a plain pooled
 *           nodemailer loop sending the same emails to it with the same connection count; throughput,
 *           history events per 1,000 recipients, the largest single run, the worker's memory growth.
 *           With --million, also a 1,000,000-recipient run (about 10 minutes here).
 *   crash   the worker killed with SIGKILL a third of the way through a run and started again: the
 *           messages in flight at the kill, the repeats, every recipient reached.
 *   surge   1,000 incidents reported at once through the HTTP API (buildApi): every one reported to
 *           its endpoint, intake-to-report p50/p99 beside one plain HTTP POST to the same receiver,
 *           starts per second beside an empty workflow on the same server, the worker's memory at
 *           1,000 open incidents, failed workflow tasks.
 *
 * Outside `npm test`: it takes minutes and measures the machine as much as the code.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NativeConnection, Worker } from '@temporalio/worker';
import { messageIdFor } from '../activities/notify.js';
import { buildApi } from '../api/server.js';
import { DEFAULT_API_TOKENS, loadApiTokens, PROJECT_ROOT } from '../config/index.js';
import { WORKFLOW_BUNDLE_PATH } from '../worker/worker.js';
import { notifyWorkflowId } from '../workflows/notify-messages.js';
import { benchEmptyWorkflow } from './empty-workflow.js';
import { benchSoak } from './soak.js';
import { bundleWorkflows } from '../worker/bundle.js';
import {
  aReport,
  benchPlaybook,
  cpuSeconds,
  descendantPid,
  incidentAtLetter,
  memorySampler,
  percentile,
  phaseIs,
  startBenchServer,
  startMailServer,
  waitFor,
  writeBenchRoster,
  type BenchServer,
  type MailServer,
} from './setup.js';
import { startEndpointReceiver, type EndpointReceiver } from '../dev/endpoint-receiver.js';
import { notifyRunsOf, runningBatches } from './notify-inspect.js';
import { startWorkerProcess, type WorkerProcess } from '../dev/worker-process.js';

type Part = 'notify' | 'surge' | 'crash' | 'soak';

interface Options {
  parts: Set<Part>;
  /** soak: the reminder interval of the gates, and how long the soak watches them fire. */
  reminderEvery: string;
  soakSeconds: number;
  recipients: number;
  million: boolean;
  incidents: number;
  connections: number;
}

function parseArgs(argv: string[]): Options {
  const parts = new Set<Part>();
  const options: Options = { parts, recipients: 100_000, million: false, incidents: 0, connections: 5, reminderEvery: '5m', soakSeconds: 180 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${arg}: expected a positive whole number`);
      return n;
    };
    if (arg === 'notify' || arg === 'surge' || arg === 'crash' || arg === 'soak') parts.add(arg);
    else if (arg === 'all') ['notify', 'crash', 'surge'].forEach((p) => parts.add(p as 'notify'));
    else if (arg === '--recipients') options.recipients = value();
    else if (arg === '--incidents') options.incidents = value();
    else if (arg === '--connections') options.connections = value();
    else if (arg === '--million') options.million = true;
    else if (arg === '--reminder-every') options.reminderEvery = argv[++i] ?? '';
    else if (arg === '--soak') options.soakSeconds = value();
    else throw new Error(`unknown argument ${arg}: expected notify, surge, crash, soak, all, --recipients N, --million, --incidents N, --connections N, --reminder-every 5m, --soak SECONDS`);
  }
  if (parts.size === 0) ['notify', 'crash', 'surge'].forEach((p) => parts.add(p as 'notify'));
  return options;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const results: Record<string, unknown> = {};

function line(label: string, value: string, target?: { ok: boolean; text: string }): void {
  console.log(`  ${label.padEnd(44)} ${value}${target ? `   [${verdict(target.ok)}: ${target.text}]` : ''}`);
}

interface World {
  server: BenchServer;
  mail: MailServer;
  receiver: EndpointReceiver;
  options: Options;
}

async function startWorker(world: World, taskQueue: string): Promise<WorkerProcess> {
  // A heap limit, as a worker's container or NODE_OPTIONS would set it: with Node's default (a quarter of
  // this machine's memory) V8 lets garbage pile up to gigabytes before it collects.
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '--max-old-space-size=768').split(' ').filter(Boolean);
  const worker = startWorkerProcess(world.server.workerEnv(taskQueue, world.mail.smtpUrl, world.options.connections), { nodeArgs });
  await worker.ready;
  return worker;
}

/** The plain loop in a process of its own (bench/plain-loop.ts). */
function plainLoop(file: string, smtpUrl: string, connections: number, incidentId: string): Promise<{ sent: number; failed: number; ms: number; cpuSeconds: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'bench', 'plain-loop.ts'), file, smtpUrl, String(connections), incidentId], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`plain loop exited ${code}`))));
  });
}

async function notifyRun(world: World, worker: WorkerProcess, taskQueue: string, recipients: number, compare: boolean) {
  const { server, mail, receiver, options } = world;
  const roster = await writeBenchRoster(recipients);
  let plain: { sent: number; ms: number; perSecond: number; cpuSeconds: { sender: number; mail: number } } | undefined;
  if (compare) {
    await mail.reset();
    const mailCpu = cpuSeconds(mail.pid);
    const result = await plainLoop(roster.file, mail.smtpUrl, options.connections, `plain-${Date.now().toString(36)}`);
    const stats = await mail.stats();
    if (stats.distinct !== recipients) throw new Error(`the plain loop reached ${stats.distinct} of ${recipients}`);
    plain = { sent: result.sent, ms: result.ms, perSecond: (result.sent / result.ms) * 1_000, cpuSeconds: { sender: result.cpuSeconds, mail: cpuSeconds(mail.pid) - mailCpu } };
  }

  await mail.reset();
  // The shipped batch size and parallelism; the rate set out of the way, so that the mail path is what is measured.
  const playbook = benchPlaybook(receiver.url, { ratePerSecond: 100_000 });
  const incidentId = `bench-${recipients}-${Date.now().toString(36)}`;
  const { handle, approve } = await incidentAtLetter(server.client, taskQueue, playbook, incidentId);
  const before = (await handle.describe()).historyLength;
  const memory = memorySampler(() => worker.rssMb());
  const temporalPid = descendantPid(process.pid, 'start-dev');
  const cpuBefore = { worker: cpuSeconds(worker.pid), mail: cpuSeconds(mail.pid), temporal: cpuSeconds(temporalPid), bench: cpuSeconds(process.pid) };
  const started = performance.now();
  await approve({ url: roster.url, count: recipients });
  await untilDone(server, handle.workflowId);
  const state = await waitFor(phaseIs(handle, 'remediation'), 'the end of notification', 60_000, 20);
  const ms = performance.now() - started;
  const mem = memory.stop();
  const cpu = {
    worker: cpuSeconds(worker.pid) - cpuBefore.worker,
    mail: cpuSeconds(mail.pid) - cpuBefore.mail,
    temporal: cpuSeconds(temporalPid) - cpuBefore.temporal,
    bench: cpuSeconds(process.pid) - cpuBefore.bench,
  };
  const stats = await mail.stats();
  const { incidentEvents, runs } = await notifyRunsOf(server.client, handle.workflowId);
  const incidentDelta = incidentEvents.length - before;
  const childEvents = runs.reduce((sum, r) => sum + r.length, 0);
  const perThousand = ((childEvents + incidentDelta) / recipients) * 1_000;
  const largest = Math.max(incidentEvents.length, ...runs.map((r) => r.length));
  return {
    recipients,
    plain,
    pipeline: { ms, perSecond: (recipients / ms) * 1_000, smtpSpanMs: stats.lastAt! - stats.firstAt!, cpuSeconds: cpu },
    delivered: stats,
    notification: state.notification,
    history: { incidentEventsDuringNotification: incidentDelta, incidentEventsTotal: incidentEvents.length, runs: runs.map((r) => r.length), perThousand, largest },
    memoryMb: mem,
    batchSize: playbook.notification.batchSize,
    parallelBatches: playbook.notification.parallelBatches,
  };
}

/**
 * Waits for the notification run by its result (a long poll that follows continue-as-new), not by
 * querying the incident over and over: queries are workflow work, and would be counted as the pipeline's.
 */
async function untilDone(server: BenchServer, incidentWorkflowId: string): Promise<void> {
  const run = server.client.workflow.getHandle(notifyWorkflowId(incidentWorkflowId));
  await waitFor(async () => ((await run.describe()) ? true : undefined), 'the notification run to start', 60_000, 50);
  await run.result();
}

async function benchNotify(world: World): Promise<void> {
  const { options } = world;
  const taskQueue = `bench-notify-${randomBytes(3).toString('hex')}`;
  const worker = await startWorker(world, taskQueue);
  try {
    console.log(`\nnotify: ${fmt(options.recipients)} recipients, ${options.connections} SMTP connections, batches of 500 lines, 4 at once`);
    const r = await notifyRun(world, worker, taskQueue, options.recipients, true);
    results.notify = r;
    const ratio = r.pipeline.perSecond / r.plain!.perSecond;
    line('plain pooled nodemailer loop', `${fmt(r.plain!.ms / 1_000, 1)} s, ${fmt(r.plain!.perSecond)} messages/s`);
    line('notification step (approve-letter → done)', `${fmt(r.pipeline.ms / 1_000, 1)} s, ${fmt(r.pipeline.perSecond)} messages/s`);
    line('pipeline / plain loop', `${fmt(ratio, 2)}×`, { ok: ratio >= 0.8, text: '≥ 0.8×' });
    const c = r.pipeline.cpuSeconds;
    line('CPU s, plain loop', `sender ${fmt(r.plain!.cpuSeconds.sender, 1)} + mail server ${fmt(r.plain!.cpuSeconds.mail, 1)}`);
    line('CPU s, notification step', `worker ${fmt(c.worker, 1)} + mail server ${fmt(c.mail, 1)} + Temporal ${fmt(c.temporal, 1)} + bench ${fmt(c.bench, 1)}`);
    line('delivered', `${fmt(r.delivered.distinct)} distinct, ${fmt(r.delivered.repeats)} repeats`, { ok: r.delivered.distinct === options.recipients && r.delivered.repeats === 0, text: 'every one, once' });
    line('history events per 1,000 recipients', `${fmt(r.history.perThousand, 1)} (runs: ${r.history.runs.join(' + ')}; incident +${r.history.incidentEventsDuringNotification})`, { ok: r.history.perThousand <= 15, text: '≤ 15' });
    line('largest single run', `${fmt(r.history.largest)} events`, { ok: r.history.largest <= 4_096, text: '≤ 4,096' });
    line('worker memory growth', `${fmt(r.memoryMb.growth)} MB (${fmt(r.memoryMb.baseline)} → peak ${fmt(r.memoryMb.peak)} MB)`, { ok: r.memoryMb.growth < 300, text: '< 300 MB' });

    if (options.million) {
      console.log('\nnotify: 1,000,000 recipients');
      const m = await notifyRun(world, worker, taskQueue, 1_000_000, false);
      results.notifyMillion = m;
      line('notification step (approve-letter → done)', `${fmt(m.pipeline.ms / 60_000, 1)} min, ${fmt(m.pipeline.perSecond)} messages/s`);
      line('delivered', `${fmt(m.delivered.distinct)} distinct, ${fmt(m.delivered.repeats)} repeats`, { ok: m.delivered.distinct === 1_000_000 && m.delivered.repeats === 0, text: 'every one, once' });
      line('history events per 1,000 recipients', `${fmt(m.history.perThousand, 1)} (${m.history.runs.length} runs, largest ${fmt(Math.max(...m.history.runs))}; incident +${m.history.incidentEventsDuringNotification})`, { ok: m.history.perThousand <= 15, text: '≤ 15' });
      line('largest single run', `${fmt(m.history.largest)} events`, { ok: m.history.largest <= 4_096, text: '≤ 4,096' });
      line('worker memory growth', `${fmt(m.memoryMb.growth)} MB (${fmt(m.memoryMb.baseline)} → peak ${fmt(m.memoryMb.peak)} MB)`, { ok: m.memoryMb.growth < 300, text: '< 300 MB' });
    }
  } finally {
    await worker.kill('SIGTERM');
  }
}

async function benchCrash(world: World): Promise<void> {
  const { server, mail, receiver, options } = world;
  const recipients = options.recipients;
  const taskQueue = `bench-crash-${randomBytes(3).toString('hex')}`;
  let worker = await startWorker(world, taskQueue);
  try {
    console.log(`\ncrash: ${fmt(recipients)} recipients; the worker killed with SIGKILL a third of the way through, then started again`);
    const roster = await writeBenchRoster(recipients);
    await mail.reset();
    const playbook = benchPlaybook(receiver.url, { ratePerSecond: 100_000 });
    const incidentId = `crash-${Date.now().toString(36)}`;
    const { handle, approve } = await incidentAtLetter(server.client, taskQueue, playbook, incidentId);
    await approve({ url: roster.url, count: recipients });
    await waitFor(async () => ((await mail.stats()).received >= recipients / 3 ? true : undefined), 'a third of the roster', 600_000, 20);
    await worker.kill('SIGKILL');
    const killedAt = performance.now();
    // The dead worker's connections close (a message cut off mid-DATA is dropped by the receiver), and
    // the heartbeats already on their way reach the server.
    await new Promise((r) => setTimeout(r, 500));
    const atKill = await mail.stats();
    const batches = await runningBatches(server.client, server.dataConverter, notifyWorkflowId(handle.workflowId));
    // Messages in flight: received for lines at or after the checkpoint the server held for a running batch.
    let inFlightAtKill = 0;
    for (const batch of batches) {
      const ids: string[] = [];
      for (let line = batch.checkpoint; line < Math.min(batch.toLine, recipients); line++) ids.push(messageIdFor(incidentId, { name: `Person ${line}`, email: `p${line}@bench.example` }, line));
      inFlightAtKill += await mail.has(ids);
    }
    worker = await startWorker(world, taskQueue);
    await untilDone(server, handle.workflowId);
    await waitFor(phaseIs(handle, 'remediation'), 'the end of notification', 60_000, 20);
    const recoveryMs = performance.now() - killedAt;
    const after = await mail.stats();
    results.crash = { recipients, receivedAtKill: atKill.received, batchesRunning: batches.length, inFlightAtKill, repeats: after.repeats, distinct: after.distinct, recoveryMs };
    line('received when killed', `${fmt(atKill.received)} (${batches.length} batches running)`);
    line('messages in flight at the kill', `${fmt(inFlightAtKill)} (received beyond the server's checkpoints)`);
    line('repeats after the restart', fmt(after.repeats), { ok: after.repeats <= inFlightAtKill, text: '≤ in flight' });
    line('every recipient reached', `${fmt(after.distinct)} of ${fmt(recipients)}`, { ok: after.distinct === recipients, text: 'all' });
    line('kill → run finished', `${fmt(recoveryMs / 1_000, 1)} s (includes the 20 s heartbeat time-out)`);
  } finally {
    await worker.kill('SIGTERM');
  }
}

async function emptyStarts(world: World, count: number): Promise<number> {
  const { server } = world;
  const connection = await NativeConnection.connect({ address: server.env.address });
  const taskQueue = `bench-empty-${randomBytes(3).toString('hex')}`;
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: join(PROJECT_ROOT, 'bench', 'empty-workflow.ts'),
    dataConverter: server.dataConverter,
  });
  const running = worker.run();
  try {
    const stamp = Date.now().toString(36);
    // Warm the path (connection, JIT) as the API's first requests warm it.
    await Promise.all(Array.from({ length: 20 }, (_, i) => server.client.workflow.start(benchEmptyWorkflow, { taskQueue, workflowId: `empty-warm-${stamp}-${i}` })));
    const started = performance.now();
    const handles = await Promise.all(Array.from({ length: count }, (_, i) => server.client.workflow.start(benchEmptyWorkflow, { taskQueue, workflowId: `empty-${stamp}-${i}` })));
    const perSecond = (count / (performance.now() - started)) * 1_000;
    await Promise.all(handles.map((h) => h.result()));
    return perSecond;
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
  }
}

async function benchSurge(world: World): Promise<void> {
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
  const tokens = await loadApiTokens(DEFAULT_API_TOKENS, playbook);
  const app = await buildApi({ client: server.client, taskQueue, playbook, tokens, linkSecret: randomBytes(32).toString('hex'), publicUrl: 'http://127.0.0.1' });
  const apiUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const auth = { authorization: 'Bearer demo-ips-director-token', 'content-type': 'application/json' };
  try {
    await mail.reset();
    // The floor: one plain POST of a report-sized body to the same receiver, one at a time.
    const body = JSON.stringify({ ...aReport('floor-0'), padding: 'x'.repeat(200) });
    for (let i = 0; i < 100; i++) {
      const t = performance.now();
      await (await fetch(`${receiver.url}/floor`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).text();
      floorCalls.push(performance.now() - t);
    }
    const health = await fetch(`${apiUrl}/readyz`, { headers: auth });
    if (!health.ok) throw new Error(`the API answered /readyz with ${health.status}`);

    const memory = memorySampler(() => worker.rssMb());
    const cpuBefore = { worker: cpuSeconds(worker.pid), mail: cpuSeconds(mail.pid), temporal: cpuSeconds(temporalPid), bench: cpuSeconds(process.pid) };
    const stamp = Date.now().toString(36);
    const ids = Array.from({ length: count }, (_, i) => `surge-${stamp}-${i}`);
    const sentAt = new Map<string, number>();
    const statuses = new Map<number, number>();
    let lastAccepted = 0;
    const first = performance.now();
    await Promise.all(
      ids.map(async (id) => {
        sentAt.set(id, performance.now());
        const response = await fetch(`${apiUrl}/incidents`, { method: 'POST', headers: auth, body: JSON.stringify(aReport(id)) });
        await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        lastAccepted = Math.max(lastAccepted, performance.now());
      }),
    );
    const startsPerSecond = (count / (lastAccepted - first)) * 1_000;
    await waitFor(async () => (ids.every((id) => reportedAt.has(id)) ? true : undefined), 'every incident reported to US-CERT', 3_600_000, 100);
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
        await (await fetch(`${receiver.url}/floor`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).text();
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
    const reportCalls = receiver.calls('/usCert').length;
    const emptyAfter = await emptyStarts(world, count);
    const emptyPerSecond = (emptyBefore + emptyAfter) / 2;
    results.surge = {
      incidents: count,
      statuses: Object.fromEntries(statuses),
      startsPerSecond,
      emptyStartsPerSecond: emptyPerSecond,
      emptyStartsPerSecondBeforeAfter: [emptyBefore, emptyAfter],
      allReportedMs: allReported,
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) },
      floorMs: { sequentialP50: percentile(floorCalls, 50), burstP50: percentile(burst, 50), burstP99: percentile(burst, 99) },
      memoryMb: mem,
      cpuSeconds: cpu,
      failedWorkflowTasks: failedTasks,
      timedOutWorkflowTasks: timedOutTasks,
      usCertCalls: reportCalls,
    };
    const ratio = startsPerSecond / emptyPerSecond;
    line('accepted', Object.entries(Object.fromEntries(statuses)).map(([s, n]) => `${n} × ${s}`).join(', '), { ok: statuses.get(202) === count, text: `all ${count} × 202` });
    line('reported to US-CERT', `${fmt(reportedAt.size)} incidents (${fmt(reportCalls)} calls), the last ${fmt(allReported / 1_000, 1)} s after the first POST`, { ok: reportedAt.size === count && allReported < 3_600_000, text: 'every one, well inside the hour' });
    line('intake → report p50 / p99 / max', `${fmt(percentile(latencies, 50))} / ${fmt(percentile(latencies, 99))} / ${fmt(Math.max(...latencies))} ms`);
    line('floor: one plain POST (alone) p50', `${fmt(percentile(floorCalls, 50), 2)} ms`);
    line('floor: 1,000 plain POSTs at once p50 / p99', `${fmt(percentile(burst, 50))} / ${fmt(percentile(burst, 99))} ms`);
    line('incident starts per second (API)', `${fmt(startsPerSecond)} /s`);
    line('empty workflow starts per second (client)', `${fmt(emptyPerSecond)} /s (before ${fmt(emptyBefore)}, after ${fmt(emptyAfter)})`);
    line('incident / empty', `${fmt(ratio, 2)}×`, { ok: ratio >= 0.7, text: '≥ 0.7×' });
    line('CPU s until every one was reported', `worker ${fmt(cpu.worker, 1)} + Temporal ${fmt(cpu.temporal, 1)} + API and receivers ${fmt(cpu.bench, 1)} + mail server ${fmt(cpu.mail, 1)}`);
    line('worker memory growth at 1,000 open incidents', `${fmt(mem.growth)} MB (${fmt(mem.baseline)} → peak ${fmt(mem.peak)}, now ${fmt(mem.last)} MB)`, { ok: mem.growth < 1_024, text: '< 1 GB' });
    line('failed workflow tasks', `${failedTasks} (timed out: ${timedOutTasks})`, { ok: failedTasks === 0, text: 'none' });
  } finally {
    await app.close();
    await worker.kill('SIGTERM');
    await receiver.close();
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const began = performance.now();
  const os = await import('node:os');
  console.log(`bench: ${[...options.parts].join(', ')} on ${process.platform}, Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
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
    if (options.parts.has('soak')) {
      results.soak = await benchSoak({ server, mail }, { incidents: options.incidents || 5_000, reminderEvery: options.reminderEvery, soakSeconds: options.soakSeconds, connections: options.connections }, line);
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
