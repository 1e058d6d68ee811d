/**
 * The HTTP API of docs/contract.md on fastify. Requests are validated with the zod schemas of schemas.ts
 * (the ones GET /openapi.json is generated from); a decision's actor is the token's person, never a
 * field of the body. Bad input answers 4xx with a reason, never 500 and never a stack trace; nothing
 * of a body is ever logged.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Playbook } from '../domain/playbook.js';
import { REFUSAL, refusalStatus } from '../domain/refusal.js';
import { decisionGroundsIssues } from '../domain/authorized.js';
import { DecisionRefusedError, futureDiscoveryIssue, getIncidentState, submitReport } from '../client/incidents.js';
import { DECISION_WAIT_MS_DEFAULT, decisionStatus, submitDecision, type DecisionStatus } from '../client/decisions.js';
import fastifyCookie from '@fastify/cookie';
import { codecRoutes, type CodecServerOptions } from './codec-server.js';
import { cachedStates, CODEC_STATE_WAIT_MS } from './codec-access.js';
import { authenticator } from './access.js';
import { mayReportOn } from '../client/need-to-know.js';
import { caseRows, listRow } from '../pages/case-list.js';
import { needToKnow } from '../pages/need-to-know.js';
import { pageRoutes } from '../pages/index.js';
import type { Oidc } from '../security/oidc.js';
import { readSession, sessionSecret } from '../security/session.js';
import { identityFromClaims, identityOfPerson } from '../security/identity.js';
import { recordRoutes } from './record-routes.js';
import { vendorRoutes, type VendorCallback } from './vendor-routes.js';
import { healthRoutes } from './health.js';
import { notFoundOr405, refuseUndeclaredMethods, trackMethods } from './methods.js';
import { MAX_PATH_PARAMETER, openApiDocument } from './openapi.js';
import {
  decisionBodySchema,
  decisionParamsSchema,
  incidentParamsSchema,
  listQuerySchema,
  reportSchema,
} from './schemas.js';
import { useJsonBodyParser } from './json-body.js';
import { BadRequest, errorHandler, parse } from './errors.js';
import { telephoneFiler } from './telephone.js';

export const BODY_LIMIT = 1_048_576;

export interface ApiOptions {
  client: Client;
  taskQueue: string;
  /** The playbook new incidents start with; its people are the tokens' people. */
  playbook: Playbook;
  /** Bearer token → person id (BREACH_API_TOKENS). */
  tokens: Map<string, string>;
  /** HMAC secret of approval links. */
  linkSecret: string;
  /** The base of links in mail (BREACH_PUBLIC_URL), also the server URL of the OpenAPI document. */
  publicUrl: string;
  /** One line per request (method, route pattern, status, time); never bodies, ids or tokens. */
  log?: (line: string) => void;
  /** How long a decision waits for a worker to accept it before it is answered 202 pending (BREACH_DECISION_WAIT). */
  decisionWaitMs?: number;
  /** The Temporal UI's codec server (`/decode`, `/encode`; api/codec-server.ts): absent, not served. */
  codecServer?: CodecServerOptions;
  /** Sign-in with the identity provider (BREACH_OIDC_*): the pages' sessions and the API's JWTs. Absent: bearer tokens only. */
  oidc?: Oidc;
  /** Exercises' after-action reports and findings (BREACH_EXERCISE_DIR), for the case pages; absent: none. */
  exerciseDir?: string;
  /** The mail vendor's callback, POST /vendor/returns (token and signing secret; either absent: 503). */
  vendor?: VendorCallback;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's key (security/identity.ts): a playbook person's id, the actor of their decisions. */
    actorId?: string;
  }
}

/** A refused decision reads as the POST would have answered it: its status code, error and reasons. */
/** What became of a decision, and no more (469.2c(1)): the state is read at GET /incidents/{id}, under need to know. */
function decisionStatusBody(status: DecisionStatus) {
  if (status.status !== 'refused') return { decisionId: status.decisionId, status: status.status };
  const { decisionId, refusal } = status;
  return {
    decisionId,
    status: 'refused' as const,
    httpStatus: refusalStatus(refusal.type),
    error: refusal.reasons.join('; '),
    reasons: refusal.reasons,
  };
}

const NO_ROLE =
  'you hold no role in the playbook: a workforce member may report and read their own reports (5 FAM 468.3a), not decide';

const SUPPLEMENT_REFUSED =
  'this incident id is taken: a report adds to an incident only for its reporter or someone with a role on it; leave incidentId out to report a new incident';

