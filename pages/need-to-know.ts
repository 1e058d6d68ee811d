/**
 * Need to know as the first step of a route (5 FAM 469.2c(1); docs/contract.md "HTTP API"): an onRequest
 * hook, shared by the API's routes (api/) and the pages (pages/), that asks client/need-to-know.ts
 * `readNamedIncident` whether the caller may see the incident the route names, before the body is read
 * (its content type, size and JSON), the CSRF token checked or anything of the decision, form or phase
 * looked at: so whoever may not read the incident gets the 404 of an incident that does not exist,
 * whatever they sent. The route then takes the incident as read from `request.incident`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import { readNamedIncident, type NamedIncident } from '../client/need-to-know.js';
import { incidentIdSchema } from '../domain/ids.js';
import type { Identity } from '../security/identity.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The incident the route names, as the caller may see it (set by `needToKnow`). */
    incident?: NamedIncident;
  }
}

export interface NeedToKnowOptions {
  client: Client;
  /**
   * Who asks about which incident: by default the signed-in person (`request.identity`) and the path's
   * `incidentId`. Undefined leaves the request to the route (no one signed in, a malformed id, a link
   * that is not valid: answers that say nothing of any incident).
   */
  asked?: (request: FastifyRequest) => { identity: Identity; named: string } | undefined;
  /** A case number is taken in place of the id (pages/case-list.ts). */
  resolve?: boolean;
  /** A decision's route: how long the state is waited for (client/need-to-know.ts `readForDecision`). */
  decisionWaitMs?: number;
  /** The route's answer to an error of the reading: the 404 among them (the API's error handler when absent). */
  failure?: (request: FastifyRequest, reply: FastifyReply, err: unknown) => FastifyReply;
}

/** The path's incident id as the signed-in person asks for it; undefined when either is missing or malformed. */
export function askedByPath(request: FastifyRequest): { identity: Identity; named: string } | undefined {
  const named = incidentIdSchema.safeParse((request.params as { incidentId?: unknown } | undefined)?.incidentId);
  return request.identity && named.success ? { identity: request.identity, named: named.data } : undefined;
}

/** The onRequest hook (after authentication): 404 before anything else for who may not read the incident. */
export function needToKnow(options: NeedToKnowOptions) {
  const asked = options.asked ?? askedByPath;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const who = asked(request);
    if (!who) return undefined;
    try {
      request.incident = await readNamedIncident(options.client, who.identity, who.named, options);
      return undefined;
    } catch (err) {
      if (!options.failure) throw err;
      return options.failure(request, reply, err);
    }
  };
}
