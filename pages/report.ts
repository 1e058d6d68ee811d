/**
 * GET/POST /report: the Breach Incident form for any signed-in workforce member (5 FAM 468.3a), and
 * the confirmation page after it: the incident number, the one-hour deadline and what was done.
 * `?incident=<id>` makes it a supplement of an incident the person may see (a second report of the
 * same incident adds to it; it never starts another).
 */
import type { FastifyInstance } from 'fastify';
import { incidentIdSchema } from '../domain/ids.js';
import type { IncidentState } from '../domain/state.js';
import { futureDiscoveryIssue, submitReport } from '../client/incidents.js';
import { mayReportOn, readableState } from '../client/need-to-know.js';
import type { Identity } from '../security/identity.js';
import { renderField, fieldId, type FieldErrors } from './fields.js';
import { csrfToken, requireSignIn, type PageDeps } from './index.js';
import { deadlineHtml, errorSummary, escapeHtml, page, send } from './layout.js';
import type { FormValues } from './link-form.js';
import { checkReport } from './report-form.js';
import { REPORT_FIELDS, REPORT_SECTIONS } from './report-sections.js';
import { incidentFailure } from './case-view.js';
import { mailTemplate } from '../domain/mail-report.js';

function formHtml(
  values: FormValues,
  errors: FieldErrors,
  csrf: string,
  incidentId: string | undefined,
  mailboxes: readonly string[] = [],
): string {
  const known = new Set(REPORT_FIELDS.map((f) => f.name));
  const problems = Object.entries(errors).map(([name, text]) => ({
    ...(known.has(name) ? { id: fieldId(name) } : {}),
    text,
  }));
  const sections = REPORT_SECTIONS.map(
    (s) => `<h2>${escapeHtml(s.heading)}</h2>${s.fields.map((f) => renderField(f, values, errors)).join('\n')}`,
  ).join('\n');
  const intro = incidentId
    ? `<p>This adds to the report of incident <strong>${escapeHtml(incidentId)}</strong>: what you add is joined to what was reported, and the response widens if the facts do.</p>`
    : `<p>Report a suspected or confirmed breach of personally identifiable information (PII) at once: the Department must report it within one hour of discovery (5 FAM 468.3b(1)). Report even if you are not sure. Every field marked (optional) may be left empty.</p>`;
  return `${errorSummary(problems)}${intro}<form method="post" action="/report${incidentId ? `?incident=${encodeURIComponent(incidentId)}` : ''}" novalidate>
<input type="hidden" name="_csrf" value="${escapeHtml(csrf)}">${sections}
<button type="submit">Send the report</button></form>${mailTemplateHtml(mailboxes)}`;
}

/** 468.3b: when the form cannot be reached, the same report by email to an intake mailbox (docs/intake-mail.md). */
function mailTemplateHtml(mailboxes: readonly string[]): string {
  if (mailboxes.length === 0) return '';
  return `<h2>If you cannot use this form</h2>
<p>Send the report by email to ${mailboxes.map((m) => `<a href="mailto:${escapeHtml(m)}">${escapeHtml(m)}</a>`).join(' or ')}, with these lines filled in (leave out what you do not know; you will be asked for it). Copy it now, in case the form is out of reach later.</p>
<pre>${escapeHtml(mailTemplate(mailboxes))}</pre>`;
}

/** What the workflow does on a report (workflows/reporting.ts), said to the reporter. */
function whatWasDone(state: IncidentState): string[] {
  const cyber = state.medium === 'cyber';
  const done = [
    'Your supervisor is told: this form is that notice (5 FAM 468.3b).',
    cyber
      ? 'The report goes to DS/CIRT and to US-CERT within the hour (5 FAM 468.3b(1)).'
      : 'The report goes to the Privacy Division within the hour (5 FAM 468.3b(1)).',
    'The IPS Director is asked to name the office responsible and to decide on convening the Core Response Group (5 FAM 467.2c).',
  ];
  if (state.actionItems.some((i) => i.id === 'oig-referral'))
    done.push('OIG Investigations is told, as a crime is suspected (5 FAM 468.3b(2)).');
  if (state.supplements > 0) done.push(`The report was added to the incident (supplement ${state.supplements}).`);
  return done;
}

