/**
 * What the processes' configurations share (config/worker.ts, api.ts, cli.ts, start.ts): the project's
 * paths, the error type, the parsing of variables with errors that name them, the Temporal connection
 * and the files a configuration points at. Parsed once, in entry points, never at import time
 * (docs/style.md 6); every variable with its default is in docs/configuration.md.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { z } from 'zod';
import { durationSchema } from '../domain/duration-schema.js';
import { issueLines } from '../domain/issues.js';
import { parsePlaybook, type Playbook } from '../domain/playbook.js';
import { TASK_QUEUE_DEFAULT } from '../domain/ids.js';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_PLAYBOOK = resolve(PROJECT_ROOT, 'playbooks/state-5fam.json');
export const DEFAULT_API_TOKENS = resolve(PROJECT_ROOT, 'playbooks/demo-api-tokens.json');

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** What a process exits with on a ConfigError (sysexits' EX_CONFIG): `npm start` does not restart it. */
export const EXIT_CONFIG = 78;

/** Parses the variables a schema names; a bad one is a ConfigError naming each variable and what it expected. */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success)
    throw new ConfigError(
      `bad configuration:\n${issueLines(result.error)
        .map((line) => `  - ${line}`)
        .join('\n')}`,
    );
  return result.data;
}

export const taskQueueVar = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,200}$/, 'expected a task queue name of letters, digits, dots, dashes')
  .default(TASK_QUEUE_DEFAULT);
export const pathVar = (fallback: string) =>
  z
    .string()
    .min(1)
    .default(fallback)
    .transform((p) => resolve(p));
export const portVar = (fallback: number) =>
  z.coerce
    .number()
    .int('expected a port from 0 to 65535')
    .min(0, 'expected a port from 0 to 65535')
    .max(65_535, 'expected a port from 0 to 65535')
    .default(fallback);

/** BREACH_PUBLIC_URL: the base of links in mail; default the API on this machine. */
export function publicUrlOf(env: Env, apiPort: number): string {
  const parsed = parseEnv(z.object({ BREACH_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional() }), env);
  return (parsed.BREACH_PUBLIC_URL ?? `http://localhost:${apiPort}`).replace(/\/$/, '');
}

/** Connection settings from TEMPORAL_* variables (and TEMPORAL_PROFILE / config file), defaulting to localhost:7233. */
export function temporalConnectConfig(env: Env) {
  const overrideEnvVars = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  const { connectionOptions, namespace } = loadClientConnectConfig({ overrideEnvVars });
  return {
    connectionOptions: { ...connectionOptions, address: connectionOptions.address ?? 'localhost:7233' },
    namespace: namespace ?? 'default',
  };
}
export type TemporalConnect = ReturnType<typeof temporalConnectConfig>;

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

export const MIN_API_TOKEN_LENGTH = 16;

/** BREACH_API_TOKENS: `{ "<bearer token>": "<person id>" }`; each person must be in the playbook. */
export async function loadApiTokens(path: string, playbook: Playbook): Promise<Map<string, string>> {
  const json = await readJson(path, 'API token file');
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(`API token file ${path}: expected a JSON object { "<bearer token>": "<person id>" }`);
  }
  const tokens = new Map<string, string>();
  // Checked entry by entry rather than with z.record: its message for a bad key is "Invalid key in
  // record", and the person reading it needs to know what a token must be. A token is never quoted.
  for (const [index, [token, personId]] of Object.entries(json as Record<string, unknown>).entries()) {
    const where = `API token file ${path}, entry ${index + 1}`;
    if (token.length < MIN_API_TOKEN_LENGTH)
      throw new ConfigError(
        `${where}: a token must be at least ${MIN_API_TOKEN_LENGTH} characters (this one has ${token.length})`,
      );
    if (typeof personId !== 'string' || personId === '')
      throw new ConfigError(`${where}: expected a person id (a string) as the value`);
    if (!playbook.people.some((p) => p.id === personId))
      throw new ConfigError(`${where}: person "${personId}" is not in the playbook`);
    tokens.set(token, personId);
  }
  return tokens;
}

/** BREACH_DECISION_WAIT: how long the API and the CLI wait for a worker to accept a decision before recording it as pending (client/decisions.ts). */
export const decisionWaitVar = durationSchema.default('5s');
