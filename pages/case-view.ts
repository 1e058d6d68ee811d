/**
 * What the case page shows, from the incident's state (which holds no names or contact details of the
 * people in the report): its summary, the deadlines, the action items with their evidence, the
 * timeline, and the decisions the signed-in person may take now.
 */
import type { FastifyReply } from 'fastify';
import type { DecisionKind } from '../domain/decision.js';
import { ALSO_DECIDED_BY, DELAY_KINDS, GATE_ROLE, KIND_PHASES } from '../domain/gates.js';
import { parseDuration } from '../domain/durations.js';
import type { Playbook } from '../domain/playbook.js';
import type { Role } from '../domain/roles.js';
import type { DeadlineFacts } from '../domain/case-list-facts.js';
import type { IncidentState } from '../domain/state.js';
import { IncidentClosedError, IncidentNotFoundError, TemporalUnavailableError } from '../client/incidents.js';
import type { Identity } from '../security/identity.js';
import { csrfToken } from './index.js';
import { deadlineHtml, escapeHtml, page, send, timeHtml } from './layout.js';
import { eventWords, KIND_WORDS, PHASE_WORDS, ROLE_WORDS } from './words.js';

export function incidentFailure(
  reply: FastifyReply,
  err: unknown,
  organization: string,
  identity?: Identity,
): FastifyReply {
  const plain = (status: number, title: string, line: string) =>
    send(
      reply,
      status,
      page(title, `<p>${escapeHtml(line)}</p>`, {
        organization,
        identity,
        ...(identity ? { csrf: csrfToken(reply) } : {}),
      }),
    );
  if (err instanceof IncidentNotFoundError || (err instanceof Error && err.name === 'ZodError')) {
    return plain(
      404,
      'No such case',
      'There is no case with this number that you may see. Cases are shown to the people with a role on them and to their reporter (5 FAM 469.2c(1)).',
    );
  }
  if (err instanceof IncidentClosedError)
    return plain(409, 'This case is closed', 'A closed case takes no more reports or decisions.');
  if (err instanceof TemporalUnavailableError)
    return plain(503, 'Please try again shortly', 'The workflow service did not answer. Nothing was recorded.');
  throw err;
}

export interface Deadline {
  at: string;
  what: string;
}

