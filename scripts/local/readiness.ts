/**
 * Waiting for the parts of `npm start` to answer, each by name, so that a start that does not become
 * ready says which part did not answer and what it last printed, instead of a bare "not ready".
 */
import { readFileSync } from 'node:fs';
import type { Child } from './children.js';
import { canConnect } from './ports.js';

/** Resolves when the server `child` accepts connections on host:port; rejects if it exits first. */
export async function serverAnswers(child: Child, host: string, port: number): Promise<void> {
  while (child.running()) {
    if (await canConnect(host, port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('it exited');
}

/** The last `n` lines of a log file, none if it cannot be read. */
export function tailOf(file: string, n = 8): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-n);
  } catch {
    return [];
  }
}

/**
 * Resolves when the API says it is ready, while `child` runs; `last` keeps the last answer for a message.
 * Readiness is GET /readyz (200 once Temporal answers); an API without that route answers 404 there, and
 * its /healthz says the same thing.
 */
export async function apiAnswers(
  child: Child,
  apiUrl: string,
  token: string | undefined,
  last: { answer: string },
): Promise<void> {
  let path = '/readyz';
  while (child.running()) {
    try {
      const response = await fetch(`${apiUrl}${path}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(2_000),
      });
      if (response.status === 404 && path === '/readyz') {
        path = '/healthz';
        continue;
      }
      last.answer = `${path} ${response.status} ${(await response.text()).slice(0, 200)}`;
      if (response.ok) return;
    } catch (err) {
      last.answer = `no answer (${err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err)})`;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('it exited');
}

export class StartError extends Error {
  override name = 'StartError';
}

export interface Awaiting {
  /** "the API (GET /healthz 200)": what should answer. */
  what: string;
  until: Promise<unknown>;
  /** Why it may not have answered: its last log lines, the last answer seen. */
  detail?: () => string;
}

export async function allReady(items: Awaiting[], timeoutMs: number, abort: Promise<never>): Promise<void> {
  const done = new Set<Awaiting>();
  const all = Promise.all(items.map((item) => item.until.then(() => done.add(item))));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const silent = items.filter((item) => !done.has(item));
      const lines = silent.map((item) => `  - ${item.what}${item.detail ? `\n${item.detail()}` : ''}`);
      reject(new StartError(`not ready within ${timeoutMs / 1000} s; no answer from:\n${lines.join('\n')}`));
    }, timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([all, timeout, abort]);
  } finally {
    clearTimeout(timer);
  }
}
