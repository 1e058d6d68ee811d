/**
 * The local stand-in for the playbook's external endpoints (US-CERT, Privacy Division, OIG, mail vendor,
 * web posting, records archive): records every HTTP call and answers 200 `{ ok, id, receivedAt }`, or
 * what a test programs for a path (503 for the first N calls, 400, a delay...).
 *   GET /             a page listing the calls, newest first
 *   GET /_calls.json  the same as JSON
 *   DELETE /_calls    forget them
 *   POST /_outage     `{ path, forMs, status? }`: calls to that path answer `status` (503) for forMs, the
 *                     outage an exercise's inject plays (exercises/activities.ts); not recorded as a call
 * Every other method and path is an endpoint call. Authorization values are kept in memory for the tests
 * but shown on the page and in the JSON only as present/absent.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { arrivals } from './arrivals.js';

export interface RecordedCall {
  seq: number;
  at: string;
  method: string;
  /** Without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-case names; `authorization` redacted (see `authorization`). */
  headers: Record<string, string>;
  idempotencyKey: string | undefined;
  hasAuthorization: boolean;
  /** The raw Authorization header (in memory only). */
  authorization: string | undefined;
  /** Parsed JSON when the body is JSON, else the text (undefined when empty). */
  body: unknown;
  bodyText: string;
  /** The status it was answered with. */
  status: number;
}

export interface ProgrammedResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

/**
 * Decides the answer to a call on a matching path; `nth` counts the calls this responder has seen
 * (1 for the first). Returning undefined passes the call on to the next responder or the default.
 */
export type Responder = (call: RecordedCall, nth: number) => ProgrammedResponse | undefined;

export interface EndpointReceiverOptions {
  host?: string;
  /** 0: any free port. */
  port?: number;
  /** Called for every recorded call (npm start prints one line each). */
  onCall?: (call: RecordedCall) => void;
}

export interface EndpointReceiver {
  port: number;
  url: string;
  /** Oldest first; a string keeps the calls on that path or below it. */
  calls(filter?: string | ((call: RecordedCall) => boolean)): RecordedCall[];
  /** Answers calls to `pathPrefix` (and below) with `responder`; the last one added is asked first. Returns a remover. */
  on(pathPrefix: string, responder: Responder): () => void;
  /** The first `count` calls to the path get `status` (503 by default), then the default answer. */
  failFirst(pathPrefix: string, count: number, status?: number): () => void;
  /** Calls to the path get `status` (503 by default) while `failing()` says so. */
  failWhile(pathPrefix: string, failing: () => boolean, status?: number): () => void;
  /** Every call to the path gets this answer. */
  respondWith(pathPrefix: string, response: ProgrammedResponse): () => void;
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Forget the calls and the programmed responses. */
  reset(): void;
  close(): Promise<void>;
}

