/**
 * GET /cases: the cases the signed-in person may see (need to know, 5 FAM 469.2c(1)), newest first,
 * with their phase, risk, late flag, whom they wait for and the next deadline counting down; filters
 * by phase, by the role waited for, and "waiting for me".
 */
import type { FastifyInstance } from 'fastify';
import { PHASES, type IncidentState, type Phase } from '../domain/state.js';
import { ROLES, type Role } from '../domain/roles.js';
import { getIncidentState, listIncidents } from '../client/incidents.js';
import { visibleIncidents } from '../client/need-to-know.js';
import { deadlines, incidentFailure } from './case-view.js';
import { renderField } from './fields.js';
import { csrfToken, requireSignIn, type PageDeps } from './index.js';
import { deadlineHtml, escapeHtml, page, send } from './layout.js';
import { PHASE_WORDS, ROLE_WORDS } from './words.js';

const LIMIT = 100;

export function casesRoutes(app: FastifyInstance, deps: PageDeps): void {
  const organization = deps.playbook.organization;

  app.get<{ Querystring: { phase?: string; awaitingRole?: string; mine?: string } }>(
    '/cases',
    async (request, reply) => {
      if (!requireSignIn(request, reply)) return reply;
      const identity = request.identity!;
      const phase = PHASES.find((p) => p === request.query.phase) as Phase | undefined;
      const awaitingRole = ROLES.find((r) => r === request.query.awaitingRole) as Role | undefined;
      const mine = request.query.mine === 'on';
      try {
        const listed = await visibleIncidents(
          deps.client,
          identity,
          await listIncidents(deps.client, { phase, awaitingRole }, LIMIT),
        );
        // The state of each shown case gives its next deadline; a case that does not answer is listed without one.
        const states = await Promise.all(
          listed.map((item) => getIncidentState(deps.client, item.incidentId).catch(() => undefined)),
        );
        let rows = listed.map((item, i) => ({ item, state: states[i] as IncidentState | undefined }));
        if (mine)
          rows = rows.filter(
            ({ item }) => item.awaitingRole !== null && identity.roles.includes(item.awaitingRole as Role),
          );

        const filters = `<form method="get" action="/cases" aria-label="Filter the cases">
${renderField({ name: 'phase', label: 'Phase', type: 'select', required: false, choices: PHASES, choiceLabels: PHASE_WORDS }, { phase })}
${renderField({ name: 'awaitingRole', label: 'Waiting for', type: 'select', required: false, choices: ROLES, choiceLabels: ROLE_WORDS }, { awaitingRole })}
${renderField({ name: 'mine', label: 'Only cases waiting for me', type: 'checkbox', required: false }, mine ? { mine: 'on' } : {})}
<button type="submit">Show</button></form>`;
        const table = rows.length
          ? `<table><caption class="muted">${rows.length} case${rows.length === 1 ? '' : 's'}, newest first</caption><thead><tr><th scope="col">Incident</th><th scope="col">Phase</th><th scope="col">Risk</th><th scope="col">Reported</th><th scope="col">Waiting for</th><th scope="col">Next deadline</th></tr></thead><tbody>${rows
              .map(({ item, state }) => {
                const next = state ? deadlines(state, deps.playbook)[0] : undefined;
                return `<tr><td><a href="/cases/${encodeURIComponent(item.incidentId)}">${escapeHtml(item.incidentId)}</a></td><td>${escapeHtml(item.phase ? PHASE_WORDS[item.phase] : 'Starting')}</td>
<td>${escapeHtml(item.risk ?? 'not assessed')}</td><td>${item.reportedLate ? '<span class="late">Late</span>' : 'On time'}</td>
<td>${escapeHtml(item.awaitingRole && item.awaitingRole in ROLE_WORDS ? ROLE_WORDS[item.awaitingRole as Role] : 'No one')}</td><td>${next ? `${deadlineHtml(next.at)}<br><span class="muted">${escapeHtml(next.what)}</span>` : 'None'}</td></tr>`;
              })
              .join('')}</tbody></table>`
          : `<p>No cases${phase || awaitingRole || mine ? ' match these filters' : ' for you'}. You see the cases you reported and those you hold a role on (5 FAM 469.2c(1)).</p>`;
        const csrf = csrfToken(reply);
        return send(
          reply,
          200,
          page('Cases', `${filters}<h2>Cases you may see</h2>${table}<p><a href="/report">Report a breach</a></p>`, {
            organization,
            identity,
            csrf,
            countdown: true,
          }),
        );
      } catch (err) {
        return incidentFailure(reply, err, organization, identity);
      }
    },
  );
}
