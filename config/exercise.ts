/**
 * The exercises' settings (docs/exercises.md), read by the entry points that run or read exercises (the
 * workers, the API, the CLI) beside their own configuration:
 *   BREACH_EXERCISE_TASK_QUEUE  the exercise's own task queue (default breach-exercise; "off": the worker
 *                               does not poll it)
 *   BREACH_EXERCISE_SMTP_URL    where exercise mail goes (default: SMTP_URL when it is local, else the
 *                               local mail catcher of `npm start`); must be loopback or a sink
 *   BREACH_EXERCISE_SINKS       host names besides loopback an exercise may reach (an exercise mail relay)
 *   BREACH_EXERCISE_DIR         where after-action reports are written (default .data/exercises)
 *   BREACH_REPORT_DIR           where the yearly figures duty writes its JSON and HTML (default .data/reports)
 */
import { join } from 'node:path';
import { z } from 'zod';
import { TASK_QUEUE_DEFAULT } from '../domain/ids.js';
import { ConfigError, parseEnv, PROJECT_ROOT, type Env } from './shared.js';
import { LOCAL_MAIL_CATCHER } from './worker.js';

export const EXERCISE_TASK_QUEUE_DEFAULT = 'breach-exercise';

const schema = z.object({
  BREACH_EXERCISE_TASK_QUEUE: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/, 'expected a task queue name of letters, digits, dots, dashes, or "off"')
    .default(EXERCISE_TASK_QUEUE_DEFAULT),
  BREACH_EXERCISE_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected smtp://host:port or smtps://host:port')
    .optional(),
  BREACH_EXERCISE_SINKS: z.string().optional(),
  BREACH_EXERCISE_DIR: z
    .string()
    .min(1)
    .default(join(PROJECT_ROOT, '.data', 'exercises')),
  BREACH_REPORT_DIR: z
    .string()
    .min(1)
    .default(join(PROJECT_ROOT, '.data', 'reports')),
  SMTP_URL: z.string().optional(),
  BREACH_TASK_QUEUE: z.string().optional(),
});

export interface ExerciseConfig {
  /** null: exercises are switched off on this worker. */
  taskQueue: string | null;
  smtpUrl: string;
  sinks: string[];
  /** The exercises' after-action reports and findings (BREACH_EXERCISE_DIR). */
  afterActionDir: string;
  /** The yearly figures' folder. */
  yearlyDir: string;
}

export function loadExerciseConfig(env: Env = process.env): ExerciseConfig {
  const e = parseEnv(schema, env);
  const sinks = parseSinks(e.BREACH_EXERCISE_SINKS);
  // Production mail (SMTP_URL) is used for exercises only when it is itself local: a real relay never is.
  const smtpUrl =
    e.BREACH_EXERCISE_SMTP_URL ??
    (e.SMTP_URL && !checkExerciseUrl(e.SMTP_URL, sinks) ? e.SMTP_URL : LOCAL_MAIL_CATCHER);
  const taskQueue = e.BREACH_EXERCISE_TASK_QUEUE === 'off' ? null : e.BREACH_EXERCISE_TASK_QUEUE;
  if (taskQueue && taskQueue === (e.BREACH_TASK_QUEUE ?? TASK_QUEUE_DEFAULT)) {
    throw new ConfigError(
      "BREACH_EXERCISE_TASK_QUEUE: expected a task queue of its own, not the incidents' BREACH_TASK_QUEUE",
    );
  }
  return { taskQueue, smtpUrl, sinks, afterActionDir: e.BREACH_EXERCISE_DIR, yearlyDir: e.BREACH_REPORT_DIR };
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Parses BREACH_EXERCISE_SINKS. */
export function parseSinks(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * Where an exercise may send anything: only to this machine (loopback) or to a host the operator has
 * declared an exercise sink (BREACH_EXERCISE_SINKS). Undefined when the URL may be used, else why not.
 */
export function checkExerciseUrl(url: string, sinks: string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLoopbackHost(host) || sinks.includes(host)) return undefined;
  return `${parsed.protocol}//${parsed.host} is neither this machine (loopback) nor an exercise sink declared in BREACH_EXERCISE_SINKS`;
}
