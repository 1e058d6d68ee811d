/**
 * The worker process (`npm run worker`, and a child of `npm start`). The Temporal connection comes from
 * TEMPORAL_* variables through @temporalio/envconfig, so Temporal Cloud or a self-hosted cluster works by
 * setting TEMPORAL_ADDRESS / TEMPORAL_API_KEY / TEMPORAL_TLS*. The playbook is not read here: each
 * workflow receives the playbook it started with from the API or the CLI.
 */
import { hostname } from 'node:os';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { createMailTransport } from '../activities/mailer.js';
import { loadLinkSecret, signLink } from '../security/links.js';
import { ConfigError, EXIT_CONFIG, loadWorkerConfig, type TemporalConnect } from '../config/index.js';
import { dataConverterFromEnv } from '../security/data-converter.js';
import { waitUntilPolling } from './polling.js';
import { chooseWorkflowSource, createBreachWorker, deploymentOptions, WORKER_READY_MARK } from './worker.js';
import { startCollector } from './collector.js';
import { createBreachMetrics, freeLoopbackAddress, notificationObserver, startMetricsServer } from './metrics.js';
import { createTracing, WORKFLOW_TRACING_MODULE } from './tracing.js';
import { PRELOAD_MODULES } from './preload.js';
import { Client, Connection } from '@temporalio/client';
import { createYearlyActivities } from '../activities/yearly.js';
import { collectYearlyIncidents } from '../client/figures.js';
import { loadExerciseConfig } from '../config/exercise.js';
import { startExerciseWorker } from './exercise-main.js';

/**
 * Temporal may still be starting (`npm start` launches the worker beside the dev server, so the worker
 * bundles its code while the server comes up): retry for a minute before giving up.
 */
