/**
 * The worker process (`npm run worker`, and a child of `npm start`). The Temporal connection comes from
 * TEMPORAL_* variables through @temporalio/envconfig, so Temporal Cloud or a self-hosted cluster works by
 * setting TEMPORAL_ADDRESS / TEMPORAL_API_KEY / TEMPORAL_TLS*. The playbook is not read here: each
 * workflow receives the playbook it started with from the API or the CLI.
 */
import { NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { createMailTransport } from '../activities/mailer.js';
import { ConfigError, loadConfig, temporalConnectConfig } from './config.js';
import { chooseWorkflowSource, createBreachWorker } from './worker.js';

const LOCAL_MAIL_CATCHER = 'smtp://127.0.0.1:2525';

async function main(): Promise<void> {
  const config = loadConfig();
  const smtpUrl = config.smtpUrl ?? LOCAL_MAIL_CATCHER;
  if (!config.smtpUrl) console.warn(`[worker] SMTP_URL is not set: mail goes to ${LOCAL_MAIL_CATCHER}, the local mail catcher of \`npm start\``);
  const { connectionOptions, namespace } = temporalConnectConfig();

  // Our own signal handling instead of the Runtime's: one log line, and a second Ctrl-C forces the exit.
  Runtime.install({ shutdownSignals: [] });

  const mailer = createMailTransport({ smtpUrl, smtpUser: config.smtpUser, smtpPass: config.smtpPass });
  const connection = await NativeConnection.connect(connectionOptions);
  const source = chooseWorkflowSource();
  const worker = await createBreachWorker({
    connection,
    namespace,
    taskQueue: config.taskQueue,
    activities: createActivities({ mailer, mailFrom: config.mailFrom, publicUrl: config.publicUrl, env: process.env }),
    ...source,
    // Graceful: a running activity (a mail batch, an endpoint call) gets this long to finish on shutdown.
    workerOptions: { shutdownGraceTime: '10s' },
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
    `[worker] polling task queue ${config.taskQueue} on ${connectionOptions.address} (namespace ${namespace}); ` +
      `workflow code: ${'workflowBundle' in source ? 'pre-built bundle' : 'bundled from sources'}`,
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
