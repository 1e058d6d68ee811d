/**
 * GET /cases/:incidentId, the case page, and POST /cases/:incidentId/decide, a decision from it. The
 * decision is the API's: the same schema (decisionBodySchema), the same `decide` update with the
 * signed-in person as the actor (the durable signal, answered as pending, when no worker takes it in
 * time), the same refusals, here shown as messages; the form is the approval links' (pages/decision-form.ts).
 * Decisions the playbook names for step-up ask for a fresh sign-in first.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DECISION_KINDS, type DecisionKind } from '../domain/decision.js';
import { incidentIdSchema } from '../domain/ids.js';
import { refusalStatus } from '../domain/refusal.js';
import type { IncidentState } from '../domain/state.js';
import { DecisionRefusedError } from '../client/incidents.js';
import { readableState } from '../client/need-to-know.js';
import { DECISION_WAIT_MS_DEFAULT } from '../client/decisions.js';
import { getCaseRecord } from '../client/case-record.js';
import { caseName } from '../domain/case-numbers.js';
import type { CaseRecord } from '../domain/case-record.js';
import { standingOf } from '../domain/need-to-know.js';
import { decisionsHtml, dutiesHtml, outcomeWords, reportFactsHtml, reportHtml } from './case-report.js';
import type { Identity } from '../security/identity.js';
import { actionItemsHtml, deadlinesHtml, incidentFailure, openKinds, summaryHtml, timelineHtml } from './case-view.js';
import type { FieldErrors } from './fields.js';
import {
  decisionFormHtml,
  PENDING_TITLE,
  pendingLines,
  problemsOf,
  readDecisionForm,
  sendDecision,
} from './decision-form.js';
import { isExerciseIncident } from './after-action.js';
import { csrfToken, requireSignIn, type PageDeps } from './index.js';
import { needToKnow } from './need-to-know.js';
import { errorSummary, escapeHtml, page, send } from './layout.js';
import { formFields, type FormValues } from './link-form.js';
import { STEP_UP_MAX_AGE_S } from './sign-in.js';
import { KIND_WORDS, PHASE_WORDS } from './words.js';

/** What the page tells of the decision sent: done, pending (`heading`), or the problems. */
interface Message {
  ok: boolean;
  lines: string[];
  heading?: string;
}

function noticeHtml(message: Message | undefined): string {
  if (!message) return '';
  if (!message.ok)
    return errorSummary(
      message.lines.map((text) => ({ text })),
      'The decision was not recorded',
    );
  const heading = message.heading ? `<h2>${escapeHtml(message.heading)}</h2>` : '';
  return `<div class="notice" role="status">${heading}${message.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}</div>`;
}

interface Pending {
  kind: DecisionKind;
  values: FormValues;
  errors: FieldErrors;
}

/** Whether the session is fresh enough for a decision the playbook names for step-up. */
export function freshEnough(identity: Identity, now = Date.now()): boolean {
  return identity.authTime !== undefined && now / 1000 - identity.authTime <= STEP_UP_MAX_AGE_S;
}

