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
import { decisionBodySchema } from '../domain/decision.js';
import { decisionGroundsIssues } from '../domain/authorized.js';
import { KIND_PHASES } from '../domain/gates.js';
import { REFUSAL } from '../domain/refusal.js';
import type { IncidentState } from '../domain/state.js';
import {
  DecisionRefusedError,
  IncidentClosedError,
  IncidentNotFoundError,
  TemporalUnavailableError,
  getIncidentState,
} from '../client/incidents.js';
import { DECISION_WAIT_MS_DEFAULT, submitDecision } from '../client/decisions.js';
import { LINK_ROUTE, linkDecisionId, verifyLink, type VerifiedLink } from '../security/links.js';
import { freshEnough } from './case.js';
import { summaryHtml } from './case-view.js';
import { fieldId, renderField, type FieldErrors } from './fields.js';
import { csrfToken, type PageDeps } from './index.js';
import { deadlineHtml, errorSummary, escapeHtml, page, send } from './layout.js';
import { decisionFromForm, formFields, type FormField, type FormValues } from './link-form.js';
import { KIND_WORDS, PHASE_WORDS, ROLE_WORDS, timeWords } from './words.js';

/**
 * When the decision this link asks for was recorded, if it was: by the link's own decisionId when the
 * state records it, else by this person's decision of this kind since the link was made (the request
 * the link carries is answered, whichever way the answer came). Action-item links are left out of the
 * second test: one person may complete several items.
 */
export function linkUsedAt(state: IncidentState, claims: VerifiedLink): string | undefined {
  const decisionId = linkDecisionId(claims.linkId);
  const byId = state.decisions.find((d) => (d as { decisionId?: unknown }).decisionId === decisionId);
  if (byId) return byId.at;
  if (claims.kind === 'complete-action-item') return undefined;
  return state.decisions.find(
    (d) => d.kind === claims.kind && d.actorId === claims.personId && Date.parse(d.at) >= claims.issuedAt,
  )?.at;
}

const LINK_PROBLEM = {
  malformed: [
    400,
    'This link is not valid',
    'The link is incomplete or was cut short. Open it again from the email, or ask for a new one.',
  ],
  tampered: [
    400,
    'This link is not valid',
    'The link does not carry a valid signature: it was changed after it was sent. Nothing was recorded.',
  ],
  expired: [410, 'This link has expired', 'Ask for a new link, or record the decision on the case page.'],
} as const;

interface Opened {
  claims: VerifiedLink;
  /** Absent only on the form's POST when no worker answered in time: the workflow checks the decision when one runs. */
  state: IncidentState | undefined;
  roles: string[];
  personName: string;
}

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

  /** Checks the link, the person and the incident; answers the page itself when something is wrong. */
  /**
   * With `stateWaitMs` (the form's POST), a state query no worker answers in that time is no reason to
   * refuse the decision: it goes on without the state, and the workflow checks it when a worker runs.
   */
  async function open(token: string, reply: FastifyReply, stateWaitMs?: number): Promise<Opened | undefined> {
    const verdict = verifyLink(deps.linkSecret, token);
    if (!verdict.ok) {
      const [status, title, line] = LINK_PROBLEM[verdict.reason];
      const when =
        verdict.reason === 'expired' && verdict.claims
          ? [`It expired on ${new Date(verdict.claims.expiresAt).toISOString()}.`]
          : [];
      plain(reply, status, title, ...when, line);
      return undefined;
    }
    const { claims } = verdict;
    const person = deps.playbook.people.find((p) => p.id === claims.personId);
    if (!person) {
      plain(reply, 403, 'This link is not valid', 'The person this link was made for is not in the playbook any more.');
      return undefined;
    }
    try {
      let state: IncidentState;
      try {
        state = await getIncidentState(deps.client, claims.incidentId, stateWaitMs);
      } catch (err) {
        if (stateWaitMs === undefined || err instanceof IncidentNotFoundError || err instanceof IncidentClosedError)
          throw err;
        return { claims, state: undefined, roles: person.roles, personName: person.name };
      }
      const usedAt = linkUsedAt(state, claims);
      if (usedAt !== undefined) {
        plain(
          reply,
          409,
          'This link has already been used',
          `The decision it asks for was recorded on ${timeWords(usedAt)}; a link works once. Nothing new was recorded.`,
        );
        return undefined;
      }
      return { claims, state, roles: person.roles, personName: person.name };
    } catch (err) {
      failure(reply, err);
      return undefined;
    }
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
      [
        ...problems.map((text) => ({ text })),
        ...Object.entries(errors).map(([name, text]) => ({
          ...(fields.some((f) => f.name === name) ? { id: fieldId(name) } : {}),
          text,
        })),
      ],
      'The decision was not sent',
    );
    return html(
      reply,
      status,
      words.title,
      `${summary}${state ? summaryHtml(state) : ''}<h2>Your decision</h2><p>${escapeHtml(words.then)}</p>
<form method="post" action="" novalidate>${csrf}${fields.map((f) => renderField(f, values, errors)).join('\n')}
<button type="submit">${escapeHtml(words.button)} as ${escapeHtml(personName)}</button></form>
<p class="hint">This link was sent to ${escapeHtml(personName)} alone and works once, until ${deadlineHtml(new Date(claims.expiresAt).toISOString())}.</p>`,
      request,
    );
  }

  app.get<{ Params: { token: string } }>(LINK_ROUTE, async (request, reply) => {
    const opened = await open(request.params.token, reply);
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
    { preHandler: csrfWhereSignedIn },
    async (request, reply) => {
      const opened = await open(request.params.token, reply, deps.decisionWaitMs ?? DECISION_WAIT_MS_DEFAULT);
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
      const parsed = decisionBodySchema.safeParse(decisionFromForm(claims.kind, fields, form));
      if (!parsed.success) {
        const errors: FieldErrors = {};
        for (const issue of parsed.error.issues) {
          const path = issue.path.map(String).join('.');
          const field = fields.find((f) => f.name === path || path.startsWith(`${f.name}.`));
          errors[field?.name ?? path] ??= `${field?.label ?? path}: ${issue.message.replace(/^Invalid input: /, '')}`;
        }
        return formPage(request, reply, 400, opened, fields, form, errors, []);
      }
      // The grounds the policy asks of the decision (domain/authorized.ts), named before the workflow is asked.
      const grounds = decisionGroundsIssues(parsed.data);
      if (grounds.length) {
        const errors: FieldErrors = {};
        for (const issue of grounds) {
          const field = fields.find((f) => f.name === issue.path || issue.path.startsWith(`${f.name}.`));
          errors[field?.name ?? issue.path] ??= `${field?.label ?? issue.path}: ${issue.message}`;
        }
        return formPage(request, reply, 400, opened, fields, form, errors, []);
      }
      try {
        const submitted = await submitDecision(
          deps.client,
          claims.incidentId,
          { ...parsed.data, actorId: claims.personId, decisionId: linkDecisionId(claims.linkId) },
          { waitMs: deps.decisionWaitMs },
        );
        if (submitted.status === 'pending') {
          // The same words as the API's 202 and the CLI: recorded, not yet applied, and how to follow it.
          return plain(
            reply,
            202,
            'Decision received, not yet applied',
            `Your decision "${KIND_WORDS[claims.kind].title}" on incident ${claims.incidentId} is recorded (reference ${submitted.decisionId}), but the workflow service is not processing incidents at this moment.`,
            'It will be applied, or refused with the reasons, as soon as processing resumes; nothing more is needed from you. Opening this link again shows whether it was applied.',
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