export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const { client, playbook } = options;
  const sessionIdentity = (request: FastifyRequest) => {
    const session = readSession(request);
    return session ? identityFromClaims(playbook, session.claims) : undefined;
  };
  const { authenticate, personForToken } = authenticator(playbook, options.tokens, options.oidc, sessionIdentity);

  // A link's token is one path parameter of a few hundred characters (the router's default is 100).
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT, routerOptions: { maxParamLength: MAX_PATH_PARAMETER } });
  // JSON only: a text/plain body would reach the handlers as a string.
  app.removeContentTypeParser('text/plain');
  useJsonBodyParser(app, (issues) => new BadRequest(issues));

  if (options.log) {
    const log = options.log;
    app.addHook('onResponse', async (request, reply) => {
      log(
        `${request.method} ${request.routeOptions.url ?? '(no route)'} ${reply.statusCode} ${Math.round(reply.elapsedTime)}ms`,
      );
    });
  }

  // Signed cookies: the pages' sessions (security/session.ts), also read by the codec server.
  await app.register(fastifyCookie, { secret: sessionSecret(options.linkSecret) });

  // Before any route, so that every route is known to the 405 answer (api/methods.ts).
  const methods = trackMethods(app);
  app.setNotFoundHandler(notFoundOr405(methods));
  app.addHook('onRequest', refuseUndeclaredMethods(methods));

  app.setErrorHandler(errorHandler({ bodyLimit: BODY_LIMIT, log: options.log }));

  const document = openApiDocument(options.publicUrl, options.oidc ? { oidcIssuer: options.oidc.config.issuer } : {});
  app.get('/openapi.json', async () => document);

  await app.register(async (scope) =>
    healthRoutes(scope, {
      client,
      personOf: (request) =>
        personForToken(/^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1] ?? ''),
    }),
  );

  app.post('/incidents', { onRequest: authenticate }, async (request, reply) => {
    const report = parse(reportSchema, telephoneFiler(request.body, request.identity!));
    const now = new Date();
    const future = futureDiscoveryIssue(report, now);
    if (future) throw new BadRequest([future]);
    // 468.3a: anyone signed in may report; adding to an existing incident needs need to know of it.
    if (report.incidentId && !(await mayReportOn(client, request.identity!, report.incidentId)))
      return reply.code(403).send({ error: SUPPLEMENT_REFUSED });
    const accepted = await submitReport(
      { client, taskQueue: options.taskQueue, playbook },
      report,
      now,
      request.identity!.key,
    );
    return reply.code(202).send(accepted);
  });

  app.get('/incidents', { onRequest: authenticate }, async (request) => {
    const { limit, ...search } = parse(listQuerySchema, request.query);
    const rows = await caseRows(client, playbook, request.identity!, search, limit);
    return { incidents: rows.map(listRow) };
  });

  // Need to know (469.2c(1)) is each incident route's first hook, after authentication and before the
  // body is read (pages/need-to-know.ts): an outsider gets the 404 of no incident whatever they send,
  // never a 400 of their body, a 409's reasons or a 403; only a malformed id is answered 400 first.
  const incidentRead = needToKnow({ client, resolve: true });
  app.get('/incidents/:incidentId', { onRequest: [authenticate, incidentRead] }, async (request) => {
    parse(incidentParamsSchema, request.params);
    return request.incident!.state;
  });

  const waitMs = options.decisionWaitMs ?? DECISION_WAIT_MS_DEFAULT;
  const decisionRead = needToKnow({ client, decisionWaitMs: waitMs });
  app.post('/incidents/:incidentId/decisions', { onRequest: [authenticate, decisionRead] }, async (request, reply) => {
    const { incidentId } = parse(incidentParamsSchema, request.params);
    const body = parse(decisionBodySchema, request.body);
    const identity = request.identity!;
    if (identity.roles.length === 0)
      throw new DecisionRefusedError({ type: REFUSAL.forbidden, reasons: [NO_ROLE] }, NO_ROLE);
    // The grounds the policy asks of the decision (the custody exemption's facts, the recipient 464c
    // accounts for), each named, before the workflow is asked.
    const grounds = decisionGroundsIssues(body);
    if (grounds.length) throw new BadRequest(grounds);
    const submitted = await submitDecision(
      client,
      incidentId,
      { ...body, actorId: identity.key },
      { waitMs, idSecret: options.linkSecret },
    );
    if (submitted.status === 'applied') return submitted.state;
    // No worker accepted it in time: recorded in the incident's history, applied or refused when one runs.
    const { decisionId } = submitted;
    return reply
      .code(202)
      .header('location', `/incidents/${encodeURIComponent(incidentId)}/decisions/${encodeURIComponent(decisionId)}`)
      .send({ decisionId, status: 'pending' });
  });

  app.get(
    '/incidents/:incidentId/decisions/:decisionId',
    { onRequest: [authenticate, decisionRead] },
    async (request) => {
      // Need to know (469.2c(1)) first, in the hook; then decisions are taken by people with a role, theirs to follow.
      const { incidentId, decisionId } = parse(decisionParamsSchema, request.params);
      if (request.identity!.roles.length === 0)
        throw new DecisionRefusedError({ type: REFUSAL.forbidden, reasons: [NO_ROLE] }, NO_ROLE);
      return decisionStatusBody(
        await decisionStatus(client, incidentId, decisionId, { waitMs, idSecret: options.linkSecret }),
      );
    },
  );

  await app.register(async (scope) =>
    pageRoutes(scope, {
      client,
      taskQueue: options.taskQueue,
      playbook,
      linkSecret: options.linkSecret,
      publicUrl: options.publicUrl,
      oidc: options.oidc,
      decisionWaitMs: waitMs,
      exerciseDir: options.exerciseDir,
    }),
  );
  await app.register(async (scope) =>
    recordRoutes(scope, { client, playbook, authenticate, needToKnow: incidentRead, parse }),
  );
  await app.register(async (scope) =>
    vendorRoutes(scope, { client, vendor: options.vendor ?? { windowMs: 0 }, parse }),
  );
  const codecServer = options.codecServer;
  if (codecServer) {
    await app.register(async (scope) =>
      codecRoutes(scope, {
        ...codecServer,
        authenticate,
        personForToken,
        identityOfPerson: (personId) => identityOfPerson(playbook, personId),
        // Need to know per incident (api/codec-access.ts): its state, asked briefly and kept 30 s.
        stateOf: cachedStates((incidentId) => getIncidentState(client, incidentId, CODEC_STATE_WAIT_MS)),
        sessionSecret: options.linkSecret,
        sessionIdentity,
      }),
    );
  }

  return app;
}
