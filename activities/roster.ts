/**
 * Reads a roster of affected people (newline-delimited JSON, one person a line) from where it is kept,
 * as a stream: a roster can be millions long and is never held whole, in memory or in workflow state.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';

export const ROSTER_UNREADABLE = 'RosterUnreadable';

/** Yields `[lineIndex, text]` for every non-empty line at or after `fromLine` (0-based). */
export async function* rosterLines(url: string, fromLine = 0, signal?: AbortSignal): AsyncGenerator<[number, string]> {
  let input: Readable;
  if (url.startsWith('file://')) {
    input = createReadStream(fileURLToPath(url), { encoding: 'utf8' });
    await new Promise<void>((resolve, reject) => {
      input.once('open', () => resolve());
      input.once('error', (err) => reject(ApplicationFailure.nonRetryable(`roster cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, ROSTER_UNREADABLE)));
    });
  } else {
    let response: Response;
    try {
      response = await fetch(url, { signal });
    } catch (err) {
      throw ApplicationFailure.retryable(`roster cannot be fetched: ${(err as Error).message}`, 'RosterUnavailable');
    }
    if (!response.ok || !response.body) {
      const retryable = response.status >= 500 || response.status === 429;
      const message = `roster answered ${response.status}`;
      throw retryable ? ApplicationFailure.retryable(message, 'RosterUnavailable') : ApplicationFailure.nonRetryable(message, ROSTER_UNREADABLE);
    }
    input = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    input.setEncoding('utf8');
  }
  const reader = createInterface({ input, crlfDelay: Infinity });
  let index = 0;
  try {
    for await (const line of reader) {
      if (line.trim().length === 0) continue;
      if (index >= fromLine) yield [index, line];
      index += 1;
    }
  } finally {
    reader.close();
    input.destroy();
  }
}
