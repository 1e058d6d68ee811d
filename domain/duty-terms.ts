/** The shapes of domain/duties.ts: a duty, and the facts it is derived from. */
import type { Role } from './roles.js';
import type { IncidentState } from './state.js';

export type DutyStatus = 'open' | 'discharged';

export interface Duty {
  /** Stable within a case: `report:usCert`, `risk-assessment`, `item:conduct-review`, ... */
  id: string;
  /** The policy paragraph behind it (5 FAM unless another source is named). */
  paragraph: string;
  /** What is owed, in words. */
  owes: string;
  owner: Role;
  dueAt: string | null;
  status: DutyStatus;
  /** What discharged it (a delivered report, a decision, a run, a record filed, an item done, a window passed). */
  dischargedBy?: string;
  dischargedAt?: string;
}

/** A delivery or filing of an external report (the case file's routing, domain/case-record.ts). */
export interface ReportDelivery {
  to: string;
  at: string;
  status: string;
  receipt: string | null;
  detail?: string;
}

export interface DutyFacts {
  state: Pick<
    IncidentState,
    | 'reportingDeadline'
    | 'responsibleOffice'
    | 'crgConvened'
    | 'risk'
    | 'authorizedDisclosure'
    | 'route'
    | 'actionItems'
    | 'delay'
    | 'decisions'
    | 'timeline'
    | 'majorIncident'
  >;
  criminalActSuspected: boolean;
  classifiedInvolved: boolean;
  /** When the incident learned it is cyber (the first report or a supplement); null while it is not. */
  cyberSince: string | null;
  /** Whether the first report was non-cyber (its report went to the Privacy Division). */
  firstNonCyber: boolean;
  /**
   * Where a non-cyber first report went (the playbook's routing: the Privacy Division under 5 FAM, the
   * SOC's US-CERT endpoint at DHS); absent: the Privacy Division, as incidents before the follow-ups read it.
   */
  firstEndpoint?: string;
  /** The playbook's `timers.reportingDeadline`, in ms (a report newly owed is due that long after it is learned). */
  reportingWindowMs: number;
  routing: readonly ReportDelivery[];
  /** What CGFS must estimate (domain/costs.ts) and what the last estimate covered (468.5d). */
  costBasis: readonly string[];
  costEstimatedFor: readonly string[] | null;
  /** Why the finding must be made again (a fact changed its inputs before notification was done), or null. */
  reanalysis: { at: string; reason: string } | null;
  finalAuthority: Role;
  /** The notification run: none yet, reached everyone (or counted them into the substitute notice), or failed. */
  run: { status: 'none' | 'running' | 'done' | 'failed'; detail?: string; at?: string };
  /** When the last letter went out, and how long returns are awaited after it (`timers.returnsWindow`). */
  lastLetterAt: string | null;
  returnsWindowMs: number | null;
  signedOff: { at: string; by: string } | null;
  archive: { status: string; reference: string | null; at: string | null };
  now: number;
}
