/** Placeholder while the lifecycle is written (issue 3); the name and messages are final. */
import { condition, setHandler } from '@temporalio/workflow';
import type { Report } from '../domain/report.js';
import { incidentStateQuery, reportIntakeSignal } from './messages.js';

export async function breachIncidentWorkflow(): Promise<void> {
  let report: Report | undefined;
  setHandler(reportIntakeSignal, (r) => {
    report = r;
  });
  setHandler(incidentStateQuery, () => {
    throw new Error('not yet');
  });
  await condition(() => report !== undefined);
}
