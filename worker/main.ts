/**
 * The worker process (`npm run worker`, and a child of `npm start`). The Temporal connection comes from
 * TEMPORAL_* variables through @temporalio/envconfig, so Temporal Cloud or a self-hosted cluster works by
 * setting TEMPORAL_ADDRESS / TEMPORAL_API_KEY / TEMPORAL_TLS*. The playbook is not read here: each
 * workflow receives the playbook it started with from the API or the CLI.
 */
import { DefaultLogger, NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { createMailTransport } from '../activities/mailer.js';
import { loadLinkSecret, signLink } from '../security/links.js';
import { ConfigError, loadConfig, temporalConnectConfig } from '../config/index.js';
import { dataConverterFromEnv } from '../security/data-converter.js';
import { chooseWorkflowSource, createBreachWorker, deploymentOptions, WORKER_READY_MARK } from './worker.js';

const LOCAL_MAIL_CATCHER = 'smtp://127.0.0.1:2525';
const LOG_LEVELS: LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

function logLevel(value: string | undefined): LogLevel {
  const level = (value ?? 'WARN').toUpperCase() as LogLevel;
  if (!LOG_LEVELS.includes(level)) throw new ConfigError(`BREACH_WORKER_LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  return level;
}

/**
 * Temporal may still be starting (`npm start` launches the worker beside the dev server, so the worker
 * bundles its code while the server comes up): retry for a minute before giving up.
 */
async function connectWithRetry(options: ReturnType<typeof temporalConnectConfig>['connectionOptions']): Promise<NativeConnection> {
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
  const config = loadConfig();
  const smtpUrl = config.smtpUrl ?? LOCAL_MAIL_CATCHER;
  if (!config.smtpUrl) console.warn(`[worker] SMTP_URL is not set: mail goes to ${LOCAL_MAIL_CATCHER}, the local mail catcher of \`npm start\``);
  const { connectionOptions, namespace } = temporalConnectConfig();
  const { dataConverter, source: keySource } = await dataConverterFromEnv();
  // The secret the API verifies approval links with (BREACH_LINK_SECRET, else .data/link-secret).
  const linkSecret = await loadLinkSecret();

  // Our own signal handling instead of the Runtime's: one log line, and a second Ctrl-C forces the exit.
  // SDK logs at WARN by default: at INFO every start prints the whole webpack report.
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger(logLevel(process.env.BREACH_WORKER_LOG_LEVEL)) });

  // Pooled: a notification run sends millions of messages over a few connections kept open.
  const mailer = createMailTransport({ smtpUrl, smtpUser: config.smtpUser, smtpPass: config.smtpPass, maxConnections: config.smtpMaxConnections });
  const connection = await connectWithRetry(connectionOptions);
  const source = chooseWorkflowSource();
  const worker = await createBreachWorker({
    connection,
    namespace,
    taskQueue: config.taskQueue,
    activities: createActivities({ mailer, mailFrom: config.mailFrom, publicUrl: config.publicUrl, env: process.env, signLink: (claims) => signLink(linkSecret, claims) }),
    dataConverter,
    ...source,
    // Graceful (SIGTERM): a running activity (a mail batch, an endpoint call) gets BREACH_WORKER_SHUTDOWN_GRACE
    // (default 10 s) to finish; then it is cancelled, heartbeats its checkpoint and fails as cancelled, and
    // the server gives it to another worker, which resumes from that checkpoint.
    // The heartbeat of a notification batch is its checkpoint: sent to the server at least every 100 ms
    // (not every 0.8 × its 20 s timeout), so a crash repeats only the messages of the last 100 ms.
    // Cached workflows: each open incident in memory costs the worker about 2 MB (every workflow runs the
    // bundle's module initialisation, zod's included, in a module scope of its own), so the cache is
    // bounded (BREACH_WORKER_MAX_CACHED_WORKFLOWS, default 250) and an incident beyond it is replayed from
    // its history when it next has work. The SDK's default follows the heap limit (some 2,300 workflows
    // with Node's default heap here) and lets a surge of a thousand incidents take gigabytes; with this
    // and a heap limit (NODE_OPTIONS=--max-old-space-size=768) the bench's surge stays under 1 GB.
    workerOptions: {
      shutdownGraceTime: config.shutdownGraceMs,
      maxHeartbeatThrottleInterval: '100ms',
      maxCachedWorkflows: config.maxCachedWorkflows,
      ...deploymentOptions(config.deployment),
    },
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
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  console.log(
    `[worker] ${WORKER_READY_MARK} ${config.taskQueue} on ${connectionOptions.address} (namespace ${namespace}); ` +
      `workflow code: ${'workflowBundle' in source ? 'pre-built bundle' : 'bundled from sources'}; payloads encrypted with the ${keySource}; ` +
      (config.deployment ? `deployment ${config.deployment.deploymentName}, build ${config.deployment.buildId} (auto-upgrade)` : 'unversioned'),
  );
  try {
    await worker.run();
  } finally {
    mailer.close();
    await connection.close();
  }
  console.log('[worker] stopped');
}

main().catch((err: unknown) => {
  console.error(`[worker] ${err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