/** The clocks running on the incident (the same ones the workflow keeps: workflows/incident-state.ts). */
export function deadlines(state: DeadlineFacts, playbook: Playbook): Deadline[] {
  const found: Deadline[] = [];
  if (!state.reportedAt && state.reportingDeadline && state.phase !== 'closed') {
    found.push({
      at: state.reportingDeadline,
      what: `The one-hour report to ${state.medium === 'cyber' ? 'US-CERT' : 'the Privacy Division'} (5 FAM 468.3b(1))${state.reportedLate ? ': missed, escalated' : ''}`,
    });
  }
  const awaiting = state.awaiting;
  if (awaiting && state.phase !== 'closed') {
    const since = Date.parse(awaiting.since);
    if (state.phase === 'ppgb-advised') {
      found.push({
        at: new Date(since + parseDuration(playbook.timers.minimalRiskObjectionWindow)).toISOString(),
        what: 'The PPGB objection window ends: the case goes to closure review unless the PPGB Chair overrides (5 FAM 468.5c)',
      });
    } else if (state.phase === 'notification-delayed' && state.delay) {
      found.push({
        at: state.delay.notifyAfter,
        what: 'The security delay ends and notification goes out (5 FAM 468.6-3)',
      });
    } else {
      found.push({
        at: new Date(since + parseDuration(playbook.timers.gateEscalateAfter)).toISOString(),
        what: `Escalation to the SAOP if ${ROLE_WORDS[awaiting.role]} has not decided (5 FAM 468.2a)`,
      });
    }
  }
  return found.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** The decisions `identity` may take now; the workflow stays the judge (its refusals are shown as they come). */
export function openKinds(state: IncidentState, identity: Identity): DecisionKind[] {
  if (state.phase === 'closed' || identity.roles.length === 0) return [];
  const holds = (role: Role) => identity.roles.includes(role);
  const kinds: DecisionKind[] = [];
  const awaiting = state.awaiting;
  if (awaiting) {
    for (const kind of awaiting.kinds as DecisionKind[]) {
      if (!(kind in KIND_WORDS) || kind === 'complete-action-item') continue;
      const decided = state.decisions.some((d) => d.kind === kind && d.at >= awaiting.since);
      const roles =
        kind === 'complete-report'
          ? [awaiting.role]
          : [
              GATE_ROLE[kind as Exclude<DecisionKind, 'complete-action-item' | 'complete-report'>],
              ...(ALSO_DECIDED_BY[kind] ?? []),
            ];
      if (!decided && roles.some(holds)) kinds.push(kind);
    }
  }
  if (holds('securityLiaison')) {
    for (const kind of DELAY_KINDS) {
      if (!KIND_PHASES[kind].includes(state.phase) || kinds.includes(kind)) continue;
      const delayed = state.delay !== null && !state.delay.barred;
      if (kind === 'request-delay' ? state.delay === null : delayed) kinds.push(kind);
    }
  }
  const mine = state.actionItems.some(
    (item) => item.status === 'open' && (holds(item.ownerRole) || holds('ipsDirector')),
  );
  if (mine) kinds.push('complete-action-item');
  return kinds;
}

const nameOf = (playbook: Playbook, id: string | undefined) =>
  id ? (playbook.people.find((p) => p.id === id)?.name ?? (id.startsWith('oidc-') ? 'a workforce member' : id)) : '';

export function summaryHtml(state: IncidentState): string {
  const row = (term: string, value: string | null | undefined) =>
    value ? `<dt>${escapeHtml(term)}</dt><dd>${value}</dd>` : '';
  const e = escapeHtml;
  const reported = state.reportedAt
    ? `${timeHtml(state.reportedAt)}${state.reportedLate ? ' <strong>(late)</strong>' : ''}`
    : state.reportedLate
      ? '<strong>Late</strong>, not yet delivered'
      : 'Not yet';
  const waiting = state.awaiting
    ? `${e(ROLE_WORDS[state.awaiting.role])}: ${e(state.awaiting.kinds.map((k) => KIND_WORDS[k as DecisionKind]?.title ?? k).join('; '))} (since ${timeHtml(state.awaiting.since)})`
    : null;
  return `<dl>${row('Case number', state.caseNumber ? e(state.caseNumber) : null)}${row('Title', state.title ? e(state.title) : null)}${row(state.caseNumber ? "The system's reference" : 'Incident number', e(state.incidentId))}${row('Phase', e(PHASE_WORDS[state.phase]))}
${row('People affected (estimate)', state.affectedCount === undefined ? null : e(state.affectedCount.toLocaleString('en-US')))}
${row('Kind', state.medium === 'cyber' ? 'Cyber (electronic)' : 'Not cyber (paper, spoken, other)')}${row('Risk of harm', e(state.risk ?? 'not yet assessed'))}
${row('Discovered', state.discoveredAt ? timeHtml(state.discoveredAt) : null)}${row('Reported', reported)}
${row('Reporting office', state.reportingOffice ? e(state.reportingOffice) : null)}${row('Office responsible', state.responsibleOffice ? e(state.responsibleOffice) : null)}${row('Core Response Group', state.crgConvened === null ? null : state.crgConvened ? 'Convened' : 'Not convened')}
${row('Waiting for', waiting)}${row('Notification', state.delay ? (state.delay.barred ? 'Barred (5 FAM 468.6-3b)' : `Delayed until ${timeHtml(state.delay.notifyAfter)}`) : null)}
${row('Closed', state.closedAt ? timeHtml(state.closedAt) : null)}</dl>`;
}

export function deadlinesHtml(state: IncidentState, playbook: Playbook): string {
  const list = deadlines(state, playbook);
  if (list.length === 0) return '<p>No clock is running.</p>';
  return `<ul>${list.map((d) => `<li>${deadlineHtml(d.at)}: ${escapeHtml(d.what)}</li>`).join('')}</ul>`;
}

export function actionItemsHtml(state: IncidentState, playbook: Playbook): string {
  if (state.actionItems.length === 0) return '<p>No action items yet.</p>';
  const rows = state.actionItems
    .map(
      (
        item,
      ) => `<tr><td>${escapeHtml(item.id)}${item.description ? `<br><span class="muted">${escapeHtml(item.description)}</span>` : ''}</td><td>${escapeHtml(ROLE_WORDS[item.ownerRole])}</td>
<td>${item.status === 'done' ? `Done${item.completedAt ? ` ${timeHtml(item.completedAt)}` : ''}${item.completedBy ? ` by ${escapeHtml(nameOf(playbook, item.completedBy))}` : ''}` : 'Open'}</td><td>${escapeHtml(item.evidence ?? '')}</td></tr>`,
    )
    .join('');
  return `<table><caption class="muted">Action items and their evidence</caption><thead><tr><th scope="col">Item</th><th scope="col">Owner</th><th scope="col">Status</th><th scope="col">Evidence</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function timelineHtml(state: IncidentState, playbook: Playbook): string {
  const rows = [...state.timeline]
    .reverse()
    .map(
      (t) =>
        `<tr><td>${timeHtml(t.at)}</td><td>${escapeHtml(eventWords(t.event))}${t.detail ? `<br><span class="muted">${escapeHtml(t.detail)}</span>` : ''}</td><td>${escapeHtml(nameOf(playbook, t.actorId))}</td></tr>`,
    )
    .join('');
  return `<table id="timeline"><caption class="muted">Newest first</caption><thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">By</th></tr></thead><tbody>${rows}</tbody></table>`;
}
