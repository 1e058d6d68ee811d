/**
 * The HTTP API as the bench parts drive it (floor, soak, surge, sandbox): built over the bench's Temporal
 * client for one task queue and listening on a free port, with the shipped demo token of the IPS
 * Director (playbooks/demo-api-tokens.json); and a first report filed through it as a reporter files one,
 * without an id (the API names the incident and starts it with the report in its input).
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../api/server.js';
import { DEFAULT_API_TOKENS, loadApiTokens } from '../../config/index.js';
import type { Playbook } from '../../domain/playbook.js';
import { aFirstReport } from './setup.js';

export const BENCH_AUTH = { authorization: 'Bearer demo-ips-director-token', 'content-type': 'application/json' };

export async function benchApi(
  client: Client,
  taskQueue: string,
  playbook: Playbook,
): Promise<{ app: FastifyInstance; apiUrl: string }> {
  const app = await buildApi({
    client,
    taskQueue,
    playbook,
    tokens: await loadApiTokens(DEFAULT_API_TOKENS, playbook),
    linkSecret: randomBytes(32).toString('hex'),
    publicUrl: 'http://127.0.0.1',
  });
  return { app, apiUrl: await app.listen({ port: 0, host: '127.0.0.1' }) };
}

/** One first report through POST /incidents; its incident id (anything but a 202 throws). */
export async function fileFirstReport(apiUrl: string): Promise<string> {
  const response = await fetch(`${apiUrl}/incidents`, {
    method: 'POST',
    headers: BENCH_AUTH,
    body: JSON.stringify(aFirstReport()),
  });
  const body = (await response.json().catch(() => ({}))) as { incidentId?: string };
  if (response.status !== 202 || !body.incidentId) throw new Error(`POST /incidents answered ${response.status}`);
  return body.incidentId;
}
