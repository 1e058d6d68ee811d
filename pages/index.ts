/**
 * The people's pages, server-rendered in one fastify scope registered by api/server.ts: sign-in
 * (OpenID Connect), the Breach Incident form (/report), the case workspace (/cases), and the pages
 * behind signed approval links (/links). Form bodies are parsed here only (the API stays JSON-only);
 * every form but the link forms carries a CSRF token (@fastify/csrf-protection, its secret in a signed
 * cookie), and link forms that use a session (step-up) carry one too.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import csrf from '@fastify/csrf-protection';
import type { Client } from '@temporalio/client';
import type { Playbook } from '../domain/playbook.js';
import { identityFromClaims } from '../security/identity.js';
import type { Oidc } from '../security/oidc.js';
import { readSession } from '../security/session.js';
import { afterActionRoutes } from './after-action.js';
import { caseRoutes } from './case.js';
import { casesRoutes } from './cases.js';
import { COUNTDOWN_JS, escapeHtml, page, send } from './layout.js';
import { linkRoutes } from './link-pages.js';
import { reportRoutes } from './report.js';
import { signInRoutes } from './sign-in.js';

export interface PageDeps {
  client: Client;
  taskQueue: string;
  playbook: Playbook;
  linkSecret: string;
  publicUrl: string;
  oidc?: Oidc;
  /** How long a decision waits for a worker before it is recorded as pending (BREACH_DECISION_WAIT). */
  decisionWaitMs?: number;
  /** Where exercises' after-action reports and findings live (BREACH_EXERCISE_DIR); absent: no after-action pages. */
  exerciseDir?: string;
}

export const FORM_LIMIT = 1_048_576;

export async function pageRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const secure = deps.publicUrl.startsWith('https:');
  await app.register(formbody, { bodyLimit: FORM_LIMIT });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, signed: true, secure },
  });

  // Who is signed in, from the session cookie; the playbook gives the roles at each request.
  app.addHook('onRequest', async (request) => {
    const session = readSession(request);
    if (session) request.identity = identityFromClaims(deps.playbook, session.claims);
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    const organization = deps.playbook.organization;
    const plain = (code: number, title: string, line: string) =>
      send(reply, code, page(title, `<p>${escapeHtml(line)}</p>`, { organization, identity: request.identity }));
    if (error.code?.startsWith('FST_CSRF'))
      return plain(
        403,
        'This form has expired',
        'Go back, reload the page and send the form again. Nothing was recorded.',
      );
    if (status === 413)
      return plain(413, 'The form is too large', 'A form may hold at most 1 MB. Nothing was recorded.');
    if (status === 415)
      return plain(415, 'The form could not be read', 'Send the form from the page itself. Nothing was recorded.');
    if (status >= 400 && status < 500) return plain(400, 'The form could not be read', 'Nothing was recorded.');
    // Only the error's name: its message may quote what the request carried.
    console.error(`[pages] error ${request.method} ${request.routeOptions.url ?? ''}: ${error.name}`);
    return plain(500, 'Something went wrong', 'Nothing was recorded. Please try again later.');
  });

  app.get('/assets/countdown.js', async (_request, reply) =>
    reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'max-age=3600')
      .send(COUNTDOWN_JS),
  );

  signInRoutes(app, deps);
  reportRoutes(app, deps);
  casesRoutes(app, deps);
  caseRoutes(app, deps);
  afterActionRoutes(app, deps);
  linkRoutes(app, deps);
}

/** Pages that need a signed-in person send the others to sign in, coming back here afterwards. */
export function requireSignIn(request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.identity) return true;
  void reply.redirect(`/auth/sign-in?returnTo=${encodeURIComponent(request.url)}`);
  return false;
}

const tokens = new WeakMap<FastifyReply, string>();

/**
 * The CSRF token of the forms of a page, one per response: a second generateCsrf() in the same
 * response would make a second secret (the request has no cookie yet) and set its cookie over the first.
 */
export function csrfToken(reply: FastifyReply): string {
  let token = tokens.get(reply);
  if (!token) {
    token = reply.generateCsrf();
    tokens.set(reply, token);
  }
  return token;
}
