/**
 * A decision is never ambiguous and never lost while no worker runs (docs/releases.md "Decisions while
 * no worker runs"). The `decide` update is tried for a short wait (BREACH_DECISION_WAIT); a worker that
 * accepts it in time answers as before (the new state, or the refusal). When none does, the decision is
 * sent again as the `decision` signal, which the server writes to the incident's history at once: it
 * survives a restart of the server, and the workflow applies it when a worker comes back. An update
 * the server had admitted in the meantime carries the same decisionId, so whichever of the two arrives
 * second is a repeat and is applied once (workflows/decisions.ts). Its outcome is then read by
 * decisionId: `decisionStatus`.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { WorkflowNotFoundError, type Payload } from '@temporalio/common';
import { WorkflowUpdateStage, type Client, type WorkflowHandle } from '@temporalio/client';
import type { Decision } from '../domain/decision.js';
import { incidentWorkflowId } from '../domain/ids.js';
import type { Refusal } from '../domain/refusal.js';
import type { IncidentState } from '../domain/state.js';
import { decideUpdate, decisionOutcomeQuery, decisionRefusedSignal, decisionSignal } from '../workflows/messages.js';
import {
  asTemporalError,
  DecisionRefusedError,
  IncidentClosedError,
  IncidentNotFoundError,
  messageOfRefusal,
  refusalOf,
  TEMPORAL_CALL_TIMEOUT_MS,
  TemporalUnavailableError,
} from './errors.js';

/** How long the API waits for a worker to accept a decision before it records it as pending. */
export const DECISION_WAIT_MS_DEFAULT = 5_000;

export type DecisionSubmitted =
  { status: 'applied'; decisionId: string; state: IncidentState } | { status: 'pending'; decisionId: string };

export type DecisionStatus =
  | { decisionId: string; status: 'pending' }
  | { decisionId: string; status: 'applied'; state: IncidentState }
  | { decisionId: string; status: 'refused'; refusal: Refusal };

/** Neither the workflow nor its history knows this decisionId. */
export class DecisionNotFoundError extends Error {
  override name = 'DecisionNotFoundError';
  constructor(
    readonly incidentId: string,
    readonly decisionId: string,
  ) {
    super(`no decision "${decisionId}" on incident "${incidentId}"`);
  }
}

/** A decision that was recorded but not applied yet (for callers that need the new state at once). */
export class DecisionPendingError extends Error {
  override name = 'DecisionPendingError';
  constructor(readonly decisionId: string) {
    super(`decision ${decisionId} is recorded and pending: no worker has applied it yet`);
  }
}

async function hasEnded(handle: WorkflowHandle): Promise<boolean> {
  try {
    return (await handle.describe()).status.name !== 'RUNNING';
  } catch {
    return false;
  }
}

async function notFound(handle: WorkflowHandle, incidentId: string): Promise<Error> {
  // An update or signal to a workflow that has ended answers "not found" too: tell the two apart.
  return (await hasEnded(handle)) ? new IncidentClosedError(incidentId) : new IncidentNotFoundError(incidentId);
}

/**
 * The `decide` update, waiting `waitMs` for a worker to accept it; else the decision recorded durably
 * as the `decision` signal and answered `pending`. Refusals throw DecisionRefusedError as before.
 */
export async function submitDecision(
  client: Client,
  incidentId: string,
  decision: Decision,
  options: { waitMs?: number; idSecret?: string } = {},
): Promise<DecisionSubmitted> {
  const waitMs = options.waitMs ?? DECISION_WAIT_MS_DEFAULT;
  const decisionId = decision.decisionId ?? issueDecisionId(incidentId, options.idSecret);
  const withId: Decision = { ...decision, decisionId };
  const handle = client.workflow.getHandle(incidentWorkflowId(incidentId));
  try {
    const update = await client.withDeadline(Date.now() + waitMs, () =>
      handle.startUpdate(decideUpdate, { args: [withId], waitForStage: WorkflowUpdateStage.ACCEPTED }),
    );
    // Accepted: a worker runs and the validator passed; the handler returns once the phase has moved.
    const state = await client.withDeadline(Date.now() + TEMPORAL_CALL_TIMEOUT_MS, () => update.result());
    return { status: 'applied', decisionId, state };
  } catch (err) {
    const refusal = refusalOf(err);
    if (refusal) {
      // Record the refused attempt in the incident's timeline; a failure here must not hide the refusal.
      await handle
        .signal(decisionRefusedSignal, {
          kind: decision.kind,
          actorId: decision.actorId,
          reasons: refusal.reasons,
          decisionId,
          type: refusal.type,
        })
        .catch(() => undefined);
      throw new DecisionRefusedError(refusal, messageOfRefusal(err));
    }
    if (err instanceof WorkflowNotFoundError) throw await notFound(handle, incidentId);
    // Any other end of the update (no worker in time, an update the server aborted when a stuck workflow
    // task timed out, a busy workflow) leaves the decision to the signal: the workflow applies it once.
  }
  // No worker answered in time (or the update was accepted but has not completed): the signal is durable.
  try {
    await client.withDeadline(Date.now() + TEMPORAL_CALL_TIMEOUT_MS, () => handle.signal(decisionSignal, withId));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw await notFound(handle, incidentId);
    throw asTemporalError(err);
  }
  return { status: 'pending', decisionId };
}

