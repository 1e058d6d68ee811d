import type { Level } from './decision.js';
import type { Duty } from './duties.js';
import type { Role } from './roles.js';

/** `phase` in the state and the `BreachPhase` search attribute (docs/contract.md "Phases"). */
export const PHASES = [
  'reporting',
  'triage',
  'analysis',
  'cost-consultation',
  'ppgb-advised',
  'ppgb-chair-review',
  'ppgb-review',
  'under-secretary-review',
  'notification-prep',
  'notification-delayed',
  'notifying',
  'remediation',
  'closure-review',
  // Closure signed, the case record not yet filed (5 FAM 468.7): the archive is retried, or a person of
  // the Privacy Division records where it was filed by hand (workflows/closure.ts).
  'archiving',
  'closed',
] as const;
export type Phase = (typeof PHASES)[number];

export type ActionItemId =
  | 'fact-finding'
  | 'oig-referral'
  | 'conduct-review'
  | 'credit-protection'
  | 'notify-issuing-bank'
  | 'systemic-review'
  | 'remediation'
  | 'other-mitigation'
  | 'risk-assessment'
  | 'cost-consultation'
  | 'notification'
  | 'congress-notification';

export interface ActionItem {
  id: ActionItemId;
  ownerRole: Role;
  status: 'open' | 'done';
  /** What is expected, with the policy paragraph behind it. */
  description?: string;
  evidence?: string;
  completedBy?: string;
  completedAt?: string;
}

export interface TimelineEntry {
  at: string;
  event: string;
  actorId?: string;
  detail?: string;
  /** The decision a `decision-refused:*` or `decision-repeated:*` entry is about, when it carried one. */
  decisionId?: string;
}

export interface Awaiting {
  role: Role;
  kinds: string[];
  since: string;
}

export interface NotificationProgress {
  letters: number;
  emails: number;
  substituteNotice: boolean;
  failed: number;
  total?: number;
  processed?: number;
  /**
   * People whose notice came back (an email refused for good, a bounce or a letter the vendor reports
   * undeliverable, 468.6-2a): their contact information is insufficient or out of date.
   */
  returned?: number;
  /** Of the returned, those notified again by their next means (email after a letter, letter after an email). */
  resent?: number;
  /** People counted into the substitute notice (468.6-2b): no address at all, or every means returned. */
  substituted?: number;
}

export interface DelayState {
  notifyAfter: string;
  requestingEntity: string;
  barred: boolean;
  /** Why the requesting entity asked (468.6-3a); absent on delays from before it was kept. */
  reason?: string;
  /** When the first delay of this hold was asked for: the clock of `timers.maxDelayWithoutReview`. */
  since?: string;
  /**
   * An extension beyond `timers.maxDelayWithoutReview` waiting for the PPGB Chair's acknowledgement that
   * it does not unduly exacerbate the risk (468.6-3a); until then the delay holds at `notifyAfter`.
   */
  pendingReview?: { notifyAfter: string; requestedBy: string; at: string } | null;
}

/**
 * One entry of the accounting of disclosures (5 FAM 464c): date, nature and purpose of the disclosure
 * and the name and address of the recipient. Kept in the state and the case record for the record's
 * life (at least five years after the disclosure: `keepAtLeastUntil`).
 */
export interface DisclosureAccounting {
  entryId: string;
  incidentId: string;
  disclosedAt: string;
  nature: string;
  purpose: string;
  recipient: { name: string; address: string };
  basis: string;
  /** 464c leaves out disclosures within the agency on a need-to-know basis and under FOIA: still listed, marked. */
  accountingRequired: boolean;
  keepAtLeastUntil: string;
  recordedAt: string;
  recordedBy: string;
}

/** OMB's major incident (a breach of the PII of at least the playbook's threshold of people). */
export interface MajorIncident {
  since: string;
  congressDueAt: string;
  /** What crossed the threshold: the report, supplement N, or the analysis. */
  source: string;
  affectedCount: number;
}

/** The one-hour report (and its updates) as the receiver acknowledged it. */
export interface ExternalReportReceipt {
  kind: 'initial' | 'update';
  at: string;
  /** The receiver's case or ticket number, when its answer carried one. */
  reference: string | null;
  /** For an update: the supplement it reports. */
  supplement?: number;
}

export interface RecordedDecision {
  kind: string;
  decisionId?: string;
  actorId: string;
  at: string;
  rationale?: string;
  outcome?: string;
}

