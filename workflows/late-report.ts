/** 468.3b(1): a one-hour report not made in its hour is late: the state, the timeline and the escalation. */
import { mail } from './activities.js';
import type { Incident } from './incident-state.js';

/**
 * The hour has passed without the required report: escalate to the SAOP and the Privacy Division. A
 * report owed later (`later`: US-CERT once a supplement made the case cyber, workflows/duty-rules.ts)
 * has its own deadline, event and step.
 */
export async function markLate(
  incident: Incident,
  onArrival: boolean | { event: string; deadline: string; source: string },
): Promise<void> {
  const { state } = incident;
  const later = typeof onArrival === 'object' ? onArrival : null;
  state.reportedLate = true;
  if (later) incident.log(`reported-late:${later.event}`, undefined, `due ${later.deadline} (${later.source})`);
  else incident.log(onArrival ? 'reported-late:on-arrival' : 'reported-late:deadline-passed');
  await mail('Escalate: one-hour report late').sendNotice({
    to: [...incident.recipients('ppgbChair'), ...incident.recipients('privacyDivision')],
    notice: {
      template: 'reporting-late',
      incidentId: state.incidentId,
      discoveredAt: state.discoveredAt,
      reportingDeadline: later?.deadline ?? state.reportingDeadline,
      onArrival: onArrival === true,
    },
    step: later ? `reporting-late-${later.event}` : 'reporting-late',
  });
}
