/** The worker's configuration (worker/main.ts), read once from the environment. */
import { z } from 'zod';
import { parseEnv, portVar, publicUrlOf, taskQueueVar, temporalConnectConfig, type Env, type TemporalConnect } from './shared.js';

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/** Where mail goes when SMTP_URL is unset: the local mail catcher of `npm start`. */
export const LOCAL_MAIL_CATCHER = 'smtp://127.0.0.1:2525';

const schema = z.object({
  BREACH_TASK_QUEUE: taskQueueVar,
  BREACH_API_PORT: portVar(3000),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'expected smtp://host:port or smtps://host:port').optional(),
  SMTP_USER: z.string().optional(),
  SMTP_PASS: z.string().optional(),
  SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(5),
  BREACH_WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).max(100_000).default(250),
  BREACH_MAIL_FROM: z.string().default('Breach Response <breach-response@privacy.example.gov>'),
  BREACH_WORKER_LOG_LEVEL: z.string().default('WARN').transform((v) => v.toUpperCase()).pipe(z.enum(LOG_LEVELS, `expected one of ${LOG_LEVELS.join(', ')}`)),
  BREACH_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  NODE_ENV: z.string().optional(),
});

export interface WorkerConfig {
  temporal: TemporalConnect;
  taskQueue: string;
  publicUrl: string;
  /** SMTP_URL, else the local mail catcher (`smtpUrlIsDefault` says which). */
  smtpUrl: string;
  smtpUrlIsDefault: boolean;
  smtpUser: string | undefined;
  smtpPass: string | undefined;
  /** Connections of the worker's pooled SMTP transport (the notification batches share them). */
  smtpMaxConnections: number;
  /** Workflows the worker keeps in memory; the others are replayed from their history when they next have work. */
  maxCachedWorkflows: number;
  mailFrom: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** A pre-built workflow bundle to run (worker/worker.ts chooseWorkflowSource). */
  workflowBundle: string | undefined;
  production: boolean;
  /**
   * The environment itself, for what is named elsewhere: each playbook endpoint names the variable
   * holding its token (`tokenEnv`), and the playbook travels with each incident, not with the worker;
   * the keyring and the link secret (security/) read their own variables from it.
   */
  env: Env;
}

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const e = parseEnv(schema, env);
  return {
    temporal: temporalConnectConfig(env),
    taskQueue: e.BREACH_TASK_QUEUE,
    publicUrl: publicUrlOf(env, e.BREACH_API_PORT),
    smtpUrl: e.SMTP_URL ?? LOCAL_MAIL_CATCHER,
    smtpUrlIsDefault: e.SMTP_URL === undefined,
    smtpUser: e.SMTP_USER,
    smtpPass: e.SMTP_PASS,
    smtpMaxConnections: e.SMTP_MAX_CONNECTIONS,
    maxCachedWorkflows: e.BREACH_WORKER_MAX_CACHED_WORKFLOWS,
    mailFrom: e.BREACH_MAIL_FROM,
    logLevel: e.BREACH_WORKER_LOG_LEVEL,
    workflowBundle: e.BREACH_WORKFLOW_BUNDLE,
    production: e.NODE_ENV === 'production',
    env: { ...env },
  };
}
