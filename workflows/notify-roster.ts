/**
 * notifyRosterWorkflow: the roster of one incident notified (5 FAM 468.6-1, 468.6-2), started as a child
 * of the incident (workflows/notification.ts) so the incident's own history stays small.
 *
 * The roster is cut into batches of `batchSize` lines, each an activity over [from, to) that reads its
 * lines from the roster's URL (never through the workflow), sends, and heartbeats its checkpoint;
 * `parallelBatches` run at once and share the playbook's rate. A batch costs about six history events
 * whatever its size, so the run continues as new before its history reaches a few thousand events,
 * carrying its cursor, its counts and the first failures. The incident hears of progress by a signal
 * every so often (not per batch: its history must not grow with the roster).
 */
import {
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  setCurrentDetails,
  setHandler,
  workflowInfo,
  type ActivityFailure,
} from '@temporalio/workflow';
import type { NotifyBatchResult } from '../activities/notify.js';
import { notifier } from './activities.js';
import {
  DEFAULT_CONTINUE_AS_NEW_AFTER,
  DEFAULT_PROGRESS_EVERY_MS,
  MAX_KEPT_REFUSED,
  MAX_LISTED_FAILURES,
  notificationHoldSignal,
  notificationProgressSignal,
  notifyProgressQuery,
  type NotifyCarry,
  type NotifyProgress,
  type NotifyRosterInput,
  type NotifyRosterResult,
} from './notify-messages.js';

/** Letters per mail-vendor request, as a grid of roster lines (activities/notify.ts). */
export const LETTERS_PER_REQUEST = 100;
const MAX_PARALLEL_BATCHES = 32;

export async function notifyRosterWorkflow(input: NotifyRosterInput): Promise<NotifyRosterResult> {
  const carried: NotifyCarry = input.carried ?? {
    nextLine: 0,
    totals: { processed: 0, letters: 0, emails: 0, substitute: 0, failed: 0 },
    failures: [],
    rosterLines: null,
    runs: 0,
    startedAt: Date.now(),
  };
  const run = new RosterRun(input, {
    ...carried,
    totals: { ...carried.totals },
    failures: [...carried.failures],
    runs: carried.runs + 1,
    ...(carried.refused
      ? { refused: [...carried.refused], refusedWithLetter: [...(carried.refusedWithLetter ?? [])] }
      : {}),
  });
  setHandler(notifyProgressQuery, () => run.progress());
  run.paused = input.paused === true;
  setHandler(notificationHoldSignal, (hold) => {
    run.paused = hold?.paused === true;
    run.show();
  });
  run.show();

  const stopped = await run.sendBatches();
  if (stopped === 'failed') throw run.failure();
  if (stopped === 'history-full') {
    await run.tellProgress();
    await continueAsNew<typeof notifyRosterWorkflow>({
      ...input,
      carried: run.carry(),
      ...(run.paused ? { paused: true } : {}),
    });
  }
  const { refused, refusedWithLetter } = run.state;
  return {
    ...run.state.totals,
    failures: run.state.failures,
    rosterLines: run.state.rosterLines ?? run.state.totals.processed,
    runs: run.state.runs,
    ...(refused ? { refused, refusedWithLetter: refusedWithLetter ?? [] } : {}),
  };
}

class RosterRun {
  private readonly parallel: number;
  private readonly batchSize: number;
  private readonly continueAfter: number;
  /** The first line no batch has been given yet. */
  private next: number;
  private readonly running = new Map<number, Promise<void>>();
  private error: unknown;
  private progressToldAt = Date.now();
  private signalling: Promise<void> = Promise.resolve();
  /** Held by a security delay or bar (468.6-3): no new batch starts. */
  paused = false;

  constructor(
    private readonly input: NotifyRosterInput,
    readonly state: NotifyCarry,
  ) {
    this.parallel = Math.min(MAX_PARALLEL_BATCHES, Math.max(1, Math.floor(input.parallelBatches)));
    this.batchSize = Math.max(1, Math.floor(input.batchSize));
    this.continueAfter = input.continueAsNewAfter ?? DEFAULT_CONTINUE_AS_NEW_AFTER;
    this.next = state.nextLine;
  }

  /** The roster's length: declared with the letter until a batch has counted it (at least one batch runs). */
  private total(): number {
    return this.state.rosterLines ?? Math.max(1, this.input.roster.count);
  }

  private historyFull(): boolean {
    const info = workflowInfo();
    return info.historyLength >= this.continueAfter || info.continueAsNewSuggested;
  }

