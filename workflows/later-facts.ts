/**
 * Later facts re-open duties (5 FAM 468.1(4), 468.3b(2), 467.2b-c, 469.6). A supplement or the analysis
 * that *newly* says classified information is involved, a criminal act is suspected, or a workforce
 * member caused the breach carries the duty the first report would have carried, at once:
 * - classified: the security-incident notices go out and DS takes over the fact-finding (the action
 *   item changes owner, in the timeline);
 * - criminal: OIG/INV is referred (mail, endpoint, action item);
 * - a workforce member: the conduct review is opened.
 * Facts only widen: a later `false` withdraws nothing (the first report's duties are already done).
 */
import type { IntakeReport } from '../domain/report.js';
import type { Incident } from './incident-state.js';
import { referToOig, tellSecurityIncident } from './reporting.js';

export interface LaterFacts {
  classifiedInvolved?: boolean;
  criminalActSuspected?: boolean;
  causedByWorkforceMember?: boolean;
}

/** The same words as triage (workflows/response.ts) uses when the first report says it. */
const CONDUCT_REVIEW =
  'Review the conduct of the workforce member who caused the disclosure: counseling, discipline or referral (5 FAM 469.6; DHS PIHG).';
const DS_FACT_FINDING = 'DS conducts the fact-finding: classified information is involved (5 FAM 467.2c, 468.2b(2)).';

/** The report with the facts widened by `facts`. */
export function widened(report: IntakeReport, facts: LaterFacts): IntakeReport {
  return {
    ...report,
    classifiedInvolved: report.classifiedInvolved || facts.classifiedInvolved === true,
    criminalActSuspected: report.criminalActSuspected || facts.criminalActSuspected === true,
    causedByWorkforceMember: report.causedByWorkforceMember === true || facts.causedByWorkforceMember === true,
  };
}

/** After `incident.report` was widened from `before`: carry out each duty a fact newly brings. `source` names who said it. */
export function reopenDuties(incident: Incident, before: IntakeReport, source: string): void {
  const now = incident.report;
  if (now.classifiedInvolved && !before.classifiedInvolved) {
    incident.log(
      'fact-learned:classified',
      undefined,
      `${source} says classified information is involved (5 FAM 468.1(4))`,
    );
    tellSecurityIncident(incident);
    moveFactFindingToDs(incident, source);
  }
  if (now.criminalActSuspected && !before.criminalActSuspected) {
    incident.log('fact-learned:criminal', undefined, `${source} says a criminal act is suspected (5 FAM 468.3b(2))`);
    referToOig(incident);
  }
  if (now.causedByWorkforceMember && !before.causedByWorkforceMember) {
    incident.log(
      'fact-learned:workforce-member',
      undefined,
      `${source} says a workforce member caused the breach (5 FAM 469.6)`,
    );
    incident.addItem('conduct-review', 'responsibleOffice', CONDUCT_REVIEW);
  }
}

/**
 * 467.2c: DS, not the responsible office, does the fact-finding of a breach involving classified
 * information. Before triage the item does not exist yet, and triage opens it for DS from the report.
 */
function moveFactFindingToDs(incident: Incident, source: string): void {
  const item = incident.state.actionItems.find((i) => i.id === 'fact-finding');
  if (!item || item.ownerRole === 'securityIncident') return;
  if (item.status === 'done') {
    incident.log(
      'action-item-note:fact-finding',
      undefined,
      `already done by the ${item.ownerRole}; DS is told by the security-incident notice (5 FAM 467.2c)`,
    );
    return;
  }
  const from = item.ownerRole;
  item.ownerRole = 'securityIncident';
  item.description = `${DS_FACT_FINDING} Moved from the ${from}: ${source} says so.`;
  incident.log(
    'action-item-reassigned:fact-finding',
    undefined,
    `${from} → securityIncident: ${source} says classified information is involved (5 FAM 467.2c)`,
  );
}
