/**
 * Reads a roster of affected people (newline-delimited JSON, one person a line) from where it is kept
 * (`file://` or `http(s)://`), as a stream: a roster can be tens of millions long and is never held
 * whole, in memory or in workflow state.
 *
 * Notification reads it in line ranges [from, to), many batches in parallel and each retried from its
 * last heartbeat, so a batch must reach line `from` without reading every line before it. The first read
 * of a roster on a worker scans it once and keeps a sparse index (the byte offset of every 1,024th line:
 * about 80 KB for ten million people); later reads seek to the nearest indexed line (a file read from an
 * offset, an HTTP `Range` request) and skip at most 1,023 lines. The index is checked against the file's
 * size and modification time, or the server's ETag / Last-Modified / Content-Length, before each use.
 *
 * Lines are counted as the index counts them: split at `\n` (a trailing `\r` dropped), a line of nothing
 * but ASCII white space is not a person and has no index.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';

export const ROSTER_UNREADABLE = 'RosterUnreadable';
export const ROSTER_UNAVAILABLE = 'RosterUnavailable';

/** Every INDEX_STRIDE-th line's byte offset is kept. */
export const INDEX_STRIDE = 1_024;
const CHUNK = 1 << 20;
const MAX_CACHED = 16;
/** A server that gives no validator: the index is trusted this long. */
const UNVALIDATED_TTL_MS = 10 * 60_000;

export interface RosterIndex {
  /** Non-blank lines: the people on the roster. */
  lines: number;
  /** offsets[k]: the byte offset of line k × INDEX_STRIDE. */
  offsets: number[];
}

interface Source {
  /** Changes when the roster does; '' when the server gives nothing to tell. */
  validator: string;
  open(start: number, signal?: AbortSignal): Promise<AsyncIterable<Buffer>>;
}

const unreadable = (message: string) => ApplicationFailure.nonRetryable(message, ROSTER_UNREADABLE);
const unavailable = (message: string) => ApplicationFailure.retryable(message, ROSTER_UNAVAILABLE);

async function fileSource(url: string): Promise<Source> {
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch {
    throw unreadable('roster cannot be read: not a file URL');
  }
  const code = (err: unknown) => (err as NodeJS.ErrnoException).code ?? 'error';
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (err) {
    throw unreadable(`roster cannot be read: ${code(err)}`);
  }
  if (!info.isFile()) throw unreadable('roster cannot be read: not a file');
  return {
    validator: `${info.size}:${info.mtimeMs}`,
    async open(start) {
      const stream = createReadStream(path, { start, highWaterMark: CHUNK });
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', (err) => reject(unreadable(`roster cannot be read: ${code(err)}`)));
      });
      return stream as AsyncIterable<Buffer>;
    },
  };
}

function failed(status: number): ApplicationFailure {
  const message = `roster answered ${status}`;
  return status >= 500 || status === 429 || status === 408 ? unavailable(message) : unreadable(message);
}

async function httpFetch(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw unavailable(`roster cannot be fetched: ${(err as Error).message}`);
  }
}

async function httpSource(url: string, signal?: AbortSignal): Promise<Source> {
  let validator = '';
  const head = await httpFetch(url, { method: 'HEAD', signal });
  if (head.ok) {
    const h = head.headers;
    validator = [h.get('etag'), h.get('last-modified'), h.get('content-length')].filter(Boolean).join('|');
  } else if (head.status !== 405 && head.status !== 501) {
    throw failed(head.status);
  }
  return {
    validator,
    async open(start, openSignal) {
      const response = await httpFetch(url, {
        signal: openSignal,
        headers: start > 0 ? { range: `bytes=${start}-` } : {},
      });
      if (!response.ok || !response.body) throw failed(response.status);
      const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
      // 206: the server seeked for us; 200: it ignores ranges, so skip the bytes before `start` here.
      return response.status === 206 || start === 0
        ? (body as AsyncIterable<Buffer>)
        : skipBytes(body as AsyncIterable<Buffer>, start);
    },
  };
}

async function* skipBytes(chunks: AsyncIterable<Buffer>, count: number): AsyncGenerator<Buffer> {
  let left = count;
  for await (const chunk of chunks) {
    if (left >= chunk.length) {
      left -= chunk.length;
      continue;
    }
    yield left > 0 ? chunk.subarray(left) : chunk;
    left = 0;
  }
}

function sourceFor(url: string, signal?: AbortSignal): Promise<Source> {
  if (url.startsWith('file://')) return fileSource(url);
  if (/^https?:\/\//i.test(url)) return httpSource(url, signal);
  return Promise.reject(unreadable('roster cannot be read: expected a file:// or http(s):// URL'));
}

/** True when the bytes are nothing but ASCII white space (space, tab, CR, VT, FF). */
function blank(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const b = buf[i]!;
    if (b !== 0x20 && (b < 0x09 || b > 0x0d)) return false;
  }
  return true;
}

/**
 * Splits a byte stream into lines at `\n`, handing back the non-blank ones of each chunk with their byte
 * offset in the roster. Multi-byte UTF-8 never contains 0x0A, so splitting bytes before decoding is safe.
 */
class LineSplitter {
  private carry: Buffer | null = null;
  private carryOffset = 0;
  constructor(private position: number) {}

