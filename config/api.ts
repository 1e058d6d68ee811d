/** The HTTP API's configuration (api/main.ts), read once from the environment. */
import { z } from 'zod';
import { durationSchema } from '../domain/duration-schema.js';
import { parseDuration } from '../domain/durations.js';
import {
  DEFAULT_API_TOKENS,
  DEFAULT_PLAYBOOK,
  parseEnv,
  pathVar,
  portVar,
  publicUrlOf,
  taskQueueVar,
  temporalConnectConfig,
  type Env,
  type TemporalConnect,
} from './shared.js';
import { decisionWaitVar } from './shared.js';
import { LOCAL_MAIL_CATCHER } from './worker.js';

const schema = z.object({
  BREACH_DECISION_WAIT: decisionWaitVar,
  BREACH_TASK_QUEUE: taskQueueVar,
  BREACH_PLAYBOOK: pathVar(DEFAULT_PLAYBOOK),
  BREACH_API_PORT: portVar(3000),
  BREACH_API_HOST: z.string().min(1).default('127.0.0.1'),
  BREACH_API_TOKENS: pathVar(DEFAULT_API_TOKENS),
  BREACH_UI_ORIGINS: z.string().optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** The mail vendor's bearer token for POST /vendor/returns; unset: the route answers 503. */
  BREACH_VENDOR_TOKEN: z.string().min(16, 'expected a token of at least 16 characters').optional(),
  /** The HMAC secret the vendor signs POST /vendor/returns with (X-Breach-Signature); unset: 503. */
  BREACH_VENDOR_SIGNING_SECRET: z.string().min(32, 'expected a secret of at least 32 characters').optional(),
  /** How far a signature's timestamp may be from now (a replay window), e.g. 5m. */
  /** The intake mail listener's SMTP port (mail-intake/): "off" runs none; it runs when the playbook names intake mailboxes. */
  BREACH_INTAKE_SMTP_PORT: z.union([z.literal('off'), portVar(2526)]).default(2526),
  BREACH_INTAKE_SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  /** Where acknowledgements of reports by email go out: as the worker's mail. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected smtp://host:port or smtps://host:port')
    .optional(),
  SMTP_USER: z.string().optional(),
  SMTP_PASS: z.string().optional(),
  BREACH_MAIL_FROM: z.string().default('Breach Response <breach-response@privacy.example.gov>'),
  BREACH_VENDOR_SIGNATURE_WINDOW: durationSchema
    .refine((v) => parseDuration(v) >= 10_000 && parseDuration(v) <= 3_600_000, 'expected a duration from 10s to 1h')
    .default('5m'),
});

export interface ApiConfig {
  /** BREACH_DECISION_WAIT in milliseconds (client/decisions.ts). */
  decisionWaitMs: number;
  temporal: TemporalConnect;
  taskQueue: string;
  playbookPath: string;
  apiPort: number;
  apiHost: string;
  publicUrl: string;
  apiTokensPath: string;
  /** BREACH_UI_ORIGINS as given (api/codec-server.ts checks each origin). */
  uiOrigins: string | undefined;
  /** The OTLP/HTTP traces endpoint: absent, no tracing (api/tracing.ts). */
  otlpTracesEndpoint: string | undefined;
  /** The mail vendor's callback for returned letters and bounces (api/vendor-routes.ts). */
  vendor: { token: string | undefined; signingSecret: string | undefined; windowMs: number };
  /** The intake mail listener: absent when BREACH_INTAKE_SMTP_PORT is "off". Acknowledgements through `smtp`. */
  intake: { port: number; host: string } | undefined;
  /** SMTP for the acknowledgements (SMTP_URL, else the local mail catcher, as the worker). */
  smtp: { url: string; user: string | undefined; pass: string | undefined; from: string };
  /** For the keyring and the link secret, which read their own variables (security/). */
  env: Env;
}

export function loadApiConfig(env: Env = process.env): ApiConfig {
  const e = parseEnv(schema, env);
  return {
    temporal: temporalConnectConfig(env),
    taskQueue: e.BREACH_TASK_QUEUE,
    playbookPath: e.BREACH_PLAYBOOK,
    apiPort: e.BREACH_API_PORT,
    apiHost: e.BREACH_API_HOST,
    publicUrl: publicUrlOf(env, e.BREACH_API_PORT),
    apiTokensPath: e.BREACH_API_TOKENS,
    uiOrigins: e.BREACH_UI_ORIGINS,
    // The standard OpenTelemetry variables: the traces endpoint as given, or <base>/v1/traces.
    otlpTracesEndpoint:
      e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
      (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` : undefined),
    vendor: {
      token: e.BREACH_VENDOR_TOKEN,
      signingSecret: e.BREACH_VENDOR_SIGNING_SECRET,
      windowMs: parseDuration(e.BREACH_VENDOR_SIGNATURE_WINDOW),
    },
    decisionWaitMs: parseDuration(e.BREACH_DECISION_WAIT),
    intake:
      e.BREACH_INTAKE_SMTP_PORT === 'off'
        ? undefined
        : { port: e.BREACH_INTAKE_SMTP_PORT, host: e.BREACH_INTAKE_SMTP_HOST },
    smtp: { url: e.SMTP_URL ?? LOCAL_MAIL_CATCHER, user: e.SMTP_USER, pass: e.SMTP_PASS, from: e.BREACH_MAIL_FROM },
    env: { ...env },
  };
}
