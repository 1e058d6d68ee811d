/** The notification batch's input, counts and checkpoint (activities/notify.ts): what the workflow and the batch exchange. */
import type { Letter, RosterRef } from '../domain/decision.js';
import type { Endpoint } from '../domain/playbook.js';
import type { Transporter } from 'nodemailer';

export interface NotifyRangeInput {
  incidentId: string;
  workflowId: string;
  organization: string;
  roster: RosterRef;
  letter: Letter;
  immediate: boolean;
  mailVendor: Endpoint;
  /** The playbook's TTY or relay number the letters and emails name (Section 508); absent, 711. */
  ttyRelay?: string;
  /** Lines [fromLine, toLine) of the roster; toLine absent: to the end. */
  fromLine: number;
  toLine?: number;
  /**
   * Letters per mail-vendor request: the letters of roster lines [k × letterBatch, (k + 1) × letterBatch)
   * go in one request. Fixed to the line grid, not to a count, so a retry that resumes inside a group
   * sends it under the same Idempotency-Key.
   */
  letterBatch: number;
  /** Messages a second this batch may send. */
  ratePerSecond: number;
  /** Failures listed at most (every one is counted). Default 1,000. */
  maxListedFailures?: number;
}

export interface PersonFailure {
  line: number;
  reason: string;
}

/**
 * The counters of a notification, one type for all who count: a batch of roster lines (`notifyRange`),
 * a notification run and its incident (workflows/notify-messages.ts `NotifyProgress`, `NotifyRosterResult`).
 */
export interface NotifyTotals {
  /** Roster lines handled (sent, failed or counted for the substitute notice). */
  processed: number;
  letters: number;
  emails: number;
  /** People with neither address: counted into one substitute notice. */
  substitute: number;
  failed: number;
  /**
   * Emails refused for good (SMTP 5xx, a refused address): the person's contact information is out of
   * date (468.6-2a). Not failures: with no letter going to them they count into the substitute notice.
   * Absent in runs from before it was counted.
   */
  returned?: number;
}

/** What one batch of roster lines (`notifyRange`) returns: its counters and what the run keeps of it. */
export interface NotifyBatchResult extends NotifyTotals {
  /**
   * The lines of those refused emails, and whether a letter went to the person as well: the incident
   * keeps them as returned (workflows/returns.ts), so that a later returned letter or bounce for the
   * same person counts them once (into `returned` and the substitute notice). At most the batch's lines.
   */
  refused?: { line: number; letter: boolean }[];
  /** Lines that failed and why; never the person's data (the case record lists them). */
  failures: PersonFailure[];
  /** The people on the whole roster (non-blank lines), as the worker's roster index counts them. */
  rosterLines?: number;
}

/** The heartbeat: the counts of every line before `nextLine`. */
export interface NotifyCheckpoint extends NotifyBatchResult {
  nextLine: number;
}

export interface NotifyDeps {
  mailer: Transporter;
  mailFrom: string;
  env: Record<string, string | undefined>;
  /** Told of each roster line once settled (the operators' counters, workers/metrics.ts); absent, nobody is. */
  observe?: (settled: { emails: number; letters: number; failed: boolean }) => void;
}
