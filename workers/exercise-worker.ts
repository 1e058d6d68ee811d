/**
 * The exercise worker: polls the exercise's own task queue and runs the same workflows (the incident
 * and exerciseWorkflow) with the same activities as the production worker, but
 *   - its mail transport is local (or a declared sink), checked here: it refuses to start otherwise;
 *   - every message it sends is marked EXERCISE in subject and body (activities/exercise-mark.ts
 *     markExercise, applied at the transport so that no message can miss it, letters included);
 *   - it has the exercise's own activities (exercises/activities.ts).
 * workers/main.ts starts it beside the production worker; the tests build it the same way.
 */
import type { Client } from '@temporalio/client';
import type { Transporter } from 'nodemailer';
import type { Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { markExercise } from '../activities/exercise-mark.js';
import { createBreachWorker, type BreachWorkerOptions } from './worker.js';
import { createExerciseActivities } from '../exercises/activities.js';
import { checkExerciseUrl } from '../config/exercise.js';

/** Marks every message the transport sends (nodemailer's `compile` plugin step, before the message is built). */
export function markExerciseMail(mailer: Transporter): Transporter {
  mailer.use('compile', (mail, done) => {
    const data = mail.data;
    const marked = markExercise({
      subject: data.subject ?? '',
      ...(typeof data.text === 'string' ? { text: data.text } : {}),
      ...(typeof data.html === 'string' ? { html: data.html } : {}),
    });
    data.subject = marked.subject;
    if (marked.text !== undefined) data.text = marked.text;
    if (marked.html !== undefined) data.html = marked.html;
    // A message with neither part still says it: the banner as its text.
    if (data.text === undefined && data.html === undefined) data.text = markExercise({ text: '' }).text;
    done();
  });
  return mailer;
}

export interface ExerciseWorkerOptions extends Omit<BreachWorkerOptions, 'activities'> {
  /** The exercise transport's URL, checked before anything is built. */
  smtpUrl: string;
  sinks: string[];
  activityDeps: Omit<ActivityDeps, 'mailer'> & { mailer: Transporter };
  client: Client;
}

export function createExerciseWorker(options: ExerciseWorkerOptions): Promise<Worker> {
  const problem = checkExerciseUrl(options.smtpUrl, options.sinks);
  if (problem) throw new Error(`exercise worker refused: its mail transport ${problem} (set BREACH_EXERCISE_SMTP_URL)`);
  const { smtpUrl: _smtpUrl, sinks, activityDeps, client, ...workerOptions } = options;
  const mailer = markExerciseMail(activityDeps.mailer);
  return createBreachWorker({
    ...workerOptions,
    activities: { ...createActivities({ ...activityDeps, mailer }), ...createExerciseActivities({ client, sinks }) },
  });
}
