/**
 * From a scenario to a run (workflows/exercise.ts's input): the playbook with its timers divided by the
 * speed, the report with its discovery at the start, the injects on the same compressed clock, and the
 * checks that nothing can leave this machine (exercises/targets.ts). Pure: the CLI reads the files.
 */
import { randomBytes } from 'node:crypto';
import type { Decision } from '../domain/decision.js';
import { parseDuration } from '../domain/durations.js';
import type { Scenario } from '../domain/exercise.js';
import { holdersOf, parsePlaybook, type Playbook } from '../domain/playbook.js';
import { reportSchema, issuesOf, type Report } from '../domain/report.js';
import type { Role } from '../domain/roles.js';
import type { ExerciseInjectPlan, ExerciseInput } from '../workflows/exercise-messages.js';
import { exerciseTargetProblems, type TargetProblem } from './targets.js';

export const DEFAULT_AUDIENCE: Role[] = ['ipsDirector', 'privacyDivision'];
export const MAX_SPEED = 100_000;

export class ExerciseRefusedError extends Error {
  override name = 'ExerciseRefusedError';
  constructor(
    message: string,
    readonly issues: TargetProblem[],
  ) {
    super(`${message}:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
  }
}

/** A scenario duration on the run's clock: divided by the speed, never below 1 ms. */
export function compress(duration: string, speed: number): string {
  return `${Math.max(1, Math.round(parseDuration(duration) / speed))}ms`;
}

/** An opaque run id, also the incident id (letters only after the scenario: never a number shaped like PII). */
export function newRunId(scenarioId: string): string {
  const letters = [...randomBytes(6)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
  return `ex-${scenarioId.slice(0, 40)}-${letters}`;
}

export interface PlanOptions {
  speed: number;
  now: Date;
  smtpUrl: string;
  sinks: string[];
  runId?: string;
}

export function planExercise(scenario: Scenario, basePlaybook: Playbook, options: PlanOptions): ExerciseInput {
  const { speed } = options;
  if (!Number.isFinite(speed) || speed < 1 || speed > MAX_SPEED)
    throw new ExerciseRefusedError('bad speed', [
      { path: '--speed', message: `expected a number from 1 to ${MAX_SPEED}` },
    ]);
  const scenarioTimers = { ...basePlaybook.timers, ...scenario.timers };
  const playbook = parsePlaybook(
    {
      ...basePlaybook,
      name: `EXERCISE ${scenario.id}: ${basePlaybook.name ?? 'playbook'}`,
      timers: Object.fromEntries(Object.entries(scenarioTimers).map(([k, v]) => [k, compress(v, speed)])),
    },
    `exercise ${scenario.id}`,
  );
  const contacts = [
    { path: 'report.reporter.email', email: scenario.report.reporter.email },
    { path: 'report.supervisor.email', email: scenario.report.supervisor.email },
    ...(scenario.report.programManager
      ? [{ path: 'report.programManager.email', email: scenario.report.programManager.email }]
      : []),
  ];
  const problems = exerciseTargetProblems({ playbook, contacts, smtpUrl: options.smtpUrl, sinks: options.sinks });
  if (problems.length)
    throw new ExerciseRefusedError(
      `exercise ${scenario.id} refused at start: it would reach beyond this machine`,
      problems,
    );

  const runId = options.runId ?? newRunId(scenario.id);
  const t0 = options.now.getTime();
  const real = (offset: string) => Math.round(parseDuration(offset) / speed);
  const report: Report = { ...scenario.report, incidentId: runId, discoveredAt: options.now.toISOString() };
  const injects: ExerciseInjectPlan[] = scenario.injects.map((inject, index) => {
    const base = {
      id: inject.id,
      title: inject.title,
      type: inject.type,
      atScenarioMs: parseDuration(inject.at),
      dueMs: real(inject.at),
      audience: inject.audience ?? DEFAULT_AUDIENCE,
    };
    switch (inject.type) {
      case 'outage':
        return {
          ...base,
          outage: {
            url: playbook.endpoints[inject.endpoint].url,
            forMs: real(inject.for),
            status: inject.status ?? 503,
          },
        };
      case 'supplement': {
        const merged = reportSchema.safeParse({ ...report, ...inject.report });
        if (!merged.success)
          throw new ExerciseRefusedError(
            'bad supplement',
            issuesOf(merged.error).map((i) => ({ path: `injects.${index}.report.${i.path}`, message: i.message })),
          );
        return { ...base, supplement: merged.data };
      }
      case 'decision': {
        if (!basePlaybook.people.some((p) => p.id === inject.actor)) {
          throw new ExerciseRefusedError('bad inject', [
            { path: `injects.${index}.actor`, message: `"${inject.actor}" is not a person of the playbook` },
          ]);
        }
        const notifyAfter = inject.notifyAfter
          ? { notifyAfter: new Date(t0 + real(inject.notifyAfter)).toISOString() }
          : {};
        return {
          ...base,
          decision: {
            ...inject.decision,
            ...notifyAfter,
            actorId: inject.actor,
            decisionId: `${runId}-${inject.id}`,
          } as Decision,
        };
      }
      default:
        return base;
    }
  });
  for (const role of new Set(injects.flatMap((i) => i.audience))) {
    if (!holdersOf(playbook, role).length)
      throw new ExerciseRefusedError('bad inject', [
        { path: 'injects.audience', message: `nobody holds the role "${role}" in the playbook` },
      ]);
  }
  return {
    runId,
    scenarioId: scenario.id,
    title: scenario.title,
    speed,
    incidentId: runId,
    startedAt: options.now.toISOString(),
    playbook,
    scenarioTimers,
    report,
    reportDueMs: scenario.reportedAfter ? real(scenario.reportedAfter) : 0,
    durationMs: real(scenario.duration),
    injects,
    expectations: scenario.expectations,
  };
}