async function connectWithRetry(options: TemporalConnect['connectionOptions']): Promise<NativeConnection> {
  const deadline = Date.now() + 60_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await NativeConnection.connect(options);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      if (attempt === 1) console.log(`[worker] waiting for Temporal at ${options.address}...`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  if (config.smtpUrlIsDefault)
    console.warn(
      `[worker] SMTP_URL is not set: mail goes to ${config.smtpUrl}, the local mail catcher of \`npm start\``,
    );
  const { connectionOptions, namespace } = config.temporal;
  const { dataConverter, source: keySource } = await dataConverterFromEnv(config.env);
  // The secret the API verifies approval links with (BREACH_LINK_SECRET, else .data/link-secret).
  const linkSecret = await loadLinkSecret(config.env);

  // Our own signal handling instead of the Runtime's: one log line, and a second Ctrl-C forces the exit.
  // SDK logs at WARN by default: at INFO every start prints the whole webpack report.
  // The SDK's runtime metrics (temporal_*) go to a loopback port of their own; the metrics server reads
  // them from there and serves them with the project's on BREACH_METRICS_PORT (workers/metrics.ts).
  const sdkMetricsAddress = config.metrics
    ? (config.env.BREACH_SDK_METRICS_ADDRESS ?? (await freeLoopbackAddress()))
    : undefined;
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger(config.logLevel),
    ...(sdkMetricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: sdkMetricsAddress } } } } : {}),
  });
  const metrics = config.metrics ? createBreachMetrics() : undefined;
  const tracing = createTracing({
    endpoint: config.otlpTracesEndpoint,
    serviceName: config.env.OTEL_SERVICE_NAME ?? 'breach-worker',
  });

  // Pooled: a notification run sends millions of messages over a few connections kept open.
  const mailer = createMailTransport({
    smtpUrl: config.smtpUrl,
    smtpUser: config.smtpUser,
    smtpPass: config.smtpPass,
    maxConnections: config.smtpMaxConnections,
  });
  const connection = await connectWithRetry(connectionOptions);
  // A client for the activities that read incidents (the yearly figures, an exercise's decisions).
  const clientConnection = await Connection.connect(connectionOptions);
  const client = new Client({ connection: clientConnection, namespace, dataConverter });
  const duties = loadExerciseConfig(config.env);
  // The traced bundle only when spans go somewhere (workers/bundle.ts): the plain one spares every workflow OpenTelemetry's modules.
  const source = chooseWorkflowSource({ ...config, traced: tracing.enabled });
  const identity = `${process.pid}@${hostname()}`;
  const worker = await createBreachWorker({
    connection,
    namespace,
    taskQueue: config.taskQueue,
    activities: {
      ...createActivities({
        mailer,
        mailFrom: config.mailFrom,
        publicUrl: config.publicUrl,
        env: config.env,
        signLink: (claims) => signLink(linkSecret, claims),
        ...(metrics ? { observe: notificationObserver(metrics) } : {}),
      }),
      ...createYearlyActivities({
        collectIncidents: (period) =>
          collectYearlyIncidents(client, period, duties.taskQueue ? [duties.taskQueue] : []),
        figuresDir: duties.yearlyDir,
      }),
    },
    dataConverter,
    ...source,
    // Graceful (SIGTERM): a running activity (a mail batch, an endpoint call) gets BREACH_WORKER_SHUTDOWN_GRACE
    // (default 10 s) to finish; then it is cancelled, heartbeats its checkpoint and fails as cancelled, and
    // the server gives it to another worker, which resumes from that checkpoint.
    // The heartbeat of a notification batch is its checkpoint: sent to the server at least every 100 ms
    // (not every 0.8 × its 20 s timeout), so a crash repeats only the messages of the last 100 ms.
    // Cached workflows: each open incident in memory costs the worker about 0.6 MB (about 2 MB before the
    // sandbox lost zod and OpenTelemetry: docs/performance.md), so the cache is still bounded
    // (BREACH_WORKER_MAX_CACHED_WORKFLOWS, default 250) and an incident beyond it is replayed from
    // its history when it next has work. The SDK's default follows the heap limit (some 2,300 workflows
    // with Node's default heap here) and lets a surge of a thousand incidents take gigabytes; with this
    // and a heap limit (NODE_OPTIONS=--max-old-space-size=768) the bench's surge stays under 1 GB.
    workerOptions: {
      identity,
      shutdownGraceTime: config.shutdownGraceMs,
      maxHeartbeatThrottleInterval: '100ms',
      maxCachedWorkflows: config.maxCachedWorkflows,
      // BREACH_WORKER_MAX_CONCURRENT_ACTIVITIES: a worker takes no more activities than this at once, so a
      // notification run's parallel batches spread over the workers on the queue.
      ...(config.maxConcurrentActivities === undefined
        ? {}
        : { maxConcurrentActivityTaskExecutions: config.maxConcurrentActivities }),
      ...deploymentOptions(config.deployment),
      // Tracing (workers/tracing.ts): the activity interceptors when an exporter is configured, and the sink
      // of the workflow's interceptors always (an explicit BREACH_WORKFLOW_BUNDLE may have them built in).
      sinks: tracing.workerOptions.sinks,
      interceptors: {
        ...tracing.workerOptions.interceptors,
        ...('workflowsPath' in source && tracing.enabled ? { workflowModules: [WORKFLOW_TRACING_MODULE] } : {}),
      },
      // Bundled from sources: the same shared modules as the pre-built bundles (workers/bundle.ts).
      ...('workflowsPath' in source ? { bundlerOptions: { preloadModules: PRELOAD_MODULES } } : {}),
    },
  });
  const metricsServer =
    config.metrics && metrics
      ? await startMetricsServer({
          host: config.metrics.host,
          port: config.metrics.port,
          metrics,
          sdkAddress: sdkMetricsAddress,
        })
      : undefined;
  const collector =
    metrics && config.metrics && config.metrics.collectEverySeconds > 0
      ? startCollector(client, metrics, config.metrics.collectEverySeconds * 1000, (line) =>
          console.warn(`[worker] ${line}`),
        )
      : undefined;

  // Tabletop exercises on their own task queue, with local mail only (workers/exercise-worker.ts).
  const exercise = await startExerciseWorker({
    env: config.env,
    connection,
    namespace,
    dataConverter,
    source,
    config,
    signLink: (claims) => signLink(linkSecret, claims),
    client,
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`[worker] ${signal} again: exiting without waiting for running activities`);
      process.exit(130);
    }
    stopping = true;
    console.log(`[worker] ${signal}: finishing running tasks, then stopping`);
    worker.shutdown();
    exercise?.worker.shutdown();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const running = Promise.all([worker.run(), exercise?.worker.run()]);
  try {
    // The ready line once the server has our pollers (workers/polling.ts); `npm start` waits for it.
    const waited = await Promise.race([
      waitUntilPolling(connection, { namespace, taskQueue: config.taskQueue, identity }),
      running.then(() => undefined),
    ]);
    if (waited !== undefined) {
      console.log(
        `[worker] ${WORKER_READY_MARK} ${config.taskQueue} on ${connectionOptions.address} (namespace ${namespace}, pid ${process.pid}); ` +
          `workflow code: ${'workflowBundle' in source ? 'pre-built bundle' : 'bundled from sources'}${tracing.enabled ? ' (traced)' : ''}; payloads encrypted with the ${keySource}; ` +
          (config.deployment
            ? `deployment ${config.deployment.deploymentName}, build ${config.deployment.buildId} (auto-upgrade)`
            : 'unversioned') +
          `${exercise ? `; exercises on ${exercise.taskQueue} (mail to ${exercise.smtpUrl})` : ''}` +
          (metricsServer ? `; metrics on http://${metricsServer.address}/metrics` : '') +
          (tracing.enabled ? `; traces to ${config.otlpTracesEndpoint}` : ''),
      );
    }
    await running;
  } finally {
    await collector?.stop();
    await tracing.shutdown().catch(() => undefined);
    await metricsServer?.close();
    mailer.close();
    await exercise?.close();
    await clientConnection.close();
    await connection.close();
  }
  console.log('[worker] stopped');
}

main().catch((err: unknown) => {
  console.error(
    `[worker] ${err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  // A wrong configuration stays wrong: `npm start` does not restart a worker that exits with EXIT_CONFIG.
  process.exit(err instanceof ConfigError ? EXIT_CONFIG : 1);
});
