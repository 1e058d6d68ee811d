/**
 * The incident's search attributes (no PII) and the case list's memo (domain/case-list-facts.ts), kept up
 * with its state. Incidents started before the since marker (workflows/since-marker.ts) upsert the search
 * attributes at every change, as they ran; since, both are upserted once per workflow task, with the state
 * the task ends in, instead of two or three times in a task that enters a phase and opens its gate.
 */
import { condition, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import { CASE_LIST_MEMO, caseListFacts } from '../domain/case-list-facts.js';
import { readersOf } from '../domain/need-to-know.js';
import {
  BreachAwaitingRole,
  BreachAwaitingSince,
  BreachMedium,
  BreachPhase,
  BreachReportedLate,
  BreachReportingDeadline,
  BreachRisk,
} from '../domain/search-attributes.js';
import type { Incident } from './incident-state.js';
import { AWAITING_SINCE_ATTRIBUTE } from './patches.js';
import { isPatched } from './since-marker.js';

/** Passes of the SDK's conditions with no change before the search attributes and the memo are upserted. */
const QUIET_PASSES = 3;

export class Publisher {
  /** Once per workflow task: for incidents started under the since marker, decided at the start. */
  oncePerTask = false;
  private published = '';
  private listed = '';
  private dirty = false;
  private changes = 0;
  private flushing = false;

  constructor(private readonly incident: Incident) {}

  publish(): void {
    if (this.oncePerTask) this.whenQuiet();
    else this.upsert();
  }

  /**
   * A background condition on `dirty`, which the SDK checks only once the activation's jobs and every
   * microtask they started have run; then passes of the conditions until QUIET_PASSES in a row moved
   * nothing (the main flow may pass several conditions, a pass each, before it moves the state again), so
   * the task ends published, once. Not a microtask: the workflow's own awaits would run between two.
   */
  private whenQuiet(): void {
    this.dirty = true;
    this.changes += 1;
    if (this.flushing) return;
    this.flushing = true;
    void (async () => {
      for (;;) {
        await condition(() => this.dirty);
        for (let seen = -1, quiet = 0; quiet < QUIET_PASSES;) {
          quiet = seen === this.changes ? quiet + 1 : 0;
          seen = this.changes;
          await condition(() => true);
        }
        this.flush();
      }
    })();
  }

  /** What is pending, upserted now: before the workflow returns, since no command may follow its completion. */
  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.upsert();
    this.upsertListFacts();
  }

  /**
   * What the case list shows and who may see it, in the memo (domain/case-list-facts.ts), in the same
   * workflow task as the search attributes and only when it changed: the list then needs no query.
   */
  private upsertListFacts(): void {
    if (!this.incident.state.reportingDeadline) return;
    const facts = caseListFacts(this.incident.state, readersOf(this.incident.state));
    const key = JSON.stringify(facts);
    if (key === this.listed) return;
    this.listed = key;
    upsertMemo({ [CASE_LIST_MEMO]: facts });
  }

  private upsert(): void {
    const s = this.incident.state;
    // Asked before the key (a new patch: new histories have its marker from their first publish); the
    // older patch behind searchAttributesOn() stays where it was asked, after the key comparison.
    const withSince = Boolean(s.reportingDeadline) && isPatched(AWAITING_SINCE_ATTRIBUTE);
    const key = JSON.stringify([
      s.phase,
      s.medium,
      s.risk,
      s.reportingDeadline,
      s.reportedLate,
      s.awaiting?.role ?? null,
      withSince ? (s.awaiting?.since ?? null) : null,
    ]);
    if (key !== this.published && s.reportingDeadline && this.incident.searchAttributesOn()) {
      this.published = key;
      upsertSearchAttributes([
        { key: BreachPhase, value: s.phase },
        { key: BreachMedium, value: s.medium },
        { key: BreachRisk, value: s.risk },
        { key: BreachReportingDeadline, value: new Date(s.reportingDeadline) },
        { key: BreachReportedLate, value: s.reportedLate },
        { key: BreachAwaitingRole, value: s.awaiting?.role ?? null },
        ...(withSince ? [{ key: BreachAwaitingSince, value: s.awaiting ? new Date(s.awaiting.since) : null }] : []),
      ]);
    }
  }
}