  private emit(out: [number, Buffer][], offset: number, buf: Buffer, from: number, to: number): void {
    let end = to;
    if (end > from && buf[end - 1] === 0x0d) end -= 1;
    if (!blank(buf, from, end)) out.push([offset, buf.subarray(from, end)]);
  }

  push(chunk: Buffer): [number, Buffer][] {
    const out: [number, Buffer][] = [];
    let start = 0;
    let nl = chunk.indexOf(0x0a);
    if (this.carry && nl >= 0) {
      const joined = Buffer.concat([this.carry, chunk.subarray(0, nl)]);
      this.carry = null;
      this.emit(out, this.carryOffset, joined, 0, joined.length);
      start = nl + 1;
      nl = chunk.indexOf(0x0a, start);
    }
    while (nl >= 0) {
      this.emit(out, this.position + start, chunk, start, nl);
      start = nl + 1;
      nl = chunk.indexOf(0x0a, start);
    }
    if (start < chunk.length) {
      if (this.carry) this.carry = Buffer.concat([this.carry, chunk.subarray(start)]);
      else {
        this.carry = Buffer.from(chunk.subarray(start));
        this.carryOffset = this.position + start;
      }
    }
    this.position += chunk.length;
    return out;
  }

  end(): [number, Buffer][] {
    const out: [number, Buffer][] = [];
    if (this.carry) this.emit(out, this.carryOffset, this.carry, 0, this.carry.length);
    this.carry = null;
    return out;
  }
}

async function* linesFrom(chunks: AsyncIterable<Buffer>, startOffset: number): AsyncGenerator<[number, Buffer][]> {
  const splitter = new LineSplitter(startOffset);
  for await (const chunk of chunks) {
    const lines = splitter.push(chunk);
    if (lines.length > 0) yield lines;
  }
  const last = splitter.end();
  if (last.length > 0) yield last;
}

async function buildIndex(source: Source, signal?: AbortSignal): Promise<RosterIndex> {
  const offsets: number[] = [];
  let lines = 0;
  for await (const batch of linesFrom(await source.open(0, signal), 0)) {
    for (const [offset] of batch) {
      if (lines % INDEX_STRIDE === 0) offsets.push(offset);
      lines += 1;
    }
  }
  return { lines, offsets };
}

const indexes = new Map<string, { validator: string; builtAt: number; index: Promise<RosterIndex> }>();

/** The roster's index, from this worker's cache when the roster has not changed, else built by one scan. */
export async function rosterIndex(url: string, signal?: AbortSignal): Promise<{ source: Source; index: RosterIndex }> {
  const source = await sourceFor(url, signal);
  const cached = indexes.get(url);
  const fresh =
    cached &&
    cached.validator === source.validator &&
    (source.validator !== '' || Date.now() - cached.builtAt < UNVALIDATED_TTL_MS);
  if (fresh) {
    try {
      return { source, index: await cached.index };
    } catch {
      // The scan that other batches waited for failed: scan again below.
    }
  }
  // Concurrent batches of one run wait for the same scan instead of each reading the whole roster.
  const index = buildIndex(source, signal);
  indexes.set(url, { validator: source.validator, builtAt: Date.now(), index });
  index.catch(() => {
    if (indexes.get(url)?.index === index) indexes.delete(url);
  });
  while (indexes.size > MAX_CACHED) indexes.delete(indexes.keys().next().value!);
  return { source, index: await index };
}

/** How many people (non-blank lines) the roster holds. */
export async function rosterLineCount(url: string, signal?: AbortSignal): Promise<number> {
  return (await rosterIndex(url, signal)).index.lines;
}

/**
 * Yields `[lineIndex, text]` for every non-blank line in [fromLine, toLine) (0-based; toLine absent: to
 * the end), a chunk of lines at a time, seeking by the index instead of reading the lines before
 * `fromLine`. By chunks because a batch handles millions of lines: one await per line would be a good
 * part of its work.
 */
export async function* rosterLineChunks(
  url: string,
  fromLine = 0,
  signal?: AbortSignal,
  toLine?: number,
): AsyncGenerator<[number, string][]> {
  const { source, index } = await rosterIndex(url, signal);
  const end = Math.min(toLine ?? index.lines, index.lines);
  if (fromLine >= end) return;
  const slot = Math.floor(fromLine / INDEX_STRIDE);
  let lineNo = slot * INDEX_STRIDE;
  const chunks = await source.open(index.offsets[slot]!, signal);
  try {
    for await (const batch of linesFrom(chunks, index.offsets[slot]!)) {
      const out: [number, string][] = [];
      for (const [, bytes] of batch) {
        if (lineNo >= fromLine) out.push([lineNo, bytes.toString('utf8')]);
        lineNo += 1;
        if (lineNo >= end) break;
      }
      if (out.length > 0) yield out;
      if (lineNo >= end) return;
    }
  } finally {
    (chunks as Partial<Readable>).destroy?.();
  }
}

/** Like rosterLineChunks, a line at a time. */
export async function* rosterLines(
  url: string,
  fromLine = 0,
  signal?: AbortSignal,
  toLine?: number,
): AsyncGenerator<[number, string]> {
  for await (const chunk of rosterLineChunks(url, fromLine, signal, toLine)) yield* chunk;
}
