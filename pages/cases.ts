/**
 * GET /cases: the cases the signed-in person may see (need to know, 5 FAM 469.2c(1)), newest first: the
 * case number, its title, the office, the people affected, the phase, whom it waits for and the next
 * deadline counting down. Search by number, office, phase, the role waited for, "waiting for me" and the
 * reported dates; GET /cases.csv the same rows as CSV for the office's own tracking sheet. The rows come
 * from pages/case-list.ts, as GET /incidents's do.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PHASES, type Phase } from '../domain/state.js';
import { ROLES, type Role } from '../domain/roles.js';
import { caseRows, casesCsv, type CaseRow, type CaseSearch } from './case-list.js';
import type { Identity } from '../security/identity.js';
import { incidentFailure } from './case-view.js';
import { renderField } from './fields.js';
import { csrfToken, requireSignIn, type PageDeps } from './index.js';
import { deadlineHtml, escapeHtml, page, send, timeHtml } from './layout.js';
import { PHASE_WORDS, ROLE_WORDS } from './words.js';

const LIMIT = 100;

type CasesQuery = Partial<
  Record<'phase' | 'awaitingRole' | 'mine' | 'number' | 'office' | 'reportedFrom' | 'reportedTo', string>
>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const short = (value: string | undefined, max: number) => (value?.trim() ? value.trim().slice(0, max) : undefined);

/** The search the query asks for; what is not one of the choices, or not a date, is left out. */
function searchOf(query: CasesQuery): CaseSearch & { mine: boolean } {
  return {
    phase: PHASES.find((p) => p === query.phase) as Phase | undefined,
    awaitingRole: ROLES.find((r) => r === query.awaitingRole) as Role | undefined,
    number: short(query.number, 40),
    office: short(query.office, 200),
    reportedFrom: query.reportedFrom && DAY.test(query.reportedFrom) ? query.reportedFrom : undefined,
    reportedTo: query.reportedTo && DAY.test(query.reportedTo) ? query.reportedTo : undefined,
    mine: query.mine === 'on',
  };
}

const phaseWords = (phase: Phase | null) => (phase ? PHASE_WORDS[phase] : 'Starting');

export function casesRoutes(app: FastifyInstance, deps: PageDeps): void {
  const organization = deps.playbook.organization;

  async function rowsFor(identity: Identity, search: CaseSearch & { mine: boolean }): Promise<CaseRow[]> {
    const rows = await caseRows(deps.client, deps.playbook, identity, search, LIMIT);
    return search.mine
      ? rows.filter((r) => r.awaitingRole !== null && identity.roles.includes(r.awaitingRole as Role))
      : rows;
  }

  app.get<{ Querystring: CasesQuery }>('/cases', async (request, reply) => {
    if (!requireSignIn(request, reply)) return reply;
    const identity = request.identity!;
    const search = searchOf(request.query);
    try {
      const rows = await rowsFor(identity, search);
      const values: Record<string, string> = {};
      for (const [key, value] of Object.entries(search)) if (typeof value === 'string') values[key] = value;
      if (search.mine) values.mine = 'on';
      const filtered = Object.keys(values).length > 0;
      const filters = `<form method="get" action="/cases" aria-label="Search the cases">
${renderField({ name: 'number', label: 'Case number', type: 'text', required: false, hint: 'The whole number (PII-2026-0042) or part of it (0042).' }, values)}
${renderField({ name: 'office', label: 'Office', type: 'text', required: false }, values)}
${renderField({ name: 'phase', label: 'Phase', type: 'select', required: false, choices: PHASES, choiceLabels: PHASE_WORDS }, values)}
${renderField({ name: 'awaitingRole', label: 'Waiting for', type: 'select', required: false, choices: ROLES, choiceLabels: ROLE_WORDS }, values)}
${renderField({ name: 'reportedFrom', label: 'Reported on or after', type: 'date', required: false }, values)}
${renderField({ name: 'reportedTo', label: 'Reported on or before', type: 'date', required: false }, values)}
${renderField({ name: 'mine', label: 'Only cases waiting for me', type: 'checkbox', required: false }, values)}
<button type="submit">Search</button></form>`;
      const csvHref = `/cases.csv${filtered ? `?${new URLSearchParams(values).toString()}` : ''}`;
      const table = rows.length
        ? `<table id="cases"><caption class="muted">${rows.length} case${rows.length === 1 ? '' : 's'}, newest first</caption><thead><tr><th scope="col">Case</th><th scope="col">Title</th><th scope="col">Office</th><th scope="col">People affected</th><th scope="col">Phase</th><th scope="col">Reported</th><th scope="col">Waiting for</th><th scope="col">Next deadline</th></tr></thead><tbody>${rows
            .map((r) => {
              const name = r.caseNumber ?? r.incidentId;
              return `<tr><td><a href="/cases/${encodeURIComponent(r.incidentId)}">${escapeHtml(name)}</a></td><td>${escapeHtml(r.title ?? '')}</td><td>${escapeHtml(r.office ?? '')}</td>
<td>${r.affectedCount === null ? '' : escapeHtml(r.affectedCount.toLocaleString('en-US'))}</td><td>${escapeHtml(phaseWords(r.phase))}${r.risk ? `<br><span class="muted">Risk ${escapeHtml(r.risk)}</span>` : ''}</td>
<td>${timeHtml(r.reportedAt)}${r.reportedLate ? ' <span class="late">Late</span>' : ''}</td><td>${escapeHtml(r.awaitingRole && r.awaitingRole in ROLE_WORDS ? ROLE_WORDS[r.awaitingRole as Role] : 'No one')}</td>
<td>${r.nextDeadline ? `${deadlineHtml(r.nextDeadline.at)}<br><span class="muted">${escapeHtml(r.nextDeadline.what)}</span>` : 'None'}</td></tr>`;
            })
            .join(
              '',
            )}</tbody></table><p><a href="${escapeHtml(csvHref)}" download>Download these cases as CSV</a> (for the office's own tracking sheet).</p>`
        : `<p>No cases${filtered ? ' match this search' : ' for you'}. You see the cases you reported and those you hold a role on (5 FAM 469.2c(1)).</p>`;
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
  });

  // The list as shown, as CSV: the same search, the same need to know, never cached.
  app.get<{ Querystring: CasesQuery }>('/cases.csv', async (request, reply): Promise<FastifyReply> => {
    if (!requireSignIn(request, reply)) return reply;
    const identity = request.identity!;
    try {
      const rows = await rowsFor(identity, searchOf(request.query));
      return reply
        .code(200)
        .type('text/csv; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="cases-${new Date().toISOString().slice(0, 10)}.csv"`)
        .send(casesCsv(rows, phaseWords));
    } catch (err) {
      return incidentFailure(reply, err, organization, identity);
    }
  });
}
