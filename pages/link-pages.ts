/**
 * The pages behind signed approval links: GET shows the incident's summary and the form, POST sends
 * the decision through the `decide` update with the link's person as the actor. GET never decides.
 * Everything a page shows comes from the incident's state, which holds no names or contact details:
 * the official sees what they need to decide and nothing of the people in the report. The pages speak
 * to officials ("Name the office responsible", deadlines in words) under the department's name.
 *
 * Step-up: for the decisions the playbook names (`signInRequiredFor`, by default the Under Secretary's
 * and the PPGB Chair's) the link alone is not enough: the official signs in, freshly, and the one
 * signed in must be the person the link was sent to. A forwarded mail then decides nothing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KIND_PHASES } from '../domain/gates.js';
import { REFUSAL } from '../domain/refusal.js';
import type { IncidentState } from '../domain/state.js';
import {
  DecisionRefusedError,
  IncidentClosedError,
  IncidentNotFoundError,
  TemporalUnavailableError,
} from '../client/incidents.js';
import { DECISION_WAIT_MS_DEFAULT } from '../client/decisions.js';
import { LINK_ROUTE, linkDecisionId, verifyLink, type VerifiedLink } from '../security/links.js';
import { freshEnough } from './case.js';
import { summaryHtml } from './case-view.js';
import type { FieldErrors } from './fields.js';
import {
  decisionFormHtml,
  PENDING_TITLE,
  pendingLines,
  problemsOf,
  readDecisionForm,
  sendDecision,
} from './decision-form.js';
import { csrfToken, type PageDeps } from './index.js';
import { deadlineHtml, errorSummary, escapeHtml, page, send } from './layout.js';
import { formFields, type FormField, type FormValues } from './link-form.js';
import { openLink, type Opened } from './link-open.js';
import { needToKnow } from './need-to-know.js';
import { identityOfPerson } from '../security/identity.js';
import { KIND_WORDS, PHASE_WORDS, ROLE_WORDS } from './words.js';

export function linkRoutes(app: FastifyInstance, deps: PageDeps): void {
  const organization = deps.playbook.organization;
  const html = (reply: FastifyReply, status: number, title: string, body: string, request?: FastifyRequest) =>
    send(
      reply,
      status,
      page(title, body, {
        organization,
        identity: request?.identity,
        countdown: true,
        ...(request?.identity ? { csrf: csrfToken(reply) } : {}),
      }),
    );
  const plain = (reply: FastifyReply, status: number, title: string, ...lines: string[]) =>
    html(reply, status, title, lines.map((l) => `<p>${escapeHtml(l)}</p>`).join(''));
  const list = (items: string[]) =>
    items.length ? `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>` : '';
  const needsSignIn = (claims: VerifiedLink) => deps.playbook.signInRequiredFor.includes(claims.kind);

  /**
   * Need to know (469.2c(1)) for the link's person, before the link's form or phase is looked at: a link
   * whose person may not read the incident answers 404, as for an incident that does not exist.
   */
  const linkRead = (decisionWaitMs?: number) =>
    needToKnow({
      client: deps.client,
      ...(decisionWaitMs === undefined ? {} : { decisionWaitMs }),
      asked: (request) => {
        const verdict = verifyLink(deps.linkSecret, (request.params as { token: string }).token);
        if (!verdict.ok || !deps.playbook.people.some((p) => p.id === verdict.claims.personId)) return undefined;
        return { identity: identityOfPerson(deps.playbook, verdict.claims.personId), named: verdict.claims.incidentId };
      },
      failure: (_request, reply, err) => failure(reply, err),
    });

  /** Opens the link (pages/link-open.ts); answers the page itself when something is wrong. */
  function open(request: FastifyRequest, reply: FastifyReply): Opened | undefined {
    try {
      const token = (request.params as { token: string }).token;
      const result = openLink(deps, token, request.incident);
      if ('opened' in result) return result.opened;
      plain(reply, result.status, result.title, ...result.lines);
    } catch (err) {
      failure(reply, err);
    }
    return undefined;
  }

  function wrongPhase(
    reply: FastifyReply,
    claims: VerifiedLink,
    state: IncidentState | undefined,
    reasons: string[] = [],
  ): FastifyReply {
    if (!state) return html(reply, 409, 'This decision is not open now', list(reasons));
    const waiting = state.awaiting
      ? ` It now waits for ${ROLE_WORDS[state.awaiting.role]}: ${state.awaiting.kinds.map((k) => KIND_WORDS[k as keyof typeof KIND_WORDS]?.title ?? k).join('; ')}.`
      : '';
    const line = `Incident ${state.incidentId} is in phase ${state.phase} (${PHASE_WORDS[state.phase]}), where "${KIND_WORDS[claims.kind].title}" cannot be decided.${waiting}`;
    return html(reply, 409, 'This decision is not open now', `<p>${escapeHtml(line)}</p>${list(reasons)}`);
  }

  function failure(reply: FastifyReply, err: unknown): FastifyReply {
    if (err instanceof IncidentNotFoundError)
      return plain(reply, 404, 'No such incident', 'The incident this link is about does not exist.');
    if (err instanceof IncidentClosedError)
      return plain(reply, 409, 'This decision is not open now', 'The incident is closed.');
    if (err instanceof TemporalUnavailableError)
      return plain(
        reply,
        503,
        'Please try again shortly',
        'The workflow service did not answer. Nothing was recorded.',
      );
    throw err;
  }

  /** Step-up: undefined when the one signed in (freshly) is the link's person; else the page asking them to sign in. */
  function stepUp(
    request: FastifyRequest,
    reply: FastifyReply,
    opened: Opened,
    status: number,
  ): FastifyReply | undefined {
    if (!needsSignIn(opened.claims)) return undefined;
    const identity = request.identity;
    if (identity && identity.personId === opened.claims.personId && freshEnough(identity)) return undefined;
    const signIn = `/auth/sign-in?stepUp=1&returnTo=${encodeURIComponent(request.url)}`;
    const who =
      identity && identity.personId !== opened.claims.personId
        ? `<p>You are signed in as ${escapeHtml(identity.name ?? 'someone else')}, but this link was sent to ${escapeHtml(opened.personName)}. Only they may use it.</p>`
        : '';
    return html(
      reply,
      status,
      `Sign in to decide: ${KIND_WORDS[opened.claims.kind].title}`,
      `${opened.state ? summaryHtml(opened.state) : ''}${who}<p>This decision needs you to sign in first, so that a forwarded email cannot make it. This link was sent to ${escapeHtml(opened.personName)}.</p>
<p><a href="${escapeHtml(signIn)}">Sign in as ${escapeHtml(opened.personName)}</a></p>`,
      request,
    );
  }

  function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    opened: Opened,
    fields: FormField[],
    values: FormValues,
    errors: FieldErrors,
    problems: string[],
  ): FastifyReply {
    const { claims, state, personName } = opened;
    const words = KIND_WORDS[claims.kind];
    const csrf = needsSignIn(claims)
      ? `<input type="hidden" name="_csrf" value="${escapeHtml(csrfToken(reply))}">`
      : '';
    const summary = errorSummary(
      [...problems.map((text) => ({ text })), ...problemsOf(fields, errors)],
      'The decision was not sent',
    );
    const form = decisionFormHtml({
      action: '',
      hidden: csrf,
      fields,
      values,
      errors,
      button: `${words.button} as ${personName}`,
    });
    return html(
      reply,
      status,
      words.title,
      `${summary}${state ? summaryHtml(state) : ''}<h2>Your decision</h2><p>${escapeHtml(words.then)}</p>
${form}
<p class="hint">This link was sent to ${escapeHtml(personName)} alone and works once, until ${deadlineHtml(new Date(claims.expiresAt).toISOString())}.</p>`,
      request,
    );
  }

  app.get<{ Params: { token: string } }>(LINK_ROUTE, { onRequest: linkRead() }, async (request, reply) => {
    const opened = open(request, reply);
    if (!opened) return reply;
    const { claims, state, roles } = opened;
    if (!state) return failure(reply, new TemporalUnavailableError('Temporal did not answer in time', true));
    if (state.phase === 'closed' || !KIND_PHASES[claims.kind].includes(state.phase))
      return wrongPhase(reply, claims, state);
    const asked = stepUp(request, reply, opened, 200);
    if (asked) return asked;
    return formPage(
      request,
      reply,
      200,
      opened,
      formFields(claims.kind, { playbook: deps.playbook, state, personRoles: roles }),
      {},
      {},
      [],
    );
  });

  // The CSRF token is checked where a session is used (step-up); the link's signature guards the others,
  // and without a session a step-up link decides nothing (it answers with the sign-in page).
  const csrfWhereSignedIn = (
    request: FastifyRequest<{ Params: { token: string } }>,
    reply: FastifyReply,
    done: (err?: Error) => void,
  ) => {
    const verdict = verifyLink(deps.linkSecret, request.params.token);
    if (verdict.ok && needsSignIn(verdict.claims) && request.identity) return app.csrfProtection(request, reply, done);
    done();
  };

  app.post<{ Params: { token: string }; Body: FormValues | undefined }>(
    LINK_ROUTE,
    { onRequest: linkRead(deps.decisionWaitMs ?? DECISION_WAIT_MS_DEFAULT), preHandler: csrfWhereSignedIn },
    async (request, reply) => {
      const opened = open(request, reply);
      if (!opened) return reply;
      const { claims, state, roles } = opened;
      if (state?.phase === 'closed') return wrongPhase(reply, claims, state);
      if (state && needsSignIn(claims) && !KIND_PHASES[claims.kind].includes(state.phase)) {
        return wrongPhase(reply, claims, state, [
          `"${KIND_WORDS[claims.kind].title}" is not accepted in phase ${state.phase}.`,
        ]);
      }
      const asked = stepUp(request, reply, opened, 401);
      if (asked) return asked;
      const form: FormValues = request.body && typeof request.body === 'object' ? request.body : {};
      const fields = formFields(claims.kind, { playbook: deps.playbook, state, personRoles: roles });
      const read = readDecisionForm(claims.kind, fields, form);
      if (!read.ok) return formPage(request, reply, 400, opened, fields, form, read.errors, []);
      try {
        const submitted = await sendDecision(
          deps.client,
          claims.incidentId,
          { ...read.body, actorId: claims.personId, decisionId: linkDecisionId(claims.linkId) },
          deps.decisionWaitMs,
        );
        if (submitted.status === 'pending') {
          const follow = 'Opening this link again shows whether it was applied.';
          return plain(
            reply,
            202,
            PENDING_TITLE,
            ...pendingLines(claims.kind, claims.incidentId, submitted.decisionId, follow),
          );
        }
        const next = submitted.state;
        // The workflow applies a repeated decisionId once and answers with the state unchanged: a second
        // submission of the same form (another tab, a double click) lands here.
        const recorded = next.decisions
          .slice(state?.decisions.length ?? 0)
          .find((d) => d.kind === claims.kind && d.actorId === claims.personId);
        if (!recorded)
          return plain(
            reply,
            409,
            'This link has already been used',
            'The decision it asks for was recorded; a link works once. Nothing new was recorded.',
          );
        return html(
          reply,
          200,
          'Decision recorded',
          `<div class="notice" role="status"><p>${escapeHtml(`Recorded: ${KIND_WORDS[claims.kind].title}, on incident ${claims.incidentId}. Thank you.`)}</p></div>${summaryHtml(next)}`,
          request,
        );
      } catch (err) {
        if (err instanceof DecisionRefusedError) {
          const { type, reasons } = err.refusal;
          if (type === REFUSAL.conflict) return wrongPhase(reply, claims, state, reasons);
          if (type === REFUSAL.forbidden)
            return html(reply, 403, 'You may not make this decision', list(reasons), request);
          return formPage(request, reply, 400, opened, fields, form, {}, reasons);
        }
        return failure(reply, err);
      }
    },
  );
}
