/**
 * How the API answers what went wrong (docs/contract.md): bad input 400 `{ error, issues }` naming each
 * field, the client layer's errors as 404, 409, 403 and 503/504, fastify's own 4xx in the same words, and
 * anything else 500 with nothing of the request in it.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError, type z } from 'zod';
import { issuesOf } from '../domain/issues.js';
import { refusalStatus } from '../domain/refusal.js';
import { DecisionNotFoundError } from '../client/decisions.js';
import {
  DecisionRefusedError,
  IncidentClosedError,
  IncidentNotFoundError,
  TemporalUnavailableError,
} from '../client/incidents.js';

/** Bad input: answered 400 `{ error, issues }`. */
export class BadRequest extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super('the request is not valid');
  }
}

/**
 * Issue paths are the field's path within the body, query or path parameters (`reporter.email`); an
 * unexpected field is named by its own path, with a word on `actorId`, which only the token gives.
 */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') return issuesOf(new ZodError([issue]));
    return issue.keys.map((key) => ({
      path: [...issue.path, key].map(String).join('.'),
      message:
        key === 'actorId' && issue.path.length === 0
          ? 'unexpected field: the actor is the person of the bearer token'
          : 'unexpected field',
    }));
  });
  throw new BadRequest(issues);
}

/** The fastify error handler of the API: `bodyLimit` for the 413's words, `log` for a 500's error name. */
export function errorHandler({ bodyLimit, log }: { bodyLimit: number; log?: (line: string) => void }) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof BadRequest) return reply.code(400).send({ error: error.message, issues: error.issues });
    if (error instanceof IncidentNotFoundError || error instanceof DecisionNotFoundError)
      return reply.code(404).send({ error: error.message });
    if (error instanceof IncidentClosedError)
      return reply.code(409).send({ error: error.message, reasons: ['the incident is closed'] });
    if (error instanceof DecisionRefusedError)
      return reply
        .code(refusalStatus(error.refusal.type))
        .send({ error: error.message, reasons: error.refusal.reasons });
    if (error instanceof TemporalUnavailableError)
      return reply.code(error.timedOut ? 504 : 503).send({ error: error.message });
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status === 413) return reply.code(413).send({ error: `the body is larger than ${bodyLimit} bytes (1 MB)` });
    if (status === 415)
      return reply.code(415).send({
        error: `unsupported content type ${JSON.stringify(request.headers['content-type'] ?? '')}: expected application/json`,
      });
    if (status >= 400 && status < 500) {
      const code = 'code' in error ? error.code : undefined;
      const message = code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'the body is not valid JSON' : error.message;
      return reply
        .code(status)
        .send(status === 400 ? { error: message, issues: [{ path: '(root)', message }] } : { error: message });
    }
    // Only the error's name goes to the log: its message may quote what the request carried.
    log?.(`error ${request.method} ${request.routeOptions.url ?? ''}: ${error.name}`);
    return reply.code(500).send({ error: 'internal error' });
  };
}