export interface IncidentState {
  incidentId: string;
  /**
   * The case number people say (`PII-2026-0042`, domain/case-numbers.ts); null for an incident from
   * before numbers (it keeps working under its id). Optional: states from older workers lack it.
   */
  caseNumber?: string | null;
  /** The report's short title (not PII), or the Privacy Division's; null when none was given. */
  title?: string | null;
  /** The people affected, as reported and supplemented (the largest estimate so far). */
  affectedCount?: number;
  /** The reporter's office, until triage names the office responsible (`responsibleOffice`). */
  reportingOffice?: string;
  phase: Phase;
  medium: 'cyber' | 'non-cyber';
  risk: Level | null;
  riskComputed: Level | null;
  riskReasons: string[];
  discoveredAt: string;
  reportingDeadline: string;
  reportedAt: string | null;
  reportedLate: boolean;
  responsibleOffice: string | null;
  crgConvened: boolean | null;
  options: string[];
  /**
   * The analysis's finding of an authorized disclosure; `breachRemains`: the PII types it does not cover,
   * which stay a breach (the custody exemption covers medical information only, 45 CFR 164.512(k)(5)(i)).
   */
  authorizedDisclosure: { basis: string; breachRemains?: string[] } | null;
  costEstimateUsd: number | null;
  /**
   * Where the CRG's recommendation went and why (5 FAM 468.5b, c, e): `ppgb-advised` for a finding of
   * minimal risk or an authorized disclosure, `ppgb-chair-review` for a recommendation about notification.
   */
  route: { phase: 'ppgb-advised' | 'ppgb-chair-review'; reason: string } | null;
  awaiting: Awaiting | null;
  actionItems: ActionItem[];
  delay: DelayState | null;
  notification: NotificationProgress | null;
  /**
   * The substitute notice in the media (468.6-2b; workflows/media-notice.ts): the areas (state and
   * count, from the roster's postal addresses), the count it last gave, and how many times it was sent.
   */
  /** Immediate notice by telephone (468.6-2c; workflows/telephone-notice.ts): calls placed and failed. */
  /**
   * Immediate notice by telephone (468.6-2c); `fellTo`: where the people whose call failed are reached
   * instead (the email, the letter or the substitute notice; absent before it was kept).
   */
  telephoneNotice?: {
    called: number;
    failed: number;
    fellTo?: { email: number; letter: number; substitute: number };
    at: string;
    error?: string;
  };
  mediaNotice?: { areas: { area: string; count: number }[]; affectedCount: number; sent: number; at: string };
  decisions: RecordedDecision[];
  timeline: TimelineEntry[];
  supplements: number;
  closedAt: string | null;
  /** 5 FAM 464c: one entry per disclosure the analysis found authorized. */
  disclosures: DisclosureAccounting[];
  majorIncident: MajorIncident | null;
  /** The receiver's reference for the one-hour report (CISA's case or ticket number), when it gave one. */
  reportReference: string | null;
  /** The initial report and every update sent for a supplement, with the receiver's references. */
  reportReceipts: ExternalReportReceipt[];
  /**
   * Who filed the reports: opaque keys (a playbook person's id, or `oidc-<hash>`; security/identity.ts),
   * no PII. A reporter reads their own report (need to know, domain/need-to-know.ts). Absent in
   * incidents reported before it was kept, or by a client that does not say who reported.
   */
  reporters?: string[];
  /**
   * What the case owes (domain/duties.ts), derived again after every fact and decision: each duty with
   * its paragraph, owner, due date, status and what discharged it. Absent in incidents started before.
   */
  duties?: Duty[];
  /** Why the finding must be made again: a fact changed its inputs before notification was done (468.4, 468.5). */
  reanalysis?: { at: string; reason: string } | null;
  /**
   * The program managers of the playbook told of the incident (person ids, no PII): those the report
   * names, else the playbook's (DHS PIHG); they see it (need to know). Absent in incidents reported
   * before it was kept: every program manager was told, and sees them.
   */
  programManagers?: string[];
  /**
   * The offices the first report was routed to (the playbook's `routing`: the focal point of its medium
   * and the offices told of every incident; the DHS SOC for every medium). They need to know the
   * incident they were told of (domain/need-to-know.ts). Absent in incidents reported before it was kept.
   */
  routedTo?: Role[];
  /**
   * Employees' medical information is involved: a Rehabilitation Act matter, a violation in itself, never
   * "no breach" nor "minimal risk, no further action" (domain/rehabilitation-act.ts). Absent otherwise.
   */
  rehabilitationAct?: boolean;
}

/** What the workflow returns when it closes: the summary of the case record (5 FAM 468.7). */
export interface CaseSummary {
  incidentId: string;
  closedAt: string;
  outcome:
    | 'closed'
    | 'no-breach'
    | 'crg-declined'
    | 'minimal-risk'
    | 'notification-declined'
    | 'notification-barred'
    | 'notified';
  risk: Level | null;
  reportedLate: boolean;
  notification: NotificationProgress | null;
  decisions: number;
  archiveRecordId: string | null;
}
