/**
 * caseNumberingWorkflow: hands out the case numbers of one prefix and year (`PII-2026-0001`, `-0002`,
 * ...), one per incident, through the `assignCaseNumbers` update. Why a workflow (docs/contract.md "Case
 * numbers"): Temporal runs one workflow per ID, and the handler below takes the next number and counts
 * on without an await, so two updates can never read the same counter, however many API instances and
 * workers there are; the counter is durable (the history), needs no database of our own, and a number
 * once given is in the history for good, so it is never given again.
 *
 * Idempotent by incident: the same incident asking again (a retried call) gets the number it was given.
 * The run continues as new well before Temporal's limits on updates and history, carrying the counter
 * and the latest assignments (enough for any retry).
 */
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { formatCaseNumber } from '../domain/case-numbers.js';
import {
  assignCaseNumbersUpdate,
  caseNumberingStateQuery,
  MAX_NUMBERS_PER_UPDATE,
  type CaseNumberingInput,
} from './case-numbering-messages.js';

export type { CaseNumberingInput } from './case-numbering-messages.js';

/** Assignments kept for retries; a retry comes within seconds, this many covers any burst. */
const KEEP_RECENT = 2_000;
/** Temporal refuses more than 2,000 updates in one run by default (history.maxTotalUpdates): well below it. */
const UPDATES_PER_RUN = 1_000;

export async function caseNumberingWorkflow(input: CaseNumberingInput): Promise<void> {
  let next = Math.max(1, Math.floor(input.next));
  let handled = 0;
  const recent = new Map<string, number>(input.recent ?? []);

  const numberOf = (incidentId: string): string => {
    let sequence = recent.get(incidentId);
    if (sequence === undefined) {
      sequence = next;
      next += 1;
      recent.set(incidentId, sequence);
      if (recent.size > KEEP_RECENT) recent.delete(recent.keys().next().value!);
    }
    return formatCaseNumber(input.prefix, input.year, sequence);
  };

  setHandler(
    assignCaseNumbersUpdate,
    ({ incidentIds }) => {
      // No await between reading and moving the counter: each incident takes a number of its own.
      handled += 1;
      return incidentIds.map(numberOf);
    },
    {
      validator: (request) => {
        const ids = (request as { incidentIds?: unknown } | null)?.incidentIds;
        if (
          !Array.isArray(ids) ||
          ids.length === 0 ||
          ids.length > MAX_NUMBERS_PER_UPDATE ||
          !ids.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 128)
        )
          throw new Error(
            `expected { incidentIds } with 1 to ${MAX_NUMBERS_PER_UPDATE} incident ids of at most 128 characters`,
          );
      },
    },
  );
  setHandler(caseNumberingStateQuery, () => ({ prefix: input.prefix, year: input.year, next }));

  await condition(() => handled >= UPDATES_PER_RUN || workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof caseNumberingWorkflow>({
    prefix: input.prefix,
    year: input.year,
    next,
    recent: [...recent],
  });
}
