/**
 * The exercise tests' world: the API fixture (dev server, the production worker, SMTP and HTTP
 * receivers, the API) plus the exercise worker on its own task queue, built as workers/main.ts builds it
 * (workers/exercise-worker.ts), and the CLI as `npm run breach` runs it, around the same server.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { createContext } from '../../cli/context.js';
import { runCli } from '../../cli/main.js';
import { createExerciseWorker } from '../../workers/exercise-worker.js';
import type { IncidentState } from '../../domain/state.js';
import { realWorkflowBundle, testDataConverter } from '../helpers/index.js';
import { call, PUBLIC_URL, startApiFixture, type ApiFixture } from '../api/fixture.js';

export interface ExerciseFixture extends ApiFixture {
  exerciseQueue: string;
  exerciseWorker: Worker;
  dir: string;
  env: ApiFixture['env'];
  cliEnv: NodeJS.ProcessEnv;
  breach(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }>;
}

export async function startExerciseFixture(): Promise<ExerciseFixture> {
  const f = await startApiFixture();
  const dir = await mkdtemp(join(tmpdir(), 'breach-exercise-'));
  const playbookFile = join(dir, 'playbook.json');
  await writeFile(playbookFile, JSON.stringify(f.playbook));
  const exerciseQueue = `exercise-test-${Math.random().toString(36).slice(2, 10)}`;
  const exerciseWorker = await createExerciseWorker({
    connection: f.env.nativeConnection,
    namespace: f.env.namespace ?? 'default',
    taskQueue: exerciseQueue,
    dataConverter: testDataConverter(),
    workflowBundle: await realWorkflowBundle(),
    smtpUrl: f.mail.smtpUrl,
    sinks: [],
    client: f.env.client,
    activityDeps: { mailer: f.mail.mailer(), mailFrom: 'breach@test.example', publicUrl: PUBLIC_URL, env: {} },
  });
  const running = exerciseWorker.run();
  const cliEnv: NodeJS.ProcessEnv = {
    BREACH_PLAYBOOK: playbookFile,
    BREACH_TASK_QUEUE: f.taskQueue,
    BREACH_EXERCISE_TASK_QUEUE: exerciseQueue,
    BREACH_EXERCISE_SMTP_URL: f.mail.smtpUrl,
    BREACH_EXERCISE_DIR: join(dir, 'reports'),
  };
  const close = f.close;
  return {
    ...f,
    exerciseQueue,
    exerciseWorker,
    dir,
    cliEnv,
    async breach(args, extraEnv = {}) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(
        args,
        createContext({
          out: (t) => out.push(t),
          err: (t) => err.push(t),
          env: { ...cliEnv, ...extraEnv },
          client: f.env.client,
        }),
      );
      return { code, out: out.join('\n'), err: err.join('\n') };
    },
    async close() {
      exerciseWorker.shutdown();
      await running.catch(() => undefined);
      await close();
    },
  };
}

/** Polls the incident through the API until the predicate holds. */
export async function until(
  f: ApiFixture,
  incidentId: string,
  predicate: (s: IncidentState) => boolean,
  what: string,
  timeoutMs = 90_000,
): Promise<IncidentState> {
  const deadline = Date.now() + timeoutMs;
  let last: IncidentState | undefined;
  while (Date.now() < deadline) {
    const res = await call(f.app, { method: 'GET', url: `/incidents/${incidentId}` });
    if (res.status === 200) {
      last = res.json;
      if (predicate(last)) return last;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out waiting for ${what}: phase ${last?.phase}, timeline ${JSON.stringify(last?.timeline.map((t) => t.event))}`,
  );
}

/** A decision through the API with the token of the person who takes it. */
export async function act(
  f: ApiFixture,
  incidentId: string,
  token: string,
  body: Record<string, unknown>,
): Promise<IncidentState> {
  const res = await call(f.app, { method: 'POST', url: `/incidents/${incidentId}/decisions`, token, body });
  if (res.status !== 200) throw new Error(`${String(body.kind)} answered ${res.status}: ${res.text}`);
  return res.json;
}
