/**
 * Liveness and readiness, as an orchestrator probes them (docs/deployment.md):
 * - `GET /healthz` (liveness): the process answers HTTP. No credentials and no details: a probe that
 *   restarts the container must not restart it because Temporal is down, and an anonymous caller learns
 *   nothing but that the API is up.
 * - `GET /readyz` (readiness): the API reaches Temporal (its system info answers within 3 s): 200, else
 *   503, so a load balancer sends requests only to instances that can take them. Anonymous callers get
 *   the status alone; a caller with a valid bearer token also gets what was checked and how long it took.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import { temporalAnswers } from '../client/incidents.js';

export interface HealthDeps {
  client: Client;
  /** The person of the request's credentials, if any are valid (never a 401 here). */
  personOf(request: FastifyRequest): string | undefined;
}

export async function healthRoutes(app: FastifyInstance, deps: HealthDeps): Promise<void> {
  app.get('/healthz', async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    const started = performance.now();
    const reachable = await temporalAnswers(deps.client);
    const status = reachable ? 'ok' : 'unavailable';
    reply.code(reachable ? 200 : 503).header('cache-control', 'no-store');
    if (!deps.personOf(request)) return reply.send({ status });
    return reply.send({
      status,
      checks: {
        temporal: {
          reachable,
          namespace: deps.client.options.namespace,
          latencyMs: Math.round(performance.now() - started),
        },
      },
    });
  });
}
