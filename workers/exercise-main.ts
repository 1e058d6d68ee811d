/** The exercise worker as workers/main.ts starts it: its configuration, transport and client from the environment. */
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createMailTransport } from '../activities/mailer.js';
import type { WorkerConfig } from '../config/index.js';
import type { WorkflowBundle } from './worker.js';
import { loadExerciseConfig } from '../config/exercise.js';
import { createExerciseWorker } from './exercise-worker.js';

export interface StartExerciseWorkerOptions {
  env: NodeJS.ProcessEnv;
  connection: NativeConnection;
  namespace: string;
  dataConverter: DataConverter;
  source: { workflowBundle: WorkflowBundle } | { workflowsPath: string };
  config: Pick<WorkerConfig, 'mailFrom' | 'publicUrl'>;
  signLink: (claims: { incidentId: string; kind: string; personId: string; expiresAt: number }) => string;
  /** The worker's client: the exercise's decisions go through the same `decide` update as the API's. */
  client: Client;
}

export async function startExerciseWorker(
  options: StartExerciseWorkerOptions,
): Promise<{ worker: Worker; taskQueue: string; smtpUrl: string; close(): Promise<void> } | undefined> {
  const settings = loadExerciseConfig(options.env);
  if (!settings.taskQueue) return undefined;
  const mailer = createMailTransport({ smtpUrl: settings.smtpUrl, maxConnections: 2 });
  const worker = await createExerciseWorker({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: settings.taskQueue,
    dataConverter: options.dataConverter,
    ...options.source,
    smtpUrl: settings.smtpUrl,
    sinks: settings.sinks,
    client: options.client,
    activityDeps: {
      mailer,
      mailFrom: options.config.mailFrom,
      publicUrl: options.config.publicUrl,
      env: options.env,
      signLink: options.signLink,
    },
    workerOptions: { shutdownGraceTime: '10s', maxCachedWorkflows: 50 },
  });
  return {
    worker,
    taskQueue: settings.taskQueue,
    smtpUrl: settings.smtpUrl,
    async close() {
      mailer.close();
    },
  };
}
