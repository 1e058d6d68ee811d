/**
 * The exercise workflow's input, state and messages (docs/style.md 1: defined once, imported by the
 * workflow, the client layer and the tests). Times in `dueMs` are real milliseconds after discovery
 * (the exercise's time zero), already divided by the run's speed (exercises/plan.ts).
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Decision } from '../domain/decision.js';
import type { Expectation } from '../domain/exercise.js';
import type { Playbook } from '../domain/playbook.js';
import type { Report } from '../domain/report.js';
import type { Role } from '../domain/roles.js';

export interface ExerciseInjectPlan {
  id: string;
  title: string;
  type: 'outage' | 'decision' | 'supplement' | 'note';
  /** Scenario offset from discovery, ms (what the facilitator reads). */
  atScenarioMs: number;
  /** Real ms after discovery (scenario offset / speed). */
  dueMs: number;
  audience: Role[];
  outage?: { url: string; forMs: number; status: number };
  decision?: Decision;
  /** The report as the supplement makes it (sent as a second reportIntake). */
  supplement?: Report;
}

export interface ExerciseInput {
  runId: string;
  scenarioId: string;
  title: string;
  speed: number;
  incidentId: string;
  /** Discovery, the exercise's time zero (ISO). */
  startedAt: string;
  /** The playbook with its timers divided by the speed and only local endpoints (exercises/plan.ts). */
  playbook: Playbook;
  /** The playbook's timers before compression (scenario time), for the after-action report. */
  scenarioTimers: Playbook['timers'];
  report: Report;
  /** When the report reaches the system, real ms after discovery. */
  reportDueMs: number;
  /** The exercise ends by itself after this long (real ms after discovery). */
  durationMs: number;
  injects: ExerciseInjectPlan[];
  expectations: Expectation[];
}

export type InjectOutcome = 'pending' | 'done' | 'refused' | 'not-reached';

export interface ExerciseState {
  runId: string;
  scenarioId: string;
  title: string;
  speed: number;
  incidentId: string;
  startedAt: string;
  status: 'running' | 'finished' | 'stopped' | 'timed-out';
  endedAt: string | null;
  stopReason: string | null;
  /** How the incident's workflow ended, when it did before the exercise. */
  incidentOutcome: string | null;
  injects: {
    id: string;
    title: string;
    type: ExerciseInjectPlan['type'];
    atScenarioMs: number;
    dueAt: string;
    firedAt: string | null;
    outcome: InjectOutcome;
    detail: string | null;
  }[];
}

/** `exercise stop`: ends the exercise; the incident's workflow ends with it (parent close policy). */
export const stopExerciseSignal = defineSignal<[{ reason: string }]>('stopExercise');
export const exerciseStateQuery = defineQuery<ExerciseState>('exerciseState');
/** The plan the run started with (scenario, compressed playbook, expectations): the after-action report reads it. */
export const exerciseInputQuery = defineQuery<ExerciseInput>('exerciseInput');
