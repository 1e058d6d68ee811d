/**
 * Case numbers for new incidents (domain/case-numbers.ts): asked of the case-numbering workflow of the
 * playbook's prefix and the year (workflows/case-numbering.ts) by update-with-start, so the first report
 * of a year starts the sequence and every later one joins it. Any number of API instances may ask at
 * once: the workflow answers one update at a time. And the lookup of an incident by its number.
 */
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { caseNumberingWorkflowId, isCaseNumber, normalCaseNumber } from '../domain/case-numbers.js';
import { incidentIdFromWorkflowId, WORKFLOW_TYPE } from '../domain/ids.js';
import { BreachCaseNumber } from '../domain/search-attributes.js';
import type { caseNumberingWorkflow } from '../workflows/case-numbering.js';
import {
  assignCaseNumbersUpdate,
  CASE_NUMBERING_WORKFLOW_TYPE,
  MAX_NUMBERS_PER_UPDATE,
} from '../workflows/case-numbering-messages.js';
import { asTemporalError, TEMPORAL_CALL_TIMEOUT_MS } from './errors.js';

/**
 * How long a report waits for its number. The one-hour clock matters more than the number: with no
 * worker answering in this time, the incident starts without one (docs/contract.md "Case numbers").
 */
export const CASE_NUMBER_WAIT_MS = 15_000;

interface Waiting {
  incidentId: string;
  /** When its caller stops waiting (Date.now() ms). */
  until: number;
  resolve(number: string): void;
}

/**
 * One queue per numbering workflow and client (an API instance, a CLI run): at most one update in flight
 * from each, carrying every number asked for meanwhile. Temporal limits the updates in flight on one
 * workflow (ten by default) and aborts some when many race a start; one at a time from each instance
 * stays well inside that however many reports arrive at once.
 */
class NumberQueue {
  private waiting: Waiting[] = [];
  private sending = false;

  constructor(private readonly send: (incidentIds: string[]) => Promise<string[]>) {}

  ask(incidentId: string, until: number): Promise<string> {
    return new Promise((resolve) => {
      this.waiting.push({ incidentId, until, resolve });
      if (!this.sending) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.sending = true;
    for (let attempt = 0; this.waiting.length > 0;) {
      const batch = this.waiting.slice(0, MAX_NUMBERS_PER_UPDATE);
      try {
        const numbers = await this.send(batch.map((w) => w.incidentId));
        this.waiting = this.waiting.slice(batch.length);
        batch.forEach((w, i) => w.resolve(numbers[i]!));
        attempt = 0;
      } catch {
        // The run was continuing as new, the server busy or unreachable: ask again (an incident asking
        // again gets the same number, so a repeat costs none). A caller gives up at its own deadline.
        attempt += 1;
        await new Promise((r) => setTimeout(r, Math.min(2_000, 50 * 2 ** attempt) * (0.5 + Math.random())));
      }
    }
    this.sending = false;
  }
}

const queues = new WeakMap<Client, Map<string, NumberQueue>>();

/** The incident's case number, or null when the numbering workflow did not answer within `waitMs`. */
export async function assignCaseNumber(
  client: Client,
  options: { taskQueue: string; prefix: string; incidentId: string; at: Date; waitMs?: number },
): Promise<string | null> {
  const year = options.at.getUTCFullYear();
  const workflowId = caseNumberingWorkflowId(options.prefix, year);
  const byWorkflow = queues.get(client) ?? new Map<string, NumberQueue>();
  queues.set(client, byWorkflow);
  let queue = byWorkflow.get(workflowId);
  if (!queue) {
    queue = new NumberQueue((incidentIds) =>
      client.withDeadline(Date.now() + TEMPORAL_CALL_TIMEOUT_MS, () =>
        client.workflow.executeUpdateWithStart(assignCaseNumbersUpdate, {
          args: [{ incidentIds }],
          startWorkflowOperation: new WithStartWorkflowOperation<typeof caseNumberingWorkflow>(
            CASE_NUMBERING_WORKFLOW_TYPE,
            {
              workflowId,
              taskQueue: options.taskQueue,
              args: [{ prefix: options.prefix, year, next: 1 }],
              workflowIdConflictPolicy: 'USE_EXISTING',
              staticSummary: `Case numbers ${options.prefix}-${year}`,
            },
          ),
        }),
      ),
    );
    byWorkflow.set(workflowId, queue);
  }
  const waitMs = options.waitMs ?? CASE_NUMBER_WAIT_MS;
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), waitMs);
  });
  try {
    return await Promise.race([queue.ask(options.incidentId, Date.now() + waitMs), gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}

/** The incident id of the case with this number (the search attribute BreachCaseNumber), or undefined. */
export async function incidentIdOfCaseNumber(client: Client, text: string): Promise<string | undefined> {
  const number = normalCaseNumber(text);
  if (!number) return undefined;
  try {
    for await (const execution of client.workflow.list({
      query: `WorkflowType = '${WORKFLOW_TYPE}' AND ${BreachCaseNumber.name} = '${number}'`,
      pageSize: 10,
    })) {
      const id = incidentIdFromWorkflowId(execution.workflowId);
      if (id) return id;
    }
  } catch (err) {
    throw asTemporalError(err);
  }
  return undefined;
}

/** An incident id, or the id of the case with this number: a number is taken wherever an id is. */
export async function resolveIncidentId(client: Client, idOrNumber: string): Promise<string> {
  if (!isCaseNumber(idOrNumber)) return idOrNumber;
  return (await incidentIdOfCaseNumber(client, idOrNumber)) ?? idOrNumber;
}