  /** Batches until the roster is done, the history is full (continue as new) or a batch failed for good. */
  async sendBatches(): Promise<'done' | 'history-full' | 'failed'> {
    for (;;) {
      while (
        !this.error &&
        !this.paused &&
        this.running.size < this.parallel &&
        this.next < this.total() &&
        !this.historyFull()
      )
        this.start(this.next);
      if (this.running.size === 0 && this.paused && !this.error && this.next < this.total()) {
        // At a batch boundary with nothing in flight: wait for the hold to be lifted.
        await this.tellProgress();
        await condition(() => !this.paused);
        continue;
      }
      if (this.running.size === 0) break;
      await Promise.race(this.running.values());
      this.show();
      if (Date.now() - this.progressToldAt >= this.progressInterval()) void this.tellProgress();
    }
    if (this.error) return 'failed';
    // Every batch given out has finished: the lines before `next` are done.
    this.state.nextLine = this.next;
    return this.next < this.total() ? 'history-full' : 'done';
  }

  private start(from: number): void {
    const to = from + this.batchSize;
    this.next = to;
    const { input } = this;
    const batch = notifier(`Notify roster lines ${from + 1}-${to}`)
      .notifyRange({
        incidentId: input.incidentId,
        organization: input.organization,
        roster: input.roster,
        letter: input.letter,
        immediate: input.immediate,
        mailVendor: input.mailVendor,
        ...(input.ttyRelay ? { ttyRelay: input.ttyRelay } : {}),
        fromLine: from,
        toLine: to,
        letterBatch: LETTERS_PER_REQUEST,
        ratePerSecond: input.ratePerSecond / this.parallel,
        maxListedFailures: Math.max(0, MAX_LISTED_FAILURES - this.state.failures.length),
      })
      .then(
        (counts) => this.add(counts),
        (err: unknown) => {
          this.error ??= err;
        },
      )
      .finally(() => this.running.delete(from));
    this.running.set(from, batch);
  }

  private add(counts: NotifyBatchResult): void {
    const t = this.state.totals;
    t.processed += counts.processed;
    t.letters += counts.letters;
    t.emails += counts.emails;
    t.substitute += counts.substitute;
    t.failed += counts.failed;
    if (counts.returned) t.returned = (t.returned ?? 0) + counts.returned;
    for (const failure of counts.failures) {
      if (this.state.failures.length >= MAX_LISTED_FAILURES) break;
      this.state.failures.push(failure);
    }
    for (const r of counts.refused ?? []) {
      if ((this.state.refused?.length ?? 0) >= MAX_KEPT_REFUSED) break;
      (this.state.refused ??= []).push(r.line);
      if (r.letter) (this.state.refusedWithLetter ??= []).push(r.line);
    }
    if (counts.rosterLines !== undefined) this.state.rosterLines = counts.rosterLines;
  }

  /**
   * Not under progressEveryMs, and on a long run its expected length (at the pace so far, else at the
   * playbook's rate) split in a hundred: the incident's history grows by about four events a progress signal,
   * so their number must not grow with the roster.
   */
  private progressInterval(): number {
    const { processed } = this.state.totals;
    const expectedMs =
      processed > 0
        ? ((Date.now() - this.state.startedAt) / processed) * this.total()
        : (this.total() / this.input.ratePerSecond) * 1_000;
    return Math.max(this.input.progressEveryMs ?? DEFAULT_PROGRESS_EVERY_MS, expectedMs / 100);
  }

  progress(): NotifyProgress {
    return { ...this.state.totals, total: this.total(), runs: this.state.runs };
  }

  /** Tells the incident (when there is one) how far the run is. */
  tellProgress(): Promise<void> {
    this.progressToldAt = Date.now();
    const parent = workflowInfo().parent;
    if (!parent) return Promise.resolve();
    const progress = this.progress();
    // Signals go out in order; a failed one (the incident ended) is no reason to stop notifying.
    this.signalling = this.signalling.then(() =>
      getExternalWorkflowHandle(parent.workflowId)
        .signal(notificationProgressSignal, progress)
        .catch(() => undefined),
    );
    return this.signalling;
  }

  /** The UI's current details of the run (no PII: counts only). */
  show(): void {
    const p = this.progress();
    const remaining = Math.max(0, p.total - p.processed);
    setCurrentDetails(
      `${this.paused ? '**PAUSED by a security delay or bar (5 FAM 468.6-3)**\n\n' : ''}**Notified:** ${p.processed} of ${p.total} (${remaining} remaining) · ${p.letters} letters · ${p.emails} emails · ` +
        `${p.substitute} for the substitute notice · ${p.failed} failed\n\n**Run:** ${p.runs} · **batches running:** ${this.running.size}`,
    );
  }

  carry(): NotifyCarry {
    return { ...this.state, nextLine: this.next };
  }

  /** The batch's failure as the run's: same type and message, the counts so far in the details. */
  failure(): unknown {
    const err = this.error;
    if (isCancellation(err)) return err;
    const cause = (err as ActivityFailure).cause;
    const type = cause instanceof ApplicationFailure ? (cause.type ?? 'NotificationFailed') : 'NotificationFailed';
    const message = cause instanceof Error ? cause.message : err instanceof Error ? err.message : String(err);
    return ApplicationFailure.create({ type, message, nonRetryable: true, details: [this.progress()] });
  }
}