const under = (path: string, prefix: string) => {
  const p = prefix.replace(/\/$/, '');
  return path === p || path.startsWith(`${p}/`) || p === '';
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const publicView = ({ authorization: _authorization, ...call }: RecordedCall) => call;

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function page(calls: RecordedCall[]): string {
  const rows = calls
    .slice(-500)
    .reverse()
    .map(
      (c) =>
        `<tr><td>${c.seq}</td><td>${escapeHtml(c.at)}</td><td>${escapeHtml(c.method)} ${escapeHtml(c.path)}</td><td>${c.status}</td>` +
        `<td>${c.idempotencyKey ? escapeHtml(c.idempotencyKey) : '<em>none</em>'}</td><td>${c.hasAuthorization ? 'yes' : 'no'}</td>` +
        `<td><pre>${escapeHtml(c.bodyText.slice(0, 2_000))}</pre></td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Endpoint receiver</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}pre{margin:0;white-space:pre-wrap;max-width:60ch}</style>
</head><body><h1>Endpoint receiver</h1><p>${calls.length} call(s) to the stand-in external endpoints; newest first. <a href="/_calls.json">JSON</a></p>
<table><thead><tr><th>#</th><th>at</th><th>call</th><th>answered</th><th>Idempotency-Key</th><th>Authorization</th><th>body</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>`;
}

export async function startEndpointReceiver(options: EndpointReceiverOptions = {}): Promise<EndpointReceiver> {
  const host = options.host ?? '127.0.0.1';
  const recorded: RecordedCall[] = [];
  let responders: { prefix: string; responder: Responder; seen: number }[] = [];
  const waits = arrivals(() => recorded);
  let seq = 0;

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(recorded));
      return;
    }
    if (method === 'GET' && url.pathname === '/_calls.json') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(recorded.map(publicView).reverse()));
      return;
    }
    if (method === 'DELETE' && url.pathname === '/_calls') {
      recorded.length = 0;
      res.writeHead(204).end();
      return;
    }
    if (method === 'POST' && url.pathname === '/_outage') {
      void readBody(req, 4_096)
        .then((text) => {
          const { path, forMs, status } = JSON.parse(text) as { path?: unknown; forMs?: unknown; status?: unknown };
          const answer = typeof status === 'number' && status >= 400 && status <= 599 ? status : 503;
          if (typeof path !== 'string' || !path.startsWith('/') || typeof forMs !== 'number' || !(forMs > 0))
            throw new Error('expected { path: "/...", forMs: > 0, status?: 400-599 }');
          const until = Date.now() + forMs;
          on(path, () =>
            Date.now() < until ? { status: answer, body: { error: 'outage (exercise inject)' } } : undefined,
          );
          res.writeHead(204).end();
        })
        .catch((err: Error) => res.writeHead(400, { 'content-type': 'text/plain' }).end(err.message));
      return;
    }
    readBody(req, 10 * 1024 * 1024)
      .then(async (bodyText) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        const authorization = headers.authorization;
        if (authorization) headers.authorization = `${authorization.split(' ')[0] ?? ''} (redacted)`;
        let body: unknown = bodyText === '' ? undefined : bodyText;
        if (bodyText !== '' && /json/i.test(headers['content-type'] ?? '')) {
          try {
            body = JSON.parse(bodyText) as unknown;
          } catch {
            // Kept as text: the caller sent bad JSON, which is what a test may want to see.
          }
        }
        seq += 1;
        const call: RecordedCall = {
          seq,
          at: new Date().toISOString(),
          method,
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers,
          idempotencyKey: headers['idempotency-key'],
          hasAuthorization: authorization !== undefined,
          authorization,
          body,
          bodyText,
          status: 200,
        };
        let answer: ProgrammedResponse | undefined;
        for (const entry of responders) {
          if (!under(call.path, entry.prefix)) continue;
          entry.seen += 1;
          answer = entry.responder(call, entry.seen);
          if (answer) break;
        }
        answer ??= { status: 200, body: { ok: true, id: `rcv-${seq}`, receivedAt: call.at } };
        call.status = answer.status;
        recorded.push(call);
        options.onCall?.(call);
        waits.arrived(call);
        if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
        const payload =
          answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        const contentType = typeof answer.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
        if (!res.destroyed)
          res.writeHead(answer.status, { 'content-type': contentType, ...answer.headers }).end(payload);
      })
      .catch((err: Error) => {
        if (!res.headersSent) res.writeHead(413, { 'content-type': 'text/plain' });
        res.end(err.message);
      });
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4010, host, () => resolvePromise());
  });
  const port = (server.address() as AddressInfo).port;

  const on = (pathPrefix: string, responder: Responder) => {
    const entry = { prefix: pathPrefix, responder, seen: 0 };
    responders = [entry, ...responders];
    return () => {
      responders = responders.filter((e) => e !== entry);
    };
  };

  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    calls(filter) {
      if (filter === undefined) return [...recorded];
      return recorded.filter(typeof filter === 'string' ? (c) => under(c.path, filter) : filter);
    },
    on,
    failFirst: (pathPrefix, count, status = 503) =>
      on(pathPrefix, (_call, nth) =>
        nth <= count ? { status, body: { error: `programmed failure ${nth} of ${count}` } } : undefined,
      ),
    failWhile: (pathPrefix, failing, status = 503) =>
      on(pathPrefix, () => (failing() ? { status, body: { error: 'programmed failure' } } : undefined)),
    respondWith: (pathPrefix, response) => on(pathPrefix, () => response),
    waitFor(predicate, timeoutMs = 10_000) {
      return waits.waitFor(
        predicate,
        timeoutMs,
        () =>
          `no matching endpoint call within ${timeoutMs} ms (${recorded.length} recorded: ${recorded.map((c) => `${c.method} ${c.path} ${c.status}`).join(', ') || 'none'})`,
      );
    },
    reset() {
      recorded.length = 0;
      responders = [];
    },
    close: () =>
      new Promise<void>((resolvePromise) => {
        server.closeAllConnections();
        server.close(() => resolvePromise());
      }),
  };
}
