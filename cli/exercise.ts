/**
 * `breach exercise run|status|stop|report|list`: tabletop exercises on the real incident workflow
 * (docs/exercises.md). `run` plans the scenario (exercises/plan.ts: timers divided by --speed, nothing beyond this
 * machine) and starts it on the exercise task queue; participants then act on its incident through the
 * API, the link pages or `breach decide`, as for a real one.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT, loadPlaybookFile } from '../config/index.js';
import { parseScenario, type Scenario } from '../domain/exercise.js';
import {
  exerciseStatus,
  listExercises,
  startExercise,
  stopExercise,
  ExerciseNotFoundError,
} from '../client/exercises.js';
import { loadExerciseConfig } from '../config/exercise.js';
import { ExerciseRefusedError, planExercise } from '../exercises/plan.js';
import { afterAction, type AfterActionReport, type Finding } from '../exercises/report.js';
import { afterActionHtml, afterActionText } from '../exercises/report-html.js';
import { EXIT, UsageError, type CliContext, type ExitCode } from './context.js';
import { table } from '../reports/plain-text.js';

export const EXERCISE_USAGE = `breach exercise run <scenario> [--speed 60] [--playbook FILE]    start a tabletop exercise (exercises/scenarios/<scenario>.json)
  breach exercise status [<run>]    where a run stands (no run: the list)
  breach exercise stop <run> [--reason TEXT]    end a run (its incident ends with it)
  breach exercise report <run> [--out DIR] [--format text|json|html]    after-action report (JSON and HTML written to DIR/<run>/)`;

const RUN_ID = /^ex-[a-z0-9-]{3,60}$/;

/** A path, or the name of a shipped scenario (exercises/scenarios/<name>.json). */
export function scenarioPath(name: string): string {
  if (existsSync(name)) return resolve(name);
  return join(PROJECT_ROOT, 'exercises', 'scenarios', name.endsWith('.json') ? name : `${name}.json`);
}

export async function loadScenario(ctx: CliContext, name: string): Promise<Scenario> {
  const path = scenarioPath(name);
  let text: string;
  try {
    text = await ctx.readText(path);
  } catch {
    throw new UsageError(`no scenario "${name}" (looked for ${path})`, EXERCISE_USAGE);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`scenario ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseScenario(json, path);
}

export async function exerciseCommand(ctx: CliContext, args: string[]): Promise<ExitCode> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'run':
      return run(ctx, rest);
    case 'status':
    case 'list':
      return status(ctx, rest);
    case 'stop':
      return stop(ctx, rest);
    case 'report':
      return report(ctx, rest);
    default:
      throw new UsageError(`unknown exercise command "${sub ?? ''}"`, EXERCISE_USAGE);
  }
}

function runIdOf(value: string | undefined): string {
  if (!value || !RUN_ID.test(value))
    throw new UsageError(`expected a run id such as ex-lost-laptop-abcdef, not "${value ?? ''}"`, EXERCISE_USAGE);
  return value;
}

async function run(ctx: CliContext, args: string[]): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { speed: { type: 'string', default: '60' }, playbook: { type: 'string' }, 'run-id': { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('exercise run takes one scenario', EXERCISE_USAGE);
  const speed = Number(values.speed);
  if (!Number.isFinite(speed) || speed < 1)
    throw new UsageError(`--speed expects a number of at least 1, not "${values.speed}"`, EXERCISE_USAGE);
  const scenario = await loadScenario(ctx, positionals[0]!);
  const settings = loadExerciseConfig(ctx.config().env);
  if (!settings.taskQueue) throw new UsageError('exercises are off (BREACH_EXERCISE_TASK_QUEUE=off)');
  const playbookFile =
    values.playbook ?? (scenario.playbook ? resolve(PROJECT_ROOT, scenario.playbook) : ctx.config().playbookPath);
  const playbook = await loadPlaybookFile(playbookFile);
  let plan;
  try {
    plan = planExercise(scenario, playbook, {
      speed,
      now: ctx.now(),
      smtpUrl: settings.smtpUrl,
      sinks: settings.sinks,
      ...(values['run-id'] ? { runId: runIdOf(values['run-id']) } : {}),
    });
  } catch (err) {
    if (err instanceof ExerciseRefusedError) {
      ctx.err(err.message);
      return EXIT.refused;
    }
    throw err;
  }
  await startExercise(await ctx.client(), settings.taskQueue, plan);
  ctx.out(
    [
      `EXERCISE ${scenario.id} started: run ${plan.runId} at speed ×${speed} on task queue ${settings.taskQueue}.`,
      `  Incident ${plan.incidentId}: act on it as on any incident (API /incidents/${plan.incidentId}, \`breach decide ${plan.incidentId} ...\`, the links in the mail).`,
      `  The report arrives at +${scenario.reportedAfter ?? '0m'}; ${plan.injects.length} inject(s); it ends by itself after ${scenario.duration} (scenario time).`,
      `  Mail only to ${settings.smtpUrl}; every message is marked EXERCISE.`,
      `  Where it stands: npm run breach -- exercise status ${plan.runId}`,
      `  Stop it:         npm run breach -- exercise stop ${plan.runId}`,
      `  After-action:    npm run breach -- exercise report ${plan.runId}`,
    ].join('\n'),
  );
  return EXIT.ok;
}

