/**
 * The soak's officials' latency: with the soak's N incidents open and most of them out of the worker's
 * cache, what an official waits for, one request at a time (p50 / p99):
 *   - a decision's round trip, POST /incidents/{id}/decisions → 200 with the new state, on incidents in
 *     the worker's cache (those whose last workflow task was among the most recent) and out of it (the
 *     longest idle, a replay of their history first);
 *   - GET /cases for the IPS Director (every incident) and for a CRG member (those they hold a role on);
 *   - a case page, GET /cases/{id}, and GET /incidents/{id}/record.
 * The pages' session is a signed cookie as sign-in would set it (security/session.ts); the API is called
 * with the demo bearer tokens.
 */
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE, SESSION_MS } from '../../security/session.js';
import { percentile } from './setup.js';

type Line = (label: string, value: string, target?: { ok: boolean; text: string }) => void;

export interface OfficialsInput {
  app: FastifyInstance;
  apiUrl: string;
  /** The open incidents, by the time their last workflow task completed (oldest first). */
  byLastTask: string[];
  /** Incidents the worker keeps in its cache. */
  cacheSize: number;
  /** Samples per figure. */
  samples: number;
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

/** A pages' session for the person of `email`, as the sign-in callback writes it. */
function sessionCookie(app: FastifyInstance, email: string): string {
  const claims = { iss: 'bench', sub: email, email, email_verified: true, auth_time: Math.floor(Date.now() / 1_000) };
  const value = Buffer.from(JSON.stringify({ claims, expiresAt: Date.now() + SESSION_MS })).toString('base64url');
  return `${SESSION_COOKIE}=${encodeURIComponent(app.signCookie(value))}`;
}

/** Answers other than 200, by request (a decision no worker applied in time is a 202, pending). */
const otherAnswers: string[] = [];

async function timed(url: string, init: RequestInit): Promise<number> {
  const began = performance.now();
  const response = await fetch(url, init);
  await response.arrayBuffer();
  const ms = performance.now() - began;
  if (response.status !== 200)
    otherAnswers.push(`${init.method ?? 'GET'} ${new URL(url).pathname}: ${response.status}`);
  return ms;
}

async function series(ids: string[], call: (id: string) => Promise<number>): Promise<number[]> {
  const times: number[] = [];
  for (const id of ids) times.push(await call(id));
  return times;
}

export async function officialsLatency(input: OfficialsInput, line: Line): Promise<Record<string, unknown>> {
  const { app, apiUrl, byLastTask, cacheSize, samples } = input;
  const bearer = { authorization: 'Bearer demo-ips-director-token', 'content-type': 'application/json' };
  const director = { cookie: sessionCookie(app, 'ips.director@state.example') };
  const crgMember = { cookie: sessionCookie(app, 'crg.ds@state.example') };
  // In the cache: the most recently active, fewer than half the cache, asked first so that the replays of
  // the others cannot have evicted them. Out of it: the longest idle, well behind the cache's reach.
  const n = Math.min(samples, Math.floor(cacheSize / 2), Math.floor(byLastTask.length / 4));
  const cached = byLastTask.slice(-n);
  const idle = byLastTask.slice(0, n);
  const decide = (id: string) =>
    timed(`${apiUrl}/incidents/${encodeURIComponent(id)}/decisions`, {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({ kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' }),
    });
  const figures: Record<string, number[]> = {};
  figures['decision, in the cache'] = await series(cached, decide);
  figures['decision, out of the cache'] = await series(idle, decide);
  const pageIds = byLastTask.slice(n, 2 * n);
  figures['case page GET /cases/{id}'] = await series(pageIds, (id) =>
    timed(`${apiUrl}/cases/${encodeURIComponent(id)}`, { headers: director }),
  );
  figures['GET /incidents/{id}/record'] = await series(byLastTask.slice(2 * n, 3 * n), (id) =>
    timed(`${apiUrl}/incidents/${encodeURIComponent(id)}/record`, { headers: bearer }),
  );
  const rounds = Array.from({ length: Math.max(5, Math.min(20, Math.floor(n / 10))) }, (_, i) => String(i));
  figures['GET /cases, IPS Director'] = await series(rounds, () => timed(`${apiUrl}/cases`, { headers: director }));
  figures['GET /cases, CRG member'] = await series(rounds, () => timed(`${apiUrl}/cases`, { headers: crgMember }));
  const results: Record<string, unknown> = { samples: n };
  for (const [label, times] of Object.entries(figures)) {
    const p50 = percentile(times, 50);
    const p99 = percentile(times, 99);
    results[label] = { p50, p99, n: times.length };
    const target = label.startsWith('decision')
      ? { ok: p99 <= 500, text: '≤ 500 ms p99' }
      : label.includes('/record')
        ? undefined
        : { ok: p99 <= 300, text: '≤ 300 ms p99' };
    line(label, `p50 ${fmt(p50)} / p99 ${fmt(p99)} ms (${times.length} requests, one at a time)`, target);
  }
  results.otherAnswers = otherAnswers.length;
  line('answers other than 200', otherAnswers.length ? otherAnswers.slice(0, 5).join('; ') : 'none', {
    ok: otherAnswers.length === 0,
    text: 'none',
  });
  return results;
}
