/**
 * The after-action report of an exercise incident on its case page (docs/exercises.md):
 *   GET  /cases/:incidentId/after-action            the report as the CLI renders it (exercises/report-html.ts,
 *                                                   the charts as SVG), with the findings form
 *   POST /cases/:incidentId/after-action/findings   the facilitator's findings (CSRF, like every case form)
 * An exercise's incident id is its run id (exercises/plan.ts). Seen by whoever may see the case (need to
 * know, client/need-to-know.ts); the findings are edited by the exercise's facilitators: the people holding the
 * IPS Director or the Privacy Division role, who run the exercise and receive its injects.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ExerciseNotFoundError, exerciseStatus } from '../client/exercises.js';
import { incidentIdSchema } from '../domain/ids.js';
import type { Role } from '../domain/roles.js';
import { afterAction, type AfterActionReport } from '../exercises/report.js';
import { AFTER_ACTION_STYLE, afterActionBody } from '../exercises/report-html.js';
import {
  asEdited,
  FindingsFileError,
  findingsFile,
  MAX_FINDING_LENGTH,
  MAX_FINDINGS,
  readFindingsFile,
  saveFindings,
} from '../exercises/findings.js';
import type { NamedIncident } from '../client/need-to-know.js';
import { IncidentNotFoundError } from '../client/incidents.js';
import type { Identity } from '../security/identity.js';
import { incidentFailure } from './case-view.js';
import { needToKnow } from './need-to-know.js';
import { csrfToken, requireSignIn, type PageDeps } from './index.js';
import { errorSummary, escapeHtml, page, send } from './layout.js';

export const FINDINGS_EDITORS: Role[] = ['ipsDirector', 'privacyDivision'];
const RUN_ID = /^ex-[a-z0-9-]{3,60}$/;

export const mayEditFindings = (identity: Identity) => identity.roles.some((r) => FINDINGS_EDITORS.includes(r));

/** Whether the incident is an exercise's (its id is a run id and the run exists): the case page links the report. */
export async function isExerciseIncident(deps: PageDeps, incidentId: string): Promise<boolean> {
  if (!RUN_ID.test(incidentId)) return false;
  return exerciseStatus(deps.client, incidentId).then(
    () => true,
    () => false,
  );
}

function findingsForm(
  r: AfterActionReport,
  csrf: string,
  path: string,
  errors: Map<string, string>,
  values: Record<string, string>,
): string {
  const problems = [...errors].map(([field, text]) => ({ id: field, text }));
  const area = (field: string, label: string, value: string) => {
    const name = escapeHtml(field);
    return `<div class="field${errors.has(field) ? ' invalid' : ''}"><label for="${name}">${escapeHtml(label)}</label>${errors.has(field) ? `<span class="error" id="${name}-error">${escapeHtml(errors.get(field)!)}</span>` : ''}<textarea id="${name}" name="${name}" rows="3" maxlength="${MAX_FINDING_LENGTH}"${errors.has(field) ? ` aria-describedby="${name}-error"` : ''}>${escapeHtml(value)}</textarea></div>`;
  };
  return `<section aria-labelledby="edit-findings"><h2 id="edit-findings">Edit the findings</h2>${errorSummary(problems, 'The findings were not saved')}
<p>Change a finding's text, empty it to drop it, or write a new one. The report keeps your words; a finding left as drafted stays a draft.</p>
<form method="post" action="${path}/findings" novalidate><input type="hidden" name="_csrf" value="${escapeHtml(csrf)}">
${r.findings.map((f, i) => area(`finding-${f.id}`, `Finding ${i + 1}${f.source === 'draft' ? ' (draft)' : ''}`, values[`finding-${f.id}`] ?? f.text)).join('\n')}
${area('new-finding', 'A new finding', values['new-finding'] ?? '')}
<button type="submit">Save the findings</button></form></section>`;
}

