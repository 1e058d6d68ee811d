/**
 * exerciseWorkflow: one tabletop exercise run on the real incident workflow (docs/exercises.md). It starts the
 * incident as its child (the same workflow the API and CLI start, with the exercise's playbook, on the
 * exercise's own task queue), hands it the fictional report when the scenario says it arrives, and
 * fires each inject on a timer on the same compressed clock as the playbook's timers. Participants act
 * on the incident through the usual channels; the exercise only plays the world around them.
 *
 * Stopping it (or its scheduled end) closes this workflow, and the child is terminated with it
 * (ParentClosePolicy TERMINATE): an exercise never leaves a live incident behind.
 */
import { condition, proxyActivities, setHandler, startChild, type ChildWorkflowHandle } from '@temporalio/workflow';
import { incidentWorkflowId } from '../domain/workflow-ids.js';
import { holdersOf } from '../domain/playbook-terms.js';
import { asText } from '../domain/text.js';
import type { BreachActivities } from '../activities/index.js';
import type { ExerciseActivities } from '../exercises/activities.js';
import { breachIncidentWorkflow } from './incident.js';
import { reportIntakeSignal } from './messages.js';
import {
  exerciseInputQuery,
  exerciseStateQuery,
  stopExerciseSignal,
  type ExerciseInjectPlan,
  type ExerciseInput,
  type ExerciseState,
} from './exercise-messages.js';
import { MAIL_OPTIONS } from './activities.js';

const mail = proxyActivities<BreachActivities>({ ...MAIL_OPTIONS, summary: 'Announce an exercise inject' });
// An inject's decision waits (polling) until the incident's phase accepts it: bounded by a heartbeat.
const world = proxyActivities<ExerciseActivities>({
  startToCloseTimeout: '30 days',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

export async function exerciseWorkflow(input: ExerciseInput): Promise<ExerciseState> {
  const t0 = Date.parse(input.startedAt);
  const iso = (ms: number) => new Date(ms).toISOString();
  const state: ExerciseState = {
    runId: input.runId,
    scenarioId: input.scenarioId,
    title: input.title,
    speed: input.speed,
    incidentId: input.incidentId,
    startedAt: input.startedAt,
    status: 'running',
    endedAt: null,
    stopReason: null,
    incidentOutcome: null,
    injects: input.injects.map((i) => ({
      id: i.id,
      title: i.title,
      type: i.type,
      atScenarioMs: i.atScenarioMs,
      dueAt: iso(t0 + i.dueMs),
      firedAt: null,
      outcome: 'pending',
      detail: null,
    })),
  };
  let stopped = false;
  let incidentEnded = false;
  setHandler(exerciseStateQuery, () => state);
  setHandler(exerciseInputQuery, () => input);
  setHandler(stopExerciseSignal, (payload) => {
    stopped = true;
    // Read defensively: any Temporal client may send this signal with anything (domain/text.ts asText).
    const reason = (payload as { reason?: unknown } | null)?.reason;
    state.stopReason =
      (reason === undefined || reason === null ? '' : asText(reason, 500)) || 'stopped by the facilitator';
  });
  const over = () => stopped || incidentEnded;
  /** Waits until `dueMs` after discovery; false when the exercise ended first. */
  const until = async (dueMs: number) => !(await condition(over, Math.max(1, t0 + dueMs - Date.now())));

  const child = await startChild(breachIncidentWorkflow, {
    workflowId: incidentWorkflowId(input.incidentId),
    args: [{ incidentId: input.incidentId, playbook: input.playbook, receivedAt: iso(t0 + input.reportDueMs) }],
    parentClosePolicy: 'TERMINATE',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    staticSummary: `EXERCISE ${input.scenarioId} (run ${input.runId}, speed ×${input.speed}): fictional incident`,
  });
  child.result().then(
    (summary) => {
      incidentEnded = true;
      state.incidentOutcome = summary.outcome;
    },
    (err: unknown) => {
      incidentEnded = true;
      state.incidentOutcome = `ended: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
    },
  );

  const reportBranch = (async () => {
    if (await until(input.reportDueMs)) await child.signal(reportIntakeSignal, input.report);
  })();
  const branches = input.injects.map(async (plan, index) => {
    const entry = state.injects[index]!;
    if (!(await until(plan.dueMs))) {
      entry.outcome = 'not-reached';
      return;
    }
    entry.firedAt = iso(Date.now());
    try {
      await fire(input, child, plan, entry);
    } catch (err) {
      entry.outcome = 'refused';
      entry.detail = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    }
  });

  await condition(over, Math.max(1, t0 + input.durationMs - Date.now()));
  state.status = stopped ? 'stopped' : incidentEnded ? 'finished' : 'timed-out';
  state.endedAt = iso(Date.now());
  for (const entry of state.injects) if (entry.outcome === 'pending' && !entry.firedAt) entry.outcome = 'not-reached';
  void reportBranch;
  void branches;
  return state;
}

async function fire(
  input: ExerciseInput,
  child: ChildWorkflowHandle<typeof breachIncidentWorkflow>,
  plan: ExerciseInjectPlan,
  entry: ExerciseState['injects'][number],
): Promise<void> {
  const audience = plan.audience.flatMap((role) =>
    holdersOf(input.playbook, role).map((p) => ({ id: p.id, name: p.name, email: p.email })),
  );
  const announced = audience.length
    ? mail.sendNotice({
        to: audience,
        notice: {
          template: 'exercise-inject',
          incidentId: input.incidentId,
          runId: input.runId,
          injectId: plan.id,
          title: plan.title,
        },
        step: `exercise-inject-${plan.id}`,
      })
    : Promise.resolve({ sent: 0 });
  if (plan.outage) {
    await world.exerciseOutage(plan.outage);
    entry.detail = `${plan.outage.url} answers ${plan.outage.status} for ${plan.outage.forMs} ms`;
  } else if (plan.supplement) {
    await child.signal(reportIntakeSignal, plan.supplement);
  } else if (plan.decision) {
    const result = await world.exerciseDecide({
      incidentId: input.incidentId,
      decision: plan.decision,
      giveUpAt: Date.parse(input.startedAt) + input.durationMs,
    });
    if (!result.accepted) {
      entry.outcome = 'refused';
      entry.detail = result.reasons.join('; ').slice(0, 500);
      await announced;
      return;
    }
    entry.detail = `accepted in phase ${result.phase}`;
  }
  await announced;
  entry.outcome = 'done';
}
