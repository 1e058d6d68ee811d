/** `npm run bench -- notify` and `-- crash`: the notification step beside a plain loop, and a worker killed mid-run. */
import { waitUntil } from '../local/ports.js';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { messageIdFor } from '../../activities/notify.js';
import { PROJECT_ROOT } from '../../config/index.js';
import { notifyWorkflowId } from '../../workflows/notify-messages.js';
import {
  benchPlaybook,
  cpuSeconds,
  descendantPid,
  incidentAtLetter,
  memorySampler,
  phaseIs,
  writeBenchRoster,
} from './setup.js';
import { notifyRunsOf, runningBatches } from './notify-inspect.js';
import { type WorkerProcess } from '../local/worker-process.js';
import { fmt, line, results, startWorker, untilDone, type World } from './world.js';

function plainLoop(
  file: string,
  smtpUrl: string,
  connections: number,
  incidentId: string,
): Promise<{ sent: number; failed: number; ms: number; cpuSeconds: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(PROJECT_ROOT, 'scripts', 'bench', 'plain-loop.ts'),
        file,
        smtpUrl,
        String(connections),
        incidentId,
      ],
      {
        cwd: PROJECT_ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`plain loop exited ${code}`)),
    );
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
    plain = {
      sent: result.sent,
      ms: result.ms,
      perSecond: (result.sent / result.ms) * 1_000,
      cpuSeconds: { sender: result.cpuSeconds, mail: cpuSeconds(mail.pid) - mailCpu },
    };
  }

  await mail.reset();
  // The shipped batch size and parallelism; the rate set out of the way, so that the mail path is what is measured.
  const playbook = benchPlaybook(receiver.url, { ratePerSecond: 100_000 });
  const incidentId = `bench-${recipients}-${Date.now().toString(36)}`;
  const { handle, approve } = await incidentAtLetter(server.client, taskQueue, playbook, incidentId);
  const before = (await handle.describe()).historyLength;
  const memory = memorySampler(() => worker.rssMb());
  const temporalPid = descendantPid(process.pid, 'start-dev');
  const cpuBefore = {
    worker: cpuSeconds(worker.pid),
    mail: cpuSeconds(mail.pid),
    temporal: cpuSeconds(temporalPid),
    bench: cpuSeconds(process.pid),
  };
  const started = performance.now();
  await approve({ url: roster.url, count: recipients });
  await untilDone(server, handle.workflowId);
  const state = await waitUntil(phaseIs(handle, 'remediation'), 'the end of notification', 60_000, 20);
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
    history: {
      incidentEventsDuringNotification: incidentDelta,
      incidentEventsTotal: incidentEvents.length,
      runs: runs.map((r) => r.length),
      perThousand,
      largest,
    },
    memoryMb: mem,
    batchSize: playbook.notification.batchSize,
    parallelBatches: playbook.notification.parallelBatches,
  };
}

/**
 * Waits for the notification run by its result (a long poll that follows continue-as-new), not by
 * querying the incident over and over: queries are workflow work, and would be counted as the pipeline's.
 */