export function caseRoutes(app: FastifyInstance, deps: PageDeps): void {
  const organization = deps.playbook.organization;

  function decisionForm(
    state: IncidentState,
    identity: Identity,
    kind: DecisionKind,
    csrf: string,
    pending?: Pending,
  ): string {
    const words = KIND_WORDS[kind];
    const path = `/cases/${encodeURIComponent(state.incidentId)}`;
    if (deps.playbook.signInRequiredFor.includes(kind) && !freshEnough(identity)) {
      return `<section aria-labelledby="d-${kind}"><h3 id="d-${kind}">${escapeHtml(words.title)}</h3><p>${escapeHtml(words.then)}</p>
<p>This decision needs a fresh sign-in. <a href="/auth/sign-in?stepUp=1&amp;returnTo=${encodeURIComponent(path)}">Sign in again to decide</a>.</p></section>`;
    }
    const fields = formFields(kind, { playbook: deps.playbook, state, personRoles: identity.roles });
    const prefix = `${kind}-`;
    const errors = pending?.kind === kind ? pending.errors : {};
    const values = pending?.kind === kind ? pending.values : {};
    const form = decisionFormHtml({
      action: `${path}/decide`,
      hidden: `<input type="hidden" name="_csrf" value="${escapeHtml(csrf)}"><input type="hidden" name="kind" value="${kind}">`,
      fields,
      values,
      errors,
      button: words.button,
      prefix,
    });
    return `<section aria-labelledby="d-${kind}"><h3 id="d-${kind}">${escapeHtml(words.title)}</h3>${errorSummary(problemsOf(fields, errors, prefix), 'The decision was not recorded')}
<p>${escapeHtml(words.then)}</p>${form}</section>`;
  }

  async function casePage(
    reply: FastifyReply,
    status: number,
    state: IncidentState,
    identity: Identity,
    message?: Message,
    pending?: Pending,
  ): Promise<FastifyReply> {
    const csrf = csrfToken(reply);
    const kinds = openKinds(state, identity);
    const id = encodeURIComponent(state.incidentId);
    const notice = noticeHtml(message);
    const standing = standingOf(identity, state);
    const caseRecord = await getCaseRecord(deps.client, state.incidentId).catch(() => undefined);
    const name = caseName(state);
    if (standing !== 'involved') return send(reply, status, reporterPage(state, identity, caseRecord, csrf));
    const record =
      state.phase === 'closed'
        ? `<h2>Case record</h2><p><a href="/incidents/${id}/record">The case record</a> (5 FAM 468.7), once the records archive has it.</p>`
        : '';
    // An exercise's incident: its after-action report (pages/after-action.ts).
    const exercise =
      deps.exerciseDir && (await isExerciseIncident(deps, state.incidentId))
        ? `<h2>Exercise</h2><p>This case is a tabletop exercise. <a href="/cases/${id}/after-action">The after-action report</a>: expectations met and missed, time per gate, findings.</p>`
        : '';
    const facts = caseRecord
      ? `<h2>The report</h2>${reportHtml(caseRecord)}<h2>Analysis and decisions</h2>${decisionsHtml(caseRecord, deps.playbook)}`
      : '<h2>The report</h2><p>The report could not be read just now; reload the page in a moment.</p>';
    // The facts before the forms: who decides reads what happened first.
    const body = `${notice}${summaryHtml(state)}${exercise}<h2>Deadlines</h2>${deadlinesHtml(state, deps.playbook)}
${facts}${dutiesHtml((state as { duties?: unknown }).duties, deps.playbook)}
<h2>What you may do now</h2>${kinds.length ? kinds.map((k) => decisionForm(state, identity, k, csrf, pending)).join('\n') : '<p>Nothing waits for you on this case now.</p>'}
<h2>Action items</h2>${actionItemsHtml(state, deps.playbook)}<h2>Timeline</h2>${timelineHtml(state, deps.playbook)}${record}
${state.phase === 'closed' ? '' : `<p><a href="/report?incident=${id}">Add to the report of this incident</a></p>`}`;
    return send(
      reply,
      status,
      page(`Case ${name}${state.title ? `: ${state.title}` : ''}`, body, {
        organization,
        identity,
        csrf,
        countdown: true,
      }),
    );
  }

  /**
   * For someone whose only standing is having reported the case (469.2c(1)): their report, the phase
   * and the outcome; not the decisions, the evidence or the timeline of others.
   */
  function reporterPage(state: IncidentState, identity: Identity, caseRecord: CaseRecord | undefined, csrf: string) {
    const id = encodeURIComponent(state.incidentId);
    const mine =
      caseRecord?.report.first && state.reporters?.[0] === identity.key ? caseRecord.report.first : undefined;
    const outcome = caseRecord ? outcomeWords(caseRecord) : undefined;
    const body = `<p>You reported this case. You see your report, where the case stands and its outcome; the response itself is for the people with a role on it (5 FAM 469.2c(1)).</p>
<dl><dt>Case number</dt><dd>${escapeHtml(caseName(state))}</dd><dt>Phase</dt><dd>${escapeHtml(PHASE_WORDS[state.phase])}</dd><dt>Outcome</dt><dd>${escapeHtml(outcome ?? 'Not decided yet')}</dd></dl>
<h2>Your report</h2>${mine ? reportFactsHtml(mine) : '<p>Your additions to the report are with the case.</p>'}
${state.phase === 'closed' ? '' : `<p><a href="/report?incident=${id}">Add to your report</a></p>`}`;
    return page(`Case ${caseName(state)}`, body, { organization, identity, csrf });
  }

  // Need to know (469.2c(1)) first, in the hook (pages/need-to-know.ts): before the form, its CSRF token
  // or the decision is looked at, whoever may not read the case gets the 404 of a case that does not exist.
  const failure = (request: FastifyRequest, reply: FastifyReply, err: unknown) =>
    incidentFailure(reply, err, organization, request.identity);
  const caseRead = needToKnow({ client: deps.client, resolve: true, failure });

  app.get<{ Params: { incidentId: string }; Querystring: { done?: string } }>(
    '/cases/:incidentId',
    { onRequest: caseRead },
    async (request, reply) => {
      if (!requireSignIn(request, reply)) return reply;
      const identity = request.identity!;
      try {
        // A case number is taken in place of the id (pages/case-list.ts), by the hook.
        incidentIdSchema.parse(request.params.incidentId);
        const state = request.incident!.state!;
        const done = DECISION_KINDS.find((k) => k === request.query.done);
        return await casePage(
          reply,
          200,
          state,
          identity,
          done ? { ok: true, lines: [`Recorded: ${KIND_WORDS[done].title}.`] } : undefined,
        );
      } catch (err) {
        return incidentFailure(reply, err, organization, identity);
      }
    },
  );

  /** The answer to a decision when the case's state could not be read (no worker answers its query): the message alone. */
  function messagePage(reply: FastifyReply, status: number, incidentId: string, identity: Identity, message: Message) {
    const id = encodeURIComponent(incidentId);
    const body = `${noticeHtml(message)}<p><a href="/cases/${id}">Open the case again</a></p>`;
    return send(
      reply,
      status,
      page(message.heading ?? `Case ${incidentId}`, body, { organization, identity, csrf: csrfToken(reply) }),
    );
  }

  app.post<{ Params: { incidentId: string }; Body: FormValues | undefined }>(
    '/cases/:incidentId/decide',
    // Need to know as the API reads it (469.2c(1)): while no worker answers the state's query, the
    // decision is still taken, and answered as pending (client/need-to-know.ts readForDecision).
    {
      onRequest: needToKnow({
        client: deps.client,
        decisionWaitMs: deps.decisionWaitMs ?? DECISION_WAIT_MS_DEFAULT,
        failure,
      }),
      preHandler: app.csrfProtection,
    },
    async (request, reply) => {
      if (!requireSignIn(request, reply)) return reply;
      const identity = request.identity!;
      const form: FormValues = request.body && typeof request.body === 'object' ? request.body : {};
      let incidentId: string;
      let state: IncidentState | undefined;
      try {
        incidentId = incidentIdSchema.parse(request.params.incidentId);
        state = request.incident!.state;
      } catch (err) {
        return incidentFailure(reply, err, organization, identity);
      }
      const answer = (status: number, message: Message | undefined, pending?: Pending) =>
        state
          ? casePage(reply, status, state, identity, message, pending)
          : messagePage(
              reply,
              status,
              incidentId,
              identity,
              message ?? { ok: false, lines: Object.values(pending?.errors ?? {}) },
            );
      const kind = DECISION_KINDS.find((k) => k === form.kind);
      if (!kind) return answer(400, { ok: false, lines: ['Choose a decision from this page.'] });
      if (identity.roles.length === 0)
        return answer(403, {
          ok: false,
          lines: ['You hold no role in the playbook: you may report and follow your reports, not decide.'],
        });
      if (deps.playbook.signInRequiredFor.includes(kind) && !freshEnough(identity)) {
        return answer(401, { ok: false, lines: ['This decision needs a fresh sign-in: sign in again, then send it.'] });
      }
      const fields = formFields(kind, { playbook: deps.playbook, state, personRoles: identity.roles });
      const read = readDecisionForm(kind, fields, form);
      if (!read.ok) return answer(400, undefined, { kind, values: form, errors: read.errors });
      try {
        const submitted = await sendDecision(
          deps.client,
          incidentId,
          { ...read.body, actorId: identity.key },
          deps.decisionWaitMs,
        );
        if (submitted.status === 'pending') {
          const follow = 'Opening the case again shows whether it was applied.';
          return answer(202, {
            ok: true,
            heading: PENDING_TITLE,
            lines: pendingLines(kind, incidentId, submitted.decisionId, follow),
          });
        }
        return reply.redirect(`/cases/${encodeURIComponent(incidentId)}?done=${kind}`, 303);
      } catch (err) {
        if (err instanceof DecisionRefusedError) {
          const status = refusalStatus(err.refusal.type);
          state = await readableState(deps.client, identity, incidentId).catch(() => state);
          return answer(status, { ok: false, lines: err.refusal.reasons }, { kind, values: form, errors: {} });
        }
        return incidentFailure(reply, err, organization, identity);
      }
    },
  );
}
