/**
 * The HTTP API of docs/contract.md on fastify. Requests are validated with the zod schemas of schemas.ts
 * (the ones GET /openapi.json is generated from); a decision's actor is the token's person, never a
 * field of the body. Bad input answers 4xx with a reason, never 500 and never a stack trace; nothing
 * of a body is ever logged.
 */
import { createHash } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import { ZodError, type z } from 'zod';
import type { Playbook } from '../domain/playbook.js';
import { REFUSAL } from '../domain/refusal.js';
import { issuesOf } from '../domain/report.js';
import { decisionGroundsIssues } from '../domain/authorized.js';
import {
  DecisionRefusedError,
  IncidentClosedError,
  IncidentNotFoundError,
  TemporalUnavailableError,
  decide,
  futureDiscoveryIssue,
  getIncidentState,
  listIncidents,
  submitReport,
} from '../client/incidents.js';
import { codecRoutes, type CodecServerOptions } from './codec-server.js';
import { healthRoutes } from './health.js';
import { linkRoutes } from './link-pages.js';
import { notFoundOr405, trackMethods } from './methods.js';
import { openApiDocument } from './openapi.js';
import { decisionBodySchema, incidentParamsSchema, listQuerySchema, reportSchema } from './schemas.js';

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
  /** The Temporal UI's codec server (`/decode`, `/encode`; api/codec-server.ts): absent, not served. */
  codecServer?: CodecServerOptions;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The person behind the bearer token. */
    actorId?: string;
  }
}

/** Bad input: answered 400 `{ error, issues }`. */
class BadRequest extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super('the request is not valid');
  }
}

/**
 * Issue paths are the field's path within the body, query or path parameters (`reporter.email`); an
 * unexpected field is named by its own path, with a word on `actorId`, which only the token gives.
 */
function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') return issuesOf(new ZodError([issue]));
    return issue.keys.map((key) => ({
      path: [...issue.path, key].map(String).join('.'),
      message: key === 'actorId' && issue.path.length === 0 ? 'unexpected field: the actor is the person of the bearer token' : 'unexpected field',
    }));
  });
  throw new BadRequest(issues);
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const { client, playbook } = options;
  // Tokens are looked up by their digest: the map holds no token and the lookup takes no secret-dependent path.
  const people = new Map([...options.tokens].map(([token, personId]) => [digest(token), personId]));

  // A link's token is one path parameter of a few hundred characters (the router's default is 100).
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT, routerOptions: { maxParamLength: 2_200 } });
  // JSON only: a text/plain body would reach the handlers as a string.
  app.removeContentTypeParser('text/plain');

  if (options.log) {
    const log = options.log;
    app.addHook('onResponse', async (request, reply) => {
      log(`${request.method} ${request.routeOptions.url ?? '(no route)'} ${reply.statusCode} ${Math.round(reply.elapsedTime)}ms`);
    });
  }

  const BEARER = /^Bearer\s+(\S+)\s*$/i;
  const personOfHeader = (header: string | undefined) => {
    const match = BEARER.exec(header ?? '');
    return match ? people.get(digest(match[1]!)) : undefined;
  };

  async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    const match = BEARER.exec(request.headers.authorization ?? '');
    const personId = personOfHeader(request.headers.authorization);
    if (!personId) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: match ? 'unknown bearer token' : 'expected an Authorization: Bearer <token> header' });
    }
    request.actorId = personId;
  }

  // Before any route, so that every route is known to the 405 answer (api/methods.ts).
  const methods = trackMethods(app);
  app.setNotFoundHandler(notFoundOr405(methods));

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof BadRequest) return reply.code(400).send({ error: error.message, issues: error.issues });
    if (error instanceof IncidentNotFoundError) return reply.code(404).send({ error: error.message });
    if (error instanceof IncidentClosedError) return reply.code(409).send({ error: error.message, reasons: ['the incident is closed'] });
    if (error instanceof DecisionRefusedError) {
      const status = error.refusal.type === REFUSAL.forbidden ? 403 : error.refusal.type === REFUSAL.conflict ? 409 : 400;
      return reply.code(status).send({ error: error.message, reasons: error.refusal.reasons });
    }
    if (error instanceof TemporalUnavailableError) return reply.code(error.timedOut ? 504 : 503).send({ error: error.message });
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status === 413) return reply.code(413).send({ error: `the body is larger than ${BODY_LIMIT} bytes (1 MB)` });
    if (status === 415) return reply.code(415).send({ error: `unsupported content type ${JSON.stringify(request.headers['content-type'] ?? '')}: expected application/json` });
    if (status >= 400 && status < 500) {
      const code = 'code' in error ? error.code : undefined;
      const message = code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'the body is not valid JSON' : error.message;
      return reply.code(status).send(status === 400 ? { error: message, issues: [{ path: '(root)', message }] } : { error: message });
    }
    // Only the error's name goes to the log: its message may quote what the request carried.
    options.log?.(`error ${request.method} ${request.routeOptions.url ?? ''}: ${error.name}`);
    return reply.code(500).send({ error: 'internal error' });
  });

  const document = openApiDocument(options.publicUrl);
  app.get('/openapi.json', async () => document);

  await app.register(async (scope) => healthRoutes(scope, { client, personOf: (request) => personOfHeader(request.headers.authorization) }));

  app.post('/incidents', { onRequest: authenticate }, async (request, reply) => {
    const report = parse(reportSchema, request.body);
    const now = new Date();
    const future = futureDiscoveryIssue(report, now);
    if (future) throw new BadRequest([future]);
    const accepted = await submitReport({ client, taskQueue: options.taskQueue, playbook }, report, now);
    return reply.code(202).send(accepted);
  });

  app.get('/incidents', { onRequest: authenticate }, async (request) => {
    const query = parse(listQuerySchema, request.query);
    const found = await listIncidents(client, { phase: query.phase, awaitingRole: query.awaitingRole, majorIncident: query.majorIncident }, query.limit);
    return {
      incidents: found.map(({ incidentId, phase, risk, reportedLate, awaitingRole, majorIncident }) => ({ incidentId, phase, risk, reportedLate, awaitingRole, majorIncident })),
    };
  });

  app.get('/incidents/:incidentId', { onRequest: authenticate }, async (request) => {
    const { incidentId } = parse(incidentParamsSchema, request.params);
    return getIncidentState(client, incidentId);
  });

  app.post('/incidents/:incidentId/decisions', { onRequest: authenticate }, async (request) => {
    const { incidentId } = parse(incidentParamsSchema, request.params);
    const body = parse(decisionBodySchema, request.body);
    // The grounds the policy asks of the decision (the custody exemption's facts, the recipient 464c
    // accounts for), each named, before the workflow is asked.
    const grounds = decisionGroundsIssues(body);
    if (grounds.length) throw new BadRequest(grounds);
    return decide(client, incidentId, { ...body, actorId: request.actorId! });
  });

  await app.register(async (scope) => linkRoutes(scope, { client, playbook, linkSecret: options.linkSecret }));
  const codecServer = options.codecServer;
  if (codecServer) {
    const personForToken = (token: string) => people.get(digest(token));
    await app.register(async (scope) => codecRoutes(scope, { ...codecServer, authenticate, personForToken, sessionSecret: options.linkSecret }));
  }

  return app;
}
