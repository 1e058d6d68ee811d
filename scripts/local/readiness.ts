/**
 * Waiting for the parts of `npm start` to answer, each by name, so that a start that does not become
 * ready says which part did not answer and what it last printed, instead of a bare "not ready".
 */
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
