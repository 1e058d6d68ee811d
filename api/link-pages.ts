/**
 * The pages behind signed approval links: GET shows the incident's summary and the form, POST sends
 * the decision through the `decide` update with the link's person as the actor. GET never decides.
 * Everything a page shows comes from the incident's state, which holds no names or contact details:
 * the official sees what they need to decide and nothing of the people in the report.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import formbody from '@fastify/formbody';
import type { Client } from '@temporalio/client';
import { decisionBodySchema } from '../domain/decision.js';
import type { Playbook } from '../domain/playbook.js';
import { issuesOf } from '../domain/report.js';
import { decisionGroundsIssues } from '../domain/authorized.js';
import { KIND_PHASES } from '../domain/gates.js';
import type { IncidentState } from '../domain/state.js';
import { DecisionRefusedError, IncidentClosedError, IncidentNotFoundError, TemporalUnavailableError, decide, getIncidentState } from '../client/incidents.js';
import { decisionFromForm, formFields, type FormField, type FormValues } from './link-form.js';
import { linkDecisionId, verifyLink, type VerifiedLink } from '../security/links.js';
import { REFUSAL } from '../domain/refusal.js';

export interface LinkRouteDeps {
  client: Client;
  playbook: Playbook;
  linkSecret: string;
}

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
  return state.decisions.find((d) => d.kind === claims.kind && d.actorId === claims.personId && Date.parse(d.at) >= claims.issuedAt)?.at;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}
label{display:block;margin-top:.8rem;font-weight:600}input[type=text],input[type=number],textarea,select{width:100%;padding:.4rem;font:inherit}
textarea{min-height:5rem}.hint{font-weight:400;color:#555;font-size:.9rem}.error{color:#a00}button{margin-top:1rem;padding:.5rem 1.2rem;font:inherit}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function send(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('x-robots-tag', 'noindex')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
    .send(html);
}

function plain(reply: FastifyReply, status: number, title: string, ...lines: string[]): FastifyReply {
  return send(reply, status, page(title, lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('')));
}

const list = (items: string[]) => (items.length ? `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>` : '');

function summary(state: IncidentState): string {
  const row = (term: string, value: string | null | undefined) => (value ? `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>` : '');
  const open = state.actionItems.filter((item) => item.status === 'open');
  return `<dl>${row('Incident', state.incidentId)}${row('Phase', state.phase)}${row('Medium', state.medium)}${row('Risk of harm', state.risk ?? 'not yet assessed')}
${row('Discovered', state.discoveredAt)}${row('Reporting deadline', state.reportingDeadline)}${row('Reported', state.reportedAt ? `${state.reportedAt}${state.reportedLate ? ' (late)' : ''}` : state.reportedLate ? 'late, not yet delivered' : 'not yet')}
${row('Waiting for', state.awaiting ? `${state.awaiting.role}: ${state.awaiting.kinds.join(', ')} (since ${state.awaiting.since})` : null)}
${row('Delay', state.delay ? `${state.delay.barred ? 'notification barred' : `until ${state.delay.notifyAfter}`} (${state.delay.requestingEntity})` : null)}
${row('Open action items', open.length ? open.map((item) => `${item.id} (${item.ownerRole})`).join(', ') : null)}</dl>`;
}

function field(f: FormField, values: FormValues): string {
  const id = `f-${f.name.replace(/\./g, '-')}`;
  const value = values[f.name];
  const text = Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
  const name = escapeHtml(f.name);
  const required = f.required ? ' required' : '';
  const hint = f.hint ? ` <span class="hint">${escapeHtml(f.hint)}</span>` : '';
  const label = `<label for="${id}">${escapeHtml(f.label)}${f.required ? '' : ' <span class="hint">(optional)</span>'}${hint}</label>`;
  switch (f.type) {
    case 'textarea':
      return `${label}<textarea id="${id}" name="${name}"${required}>${escapeHtml(text)}</textarea>`;
    case 'select': {
      const options = (f.choices ?? []).map((c) => `<option value="${escapeHtml(c)}"${c === text ? ' selected' : ''}>${escapeHtml(c)}</option>`).join('');
      return `${label}<select id="${id}" name="${name}"${required}><option value="">(choose)</option>${options}</select>`;
    }
    case 'yes-no':
      return `<fieldset><legend>${escapeHtml(f.label)}</legend>${['yes', 'no']
        .map((v) => `<label><input type="radio" name="${name}" value="${v}"${text === v ? ' checked' : ''}${required}> ${v}</label>`)
        .join('')}</fieldset>`;
    case 'checkbox':
      return `<label><input type="checkbox" id="${id}" name="${name}" value="on"${value !== undefined ? ' checked' : ''}> ${escapeHtml(f.label)}</label>`;
    case 'checkboxes': {
      const chosen = new Set(Array.isArray(value) ? value : value ? [value] : []);
      return `<fieldset><legend>${escapeHtml(f.label)}</legend>${(f.choices ?? [])
        .map((c) => `<label><input type="checkbox" name="${name}" value="${escapeHtml(c)}"${chosen.has(c) ? ' checked' : ''}> ${escapeHtml(c)}</label>`)
        .join('')}</fieldset>`;
    }
    case 'number':
      return `${label}<input type="number" step="any" min="0" id="${id}" name="${name}" value="${escapeHtml(text)}"${required}>`;
    case 'time':
      return `${label}<input type="text" id="${id}" name="${name}" value="${escapeHtml(text)}" placeholder="2026-03-01T14:05:00Z"${required}>`;
    case 'text':
      return `${label}<input type="text" id="${id}" name="${name}" value="${escapeHtml(text)}"${required}>`;
  }
}

function formPage(claims: VerifiedLink, state: IncidentState, fields: FormField[], values: FormValues, problems: string[]): string {
  const errors = problems.length ? `<div class="error" role="alert"><p>The decision was not sent:</p>${list(problems)}</div>` : '';
  return page(
    `Decision: ${claims.kind}`,
    `${summary(state)}${errors}<form method="post" action="">${fields.map((f) => field(f, values)).join('\n')}
<button type="submit">Send decision as ${escapeHtml(claims.personId)}</button></form>
<p class="hint">This link is yours alone and works once, until ${escapeHtml(new Date(claims.expiresAt).toISOString())}.</p>`,
  );
}

const LINK_PROBLEM = {
  malformed: [400, 'This link is not valid', 'The link is incomplete or was cut short. Open it again from the email, or ask for a new one.'],
  tampered: [400, 'This link is not valid', 'The link does not carry a valid signature: it was changed after it was sent. Nothing was recorded.'],
  expired: [410, 'This link has expired', 'Ask for a new link, or record the decision with the API or the CLI.'],
} as const;

/** Registers GET and POST /links/:token in their own context (form bodies are parsed only there). */
export async function linkRoutes(app: FastifyInstance, deps: LinkRouteDeps): Promise<void> {
  await app.register(formbody, { bodyLimit: 1_048_576 });
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413) return plain(reply, 413, 'The form is too large', 'A decision form may hold at most 1 MB. Nothing was recorded.');
    if (status === 415) return plain(reply, 415, 'The form could not be read', 'Send the form from the page itself. Nothing was recorded.');
    if (status >= 400 && status < 500) return plain(reply, 400, 'The form could not be read', 'Nothing was recorded.');
    return plain(reply, 500, 'Something went wrong', 'Nothing was recorded. Please try again later.');
  });

  /** Checks the link, the person and the incident; answers the page itself when something is wrong. */
  async function open(token: string, reply: FastifyReply): Promise<{ claims: VerifiedLink; state: IncidentState; roles: string[] } | undefined> {
    const verdict = verifyLink(deps.linkSecret, token);
    if (!verdict.ok) {
      const [status, title, line] = LINK_PROBLEM[verdict.reason];
      const when = verdict.reason === 'expired' && verdict.claims ? [`It expired on ${new Date(verdict.claims.expiresAt).toISOString()}.`] : [];
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
      const state = await getIncidentState(deps.client, claims.incidentId);
      const usedAt = linkUsedAt(state, claims);
      if (usedAt !== undefined) {
        used(reply, usedAt);
        return undefined;
      }
      return { claims, state, roles: person.roles };
    } catch (err) {
      failure(reply, err);
      return undefined;
    }
  }

  function used(reply: FastifyReply, at?: string): FastifyReply {
    return plain(reply, 409, 'This link has already been used', `The decision it asks for was recorded${at ? ` at ${at}` : ''}; a link works once. Nothing new was recorded.`);
  }

  function wrongPhase(reply: FastifyReply, claims: VerifiedLink, state: IncidentState, reasons: string[] = []): FastifyReply {
    const waiting = state.awaiting ? `It now waits for ${state.awaiting.kinds.join(', ')} from the ${state.awaiting.role}.` : '';
    return send(
      reply,
      409,
      page('This decision is not open now', `<p>${escapeHtml(`Incident ${state.incidentId} is in phase ${state.phase}, where "${claims.kind}" cannot be decided. ${waiting}`)}</p>${list(reasons)}`),
    );
  }

  function failure(reply: FastifyReply, err: unknown): FastifyReply {
    if (err instanceof IncidentNotFoundError) return plain(reply, 404, 'No such incident', 'The incident this link is about does not exist.');
    if (err instanceof IncidentClosedError) return plain(reply, 409, 'This decision is not open now', 'The incident is closed.');
    if (err instanceof TemporalUnavailableError) return plain(reply, 503, 'Please try again shortly', 'The workflow service did not answer. Nothing was recorded.');
    throw err;
  }

  app.get<{ Params: { token: string } }>('/links/:token', async (request, reply) => {
    const opened = await open(request.params.token, reply);
    if (!opened) return reply;
    const { claims, state, roles } = opened;
    if (state.phase === 'closed' || !KIND_PHASES[claims.kind].includes(state.phase)) return wrongPhase(reply, claims, state);
    return send(reply, 200, formPage(claims, state, formFields(claims.kind, { playbook: deps.playbook, state, personRoles: roles }), {}, []));
  });

  app.post<{ Params: { token: string }; Body: FormValues | undefined }>('/links/:token', async (request, reply) => {
    const opened = await open(request.params.token, reply);
    if (!opened) return reply;
    const { claims, state, roles } = opened;
    if (state.phase === 'closed') return wrongPhase(reply, claims, state);
    const form: FormValues = request.body && typeof request.body === 'object' ? request.body : {};
    const fields = formFields(claims.kind, { playbook: deps.playbook, state, personRoles: roles });
    const parsed = decisionBodySchema.safeParse(decisionFromForm(claims.kind, fields, form));
    if (!parsed.success) {
      const problems = issuesOf(parsed.error).map((i) => `${i.path}: ${i.message}`);
      return send(reply, 400, formPage(claims, state, fields, form, problems));
    }
    const grounds = decisionGroundsIssues(parsed.data);
    if (grounds.length) return send(reply, 400, formPage(claims, state, fields, form, grounds.map((i) => `${i.path}: ${i.message}`)));
    try {
      const next = await decide(deps.client, claims.incidentId, { ...parsed.data, actorId: claims.personId, decisionId: linkDecisionId(claims.linkId) });
      // The workflow applies a repeated decisionId once and answers with the state unchanged: a second
      // submission of the same form (another tab, a double click) lands here.
      const recorded = next.decisions.slice(state.decisions.length).find((d) => d.kind === claims.kind && d.actorId === claims.personId);
      if (!recorded) return used(reply);
      return send(
        reply,
        200,
        page('Decision recorded', `<p>${escapeHtml(`Your decision "${claims.kind}" on incident ${claims.incidentId} was recorded. Thank you.`)}</p>${summary(next)}`),
      );
    } catch (err) {
      if (err instanceof DecisionRefusedError) {
        const { type, reasons } = err.refusal;
        if (type === REFUSAL.conflict) return wrongPhase(reply, claims, state, reasons);
        if (type === REFUSAL.forbidden) return send(reply, 403, page('You may not make this decision', list(reasons)));
        return send(reply, 400, formPage(claims, state, fields, form, reasons));
      }
      return failure(reply, err);
    }
  });
}
