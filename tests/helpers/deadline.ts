/**
 * A deadline on something that must happen, for a loaded 2-CPU machine: the tests assert what happens,
 * never how long it took (figures belong in `npm run bench`).
 */
export async function withDeadline<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** A worker process's start (scripts/local/worker-process.ts) on a loaded machine: seconds when quiet, minutes there. */
export const WORKER_START = { readyTimeoutMs: 240_000 };
