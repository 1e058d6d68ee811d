/**
 * Signed one-click approval links. Each email asking a person for a decision carries a link bound to
 * the incident, the decision kind, the person and an expiry, signed with a server secret (HMAC-SHA256).
 * The link only opens a page; the decision is sent by submitting its form (POST), so mail scanners that
 * prefetch links cannot decide anything.
 *
 * A link is used once: its id becomes the decision's `decisionId` (`link-<id>`), and the workflow
 * applies a repeated decisionId once; the link pages read that id back from the incident's state.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { DECISION_KINDS, type DecisionKind } from '../domain/decision.js';
import { INCIDENT_ID_PATTERN } from '../domain/ids.js';
import { PROJECT_ROOT } from '../config/index.js';

export interface LinkClaims {
  incidentId: string;
  /** A decision kind (checked when signing). */
  kind: string;
  personId: string;
  /** Epoch milliseconds after which the link no longer opens. */
  expiresAt: number;
  /** Unique per link; made when absent. */
  linkId?: string;
  /** Epoch milliseconds when the link was made; now when absent. */
  issuedAt?: number;
}

export interface VerifiedLink {
  incidentId: string;
  kind: DecisionKind;
  personId: string;
  expiresAt: number;
  linkId: string;
  issuedAt: number;
}

export type LinkVerdict =
  | { ok: true; claims: VerifiedLink }
  | { ok: false; reason: 'malformed' | 'tampered' | 'expired'; claims?: VerifiedLink };

/** A token: `<base64url payload>.<base64url HMAC-SHA256>`, the payload at most 2,048 characters (the document's pattern too). */
export const LINK_TOKEN_PATTERN = /^([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{43})$/;
export const LINK_TOKEN_MAX_LENGTH = 2_048 + 1 + 43;

/** The payload is short-keyed: the token travels in an email's URL. */
const payloadSchema = z.strictObject({
  v: z.literal(1),
  l: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  i: z.string().regex(INCIDENT_ID_PATTERN),
  k: z.enum(DECISION_KINDS as [DecisionKind, ...DecisionKind[]]),
  p: z.string().min(1).max(128),
  t: z.number().int().positive(),
  e: z.number().int().positive(),
});

export const MIN_SECRET_LENGTH = 32;

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`breach-link.v1.${payload}`).digest();
}

export function newLinkId(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * The link's token, `<base64url payload>.<base64url HMAC>`; the mail puts it after `<publicUrl>/links/`.
 * This is the `signLink` the activities take, once the secret is bound: `(claims) => signLink(secret, claims)`.
 */
export function signLink(secret: string, claims: LinkClaims): string {
  if (secret.length < MIN_SECRET_LENGTH)
    throw new Error(`the link secret must be at least ${MIN_SECRET_LENGTH} characters`);
  const payload = payloadSchema.parse({
    v: 1,
    l: claims.linkId ?? newLinkId(),
    i: claims.incidentId,
    k: claims.kind,
    p: claims.personId,
    t: Math.floor(claims.issuedAt ?? Date.now()),
    e: Math.floor(claims.expiresAt),
  });
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${encoded}.${mac(secret, encoded).toString('base64url')}`;
}

/** Checks the signature first (a tampered link says nothing about itself), then the expiry. */
export function verifyLink(secret: string, token: string, now: number = Date.now()): LinkVerdict {
  const match = LINK_TOKEN_PATTERN.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, encoded, signature] = match as unknown as [string, string, string];
  const expected = mac(secret, encoded);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'tampered' };
  let payload: z.infer<typeof payloadSchema>;
  try {
    payload = payloadSchema.parse(JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const claims: VerifiedLink = {
    incidentId: payload.i,
    kind: payload.k,
    personId: payload.p,
    expiresAt: payload.e,
    linkId: payload.l,
    issuedAt: payload.t,
  };
  if (now > claims.expiresAt) return { ok: false, reason: 'expired', claims };
  return { ok: true, claims };
}

/** The decisionId a link's decision carries: a second submission of the same link is applied once. */
export function linkDecisionId(linkId: string): string {
  return `link-${linkId}`;
}

/** The link pages' route (pages/link-pages.ts) and the address a mail carries: built here only. */
export const LINK_ROUTE = '/links/:token';

export function linkUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}${LINK_ROUTE.replace(':token', token)}`;
}

export const DEFAULT_LINK_SECRET_FILE = resolve(PROJECT_ROOT, '.data/link-secret');

/**
 * The link secret: BREACH_LINK_SECRET, else the git-ignored file `.data/link-secret`, made with a fresh
 * random secret on first use so that the API and the worker of one machine agree without setup.
 */
export async function loadLinkSecret(
  env: Record<string, string | undefined>,
  file: string = DEFAULT_LINK_SECRET_FILE,
): Promise<string> {
  const fromEnv = env.BREACH_LINK_SECRET;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < MIN_SECRET_LENGTH)
      throw new Error(`BREACH_LINK_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
    return fromEnv;
  }
  // Every worker (which signs links) and every API (which verifies them) must share one secret: a file
  // made by each container would give each its own, and the links of one would not open on another.
  if (env.NODE_ENV === 'production')
    throw new Error(
      'BREACH_LINK_SECRET is required when NODE_ENV=production (the same secret for every worker and API; docs/deployment.md)',
    );
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored.length < MIN_SECRET_LENGTH)
      throw new Error(
        `${file} holds a link secret shorter than ${MIN_SECRET_LENGTH} characters: delete it to make a new one`,
      );
    return stored;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    // `wx`: when two processes start at once, the second reads what the first wrote.
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return (await readFile(file, 'utf8')).trim();
  }
}