/** submitDecision for callers that need the new state: a pending decision is a DecisionPendingError. */
export async function decide(
  client: Client,
  incidentId: string,
  decision: Decision,
  options: { waitMs?: number } = {},
): Promise<IncidentState> {
  const submitted = await submitDecision(client, incidentId, decision, {
    waitMs: options.waitMs ?? TEMPORAL_CALL_TIMEOUT_MS,
  });
  if (submitted.status === 'pending') throw new DecisionPendingError(submitted.decisionId);
  return submitted.state;
}

/**
 * What became of a decision: the workflow answers `applied` or `refused` (query `decisionOutcome`); when
 * no worker answers, or the workflow has not seen it yet, the history tells whether the decision was
 * recorded (`pending`) or never was (DecisionNotFoundError).
 *
 * The history does not show everything the server holds: a signal that arrives while a workflow task is
 * in flight (a worker that froze holding one) is kept aside until that task ends, at the latest at the
 * workflow task timeout (10 s). A decisionId this API gave out (signed with `idSecret`) was only ever
 * given in an answer after the server had taken the decision, so in that window it answers `pending` too.
 */
export async function decisionStatus(
  client: Client,
  incidentId: string,
  decisionId: string,
  options: { waitMs?: number; idSecret?: string } = {},
): Promise<DecisionStatus> {
  const handle = client.workflow.getHandle(incidentWorkflowId(incidentId));
  try {
    const outcome = await client.withDeadline(Date.now() + (options.waitMs ?? DECISION_WAIT_MS_DEFAULT), () =>
      handle.query(decisionOutcomeQuery, decisionId),
    );
    if (outcome.status === 'applied') return { decisionId, status: 'applied', state: outcome.state };
    if (outcome.status === 'refused') return { decisionId, status: 'refused', refusal: outcome.refusal };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new IncidentNotFoundError(incidentId);
    // No worker answered in time, or one of an earlier release without the query: the history decides.
  }
  const found = await foundInHistory(client, handle, incidentId, decisionId);
  // Accepted as an update: applied, but only a worker can say with what state.
  if (found === 'update')
    throw new TemporalUnavailableError('the decision was applied, but no worker answered with the state in time', true);
  if (found === 'signal' || issuedHere(options.idSecret, incidentId, decisionId))
    return { decisionId, status: 'pending' };
  throw new DecisionNotFoundError(incidentId, decisionId);
}

const decisionIdMac = (secret: string, incidentId: string, id: string) =>
  createHmac('sha256', secret).update(`decision-id:${incidentId}:${id}`).digest('hex').slice(0, 16);

/** A decisionId for a decision sent without one: `dec-<uuid>`, signed (`-<mac>`) when the caller has a secret. */
export function issueDecisionId(incidentId: string, secret?: string): string {
  const id = randomUUID();
  return secret ? `dec-${id}-${decisionIdMac(secret, incidentId, id)}` : `dec-${id}`;
}

function issuedHere(secret: string | undefined, incidentId: string, decisionId: string): boolean {
  const match = /^dec-([0-9a-f-]{36})-([0-9a-f]{16})$/.exec(decisionId);
  if (!secret || !match) return false;
  return timingSafeEqual(Buffer.from(decisionIdMac(secret, incidentId, match[1]!)), Buffer.from(match[2]!));
}

/** Whether the history holds the decision: as a `decision` signal, or as an accepted `decide` update (payloads decoded with the client's codec). */
async function foundInHistory(
  client: Client,
  handle: WorkflowHandle,
  incidentId: string,
  decisionId: string,
): Promise<'signal' | 'update' | undefined> {
  let history;
  try {
    history = await handle.fetchHistory();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new IncidentNotFoundError(incidentId);
    throw asTemporalError(err);
  }
  const carries = async (payloads: Payload[] | null | undefined) => {
    const sent = await decodeFirst(client, payloads ?? []).catch(() => null);
    return sent !== null && typeof sent === 'object' && (sent as Partial<Decision>).decisionId === decisionId;
  };
  for (const event of history.events ?? []) {
    const signalled = event.workflowExecutionSignaledEventAttributes;
    if (signalled?.signalName === decisionSignal.name && (await carries(signalled.input?.payloads))) return 'signal';
    const accepted = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    if (accepted?.input?.name === decideUpdate.name && (await carries(accepted.input.args?.payloads))) return 'update';
  }
  return undefined;
}

/** The first payload decoded as the client decodes (its codecs in reverse order, then the payload converter). */
export async function decodeFirst(client: Client, payloads: Payload[]): Promise<unknown> {
  const { payloadCodecs, payloadConverter } = client.options.loadedDataConverter;
  let decoded = payloads;
  for (const codec of [...payloadCodecs].reverse()) decoded = await codec.decode(decoded);
  return decoded[0] ? payloadConverter.fromPayload(decoded[0]) : null;
}
