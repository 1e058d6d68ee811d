/**
 * Need to know at the codec server (5 FAM 469.2c(1)): the Temporal UI asks it to decrypt the payloads
 * of whatever history an operator opens, so the answer is decided payload by payload, by the incident
 * bound inside each (security/codec.ts, security/codec-owner.ts):
 *   - a payload of incident X is decrypted for a person who may read X (domain/need-to-know.ts: a role
 *     the incident involves, or its reporter), from X's state through the client layer, cached briefly;
 *   - a payload with no incident (written before the codec recorded one, or owned by a workflow that is
 *     not an incident's: a yearly exercise) is decrypted only for the roles told of every incident
 *     (IPS Director, Privacy Division, PPGB Chair: `readsAll`), who would see it
 *     whichever incident it came from. That is the reading taken for histories written before.
 *   - anything else, and a payload whose clear label disagrees with the bound incident, is answered as
 *     it came (ciphertext): the UI shows it encrypted, and says nothing of why.
 */
import type { Payload } from '@temporalio/common';
import { mayRead, readsAll } from '../domain/need-to-know.js';
import type { IncidentState } from '../domain/state.js';
import type { OwnedPayload } from '../security/codec.js';
import type { Identity } from '../security/identity.js';

/** How long an incident's state answers for the codec: a history page's many payloads, one query. */
export const CODEC_STATE_TTL_MS = 30_000;
const CACHE_LIMIT = 1_000;

/** The incident's state, or undefined when it cannot be read now (unknown, no worker): then no decryption. */
export type StateOf = (incidentId: string) => Promise<IncidentState | undefined>;

/** StateOf with a short cache (the in-flight query shared by concurrent calls). */
export function cachedStates(load: StateOf, ttlMs = CODEC_STATE_TTL_MS, now = () => Date.now()): StateOf {
  const cache = new Map<string, { at: number; state: Promise<IncidentState | undefined> }>();
  return (incidentId) => {
    const hit = cache.get(incidentId);
    if (hit && now() - hit.at < ttlMs) return hit.state;
    if (cache.size >= CACHE_LIMIT)
      for (const [id, entry] of cache) if (now() - entry.at >= ttlMs || cache.size >= CACHE_LIMIT) cache.delete(id);
    // An unreadable state (no worker a moment) is not kept: the next page asks again. A kept state can
    // only under-grant: the roles on an incident only grow (domain/need-to-know.ts).
    const state = load(incidentId).catch(() => undefined);
    const entry = { at: now(), state };
    cache.set(incidentId, entry);
    void state.then((found) => {
      if (found === undefined && cache.get(incidentId) === entry) cache.delete(incidentId);
    });
    return state;
  };
}

/** For each decoded payload, the decrypted one when `identity` may read it, else the payload as it came. */
export async function releasable(
  identity: Identity,
  originals: Payload[],
  decoded: OwnedPayload[],
  stateOf: StateOf,
): Promise<Payload[]> {
  const all = readsAll(identity);
  const allowed = new Map<string, Promise<boolean>>();
  const mayReadIncident = (incidentId: string) => {
    let answer = allowed.get(incidentId);
    if (!answer) {
      answer = all
        ? Promise.resolve(true)
        : stateOf(incidentId).then((state) => state !== undefined && mayRead(identity, state));
      allowed.set(incidentId, answer);
    }
    return answer;
  };
  return Promise.all(
    decoded.map(async (owned, i) => {
      if (!owned.encrypted) return owned.payload;
      if (owned.relabelled) return originals[i]!;
      const released = owned.incidentId === undefined ? all : await mayReadIncident(owned.incidentId);
      return released ? owned.payload : originals[i]!;
    }),
  );
}

/** How long the codec waits for an incident's state (a UI page waits on it). */
export const CODEC_STATE_WAIT_MS = 5_000;
