/**
 * Who is calling and what they may see, shared by the API routes (server.ts) and the pages (pages/):
 *   - a bearer token of BREACH_API_TOKENS (scripts, the demo), or an access token of the identity
 *     provider (a JWT: signature, issuer, audience, expiry; security/oidc.ts);
 *   - need to know (5 FAM 469.2c(1), domain/need-to-know.ts): an incident someone may not see answers
 *     as one that does not exist, so its existence is not disclosed either.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import { mayRead, readingOf, readsAll, reporterView } from '../domain/need-to-know.js';
import type { Playbook } from '../domain/playbook.js';
import type { IncidentState } from '../domain/state.js';
import { getIncidentState, IncidentNotFoundError, type IncidentListItem } from '../client/incidents.js';
import { identityFromClaims, identityOfPerson, type Identity } from '../security/identity.js';
import { AccessTokenError, SignInUnavailableError, type Oidc } from '../security/oidc.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling (set by the API's authentication or the pages' session). */
    identity?: Identity;
  }
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export interface Authenticator {
  /** fastify onRequest hook: 401 without a known token; sets request.identity and request.actorId. */
  authenticate(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined>;
  /** The person of a bearer token of the file, or undefined. */
  personForToken(token: string): string | undefined;
}

/**
 * `sessionIdentity`: the pages' signed-in person, taken by GET requests without an Authorization header
 * (a page links to the case record); a cookie never carries a change: POSTs need a token.
 */
export function authenticator(
  playbook: Playbook,
  tokens: Map<string, string>,
  oidc: Oidc | undefined,
  sessionIdentity?: (request: FastifyRequest) => Identity | undefined,
): Authenticator {
  // Tokens are looked up by their digest: the map holds no token and the lookup takes no secret-dependent path.
  const people = new Map([...tokens].map(([token, personId]) => [digest(token), personId]));
  const personForToken = (token: string) => people.get(digest(token));
  const refuse = (reply: FastifyReply, error: string) =>
    reply.code(401).header('www-authenticate', 'Bearer').send({ error });

  return {
    personForToken,
    async authenticate(request, reply) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      const signedIn =
        !request.headers.authorization && request.method === 'GET' ? sessionIdentity?.(request) : undefined;
      if (signedIn) {
        request.identity = signedIn;
        request.actorId = signedIn.key;
        return undefined;
      }
      if (!match) return refuse(reply, 'expected an Authorization: Bearer <token> header');
      const token = match[1]!;
      const personId = personForToken(token);
      let identity: Identity | undefined = personId ? identityOfPerson(playbook, personId) : undefined;
      if (!identity && oidc && token.split('.').length === 3) {
        try {
          identity = identityFromClaims(playbook, await oidc.verifyAccessToken(token));
        } catch (err) {
          if (err instanceof AccessTokenError) return refuse(reply, err.message);
          if (err instanceof SignInUnavailableError)
            return reply
              .code(503)
              .send({ error: 'the identity provider did not answer: the access token cannot be checked now' });
          throw err;
        }
      }
      if (!identity) return refuse(reply, 'unknown bearer token');
      request.identity = identity;
      request.actorId = identity.key;
      return undefined;
    },
  };
}

/**
 * The incident as `identity` may see it (need to know, 469.2c(1)): the whole state with a role on it, a
 * reporter's view as its reporter only (domain/need-to-know.ts `reporterView`); IncidentNotFoundError
 * (404) otherwise, before any other check of the route, so that nothing tells an outsider it exists.
 */
export async function readIncident(
  client: Client,
  identity: Identity,
  incidentId: string,
): Promise<{ state: IncidentState; reading: 'full' | 'reporter' }> {
  const state = await getIncidentState(client, incidentId);
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
 * list is checked incident by incident against its state, a few at a time.
 */
export async function visibleIncidents<T extends IncidentListItem>(
  client: Client,
  identity: Identity,
  items: T[],
): Promise<T[]> {
  if (readsAll(identity)) return items;
  const visible: boolean[] = new Array(items.length).fill(false);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
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
