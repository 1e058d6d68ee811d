/**
 * The codec server of the Temporal Web UI (Temporal's remote codec protocol): `POST /decode` and
 * `POST /encode` take and answer `{ payloads: [{ metadata: { <key>: <base64> }, data: <base64> }] }`,
 * through the same codec as the worker and the clients (security/data-converter.ts). The UI calls them
 * from the browser: CORS for the UI's origin only (BREACH_UI_ORIGINS), the preflight included, and every
 * call carries `Authorization: Bearer <token>` (BREACH_API_TOKENS or an IdP access token), the pages'
 * sign-in session, or the session cookie of `/codec/login`. `/decode` decrypts a payload only for a
 * person who may read the incident bound inside it (5 FAM 469.2c(1), api/codec-access.ts); every other
 * payload is answered as it came (ciphertext). Payloads are never logged.
 *
 * Why a cookie: the Temporal UI sends an Authorization header to a codec server only with an OIDC login
 * ("pass access token"), which the local dev UI has not. It can send cookies ("include cross-origin
 * credentials" in its codec settings); localhost:8233 and localhost:3000 are the same site, so a
 * SameSite=Strict cookie set by the API's own page reaches the codec calls and no other site's.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { ConfigError } from '../config/index.js';
import { issuesOf } from '../domain/issues.js';
import type { OwnedPayload } from '../security/codec.js';
import type { Identity } from '../security/identity.js';
import { releasable, type StateOf } from './codec-access.js';

export const CODEC_PATHS = { decode: '/decode', encode: '/encode' } as const;

/** The headers the UI sends (`x-namespace` names the namespace, unused here: one keyring for all). */
export const CODEC_ALLOWED_HEADERS = 'content-type, x-namespace, authorization';

/** A history page can hold many payloads: more room than the API's 1 MB. */
export const CODEC_BODY_LIMIT = 8 * 1_048_576;

/** `temporal server start-dev`'s UI on its default port. */
export const DEFAULT_UI_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'];

export interface CodecServerOptions {
  /** The payload codec that tells, payload by payload, the incident bound inside (security/codec.ts). */
  codec: PayloadCodec & { decodeOwned(payloads: Payload[]): Promise<OwnedPayload[]> };
  /** Browser origins allowed to call (the Temporal UI), e.g. `http://localhost:8233`. */
  origins: string[];
}

export const CODEC_SESSION_COOKIE = 'breach_codec_session';
export const CODEC_SESSION_MS = 8 * 3_600_000;

const sessionMac = (secret: string, body: string) =>
  createHmac('sha256', `codec-session:${secret}`).update(body).digest('base64url');

/** `<personId>.<expiresAt>.<hmac>`: who logged in and until when; no token is kept in the cookie. */
export function signCodecSession(secret: string, personId: string, expiresAt: number): string {
  const body = `${personId}.${expiresAt}`;
  return `${body}.${sessionMac(secret, body)}`;
}

