/**
 * Exercise runs through Temporal, shared by the CLI and the tests: start one (exercises/plan.ts made the
 * input), ask where it stands, stop it, list them. The exercise's workflow ID is `exercise-<runId>`;
 * its incident is `breach-<runId>`, reachable by the API, the link pages and the CLI like any other.
 */
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { asTemporalError } from './errors.js';
import { getIncidentState } from './incidents.js';
import type { IncidentState } from '../domain/state.js';
import {
  exerciseInputQuery,
  exerciseStateQuery,
  stopExerciseSignal,
  type ExerciseInput,
  type ExerciseState,
} from '../workflows/exercise-messages.js';
import type { exerciseWorkflow } from '../workflows/exercise.js';

export const EXERCISE_WORKFLOW_TYPE = 'exerciseWorkflow';
export const exerciseWorkflowId = (runId: string) => `exercise-${runId}`;

export class ExerciseNotFoundError extends Error {
  override name = 'ExerciseNotFoundError';
  constructor(readonly runId: string) {
    super(`no exercise run "${runId}"`);
  }
}

export async function startExercise(
  client: Client,
  taskQueue: string,
  input: ExerciseInput,
): Promise<{ runId: string; workflowId: string }> {
  const workflowId = exerciseWorkflowId(input.runId);
  try {
    await client.workflow.start<typeof exerciseWorkflow>(EXERCISE_WORKFLOW_TYPE, {
      workflowId,
      taskQueue,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `EXERCISE ${input.scenarioId} at speed ×${input.speed}`,
    });
  } catch (err) {
    throw asTemporalError(err);
  }
  return { runId: input.runId, workflowId };
}

/** The exercise's state (its query answers after it has ended too) and its incident's. */
export async function exerciseStatus(
  client: Client,
  runId: string,
): Promise<{ exercise: ExerciseState; input: ExerciseInput; incident: IncidentState | null }> {
  const handle = client.workflow.getHandle<typeof exerciseWorkflow>(exerciseWorkflowId(runId));
  let exercise: ExerciseState;
  let input: ExerciseInput;
  try {
    exercise = await client.withDeadline(Date.now() + 20_000, () => handle.query(exerciseStateQuery));
    input = await client.withDeadline(Date.now() + 20_000, () => handle.query(exerciseInputQuery));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new ExerciseNotFoundError(runId);
    throw asTemporalError(err);
  }
  const incident = await getIncidentState(client, exercise.incidentId).catch(() => null);
  return { exercise, input, incident };
}

export async function stopExercise(client: Client, runId: string, reason: string): Promise<void> {
  try {
    await client.workflow.getHandle(exerciseWorkflowId(runId)).signal(stopExerciseSignal, { reason });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new ExerciseNotFoundError(runId);
    throw asTemporalError(err);
  }
}

export async function listExercises(
  client: Client,
  limit = 100,
): Promise<{ runId: string; status: string; startedAt: string; closedAt: string | null }[]> {
  const found: { runId: string; status: string; startedAt: string; closedAt: string | null }[] = [];
  try {
    for await (const execution of client.workflow.list({
      query: `WorkflowType = '${EXERCISE_WORKFLOW_TYPE}'`,
      pageSize: 100,
    })) {
      found.push({
        runId: execution.workflowId.replace(/^exercise-/, ''),
        status: execution.status.name,
        startedAt: execution.startTime.toISOString(),
        closedAt: execution.closeTime?.toISOString() ?? null,
      });
      if (found.length >= limit) break;
    }
  } catch (err) {
    throw asTemporalError(err);
  }
  return found;
}
