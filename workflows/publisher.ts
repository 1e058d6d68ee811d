/**
 * The incident's search attributes (no PII) and the case list's memo (domain/case-list-facts.ts), kept up
 * with its state, in one of three ways, fixed at the incident's start by its since marker
 * (workflows/since-marker.ts), so each history replays as it ran:
 * - `each-change` (before the since markers): the search attributes at every change;
 * - `quiet` (the first three since markers): both once per workflow task, with the state the task ends
 *   in, after passes of the SDK's conditions in which nothing moved;
 * - `at-conclusion` (the fourth, `publishAtConclusion`): both once per activation, as it concludes
 *   (workflows/conclusion.ts), with no passes: the same upserts at the end of the task's commands, for
 *   less of the worker's work in every task (docs/performance.md "Published as the activation concludes").
 */
import { condition, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import { defaultPayloadConverter, mapToPayloads, type SearchAttributeUpdatePair } from '@temporalio/common';
// The SDK's own encoding of typed search attributes, as `upsertSearchAttributes` makes its command.
import { encodeUnifiedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes.js';
import { atConclusion, conclusionInstalled, type WorkflowCommand } from './conclusion.js';
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
import { AWAITING_SINCE_ATTRIBUTE } from './patch-ids.js';
import { isPatched } from './since-marker.js';

/** Passes of the SDK's conditions with no change before the search attributes and the memo are upserted. */
const QUIET_PASSES = 3;

export type PublishMode = 'each-change' | 'quiet' | 'at-conclusion';

export class Publisher {
  private mode: PublishMode = 'each-change';
  private published = '';
  private listed = '';
  private dirty = false;
  private changes = 0;
  private flushing = false;

  constructor(private readonly incident: Incident) {}

  /** Decided once, at the start, before anything is published. */
  setMode(mode: PublishMode): void {
    this.mode = mode;
    if (mode !== 'at-conclusion') return;
    // A bundle without the interceptor would never publish: fail the task loudly instead.
    if (!conclusionInstalled())
      throw new Error(
        'the workflow bundle lacks workflows/conclusion.ts among its interceptor modules (workers/bundle.ts workflowBundlerOptions)',
      );
    atConclusion(() => this.concluded());
  }

  publish(): void {
    if (this.mode === 'quiet') this.whenQuiet();
    else if (this.mode === 'at-conclusion') this.dirty = true;
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
    const attributes = this.changedAttributes();
    if (attributes) upsertSearchAttributes(attributes);
    const memo = this.changedListFacts();
    if (memo) upsertMemo(memo);
  }

  /**
   * `at-conclusion`: what is pending, as the commands `upsertSearchAttributes` and `upsertMemo` would
   * make (the same encodings), for workflows/conclusion.ts to add as the activation concludes. The
   * workflow's own copy of its search attributes and memo (`workflowInfo()`) is not updated: nothing in
   * the incident reads the ones it publishes. The patches read on the way (`AWAITING_SINCE_ATTRIBUTE`,
   * `searchAttributesOn`) are covered by the fourth since marker, so no `patched()` is asked here, where
   * its marker would miss this activation's commands.
   */
  private concluded(): WorkflowCommand[] {
    if (!this.dirty) return [];
    this.dirty = false;
    const commands: WorkflowCommand[] = [];
    const attributes = this.changedAttributes();
    if (attributes)
      commands.push({
        upsertWorkflowSearchAttributes: {
          searchAttributes: { indexedFields: encodeUnifiedSearchAttributes(undefined, attributes) },
        },
      });
    const memo = this.changedListFacts();
    if (memo)
      commands.push({
        modifyWorkflowProperties: { upsertedMemo: { fields: mapToPayloads(defaultPayloadConverter, memo) } },
      });
    return commands;
  }

  /**
   * What the case list shows and who may see it, in the memo (domain/case-list-facts.ts), in the same
   * workflow task as the search attributes and only when it changed: the list then needs no query.
   */
  private changedListFacts(): Record<string, unknown> | null {
    if (!this.incident.state.reportingDeadline) return null;
    const facts = caseListFacts(this.incident.state, readersOf(this.incident.state));
    const key = JSON.stringify(facts);
    if (key === this.listed) return null;
    this.listed = key;
    return { [CASE_LIST_MEMO]: facts };
  }

  private upsert(): void {
    const attributes = this.changedAttributes();
    if (attributes) upsertSearchAttributes(attributes);
  }

  /** The search attributes when they changed since last published, else null. */
  private changedAttributes(): SearchAttributeUpdatePair[] | null {
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
    if (key === this.published || !s.reportingDeadline || !this.incident.searchAttributesOn()) return null;
    this.published = key;
    return [
      { key: BreachPhase, value: s.phase },
      { key: BreachMedium, value: s.medium },
      { key: BreachRisk, value: s.risk },
      { key: BreachReportingDeadline, value: new Date(s.reportingDeadline) },
      { key: BreachReportedLate, value: s.reportedLate },
      { key: BreachAwaitingRole, value: s.awaiting?.role ?? null },
      ...(withSince ? [{ key: BreachAwaitingSince, value: s.awaiting ? new Date(s.awaiting.since) : null }] : []),
    ];
  }
}