export function verifyCodecSession(secret: string, value: string, now = Date.now()): string | undefined {
  const match = /^([a-z0-9][a-z0-9._-]{0,63})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return undefined;
  const expected = Buffer.from(sessionMac(secret, `${match[1]}.${match[2]}`));
  const given = Buffer.from(match[3]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  return Number(match[2]) > now ? match[1] : undefined;
}

/** The value of one cookie of a Cookie header (RFC 6265 pairs; ours is plain ASCII). */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

const loginPage = (message?: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Codec server sign-in</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}label{display:block;font-weight:600}input{width:100%;padding:.4rem;font:inherit}button{margin-top:1rem;padding:.5rem 1.2rem;font:inherit}</style></head>
<body><main><h1>Decrypt payloads in the Temporal UI</h1>
${message ? `<p role="status"><strong>${message}</strong></p>` : ''}
<p>Sign in with your API bearer token. The browser then keeps a session cookie for this codec server for 8 hours.
In the Temporal UI, open the codec server settings and turn on <em>Include cross-origin credentials</em>.</p>
<form method="post" action="/codec/login"><label for="token">API token</label>
<input id="token" name="token" type="password" autocomplete="off" required>
<button type="submit">Sign in</button></form></main></body></html>`;

// Protobuf JSON writes bytes in base64 (standard or URL-safe alphabet).
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'expected base64');
const payloadJson = z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() });
// Protobuf JSON omits an empty list: `{}` is no payloads (the Temporal CLI sends it).
const bodySchema = z.strictObject({ payloads: z.array(payloadJson).default([]) });
type PayloadJson = z.infer<typeof payloadJson>;

// Node's base64 decoder reads both alphabets.
const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
const toBase64 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('base64');

export function payloadFromJson(json: PayloadJson): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(json.metadata ?? {}).map(([key, value]) => [key, fromBase64(value)])),
    data: fromBase64(json.data ?? ''),
  };
}

export function payloadToJson(payload: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, toBase64(value)])),
    data: toBase64(payload.data),
  };
}

/** `http://host:port` as the browser sends it in `Origin`. */
function normalizeOrigin(value: string): string {
  const url = new URL(value);
  return url.origin;
}

/** BREACH_UI_ORIGINS: comma-separated origins of the Temporal UI; default the dev server's UI. */
export function codecOriginsFromEnv(env: Record<string, string | undefined>): string[] {
  const raw = env.BREACH_UI_ORIGINS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_UI_ORIGINS;
  const origins = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const isOrigin = (text: string) => {
    try {
      const url = new URL(text);
      return (
        (url.protocol === 'http:' || url.protocol === 'https:') && url.pathname === '/' && !url.search && !url.hash
      );
    } catch {
      return false;
    }
  };
  for (const origin of origins) {
    if (!isOrigin(origin))
      throw new ConfigError(
        `BREACH_UI_ORIGINS: "${origin}" is not an origin: expected http(s)://host[:port], comma-separated`,
      );
  }
  return origins.map(normalizeOrigin);
}

/**
 * The codec routes, in their own fastify scope: the CORS hook applies to them only. `authenticate` is
 * the API's bearer-token check (401 without a known token).
 */
export async function codecRoutes(
  app: FastifyInstance,
  options: CodecServerOptions & {
    authenticate: onRequestHookHandler;
    personForToken: (token: string) => string | undefined;
    /** The identity of a person of the playbook (a /codec/login session names one). */
    identityOfPerson: (personId: string) => Identity;
    /** An incident's state for need to know (api/codec-access.ts: cachedStates). */
    stateOf: StateOf;
    sessionSecret: string;
    /** The person signed in to the pages (their session cookie), if any. */
    sessionIdentity?: (request: FastifyRequest) => Identity | undefined;
  },
): Promise<void> {
  const allowed = new Set(options.origins.map(normalizeOrigin));

  // Before authentication, so that a 401 is readable by the UI too.
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin && allowed.has(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
    }
    reply.header('vary', 'Origin');
  });

  const preflight = async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (!origin || !allowed.has(origin))
      return reply.code(403).send({ error: 'this origin may not call the codec server: add it to BREACH_UI_ORIGINS' });
    return reply
      .code(204)
      .header('access-control-allow-methods', 'POST, OPTIONS')
      .header('access-control-allow-headers', CODEC_ALLOWED_HEADERS)
      .header('access-control-max-age', '600')
      .send();
  };

  // A bearer token, else the pages' sign-in session, else the session cookie of /codec/login.
  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.headers.authorization) return options.authenticate.call(app, request, reply, () => undefined);
    const signedIn = options.sessionIdentity?.(request);
    if (signedIn) {
      // An operator decrypts; a workforce member with no role (a reporter) sees ciphertext.
      if (signedIn.roles.length === 0)
        return reply.code(403).send({ error: 'you hold no role in the playbook: payloads stay encrypted for you' });
      request.identity = signedIn;
      request.actorId = signedIn.key;
      return undefined;
    }
    const session = cookieValue(request.headers.cookie, CODEC_SESSION_COOKIE);
    const personId = session ? verifyCodecSession(options.sessionSecret, session) : undefined;
    if (!personId)
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'expected an Authorization: Bearer <token> header or a session from /codec/login' });
    request.identity = options.identityOfPerson(personId);
    request.actorId = personId;
  };

  await app.register(formbody, { bodyLimit: 4_096 });
  app.get('/codec/login', async (_request, reply) => reply.type('text/html; charset=utf-8').send(loginPage()));
  app.post('/codec/login', async (request, reply) => {
    const token = (request.body as { token?: unknown } | undefined)?.token;
    const personId = typeof token === 'string' ? options.personForToken(token.trim()) : undefined;
    if (!personId)
      return reply.code(401).type('text/html; charset=utf-8').send(loginPage('That token is not known. Try again.'));
    const cookie = signCodecSession(options.sessionSecret, personId, Date.now() + CODEC_SESSION_MS);
    return reply
      .header(
        'set-cookie',
        `${CODEC_SESSION_COOKIE}=${cookie}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${CODEC_SESSION_MS / 1000}`,
      )
      .type('text/html; charset=utf-8')
      .send(loginPage(`Signed in as ${personId}. The Temporal UI can now decrypt payloads in this browser.`));
  });

  for (const [operation, path] of Object.entries(CODEC_PATHS) as [keyof typeof CODEC_PATHS, string][]) {
    // The browser's preflight carries no Authorization header: it is answered without one.
    app.options(path, preflight);
    app.post(path, { onRequest: authenticate, bodyLimit: CODEC_BODY_LIMIT }, async (request, reply) => {
      const parsed = bodySchema.safeParse(request.body);
      if (!parsed.success) {
        const issues = issuesOf(parsed.error);
        return reply
          .code(400)
          .send({ error: 'expected { payloads: [{ metadata, data }] } with base64 values', issues });
      }
      const payloads = parsed.data.payloads.map(payloadFromJson);
      let result: Payload[];
      try {
        if (operation === 'encode') result = await options.codec.encode(payloads);
        else
          result = await releasable(
            request.identity!,
            payloads,
            await options.codec.decodeOwned(payloads),
            options.stateOf,
          );
      } catch (err) {
        // The codec's messages name a key id and what went wrong, never the payload.
        return reply.code(422).send({ error: err instanceof Error ? err.message : 'the payloads cannot be processed' });
      }
      return reply.send({ payloads: result.map(payloadToJson) });
    });
  }
}
