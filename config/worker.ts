/** The worker's configuration (workers/main.ts), read once from the environment. */
import { z } from 'zod';
import { parseDuration } from '../domain/durations.js';
import { durationSchema } from '../domain/duration-schema.js';
import {
  ConfigError,
  parseEnv,
  portVar,
  publicUrlOf,
  taskQueueVar,
  temporalConnectConfig,
  type Env,
  type TemporalConnect,
} from './shared.js';

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/** Where mail goes when SMTP_URL is unset: the local mail catcher of `npm start`. */
export const LOCAL_MAIL_CATCHER = 'smtp://127.0.0.1:2525';

const schema = z.object({
  BREACH_TASK_QUEUE: taskQueueVar,
  BREACH_API_PORT: portVar(3000),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected smtp://host:port or smtps://host:port')
    .optional(),
  SMTP_USER: z.string().optional(),
  SMTP_PASS: z.string().optional(),
  SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(5),
  BREACH_WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).max(100_000).default(250),
  /** Activities one worker runs at once (notification batches, mail, endpoint calls); unset, the SDK's 100. */
  BREACH_WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).optional(),
  BREACH_MAIL_FROM: z.string().default('Breach Response <breach-response@privacy.example.gov>'),
  BREACH_WORKER_LOG_LEVEL: z
    .string()
    .default('WARN')
    .transform((v) => v.toUpperCase())
    .pipe(z.enum(LOG_LEVELS, `expected one of ${LOG_LEVELS.join(', ')}`)),
  BREACH_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  NODE_ENV: z.string().optional(),
  /** On SIGTERM, how long running activities get to finish before they are cancelled and handed back. */
  BREACH_WORKER_SHUTDOWN_GRACE: durationSchema.default('10s'),
  /** Worker versioning (docs/releases.md): the worker deployment's name and this release's build id, both or neither. */
  BREACH_DEPLOYMENT_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'expected a deployment name of letters, digits, dots, dashes')
    .optional(),
  BREACH_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  BREACH_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  BREACH_METRICS_COLLECT_SECONDS: z.coerce.number().int().min(0).max(86_400).default(30),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  BREACH_BUILD_ID: z
    .string()
    .regex(/^[A-Za-z0-9._+-]{1,100}$/, 'expected a build id of letters, digits, dots, dashes, plus')
    .optional(),
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
  /** Activities the worker runs at once; undefined, the SDK's default. */
  maxConcurrentActivities: number | undefined;
  mailFrom: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** A pre-built workflow bundle to run (workers/worker.ts chooseWorkflowSource). */
  workflowBundle: string | undefined;
  production: boolean;
  /**
   * Where the worker serves Prometheus metrics (`GET /metrics`): absent, nowhere. The SDK's runtime
   * metrics and the project's own share the port (workers/metrics.ts).
   */
  metrics: { port: number; host: string; collectEverySeconds: number } | undefined;
  /** The OTLP/HTTP traces endpoint: absent, no tracing (workers/tracing.ts). */
  otlpTracesEndpoint: string | undefined;
  /** BREACH_WORKER_SHUTDOWN_GRACE in milliseconds. */
  shutdownGraceMs: number;
  /** The worker deployment version (BREACH_DEPLOYMENT_NAME + BREACH_BUILD_ID); absent, the worker is unversioned. */
  deployment: { deploymentName: string; buildId: string } | undefined;
  /**
   * The environment itself, for what is named elsewhere: each playbook endpoint names the variable
   * holding its token (`tokenEnv`), and the playbook travels with each incident, not with the worker;
   * the keyring and the link secret (security/) read their own variables from it.
   */
  env: Env;
}

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const e = parseEnv(schema, env);
  if ((e.BREACH_DEPLOYMENT_NAME === undefined) !== (e.BREACH_BUILD_ID === undefined)) {
    const missing = e.BREACH_BUILD_ID === undefined ? 'BREACH_BUILD_ID' : 'BREACH_DEPLOYMENT_NAME';
    const given = missing === 'BREACH_BUILD_ID' ? 'BREACH_DEPLOYMENT_NAME' : 'BREACH_BUILD_ID';
    throw new ConfigError(
      `bad configuration:\n  - ${missing}: expected it beside ${given} (worker versioning takes both)`,
    );
  }
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
    maxConcurrentActivities: e.BREACH_WORKER_MAX_CONCURRENT_ACTIVITIES,
    mailFrom: e.BREACH_MAIL_FROM,
    logLevel: e.BREACH_WORKER_LOG_LEVEL,
    workflowBundle: e.BREACH_WORKFLOW_BUNDLE,
    production: e.NODE_ENV === 'production',
    metrics:
      e.BREACH_METRICS_PORT === undefined
        ? undefined
        : {
            port: e.BREACH_METRICS_PORT,
            host: e.BREACH_METRICS_HOST,
            collectEverySeconds: e.BREACH_METRICS_COLLECT_SECONDS,
          },
    // The standard OpenTelemetry variables: the traces endpoint as given, or <base>/v1/traces.
    otlpTracesEndpoint:
      e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
      (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` : undefined),
    shutdownGraceMs: parseDuration(e.BREACH_WORKER_SHUTDOWN_GRACE),
    deployment:
      e.BREACH_DEPLOYMENT_NAME && e.BREACH_BUILD_ID
        ? { deploymentName: e.BREACH_DEPLOYMENT_NAME, buildId: e.BREACH_BUILD_ID }
        : undefined,
    env: { ...env },
  };
}