export function reportRoutes(app: FastifyInstance, deps: PageDeps): void {
  const organization = deps.playbook.organization;
  const mailboxes = (deps.playbook.intake?.mailboxes ?? []).map((m) => m.address);
  const incidentOf = (query: { incident?: string }) => {
    const parsed = incidentIdSchema.safeParse(query.incident);
    return parsed.success ? parsed.data : undefined;
  };
  const prefill = (identity: Identity): FormValues => ({
    'reporter.name': identity.name,
    'reporter.email': identity.email,
  });

  app.get<{ Querystring: { incident?: string } }>('/report', async (request, reply) => {
    if (!requireSignIn(request, reply)) return reply;
    const identity = request.identity!;
    const incidentId = incidentOf(request.query);
    if (incidentId) {
      try {
        await readableState(deps.client, identity, incidentId);
      } catch (err) {
        return incidentFailure(reply, err, organization, identity);
      }
    }
    const title = incidentId ? 'Add to a breach report' : 'Report a breach of personally identifiable information';
    const csrf = csrfToken(reply);
    return send(
      reply,
      200,
      page(title, formHtml(prefill(identity), {}, csrf, incidentId, mailboxes), { organization, identity, csrf }),
    );
  });

  app.post<{ Querystring: { incident?: string }; Body: FormValues | undefined }>(
    '/report',
    { preHandler: app.csrfProtection },
    async (request, reply) => {
      if (!requireSignIn(request, reply)) return reply;
      const identity = request.identity!;
      const form: FormValues = request.body && typeof request.body === 'object' ? request.body : {};
      const incidentId = incidentOf(request.query);
      const now = new Date();
      const filer = identity.name && identity.email ? { name: identity.name, email: identity.email } : undefined;
      const checked = checkReport(form, incidentId, (report) => futureDiscoveryIssue(report, now), filer);
      if ('errors' in checked) {
        const csrf = csrfToken(reply);
        const title = incidentId ? 'Add to a breach report' : 'Report a breach of personally identifiable information';
        return send(
          reply,
          400,
          page(`Error: ${title}`, formHtml(form, checked.errors, csrf, incidentId, mailboxes), {
            organization,
            identity,
            csrf,
          }),
        );
      }
      try {
        if (incidentId && !(await mayReportOn(deps.client, identity, incidentId))) {
          return send(
            reply,
            403,
            page('This report cannot be added', '<p>You may add to an incident you reported or hold a role on.</p>', {
              organization,
              identity,
            }),
          );
        }
        const accepted = await submitReport(
          { client: deps.client, taskQueue: deps.taskQueue, playbook: deps.playbook },
          checked.report,
          now,
          identity.key,
        );
        return reply.redirect(`/report/received/${encodeURIComponent(accepted.incidentId)}`, 303);
      } catch (err) {
        return incidentFailure(reply, err, organization, identity);
      }
    },
  );

  app.get<{ Params: { incidentId: string } }>('/report/received/:incidentId', async (request, reply) => {
    if (!requireSignIn(request, reply)) return reply;
    const identity = request.identity!;
    try {
      const incidentId = incidentIdSchema.parse(request.params.incidentId);
      // The workflow takes the report within moments of the signal; wait for it to say so.
      let state = await readableState(deps.client, identity, incidentId);
      for (let i = 0; i < 40 && state.discoveredAt === ''; i += 1) {
        await new Promise((r) => setTimeout(r, 250));
        state = await readableState(deps.client, identity, incidentId);
      }
      const deadline = state.reportingDeadline
        ? `<p>The one-hour deadline for reporting it ${state.medium === 'cyber' ? 'to US-CERT' : 'to the Privacy Division'} is <strong>${deadlineHtml(state.reportingDeadline)}</strong>. This system sends it for you.</p>`
        : '';
      const named = state.caseNumber
        ? `<p>Your case number is <strong>${escapeHtml(state.caseNumber)}</strong>. Give it when you ask about this case.</p><p class="muted">The system's reference: ${escapeHtml(incidentId)}</p>`
        : `<p>Your incident number is <strong>${escapeHtml(incidentId)}</strong>.</p>`;
      const body = `<div class="notice" role="status">${named}</div>${deadline}
<h2>What was done</h2><ul>${whatWasDone(state)
        .map((line) => `<li>${escapeHtml(line)}</li>`)
        .join('')}</ul>
<p>If you learn more, <a href="/report?incident=${encodeURIComponent(incidentId)}">add to this report</a>. You can follow it on <a href="/cases/${encodeURIComponent(incidentId)}">its case page</a>.</p>`;
      return send(
        reply,
        200,
        page('Report received', body, { organization, identity, csrf: csrfToken(reply), countdown: true }),
      );
    } catch (err) {
      return incidentFailure(reply, err, organization, identity);
    }
  });
}