export function afterActionRoutes(app: FastifyInstance, deps: PageDeps): void {
  const organization = deps.playbook.organization;

  /** The report as it stands, or a reply already sent (not a case the person may see, not an exercise). */
  /** The exercise's report; `read`: the incident as the route's need-to-know hook read it (pages/need-to-know.ts). */
  async function load(
    incidentId: string,
    identity: Identity,
    read: NamedIncident | undefined,
    reply: FastifyReply,
  ): Promise<{ report: AfterActionReport; file: string } | undefined> {
    try {
      incidentIdSchema.parse(incidentId);
      const state = read?.state;
      if (!state) throw new IncidentNotFoundError(incidentId);
      if (!RUN_ID.test(state.incidentId) || !deps.exerciseDir) throw new ExerciseNotFoundError(state.incidentId);
      const { exercise, input, incident } = await exerciseStatus(deps.client, state.incidentId);
      const file = findingsFile(deps.exerciseDir, exercise.runId);
      return {
        report: afterAction(input, exercise, incident, new Date(), asEdited(await readFindingsFile(file))),
        file,
      };
    } catch (err) {
      if (err instanceof ExerciseNotFoundError) {
        send(
          reply,
          404,
          page(
            'No after-action report',
            '<p>This case is not an exercise: only exercises have an after-action report.</p>',
            { organization, identity, csrf: csrfToken(reply) },
          ),
        );
        return undefined;
      }
      if (err instanceof FindingsFileError) {
        send(
          reply,
          500,
          page('The findings could not be read', `<p>${escapeHtml(err.message)}. Correct the file, then reload.</p>`, {
            organization,
            identity,
            csrf: csrfToken(reply),
          }),
        );
        return undefined;
      }
      incidentFailure(reply, err, organization, identity);
      return undefined;
    }
  }

  function reportPage(
    reply: FastifyReply,
    status: number,
    r: AfterActionReport,
    identity: Identity,
    extra: { saved?: boolean; errors?: Map<string, string>; values?: Record<string, string> } = {},
  ): FastifyReply {
    const csrf = csrfToken(reply);
    const path = `/cases/${encodeURIComponent(r.incidentId)}/after-action`;
    const note = mayEditFindings(identity)
      ? '<p>Drafted from the figures; edit them below (the IPS Director and the Privacy Division, who run the exercise, may).</p>'
      : "<p>Drafted from the figures; the exercise's facilitators (the IPS Director and the Privacy Division) edit them.</p>";
    const body = `<style>${AFTER_ACTION_STYLE}</style>${extra.saved ? '<div class="notice" role="status"><p>The findings were saved.</p></div>' : ''}
<p><a href="/cases/${encodeURIComponent(r.incidentId)}">Back to the case</a> · <a href="${path}?format=json">as JSON</a></p>
<div class="aar">${afterActionBody(r, { heading: false, findingsNote: note })}</div>
${mayEditFindings(identity) ? findingsForm(r, csrf, path, extra.errors ?? new Map(), extra.values ?? {}) : ''}`;
    return send(reply, status, page(`After-action report: ${r.title}`, body, { organization, identity, csrf }));
  }

  // Need to know (469.2c(1)) first, before the form or its CSRF token is read (pages/need-to-know.ts).
  const caseRead = needToKnow({
    client: deps.client,
    failure: (request, reply, err) => incidentFailure(reply, err, organization, request.identity),
  });

  app.get<{ Params: { incidentId: string }; Querystring: { saved?: string; format?: string } }>(
    '/cases/:incidentId/after-action',
    { onRequest: caseRead },
    async (request, reply) => {
      if (!requireSignIn(request, reply)) return reply;
      const loaded = await load(request.params.incidentId, request.identity!, request.incident, reply);
      if (!loaded) return reply;
      if (request.query.format === 'json') return reply.header('cache-control', 'no-store').send(loaded.report);
      return reportPage(reply, 200, loaded.report, request.identity!, { saved: request.query.saved === '1' });
    },
  );

  app.post<{ Params: { incidentId: string }; Body: Record<string, unknown> | undefined }>(
    '/cases/:incidentId/after-action/findings',
    { onRequest: caseRead, preHandler: app.csrfProtection },
    async (request, reply) => {
      if (!requireSignIn(request, reply)) return reply;
      const identity = request.identity!;
      const loaded = await load(request.params.incidentId, identity, request.incident, reply);
      if (!loaded) return reply;
      if (!mayEditFindings(identity)) {
        return send(
          reply,
          403,
          page(
            'You may not edit these findings',
            "<p>The findings are edited by the exercise's facilitators: the IPS Director and the Privacy Division. Nothing was saved.</p>",
            { organization, identity, csrf: csrfToken(reply) },
          ),
        );
      }
      const form = request.body && typeof request.body === 'object' ? request.body : {};
      const known = new Set(loaded.report.findings.map((f) => `finding-${f.id}`));
      const errors = new Map<string, string>();
      const values: Record<string, string> = {};
      const changes: { id: string; text: string }[] = [];
      for (const [name, value] of Object.entries(form)) {
        if (name === '_csrf') continue;
        if (name !== 'new-finding' && !known.has(name)) {
          errors.set(name, `${name}: not a finding of this report (reload the page)`);
          continue;
        }
        if (typeof value !== 'string') {
          errors.set(name, 'Expected one text for each finding');
          continue;
        }
        values[name] = value;
        if (value.length > MAX_FINDING_LENGTH)
          errors.set(
            name,
            `A finding may have at most ${MAX_FINDING_LENGTH} characters (this one has ${value.length})`,
          );
        else if (name === 'new-finding') {
          if (value.trim() !== '') changes.push({ id: `facilitator-${Date.now().toString(36)}`, text: value.trim() });
        } else changes.push({ id: name.slice('finding-'.length), text: value.trim() });
      }
      if (loaded.report.findings.length + (values['new-finding']?.trim() ? 1 : 0) > MAX_FINDINGS)
        errors.set('new-finding', `A report keeps at most ${MAX_FINDINGS} findings`);
      if (errors.size > 0) return reportPage(reply, 400, loaded.report, identity, { errors, values });
      await saveFindings(loaded.file, changes);
      return reply.redirect(`/cases/${encodeURIComponent(loaded.report.incidentId)}/after-action?saved=1`, 303);
    },
  );
}
