/**
 * What the incident keeps for its case record (5 FAM 468.7) beyond the contract's state: the reports as
 * received, every decision with its grounds, the routing receipts, the filing of the record, and the
 * notices that came back. Kept apart from the Incident class so that one line there holds it all.
 * Workflow memory only: it changes no command, so keeping more here never breaks a replay.
 */
import type { Decision } from '../domain/decision.js';
import type { RoutingEntry } from '../domain/case-record.js';
import type { Means } from '../domain/means.js';
import type { IntakeReport } from '../domain/report.js';

export interface ArchiveStatus {
  status: 'not-yet' | 'pending' | 'filed' | 'refused' | 'filed-by-hand';
  reference: string | null;
  at: string | null;
  filedBy: string | null;
}

/** A person (by roster line only) whose notice came back, and what was tried since (468.6-2a). */
export interface ReturnedLine {
  /** The means that came back for this line. */
  returned: Means[];
  /** The means sent again after a return. */
  resent: Means[];
  /** Counted into the substitute notice. */
  substituted: boolean;
  /** Means sent again and refused at once (SMTP 5xx): tried, and already counted as returned. */
  refusedAgain?: Means[];
}

export interface CaseFile {
  firstReport: IntakeReport | null;
  supplements: { at: string; report: IntakeReport }[];
  /** Every applied decision as it came, with when. */
  decisions: { at: string; decision: Decision }[];
  routing: RoutingEntry[];
  archive: ArchiveStatus;
  /** Returned notices by roster line; lines only, never the person (docs/case-record.md). */
  returned: Map<number, ReturnedLine>;
  /** Returns received and not yet handled, by line. */
  returnsQueue: { line: number; means: Means }[];
  /** How many times the substitute notice was posted (0: never; 1: once; more: updated). */
  substitutePostings: number;
  /** A resend of returned notices is under way (workflows/returns.ts). */
  resending: boolean;
  /** The roster run has ended (done or failed): returns are resent after it, never beside it. */
  runFinished: boolean;
  /** What the duties are derived from beyond the state (domain/duties.ts, workflows/duty-rules.ts). */
  duty: DutyFile;
}

/** The analysis the case stands on: the last `submit-analysis` applied (a re-analysis replaces the earlier). */
export function latestAnalysis(
  file: Pick<CaseFile, 'decisions'>,
): Extract<Decision, { kind: 'submit-analysis' }> | undefined {
  const decision = file.decisions.findLast((d) => d.decision.kind === 'submit-analysis')?.decision;
  return decision?.kind === 'submit-analysis' ? decision : undefined;
}

export interface DutyFile {
  cyberSince: string | null;
  firstNonCyber: boolean;
  reanalysis: { at: string; reason: string } | null;
  costEstimatedFor: string[] | null;
  run: { status: 'none' | 'running' | 'done' | 'failed'; detail?: string; at?: string };
  lastLetterAt: string | null;
  signedOff: { at: string; by: string } | null;
  /** Roster shortfalls the notification official reconciled (468.6-2b). */
  reconciled: string | null;
}

export function emptyCaseFile(): CaseFile {
  return {
    firstReport: null,
    supplements: [],
    decisions: [],
    routing: [],
    archive: { status: 'not-yet', reference: null, at: null, filedBy: null },
    returned: new Map(),
    returnsQueue: [],
    substitutePostings: 0,
    resending: false,
    runFinished: false,
    duty: {
      cyberSince: null,
      firstNonCyber: false,
      reanalysis: null,
      costEstimatedFor: null,
      run: { status: 'none' },
      lastLetterAt: null,
      signedOff: null,
      reconciled: null,
    },
  };
}
