/**
 * What someone may see, shared by the API routes (api/) and the pages (pages/): need to know (5 FAM
 * 469.2c(1), domain/need-to-know.ts). An incident someone may not see answers as one that does not
 * exist, so its existence is not disclosed either.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { incidentWorkflowId } from '../domain/ids.js';
import { mayRead, readingBy, readingOf, readsAll, reporterView } from '../domain/need-to-know.js';
import type { IncidentState } from '../domain/state.js';
import type { Identity } from '../security/identity.js';
import { getIncidentState, IncidentNotFoundError, type IncidentListItem } from './incidents.js';
import { resolveIncidentId } from './case-numbers.js';

/**
 * The incident as `identity` may see it (need to know, 469.2c(1)): the whole state with a role on it, a
 * reporter's view as its reporter only (domain/need-to-know.ts `reporterView`); IncidentNotFoundError
 * (404) otherwise, before any other check of the route, so that nothing tells an outsider it exists.
 */
export async function readIncident(
  client: Client,
  identity: Identity,
  incidentId: string,
  timeoutMs?: number,
): Promise<{ state: IncidentState; reading: 'full' | 'reporter' }> {
  const state = await getIncidentState(client, incidentId, timeoutMs);
  const reading = readingOf(identity, state);
  if (reading === 'full') return { state, reading };
  if (reading === 'reporter') return { state: reporterView(state, identity.key), reading };
  throw new IncidentNotFoundError(incidentId);
}

/** The incident's state as `identity` may see it; IncidentNotFoundError (404) when they may not. */
export async function readableState(client: Client, identity: Identity, incidentId: string): Promise<IncidentState> {
  return (await readIncident(client, identity, incidentId)).state;
}

/**
 * The listed incidents `identity` may see. Someone told of every incident sees them all; anyone else's
 * list is checked incident by incident against who may read it, from its memo (domain/case-list-facts.ts)
 * or, for an incident started before the memo, its state, a few at a time.
 */
export async function visibleIncidents<T extends IncidentListItem>(
  client: Client,
  identity: Identity,
  items: T[],
): Promise<T[]> {
  if (readsAll(identity)) return items;
  const visible: boolean[] = items.map((item) =>
    item.facts ? readingBy(identity, item.facts.readers) !== null : false,
  );
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      if (items[i]!.facts) continue;
      const state = await getIncidentState(client, items[i]!.incidentId).catch(() => undefined);
      visible[i] = state !== undefined && mayRead(identity, state);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return items.filter((_, i) => visible[i]);
}

/** Whether `identity` may file a report under this incident id: a new id, or an incident they may see (a supplement). */
export async function mayReportOn(client: Client, identity: Identity, incidentId: string): Promise<boolean> {
  try {
    return mayRead(identity, await getIncidentState(client, incidentId));
  } catch (err) {
    if (err instanceof IncidentNotFoundError) return true;
    throw err;
  }
}

/**
 * Need to know for a decision (469.2c(1)), as `readIncident`, with one reading of our own: a decision is
 * taken even while no worker runs, and applied when one does (docs/releases.md). Then the state cannot be
 * queried, so the incident's existence is read from the server (a describe needs no worker) and anyone
 * with a role in the playbook may file; the workflow refuses, with its reasons, whoever may not decide.
 * `timeoutMs`: how long the state is waited for before that reading (the decision's own wait). Returns
 * `readIncident`'s answer, or undefined when the state could not be queried.
 */
export async function readForDecision(
  client: Client,
  identity: Identity,
  incidentId: string,
  timeoutMs: number,
): Promise<{ state: IncidentState; reading: 'full' | 'reporter' } | undefined> {
  try {
    return await readIncident(client, identity, incidentId, timeoutMs);
  } catch (err) {
    if (err instanceof IncidentNotFoundError) throw err;
    try {
      await client.workflow.getHandle(incidentWorkflowId(incidentId)).describe();
    } catch (described) {
      if (described instanceof WorkflowNotFoundError) throw new IncidentNotFoundError(incidentId);
      throw err;
    }
    if (identity.roles.length === 0) throw new IncidentNotFoundError(incidentId);
    return undefined;
  }
}

/** The incident a route names, as its caller may see it (`readNamedIncident`). */
export interface NamedIncident {
  incidentId: string;
  /** Undefined only for a decision while no worker answers the state's query (`readForDecision`). */
  state: IncidentState | undefined;
  reading: 'full' | 'reporter';
}

/**
 * The one need-to-know check of every route that names an incident (469.2c(1)), run before the route
 * reads anything else of the request (api/ and pages/ `needToKnow` hooks): `named` is the path's id, a
 * case number when `resolve`, or a link's incident. With `decisionWaitMs`, a decision's reading
 * (`readForDecision`); else `readIncident`'s. IncidentNotFoundError (404) when `identity` may not see it.
 */
export async function readNamedIncident(
  client: Client,
  identity: Identity,
  named: string,
  options: { resolve?: boolean; decisionWaitMs?: number } = {},
): Promise<NamedIncident> {
  const incidentId = options.resolve ? await resolveIncidentId(client, named) : named;
  if (options.decisionWaitMs === undefined)
    return { incidentId, ...(await readIncident(client, identity, incidentId)) };
  const read = await readForDecision(client, identity, incidentId, options.decisionWaitMs);
  return { incidentId, state: read?.state, reading: read?.reading ?? 'full' };
}
