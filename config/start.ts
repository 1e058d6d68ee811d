/**
 * `npm start`'s configuration (scripts/local/start.ts), read once from the environment: the settings of the
 * processes it runs that it must know itself (ports, playbook, tokens, SMTP) and its own (data folder,
 * the local stand-ins' ports). Every port can be moved, to run a second instance beside the first.
 */
import { join } from 'node:path';
import { z } from 'zod';
import {
  DEFAULT_API_TOKENS,
  DEFAULT_PLAYBOOK,
  parseEnv,
  pathVar,
  PROJECT_ROOT,
  publicUrlOf,
  taskQueueVar,
  temporalConnectConfig,
  type Env,
  type TemporalConnect,
} from './shared.js';

const anyPort = z.coerce
  .number()
  .int('expected a port from 1 to 65535')
  .min(1, 'expected a port from 1 to 65535')
  .max(65_535, 'expected a port from 1 to 65535');
const port = (fallback: number) => anyPort.default(fallback);

const schema = z.object({
  BREACH_TASK_QUEUE: taskQueueVar,
  BREACH_PLAYBOOK: pathVar(DEFAULT_PLAYBOOK),
  BREACH_API_PORT: port(3000),
  BREACH_API_TOKENS: pathVar(DEFAULT_API_TOKENS),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected smtp://host:port or smtps://host:port')
    .optional(),
  BREACH_UI_ORIGINS: z.string().optional(),
  BREACH_DATA_DIR: pathVar(join(PROJECT_ROOT, '.data')),
  BREACH_TEMPORAL_UI_PORT: anyPort.optional(),
  BREACH_MAIL_SMTP_PORT: port(2525),
  BREACH_MAIL_WEB_PORT: port(8025),
  BREACH_RECEIVER_PORT: port(4010),
  BREACH_INTAKE_SMTP_PORT: z.union([z.literal('off'), port(2526)]).default(2526),
  // 0: any free port (the tests); the issuer printed names the one taken.
  BREACH_IDP_PORT: z.coerce
    .number()
    .int('expected a port from 0 to 65535')
    .min(0, 'expected a port from 0 to 65535')
    .max(65_535, 'expected a port from 0 to 65535')
    .default(4011),
  BREACH_OIDC_ISSUER: z.string().optional(),
});

export interface StartConfig {
  temporal: TemporalConnect;
  taskQueue: string;
  playbookPath: string;
  apiPort: number;
  apiTokensPath: string;
  smtpUrl: string | undefined;
  /** BREACH_UI_ORIGINS when set; else npm start allows its own UI's origins. */
  uiOrigins: string | undefined;
  dataDir: string;
  /** Unset: the Temporal port + 1000. */
  temporalUiPort: number | undefined;
  mailSmtpPort: number;
  mailWebPort: number;
  receiverPort: number;
  /** The intake mail listener the API runs (mail-intake/); undefined: off. */
  intakePort: number | undefined;
  /** The development IdP's port (scripts/local/idp.ts), started unless BREACH_OIDC_ISSUER names a real one. */
  idpPort: number;
  oidcIssuer: string | undefined;
  publicUrl: string;
  /** Passed on to the worker and the API, with what npm start adds (their own configuration reads it). */
  env: Env;
}

export function loadStartConfig(env: Env = process.env): StartConfig {
  const e = parseEnv(schema, { ...env, BREACH_TEMPORAL_UI_PORT: env.BREACH_TEMPORAL_UI_PORT || undefined });
  return {
    temporal: temporalConnectConfig(env),
    taskQueue: e.BREACH_TASK_QUEUE,
    playbookPath: e.BREACH_PLAYBOOK,
    apiPort: e.BREACH_API_PORT,
    apiTokensPath: e.BREACH_API_TOKENS,
    smtpUrl: e.SMTP_URL,
    uiOrigins: e.BREACH_UI_ORIGINS || undefined,
    dataDir: e.BREACH_DATA_DIR,
    temporalUiPort: e.BREACH_TEMPORAL_UI_PORT,
    mailSmtpPort: e.BREACH_MAIL_SMTP_PORT,
    mailWebPort: e.BREACH_MAIL_WEB_PORT,
    receiverPort: e.BREACH_RECEIVER_PORT,
    intakePort: e.BREACH_INTAKE_SMTP_PORT === 'off' ? undefined : e.BREACH_INTAKE_SMTP_PORT,
    idpPort: e.BREACH_IDP_PORT,
    oidcIssuer: e.BREACH_OIDC_ISSUER || undefined,
    publicUrl: publicUrlOf(env, e.BREACH_API_PORT),
    env: { ...env },
  };
}