async function status(ctx: CliContext, args: string[]): Promise<ExitCode> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const client = await ctx.client();
  if (positionals.length === 0) {
    const runs = await listExercises(client);
    ctx.out(
      runs.length
        ? table(
            ['RUN', 'STATUS', 'STARTED', 'CLOSED'],
            runs.map((r) => [r.runId, r.status, r.startedAt, r.closedAt ?? '-']),
          )
        : 'no exercise runs',
    );
    return EXIT.ok;
  }
  const runId = runIdOf(positionals[0]);
  const { exercise, input, incident } = await found(() => exerciseStatus(client, runId));
  const r = afterAction(input, exercise, incident, ctx.now());
  const now = Math.round((ctx.now().getTime() - Date.parse(input.startedAt)) * input.speed);
  ctx.out(
    [
      `EXERCISE run ${runId}: ${exercise.status}${exercise.stopReason ? ` (${exercise.stopReason})` : ''}; scenario time +${Math.round(now / 60_000)} min at speed ×${input.speed}`,
      `Incident ${incident?.incidentId ?? exercise.incidentId}: phase ${incident?.phase ?? 'unknown'}${incident?.awaiting ? `, waiting for ${incident.awaiting.kinds.join(', ')} from the ${incident.awaiting.role}` : ''}`,
      `Injects: ${exercise.injects.map((i) => `${i.id} ${i.outcome}`).join(', ') || 'none'}`,
      `Expectations so far: ${r.summary.met} met, ${r.summary.missed} missed, ${r.summary.pending} pending`,
    ].join('\n'),
  );
  return EXIT.ok;
}

async function stop(ctx: CliContext, args: string[]): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { reason: { type: 'string', default: 'stopped by the facilitator' } },
  });
  const runId = runIdOf(positionals[0]);
  const client = await ctx.client();
  await found(() => stopExercise(client, runId, values.reason!));
  ctx.out(
    `EXERCISE run ${runId}: stop requested; its incident ends with it. After-action: npm run breach -- exercise report ${runId}`,
  );
  return EXIT.ok;
}

async function report(ctx: CliContext, args: string[]): Promise<ExitCode> {
  const settings = loadExerciseConfig(ctx.config().env);
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string', default: settings.afterActionDir }, format: { type: 'string', default: 'text' } },
  });
  const runId = runIdOf(positionals[0]);
  const format = values.format!;
  if (!['text', 'json', 'html'].includes(format))
    throw new UsageError(`--format expects text, json or html, not "${format}"`, EXERCISE_USAGE);
  const { exercise, input, incident } = await found(async () => exerciseStatus(await ctx.client(), runId));
  const dir = resolve(values.out!, runId);
  await mkdir(dir, { recursive: true });
  const result = afterAction(input, exercise, incident, ctx.now(), await readFindings(join(dir, 'findings.json')));
  await writeFile(join(dir, 'report.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(dir, 'report.html'), afterActionHtml(result));
  if (!existsSync(join(dir, 'findings.json')))
    await writeFile(
      join(dir, 'findings.json'),
      `${JSON.stringify(
        result.findings.map(({ id, text }) => ({ id, text })),
        null,
        2,
      )}\n`,
    );
  ctx.out(
    format === 'json'
      ? JSON.stringify(result, null, 2)
      : format === 'html'
        ? join(dir, 'report.html')
        : `${afterActionText(result)}\n\nwritten: ${join(dir, 'report.json')}, ${join(dir, 'report.html')}`,
  );
  return EXIT.ok;
}

/** The facilitator's findings: `[{ id, text }]`; a file that is not that is an error naming the entry. */
export async function readFindings(path: string): Promise<Finding[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) throw new UsageError(`${path}: expected a JSON array of { "id", "text" }`);
  return parsed.map((f: unknown, index) => {
    const entry = f as { id?: unknown; text?: unknown };
    if (typeof entry?.id !== 'string' || typeof entry.text !== 'string')
      throw new UsageError(`${path}: entry ${index}: expected { "id": string, "text": string }`);
    return { id: entry.id, text: entry.text, source: 'facilitator' as const };
  });
}

async function found<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ExerciseNotFoundError) throw new Error(err.message, { cause: err });
    throw err;
  }
}

export type { AfterActionReport };
