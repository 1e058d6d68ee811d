/**
 * Configuration of the processes (worker, API, CLI, npm start), parsed once in entry points and never
 * at import time (docs/style.md 6). The Temporal connection is read with @temporalio/envconfig so that
 * TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / TEMPORAL_API_KEY / TEMPORAL_TLS* / TEMPORAL_PROFILE work as
 * in every other Temporal tool.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { z } from 'zod';
import { parsePlaybook, type Playbook } from '../domain/playbook.js';
import { TASK_QUEUE_DEFAULT } from '../domain/ids.js';
import { issuesOf } from '../domain/report.js';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_PLAYBOOK = resolve(PROJECT_ROOT, 'playbooks/state-5fam.json');
export const DEFAULT_API_TOKENS = resolve(PROJECT_ROOT, 'playbooks/demo-api-tokens.json');

const envSchema = z.object({
  BREACH_TASK_QUEUE: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'expected a task queue name of letters, digits, dots, dashes').default(TASK_QUEUE_DEFAULT),
  BREACH_PLAYBOOK: z.string().min(1).default(DEFAULT_PLAYBOOK),
  BREACH_API_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  BREACH_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  BREACH_API_TOKENS: z.string().min(1).default(DEFAULT_API_TOKENS),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'expected smtp://host:port or smtps://host:port').optional(),
  SMTP_USER: z.string().optional(),
  SMTP_PASS: z.string().optional(),
  SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(5),
  BREACH_WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).max(100_000).default(250),
  BREACH_MAIL_FROM: z.string().default('Breach Response <breach-response@privacy.example.gov>'),
  BREACH_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  BREACH_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  BREACH_METRICS_COLLECT_SECONDS: z.coerce.number().int().min(0).max(86_400).default(30),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
});

export interface AppConfig {
  taskQueue: string;
  playbookPath: string;
  apiPort: number;
  publicUrl: string;
  apiTokensPath: string;
  smtpUrl: string | undefined;
  smtpUser: string | undefined;
  smtpPass: string | undefined;
  /** Connections of the worker's pooled SMTP transport (the notification batches share them). */
  smtpMaxConnections: number;
  /** Workflows the worker keeps in memory; the others are replayed from their history when they next have work. */
  maxCachedWorkflows: number;
  mailFrom: string;
  /**
   * Where the worker serves Prometheus metrics (`GET /metrics`): absent, nowhere. The SDK's runtime
   * metrics and the project's own share the port (worker/metrics.ts).
   */
  metrics: { port: number; host: string; collectEverySeconds: number } | undefined;
  /** The OTLP/HTTP traces endpoint: absent, no tracing (worker/tracing.ts). */
  otlpTracesEndpoint: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(`bad configuration:\n${issuesOf(result.error).map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
  }
  const e = result.data;
  return {
    taskQueue: e.BREACH_TASK_QUEUE,
    playbookPath: resolve(e.BREACH_PLAYBOOK),
    apiPort: e.BREACH_API_PORT,
    publicUrl: (e.BREACH_PUBLIC_URL ?? `http://localhost:${e.BREACH_API_PORT}`).replace(/\/$/, ''),
    apiTokensPath: resolve(e.BREACH_API_TOKENS),
    smtpUrl: e.SMTP_URL,
    smtpUser: e.SMTP_USER,
    smtpPass: e.SMTP_PASS,
    smtpMaxConnections: e.SMTP_MAX_CONNECTIONS,
    maxCachedWorkflows: e.BREACH_WORKER_MAX_CACHED_WORKFLOWS,
    mailFrom: e.BREACH_MAIL_FROM,
    metrics: e.BREACH_METRICS_PORT === undefined ? undefined : { port: e.BREACH_METRICS_PORT, host: e.BREACH_METRICS_HOST, collectEverySeconds: e.BREACH_METRICS_COLLECT_SECONDS },
    // The standard OpenTelemetry variables: the traces endpoint as given, or <base>/v1/traces.
    otlpTracesEndpoint: e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` : undefined),
  };
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the ${what} at ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ConfigError(`the ${what} at ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

export async function loadPlaybookFile(path: string): Promise<Playbook> {
  return parsePlaybook(await readJson(path, 'playbook'), path);
}

/** BREACH_API_TOKENS: `{ "<bearer token>": "<person id>" }`; each person must be in the playbook. */
export async function loadApiTokens(path: string, playbook: Playbook): Promise<Map<string, string>> {
  const parsed = z.record(z.string().min(16, 'expected a token of at least 16 characters'), z.string()).safeParse(await readJson(path, 'API token file'));
  if (!parsed.success) throw new ConfigError(`API token file ${path}: ${issuesOf(parsed.error).map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  const tokens = new Map<string, string>();
  for (const [token, personId] of Object.entries(parsed.data)) {
    if (!playbook.people.some((p) => p.id === personId)) throw new ConfigError(`API token file ${path}: person "${personId}" is not in the playbook`);
    tokens.set(token, personId);
  }
  return tokens;
}

/** Connection settings from TEMPORAL_* variables (and TEMPORAL_PROFILE / config file), defaulting to localhost:7233. */
export function temporalConnectConfig(env: NodeJS.ProcessEnv = process.env) {
  const overrideEnvVars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const { connectionOptions, namespace } = loadClientConnectConfig({ overrideEnvVars });
  return {
    connectionOptions: { ...connectionOptions, address: connectionOptions.address ?? 'localhost:7233' },
    namespace: namespace ?? 'default',
  };
}
