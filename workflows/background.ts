/**
 * Work the main flow does not wait for (mail to officials, notices): a failure is logged as an
 * escalation in the timeline, never a failed workflow, and closure waits for all of it.
 */
import { ApplicationFailure, type ActivityFailure } from '@temporalio/common';
import { isCancellation } from '@temporalio/workflow';
import type { Incident } from './incident-state.js';

/** Runs in the background of the main flow; a failure is an escalation, never a failed workflow. */
export function inBackground(incident: Incident, what: string, work: () => Promise<unknown>): Promise<unknown> {
  const task = work().catch(async (err: unknown) => {
    if (isCancellation(err)) throw err;
    incident.log(`failed:${what}`, undefined, failureMessage(err));
  });
  // Counted beside the task, not in its chain: whatever awaits the task resumes when it did before.
  incident.backgroundInFlight += 1;
  const settled = () => {
    incident.backgroundInFlight -= 1;
  };
  void task.then(settled, settled);
  incident.background.push(task);
  return task;
}

export function failureMessage(err: unknown): string {
  const cause = (err as ActivityFailure).cause;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'error'}: ${cause.message}`;
  return err instanceof Error ? err.message : String(err);
}