export async function benchNotify(world: World): Promise<void> {
  const { options } = world;
  const taskQueue = `bench-notify-${randomBytes(3).toString('hex')}`;
  const worker = await startWorker(world, taskQueue);
  try {
    console.log(
      `\nnotify: ${fmt(options.recipients)} recipients, ${options.connections} SMTP connections, batches of 500 lines, 4 at once`,
    );
    const r = await notifyRun(world, worker, taskQueue, options.recipients, true);
    results.notify = r;
    const ratio = r.pipeline.perSecond / r.plain!.perSecond;
    line('plain pooled nodemailer loop', `${fmt(r.plain!.ms / 1_000, 1)} s, ${fmt(r.plain!.perSecond)} messages/s`);
    line(
      'notification step (approve-letter → done)',
      `${fmt(r.pipeline.ms / 1_000, 1)} s, ${fmt(r.pipeline.perSecond)} messages/s`,
    );
    line('pipeline / plain loop', `${fmt(ratio, 2)}×`, { ok: ratio >= 2, text: '≥ 2.0×' });
    const c = r.pipeline.cpuSeconds;
    // The same comparison by CPU (every process the messages pass through): what a loaded machine moves least.
    const loopCpu = r.plain!.cpuSeconds.sender + r.plain!.cpuSeconds.mail;
    line(
      'by CPU: plain loop / notification step',
      `${fmt(loopCpu / (c.worker + c.mail + c.temporal + c.bench), 2)}× (sender ${fmt((r.plain!.cpuSeconds.sender * 1e3) / options.recipients, 2)} ms per email, worker ${fmt((c.worker * 1e3) / options.recipients, 2)} ms)`,
    );
    line(
      'CPU s, plain loop',
      `sender ${fmt(r.plain!.cpuSeconds.sender, 1)} + mail server ${fmt(r.plain!.cpuSeconds.mail, 1)}`,
    );
    line(
      'CPU s, notification step',
      `worker ${fmt(c.worker, 1)} + mail server ${fmt(c.mail, 1)} + Temporal ${fmt(c.temporal, 1)} + bench ${fmt(c.bench, 1)}`,
    );
    line('delivered', `${fmt(r.delivered.distinct)} distinct, ${fmt(r.delivered.repeats)} repeats`, {
      ok: r.delivered.distinct === options.recipients && r.delivered.repeats === 0,
      text: 'every one, once',
    });
    line(
      'history events per 1,000 recipients',
      `${fmt(r.history.perThousand, 1)} (runs: ${r.history.runs.join(' + ')}; incident +${r.history.incidentEventsDuringNotification})`,
      { ok: r.history.perThousand <= 15, text: '≤ 15' },
    );
    line('largest single run', `${fmt(r.history.largest)} events`, { ok: r.history.largest <= 4_096, text: '≤ 4,096' });
    line(
      'worker memory growth',
      `${fmt(r.memoryMb.growth)} MB (${fmt(r.memoryMb.baseline)} → peak ${fmt(r.memoryMb.peak)} MB)`,
      { ok: r.memoryMb.growth < 300, text: '< 300 MB' },
    );

    if (options.million) {
      console.log('\nnotify: 1,000,000 recipients');
      const m = await notifyRun(world, worker, taskQueue, 1_000_000, false);
      results.notifyMillion = m;
      line(
        'notification step (approve-letter → done)',
        `${fmt(m.pipeline.ms / 60_000, 1)} min, ${fmt(m.pipeline.perSecond)} messages/s`,
        { ok: m.pipeline.ms <= 600_000, text: '≤ 10 min' },
      );
      line('delivered', `${fmt(m.delivered.distinct)} distinct, ${fmt(m.delivered.repeats)} repeats`, {
        ok: m.delivered.distinct === 1_000_000 && m.delivered.repeats === 0,
        text: 'every one, once',
      });
      line(
        'history events per 1,000 recipients',
        `${fmt(m.history.perThousand, 1)} (${m.history.runs.length} runs, largest ${fmt(Math.max(...m.history.runs))}; incident +${m.history.incidentEventsDuringNotification})`,
        { ok: m.history.perThousand <= 15, text: '≤ 15' },
      );
      line('largest single run', `${fmt(m.history.largest)} events`, {
        ok: m.history.largest <= 4_096,
        text: '≤ 4,096',
      });
      line(
        'worker memory growth',
        `${fmt(m.memoryMb.growth)} MB (${fmt(m.memoryMb.baseline)} → peak ${fmt(m.memoryMb.peak)} MB)`,
        { ok: m.memoryMb.growth < 300, text: '< 300 MB' },
      );
    }
  } finally {
    await worker.kill('SIGTERM');
  }
}

export async function benchCrash(world: World): Promise<void> {
  const { server, mail, receiver, options } = world;
  const recipients = options.recipients;
  const taskQueue = `bench-crash-${randomBytes(3).toString('hex')}`;
  let worker = await startWorker(world, taskQueue);
  try {
    console.log(
      `\ncrash: ${fmt(recipients)} recipients; the worker killed with SIGKILL a third of the way through, then started again`,
    );
    const roster = await writeBenchRoster(recipients);
    await mail.reset();
    const playbook = benchPlaybook(receiver.url, { ratePerSecond: 100_000 });
    const incidentId = `crash-${Date.now().toString(36)}`;
    const { handle, approve } = await incidentAtLetter(server.client, taskQueue, playbook, incidentId);
    await approve({ url: roster.url, count: recipients });
    await waitUntil(
      async () => ((await mail.stats()).received >= recipients / 3 ? true : undefined),
      'a third of the roster',
      600_000,
      20,
    );
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
      for (let line = batch.checkpoint; line < Math.min(batch.toLine, recipients); line++)
        ids.push(messageIdFor(incidentId, line));
      inFlightAtKill += await mail.has(ids);
    }
    worker = await startWorker(world, taskQueue);
    await untilDone(server, handle.workflowId);
    await waitUntil(phaseIs(handle, 'remediation'), 'the end of notification', 60_000, 20);
    const recoveryMs = performance.now() - killedAt;
    const after = await mail.stats();
    results.crash = {
      recipients,
      receivedAtKill: atKill.received,
      batchesRunning: batches.length,
      inFlightAtKill,
      repeats: after.repeats,
      distinct: after.distinct,
      recoveryMs,
    };
    line('received when killed', `${fmt(atKill.received)} (${batches.length} batches running)`);
    line('messages in flight at the kill', `${fmt(inFlightAtKill)} (received beyond the server's checkpoints)`);
    line('repeats after the restart', fmt(after.repeats), { ok: after.repeats <= inFlightAtKill, text: '≤ in flight' });
    line('every recipient reached', `${fmt(after.distinct)} of ${fmt(recipients)}`, {
      ok: after.distinct === recipients,
      text: 'all',
    });
    line('kill → run finished', `${fmt(recoveryMs / 1_000, 1)} s (includes the 20 s heartbeat time-out)`);
  } finally {
    await worker.kill('SIGTERM');
  }
}
