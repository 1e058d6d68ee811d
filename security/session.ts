/**
 * Sessions of the pages: the ID token's claims that say who signed in, in a signed cookie
 * (`@fastify/cookie`, HMAC), HttpOnly (no script reads it), SameSite=Lax (sent on the navigation back
 * from the IdP, and on the Temporal UI's codec calls from localhost:8233, which is the same site; never
 * on another site's form posts), Secure when the public URL is https. Nothing but who and until when:
 * roles are looked up in the playbook at each request, so a playbook change takes effect at once.
 */
import { createHmac } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import type { OidcClaims } from './identity.js';
import type { LoginTransaction } from './oidc.js';

export const SESSION_COOKIE = 'breach_session';
export const LOGIN_COOKIE = 'breach_login';
export const SESSION_MS = 8 * 3_600_000;
const LOGIN_MS = 10 * 60_000;

export interface Session {
  claims: OidcClaims;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** The cookie-signing secret, derived from the link secret so that one secret serves the process. */
export function sessionSecret(linkSecret: string): string {
  return createHmac('sha256', linkSecret).update('breach-session.v1').digest('base64url');
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function decode<T>(request: FastifyRequest, name: string): T | undefined {
  const raw = request.cookies?.[name];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return undefined;
  try {
    return JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

const options = (secure: boolean, maxAgeMs: number) => ({
  signed: true,
  httpOnly: true,
  sameSite: 'lax' as const,
  secure,
  path: '/',
  maxAge: Math.floor(maxAgeMs / 1000),
});

export function readSession(request: FastifyRequest, now = Date.now()): Session | undefined {
  const session = decode<Session>(request, SESSION_COOKIE);
  return session && typeof session.expiresAt === 'number' && session.expiresAt > now && session.claims
    ? session
    : undefined;
}

export function writeSession(reply: FastifyReply, claims: OidcClaims, secure: boolean): void {
  const kept: OidcClaims = {
    iss: claims.iss,
    sub: claims.sub,
    email: claims.email,
    email_verified: claims.email_verified,
    name: claims.name,
    auth_time: claims.auth_time,
  };
  reply.setCookie(
    SESSION_COOKIE,
    encode({ claims: kept, expiresAt: Date.now() + SESSION_MS } satisfies Session),
    options(secure, SESSION_MS),
  );
}

export function clearSession(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', secure, sameSite: 'lax', httpOnly: true });
}

export function readLogin(request: FastifyRequest): LoginTransaction | undefined {
  return decode<LoginTransaction>(request, LOGIN_COOKIE);
}

export function writeLogin(reply: FastifyReply, transaction: LoginTransaction, secure: boolean): void {
  reply.setCookie(LOGIN_COOKIE, encode(transaction), options(secure, LOGIN_MS));
}

export function clearLogin(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(LOGIN_COOKIE, { path: '/', secure, sameSite: 'lax', httpOnly: true });
}
