/**
 * What the exercise's world does besides mail (workflows/exercise.ts): an endpoint's outage on the
 * local receiver, and a decision by someone outside the players (DS asks for a delay), taken through
 * the same `decide` update as the API and CLI (client/decisions.ts), as soon as the incident's phase
 * accepts it.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { DecisionRefusedError, getIncidentState } from '../client/incidents.js';
import { decide } from '../client/decisions.js';
import type { Decision } from '../domain/decision.js';
import { KIND_PHASES } from '../domain/gates.js';
import { checkExerciseUrl } from '../config/exercise.js';

export interface ExerciseActivityDeps {
  client: Client;
  /** Hosts besides loopback that are exercise sinks (BREACH_EXERCISE_SINKS). */
  sinks: string[];
  /** How often a waiting decision looks at the incident's phase. */
  pollMs?: number;
}

export function createExerciseActivities(deps: ExerciseActivityDeps) {
  return {
    /**
     * The receiver answers `status` on the endpoint's path for `forMs` (scripts/local/endpoint-receiver.ts
     * `POST /_outage`). Only a local receiver or a declared sink is ever told: checked again here.
     */
    async exerciseOutage(input: { url: string; forMs: number; status: number }): Promise<void> {
      const problem = checkExerciseUrl(input.url, deps.sinks);
      if (problem) throw ApplicationFailure.nonRetryable(`outage refused: ${problem}`, 'ExerciseTargetRefused');
      const url = new URL(input.url);
      const response = await fetch(`${url.origin}/_outage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: url.pathname, forMs: input.forMs, status: input.status }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok)
        throw ApplicationFailure.retryable(
          `the receiver at ${url.origin} answered ${response.status} to /_outage`,
          'ExerciseOutageFailed',
        );
    },

    /** Takes the decision once the incident is in a phase that accepts it; a refusal for another reason is returned. */
    async exerciseDecide(input: {
      incidentId: string;
      decision: Decision;
      giveUpAt: number;
    }): Promise<{ accepted: boolean; phase: string; reasons: string[] }> {
      const ctx = Context.current();
      const phases: readonly string[] = KIND_PHASES[input.decision.kind];
      for (;;) {
        const state = await getIncidentState(deps.client, input.incidentId);
        if (phases.includes(state.phase)) {
          try {
            await decide(deps.client, input.incidentId, {
              ...input.decision,
              decisionId: input.decision.decisionId ?? `exercise-${ctx.info.activityId}`,
            });
            return { accepted: true, phase: state.phase, reasons: [] };
          } catch (err) {
            if (err instanceof DecisionRefusedError)
              return { accepted: false, phase: state.phase, reasons: err.refusal.reasons };
            throw err;
          }
        }
        if (state.phase === 'closed' || Date.now() > input.giveUpAt)
          return {
            accepted: false,
            phase: state.phase,
            reasons: [`the incident never reached a phase accepting ${input.decision.kind} (${phases.join(', ')})`],
          };
        ctx.heartbeat(state.phase);
        await ctx.sleep(deps.pollMs ?? 500);
      }
    },
  };
}

export type ExerciseActivities = ReturnType<typeof createExerciseActivities>;
