/**
 * The notification run's messages and names (docs/style.md 1), shared by the run (workflows/notify-roster.ts),
 * the incident that starts it (workflows/notification.ts), the bench and the tests.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Letter, RosterRef } from '../domain/decision.js';
import type { Endpoint } from '../domain/playbook.js';
import type { NotifyTotals, PersonFailure } from '../activities/notify.js';

export type { NotifyTotals, PersonFailure };

/** What the run tells its incident while it runs, and answers to `notifyProgress`. */
export interface NotifyProgress extends NotifyTotals {
  /** The people on the roster: as declared with the letter until the first batch has counted them. */
  total: number;
  /** Runs so far (continue-as-new starts a new one every few thousand events). */
  runs: number;
}

/** Where one run stopped, carried to the next by continue-as-new. */
export interface NotifyCarry {
  /** Every line before it is done. */
  nextLine: number;
  totals: NotifyTotals;
  /** The first failures, at most MAX_LISTED_FAILURES; every one is counted in totals.failed. */
  failures: PersonFailure[];
  /** Counted by the first batch; null until then. */
  rosterLines: number | null;
  /** Lines whose email was refused during the run (468.6-2a), at most MAX_KEPT_REFUSED with the next. */
  refused?: number[];
  /** Of those, the lines a letter went to as well (not counted into the substitute notice). */
  refusedWithLetter?: number[];
  runs: number;
  /** When the first run started (ms since the epoch, workflow time). */
  startedAt: number;
}

export interface NotifyRosterInput {
  incidentId: string;
  organization: string;
  roster: RosterRef;
  letter: Letter;
  immediate: boolean;
  mailVendor: Endpoint;
  /** The playbook's TTY or relay number the letters and emails name (Section 508); absent, 711. */
  ttyRelay?: string;
  /** Roster lines per batch (one activity). */
  batchSize: number;
  /** Batches running at once. */
  parallelBatches: number;
  /** Messages a second across the whole run; each running batch gets an equal share. */
  ratePerSecond: number;
  /** Continue as new once a run's history holds this many events (default DEFAULT_CONTINUE_AS_NEW_AFTER). */
  continueAsNewAfter?: number;
  /** The incident hears of progress at most this often (default DEFAULT_PROGRESS_EVERY_MS; on long runs less often). */
  progressEveryMs?: number;
  /** Set by continue-as-new only. */
  carried?: NotifyCarry;
  /** Paused when the run continued as new (set by continue-as-new only). */
  paused?: boolean;
}

export interface NotifyRosterResult extends NotifyTotals {
  failures: PersonFailure[];
  refused?: number[];
  refusedWithLetter?: number[];
  rosterLines: number;
  runs: number;
}

export const MAX_LISTED_FAILURES = 1_000;
/**
 * Refused emails kept by line for the incident (a number each, some 400 kB at most in a result or a
 * continue-as-new input; Temporal refuses payloads over 2 MB). Beyond it they are still counted; a later
 * return for one of the others could count that person twice, which the timeline then says.
 */
export const MAX_KEPT_REFUSED = 50_000;
/**
 * Well under Temporal's suggested 10,000 and the 4,096 this project promises per run: the batches still
 * running when the threshold is reached (at most 6 events each) land after it.
 */
export const DEFAULT_CONTINUE_AS_NEW_AFTER = 2_000;

export const DEFAULT_PROGRESS_EVERY_MS = 10_000;

/** The run's workflow ID: the incident's, with a suffix no incident id can have (`:` is not allowed in one). */
export function notifyWorkflowId(incidentWorkflowId: string): string {
  return `${incidentWorkflowId}:notify`;
}

/**
 * Sent by the run to its incident: cumulative, a few times a minute at most and once per continue-as-new,
 * so the incident's history grows by a bounded number of events whatever the roster's length.
 */
export const notificationProgressSignal = defineSignal<[NotifyProgress]>('notificationProgress');

/** The run's own progress (operators, the bench). */
export const notifyProgressQuery = defineQuery<NotifyProgress>('notifyProgress');

/**
 * From the incident to its run: a security delay or bar came while the letters go out (5 FAM 468.6-3):
 * `paused: true` stops the run at its next batch boundary (the batches running finish, no new one
 * starts); `paused: false` resumes it.
 */
export const notificationHoldSignal = defineSignal<[{ paused: boolean }]>('notificationHold');
