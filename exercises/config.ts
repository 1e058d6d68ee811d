/**
 * The exercise's settings, parsed at the entry points (worker, CLI, npm start) like config/index.ts:
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
import { ConfigError, PROJECT_ROOT } from '../config/index.js';
import { issuesOf } from '../domain/report.js';
import { checkExerciseUrl, parseSinks } from './targets.js';

export const EXERCISE_TASK_QUEUE_DEFAULT = 'breach-exercise';
export const LOCAL_MAIL_CATCHER = 'smtp://127.0.0.1:2525';

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
  reportDir: string;
  /** The yearly figures' folder. */
  yearlyDir: string;
}

export function loadExerciseConfig(env: NodeJS.ProcessEnv = process.env): ExerciseConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success)
    throw new ConfigError(
      `bad configuration:\n${issuesOf(parsed.error)
        .map((i) => `  - ${i.path}: ${i.message}`)
        .join('\n')}`,
    );
  const e = parsed.data;
  const sinks = parseSinks(e.BREACH_EXERCISE_SINKS);
  // Production mail (SMTP_URL) is used for exercises only when it is itself local: a real relay never is.
  const smtpUrl =
    e.BREACH_EXERCISE_SMTP_URL ??
    (e.SMTP_URL && !checkExerciseUrl(e.SMTP_URL, sinks) ? e.SMTP_URL : LOCAL_MAIL_CATCHER);
  const taskQueue = e.BREACH_EXERCISE_TASK_QUEUE === 'off' ? null : e.BREACH_EXERCISE_TASK_QUEUE;
  if (taskQueue && taskQueue === (e.BREACH_TASK_QUEUE ?? 'breach-response')) {
    throw new ConfigError(
      "BREACH_EXERCISE_TASK_QUEUE: expected a task queue of its own, not the incidents' BREACH_TASK_QUEUE",
    );
  }
  return { taskQueue, smtpUrl, sinks, reportDir: e.BREACH_EXERCISE_DIR, yearlyDir: e.BREACH_REPORT_DIR };
}
