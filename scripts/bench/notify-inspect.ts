/**
 * What the bench and the crash test read of a notification run from the server: its runs (the chain of
 * continue-as-new) with their events, and at a worker's crash, each running batch's range and the
 * checkpoint the server holds for it, from which the messages "in flight" are counted.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type DataConverter, type Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { NotifyCheckpoint, NotifyRangeInput } from '../../activities/notify.js';

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Payloads as the worker wrote them (encrypted by security/data-converter.ts), decoded. */
export async function decodePayloads(
  dataConverter: DataConverter,
  payloads: Payload[] | null | undefined,
): Promise<unknown[]> {
  let decoded = payloads ?? [];
  for (const codec of [...(dataConverter.payloadCodecs ?? [])].reverse()) decoded = await codec.decode(decoded);
  return decoded.map((p) => defaultPayloadConverter.fromPayload(p));
}

/** Every run of a workflow that continued as new, first to last, with its events. */
export async function runsOf(client: Client, workflowId: string, firstRunId: string): Promise<HistoryEvent[][]> {
  const runs: HistoryEvent[][] = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    const history: temporal.api.history.v1.IHistory = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events: HistoryEvent[] = history.events ?? [];
    runs.push(events);
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

/** The first run of an incident's notification run, from the incident's history. */
export async function notifyRunsOf(
  client: Client,
  incidentWorkflowId: string,
): Promise<{ incidentEvents: HistoryEvent[]; runs: HistoryEvent[][] }> {
  const incidentEvents = (await client.workflow.getHandle(incidentWorkflowId).fetchHistory()).events ?? [];
  const started = incidentEvents.find(
    (e) => e.childWorkflowExecutionStartedEventAttributes,
  )?.childWorkflowExecutionStartedEventAttributes;
  if (!started?.workflowExecution?.workflowId || !started.workflowExecution.runId) return { incidentEvents, runs: [] };
  return {
    incidentEvents,
    runs: await runsOf(client, started.workflowExecution.workflowId, started.workflowExecution.runId),
  };
}

export interface BatchAtCrash {
  activityId: string;
  fromLine: number;
  toLine: number;
  /** The first line not done, as the server holds it (fromLine when no heartbeat reached it). */
  checkpoint: number;
  /** The worker that ran it last (`<pid>@<host>` by default): with several workers, whose batches a crash cut. */
  workerIdentity: string;
}

/** The batches running in the latest run of a notification workflow, with their ranges and checkpoints. */
export async function runningBatches(
  client: Client,
  dataConverter: DataConverter,
  notifyWorkflowId: string,
): Promise<BatchAtCrash[]> {
  const handle = client.workflow.getHandle(notifyWorkflowId);
  const description = await handle.describe();
  const pending = description.raw.pendingActivities ?? [];
  if (pending.length === 0) return [];
  const events = (await client.workflow.getHandle(notifyWorkflowId, description.runId).fetchHistory()).events ?? [];
  const ranges = new Map<string, { fromLine: number; toLine: number }>();
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (!scheduled?.activityId) continue;
    const [input] = (await decodePayloads(dataConverter, scheduled.input?.payloads as Payload[])) as NotifyRangeInput[];
    ranges.set(scheduled.activityId, { fromLine: input!.fromLine, toLine: input!.toLine ?? Number.MAX_SAFE_INTEGER });
  }
  const batches: BatchAtCrash[] = [];
  for (const activity of pending) {
    const range = ranges.get(activity.activityId ?? '');
    if (!range) continue;
    const [details] = (await decodePayloads(dataConverter, activity.heartbeatDetails?.payloads as Payload[])) as (
      NotifyCheckpoint | undefined
    )[];
    batches.push({
      activityId: activity.activityId!,
      ...range,
      checkpoint: details?.nextLine ?? range.fromLine,
      workerIdentity: activity.lastWorkerIdentity ?? '',
    });
  }
  return batches;
}

/**
 * Messages in flight at a crash: those of the running batches' lines at or after their checkpoint that
 * the receiver had already got. A retry resumes at the checkpoint, so these, and only these, can arrive
 * twice.
 */
export function inFlight(
  batches: BatchAtCrash[],
  received: ReadonlyMap<string, number>,
  messageIdOfLine: (line: number) => string | undefined,
): number {
  let count = 0;
  for (const batch of batches) {
    for (let line = batch.checkpoint; line < batch.toLine; line++) {
      const id = messageIdOfLine(line);
      if (id === undefined) break;
      if (received.has(id)) count += 1;
    }
  }
  return count;
}
