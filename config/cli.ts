/** The command-line client's configuration (cli/), read once from the environment on first use. */
import { z } from 'zod';
import { parseDuration } from '../domain/durations.js';
import {
  DEFAULT_PLAYBOOK,
  parseEnv,
  pathVar,
  taskQueueVar,
  temporalConnectConfig,
  type Env,
  type TemporalConnect,
} from './shared.js';
import { decisionWaitVar } from './shared.js';

const schema = z.object({
  BREACH_DECISION_WAIT: decisionWaitVar,
  BREACH_TASK_QUEUE: taskQueueVar,
  BREACH_PLAYBOOK: pathVar(DEFAULT_PLAYBOOK),
  BREACH_ACTOR: z.string().min(1).optional(),
});

export interface CliConfig {
  /** BREACH_DECISION_WAIT in milliseconds (client/decisions.ts). */
  decisionWaitMs: number;
  temporal: TemporalConnect;
  taskQueue: string;
  playbookPath: string;
  /** The person `decide` acts as when `--as` is not given. */
  actor: string | undefined;
  /** For the keyring (security/keyring.ts reads its own variables). */
  env: Env;
}

export function loadCliConfig(env: Env = process.env): CliConfig {
  const e = parseEnv(schema, env);
  return {
    temporal: temporalConnectConfig(env),
    taskQueue: e.BREACH_TASK_QUEUE,
    playbookPath: e.BREACH_PLAYBOOK,
    actor: e.BREACH_ACTOR,
    decisionWaitMs: parseDuration(e.BREACH_DECISION_WAIT),
    env: { ...env },
  };
}
