/**
 * The control of tests/replay/replay.test.ts: the incident workflow with one timer added before
 * anything else, as a careless change would do. No recorded incident may replay against it.
 */
import { sleep } from '@temporalio/workflow';
import type { CaseSummary } from '../../../domain/state.js';
import { breachIncidentWorkflow as current, type IncidentInput } from '../../../workflows/incident.js';

export { notifyRosterWorkflow } from '../../../workflows/notify-roster.js';

export async function breachIncidentWorkflow(input: IncidentInput): Promise<CaseSummary> {
  await sleep('1 second');
  return current(input);
}
