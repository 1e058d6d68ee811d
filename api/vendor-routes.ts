/**
 * `POST /vendor/returns` (docs/case-record.md "Returned notices", 5 FAM 468.6-2a/b): the mail vendor
 * reports letters that did not reach their person, and the mail provider emails that bounced after
 * delivery (`means: "email"`), by roster line or by the notice's reference (security/notice-ref.ts).
 *
 * Authenticated twice, as vendors' webhooks are: the vendor's bearer token (BREACH_VENDOR_TOKEN), and an
 * HMAC-SHA256 signature over the timestamp and the raw body with a shared secret
 * (BREACH_VENDOR_SIGNING_SECRET): `X-Breach-Signature: t=<unix seconds>,v1=<hex>` over `<t>.<body>`.
 * A timestamp outside the replay window (BREACH_VENDOR_SIGNATURE_WINDOW, default 5 minutes) or a
 * signature already used within it is refused. Both are checked before the body is parsed, so an
 * unauthenticated caller learns nothing about the shapes. References are resolved to lines here; the
 * workflow gets lines, means and reasons only, and nothing of a request body is logged.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import { reportReturns } from '../client/case-record.js';
import { incidentIdSchema } from '../domain/ids.js';
import { vendorReturnsSchema, type NoticeReturn } from '../domain/returns.js';
import { resolveNoticeRef } from '../security/notice-ref.js';

export const SIGNATURE_HEADER = 'x-breach-signature';

export interface VendorCallback {
  /** The vendor's bearer token; absent: the route answers 503 (not configured). */
  token?: string;
  /** The HMAC secret shared with the vendor; absent: 503 (not configured). */
  signingSecret?: string;
  /** How far a signature's timestamp may be from now, either way. */
  windowMs: number;
}

export interface VendorRoutesOptions {
  client: Client;
  vendor: VendorCallback;
  parse: <S extends z.ZodType>(schema: S, value: unknown) => z.infer<S>;
  /** Seconds since the epoch now (the route's clock). */
  now?: () => number;
}

/** `t=<seconds>,v1=<hex>` for `body` at `timestamp`: what the vendor sends (and the tests). */
export function signVendorBody(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

const digest = (text: string) => createHash('sha256').update(text).digest();
const unauthorized = (reply: FastifyReply, error: string) =>
  reply.code(401).header('www-authenticate', 'Bearer').send({ error });

/** Why the signature header does not authenticate this body, or undefined when it does. */
function signatureProblem(
  secret: string,
  header: string | string[] | undefined,
  body: string,
  nowSeconds: number,
  windowMs: number,
  seen: Map<string, number>,
): string | undefined {
  if (header === undefined)
    return `expected an ${SIGNATURE_HEADER} header (t=<unix seconds>,v1=<HMAC-SHA256 hex of "<t>.<body>">)`;
  if (Array.isArray(header)) return `expected one ${SIGNATURE_HEADER} header`;
  const parts = new Map(header.split(',').map((p) => p.trim().split('=', 2) as [string, string | undefined]));
  const t = parts.get('t');
  const v1 = parts.get('v1');
  if (!t || !/^\d{1,12}$/.test(t)) return `${SIGNATURE_HEADER}: expected t=<unix seconds>`;
  if (!v1 || !/^[0-9a-f]{64}$/i.test(v1)) return `${SIGNATURE_HEADER}: expected v1=<64 hex digits>`;
  if (Math.abs(nowSeconds - Number(t)) * 1_000 > windowMs)
    return `${SIGNATURE_HEADER}: the timestamp is outside the ${Math.round(windowMs / 1_000)} s replay window`;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  if (!timingSafeEqual(expected, Buffer.from(v1, 'hex')))
    return `${SIGNATURE_HEADER}: the signature does not match the body`;
  const key = v1.toLowerCase();
  if (seen.has(key)) return `${SIGNATURE_HEADER}: this signature was already used (a replay)`;
  for (const [k, expires] of seen) if (expires < nowSeconds) seen.delete(k);
  seen.set(key, Number(t) + Math.ceil(windowMs / 1_000));
  return undefined;
}

export async function vendorRoutes(app: FastifyInstance, options: VendorRoutesOptions): Promise<void> {
  const { client, vendor, parse } = options;
  const now = options.now ?? (() => Math.floor(Date.now() / 1_000));
  const tokenDigest = vendor.token ? digest(vendor.token) : undefined;
  // Signatures seen within the window (a replay of a signed request is refused).
  const seen = new Map<string, number>();

  // The raw body is what is signed: kept as text in this scope, parsed after the signature is checked.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post('/vendor/returns', async (request: FastifyRequest, reply) => {
    if (!tokenDigest) return reply.code(503).send({ error: 'returns are not taken: BREACH_VENDOR_TOKEN is not set' });
    if (!vendor.signingSecret)
      return reply.code(503).send({ error: 'returns are not taken: BREACH_VENDOR_SIGNING_SECRET is not set' });
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match || !timingSafeEqual(digest(match[1]!), tokenDigest))
      return unauthorized(
        reply,
        match ? 'unknown vendor token' : 'expected an Authorization: Bearer <vendor token> header',
      );
    const raw = typeof request.body === 'string' ? request.body : '';
    const problem = signatureProblem(
      vendor.signingSecret,
      request.headers[SIGNATURE_HEADER],
      raw,
      now(),
      vendor.windowMs,
      seen,
    );
    if (problem) return unauthorized(reply, problem);

    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      const message = raw.trim() === '' ? 'the body is empty: expected JSON' : 'the body is not valid JSON';
      return reply.code(400).send({ error: message, issues: [{ path: '(root)', message }] });
    }
    const body = parse(vendorReturnsSchema, value);
    if (!incidentIdSchema.safeParse(body.incidentId).success)
      return reply.code(400).send({
        error: 'the request is not valid',
        issues: [{ path: 'incidentId', message: 'expected an incident id' }],
      });

    // References to lines; one that is not a notice of this incident refuses the request (nothing taken).
    const returns: NoticeReturn[] = [];
    const issues: { path: string; message: string }[] = [];
    body.returns.forEach((r, i) => {
      if (r.reference === undefined) return returns.push({ line: r.line!, means: r.means!, reason: r.reason });
      const found = resolveNoticeRef(body.incidentId, r.reference);
      if (!found)
        return issues.push({
          path: `returns.${i}.reference`,
          message: "unknown reference: not a letter's mailPieceId or an email's Message-ID of this incident",
        });
      if (r.means !== undefined && r.means !== found.means)
        return issues.push({
          path: `returns.${i}.means`,
          message: `the reference is of ${found.means === 'letter' ? 'a letter' : 'an email'}, not ${r.means === 'letter' ? 'a letter' : 'an email'}`,
        });
      return returns.push({ line: found.line, means: found.means, reason: r.reason });
    });
    if (issues.length > 0)
      return reply.code(400).send({ error: 'the request is not valid', issues: issues.slice(0, 100) });
    await reportReturns(client, body.incidentId, returns);
    return reply.code(202).send({ accepted: returns.length });
  });
}
