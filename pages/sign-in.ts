/**
 * Sign-in and sign-out with the identity provider (security/oidc.ts): GET /auth/sign-in redirects to
 * the IdP with PKCE, /auth/callback checks the answer and starts the session, POST /auth/sign-out ends
 * it (and offers the IdP's own sign-out: a session there would sign the browser in again silently).
 * `returnTo` is a path of ours, never a URL elsewhere (no open redirect).
 */
import type { FastifyInstance } from 'fastify';
import { SignInUnavailableError } from '../security/oidc.js';
import { clearLogin, clearSession, readLogin, writeLogin, writeSession } from '../security/session.js';
import type { PageDeps } from './index.js';
import { escapeHtml, page, send } from './layout.js';

/** Step-up: a sign-in at most this old counts for decisions the playbook names (seconds). */
export const STEP_UP_MAX_AGE_S = 15 * 60;

export function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(value) ? value : '/cases';
}

export function signInRoutes(app: FastifyInstance, deps: PageDeps): void {
  const secure = deps.publicUrl.startsWith('https:');
  const organization = deps.playbook.organization;

  app.get<{ Querystring: { returnTo?: string; stepUp?: string } }>('/auth/sign-in', async (request, reply) => {
    if (!deps.oidc) {
      return send(
        reply,
        503,
        page(
          'Sign-in is not set up',
          '<p>This server has no identity provider (BREACH_OIDC_ISSUER). Ask the administrator; scripts can still use the API with a bearer token.</p>',
          { organization },
        ),
      );
    }
    const returnTo = safeReturnTo(request.query.returnTo);
    try {
      const { url, transaction } = await deps.oidc.begin({ returnTo, ...(request.query.stepUp ? { maxAge: 0 } : {}) });
      writeLogin(reply, transaction, secure);
      return reply.header('cache-control', 'no-store').redirect(url);
    } catch (err) {
      if (!(err instanceof SignInUnavailableError)) throw err;
      return send(
        reply,
        503,
        page(
          'Sign-in is not available right now',
          '<p>The identity provider did not answer. Please try again in a minute.</p>',
          { organization },
        ),
      );
    }
  });

  app.get('/auth/callback', async (request, reply) => {
    const transaction = readLogin(request);
    clearLogin(reply, secure);
    if (!deps.oidc || !transaction) {
      return send(
        reply,
        400,
        page(
          'Sign-in did not finish',
          '<p>The sign-in took too long or was started in another browser. <a href="/auth/sign-in">Sign in again</a>.</p>',
          { organization },
        ),
      );
    }
    try {
      const claims = await deps.oidc.finish(new URL(request.url, deps.publicUrl), transaction);
      writeSession(reply, claims, secure);
    } catch (err) {
      // The reason names a check (state, PKCE, max_age), never a token.
      const reason = err instanceof Error ? err.message : String(err);
      return send(
        reply,
        400,
        page(
          'Sign-in did not finish',
          `<p>The identity provider's answer was not accepted: ${escapeHtml(reason)}.</p><p><a href="/auth/sign-in?returnTo=${encodeURIComponent(transaction.returnTo)}">Sign in again</a></p>`,
          { organization },
        ),
      );
    }
    return reply.redirect(safeReturnTo(transaction.returnTo), 303);
  });

  app.post('/auth/sign-out', { preHandler: app.csrfProtection }, async (_request, reply) => {
    clearSession(reply, secure);
    const idp = deps.oidc ? await deps.oidc.endSessionUrl(`${deps.publicUrl}/cases`) : undefined;
    const more = idp
      ? `<p>You may still be signed in at the identity provider. <a href="${escapeHtml(idp)}">Sign out there too</a>.</p>`
      : '';
    return send(
      reply,
      200,
      page(
        'You are signed out',
        `<p>You have signed out of the breach response pages.</p>${more}<p><a href="/auth/sign-in">Sign in again</a></p>`,
        { organization },
      ),
    );
  });
}
