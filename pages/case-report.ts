/**
 * What the case page shows of the report and the response (docs/pages.md "The case page"): the facts as
 * reported and as supplemented (what each supplement changed, and when), the analysis and each decision
 * with its reasons and who took it, and the duties with their paragraph, due date and status. From the
 * case record (the workflow's `caseRecord` query), decrypted in the API for the signed-in person only;
 * the page is sent with `Cache-Control: no-store` (pages/layout.ts `send`) and nothing of it is logged.
 *
 * Need to know (5 FAM 469.2c(1)): all of it for those with a role on the case; someone whose only
 * standing is having reported sees their own report, the phase and the outcome (pages/case.ts).
 */
import type { CaseRecord } from '../domain/case-record.js';
import type { DecisionKind } from '../domain/decision.js';
import type { Playbook } from '../domain/playbook.js';
import type { Report } from '../domain/report.js';
import type { Role } from '../domain/roles.js';
import { escapeHtml as e, timeHtml } from './layout.js';
import { PII_WORDS } from './report-form.js';
import { CISA_FIELDS, supplemented } from '../domain/report-merge.js';
import { KIND_WORDS, OUTCOME_WORDS, ROLE_WORDS } from './words.js';

const yesNo = (b: boolean | undefined) => (b === undefined ? 'Not said' : b ? 'Yes' : 'No');
const row = (term: string, value: string | null | undefined) => (value ? `<dt>${e(term)}</dt><dd>${value}</dd>` : '');
const paragraphs = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((p) => `<p>${e(p)}</p>`)
    .join('');

export const nameOf = (playbook: Playbook, id: string | undefined) =>
  id ? (playbook.people.find((p) => p.id === id)?.name ?? (id.startsWith('oidc-') ? 'a workforce member' : id)) : '';

const POPULATION: Record<string, string> = {
  workforce: 'The workforce',
  public: 'Members of the public',
  both: 'The workforce and the public',
};

const KIND: Record<Report['medium'], string> = {
  cyber: 'Cyber (electronic)',
  'non-cyber': 'Not cyber (paper, spoken, other)',
};

/** The facts of one report, as the reporter gave them (and what happened, unless `withSummary` is false). */
export function reportFactsHtml(report: Report, withSummary = true): string {
  const contact = (c: { name: string; email: string } | undefined) => (c ? `${e(c.name)} (${e(c.email)})` : null);
  return `<dl>${row('Title', report.title ? e(report.title) : null)}
${row('Discovered', timeHtml(report.discoveredAt))}${row('Happened', report.occurredAt ? timeHtml(report.occurredAt) : null)}
${row('Kind', KIND[report.medium])}
${row('Kinds of information', e(report.piiTypes.map((t) => PII_WORDS[t] ?? t).join('; ')))}
${row('People affected (estimate)', e(report.affectedCount.toLocaleString('en-US')))}${row('Who they are', e(POPULATION[report.affectedPopulation] ?? report.affectedPopulation))}
${row('Encrypted', yesNo(report.encrypted))}${row('Classified information involved', yesNo(report.classifiedInvolved))}
${row('Criminal act suspected', yesNo(report.criminalActSuspected))}${row('Caused by a workforce member', report.causedByWorkforceMember === undefined ? null : yesNo(report.causedByWorkforceMember))}
${row('Nature of the disclosure', report.disclosureFormat ? e(report.disclosureFormat) : null)}${row('Disclosed by', report.disclosedBy ? e(report.disclosedBy) : null)}${row('Disclosed to', report.disclosedTo ? e(report.disclosedTo) : null)}
${row('Reported by', `${contact(report.reporter)}, ${e(report.reporter.office)}`)}${row('Supervisor', contact(report.supervisor))}${row('Program manager', contact(report.programManager))}
${row('Functional impact (CISA)', report.functionalImpact ? e(report.functionalImpact) : null)}${row('Recoverability (CISA)', report.recoverability ? e(report.recoverability) : null)}${row('Attack vector (CISA)', report.attackVector ? e(report.attackVector) : null)}</dl>
${withSummary ? `<h4>What happened</h4>${paragraphs(report.summary)}` : ''}`;
}

/** What a supplement changed against the facts known before it (domain/report-merge.ts merges them). */
function changes(before: Report, after: Report): string[] {
  const out: string[] = [];
  const added = after.piiTypes.filter((t) => !before.piiTypes.includes(t));
  if (added.length) out.push(`Kinds of information added: ${added.map((t) => PII_WORDS[t] ?? t).join('; ')}`);
  const count = (n: number) => n.toLocaleString('en-US');
  if (after.affectedCount !== before.affectedCount)
    out.push(`People affected: ${count(before.affectedCount)} → ${count(after.affectedCount)}`);
  const now = (field: string, was: string | undefined, is: string | undefined) => {
    if (is !== undefined && is !== was) out.push(`${field}: ${was ?? 'not said'} → ${is}`);
  };
  now('Kind', KIND[before.medium], KIND[after.medium]);
  now('Encrypted', yesNo(before.encrypted), yesNo(after.encrypted));
  now('Who they are', POPULATION[before.affectedPopulation], POPULATION[after.affectedPopulation]);
  now('Happened', before.occurredAt, after.occurredAt);
  now('Nature of the disclosure', before.disclosureFormat, after.disclosureFormat);
  now('Disclosed by', before.disclosedBy, after.disclosedBy);
  now('Disclosed to', before.disclosedTo, after.disclosedTo);
  now('Program manager', before.programManager?.name, after.programManager?.name);
  if (after.classifiedInvolved && !before.classifiedInvolved) out.push('Now says classified information is involved');
  if (after.criminalActSuspected && !before.criminalActSuspected) out.push('Now says a criminal act is suspected');
  if (after.causedByWorkforceMember && !before.causedByWorkforceMember)
    out.push('Now says a workforce member caused it');
  if (after.title && after.title !== before.title) out.push(`Title: ${after.title}`);
  for (const field of CISA_FIELDS) now(`${field} (CISA)`, before[field], after[field]);
  return out;
}

/** The report as filed, each supplement with what it changed and when, and the facts as known now. */
export function reportHtml(record: CaseRecord): string {
  const first = record.report.first;
  if (!first) return '<p>The report has not been read yet.</p>';
  let known: Report = first;
  const supplements = record.report.supplements.map((s, i) => {
    const next = supplemented(known, s.report);
    const changed = changes(known, next);
    known = next;
    return `<li><h4>Supplement ${i + 1}, ${timeHtml(s.at)}</h4>${
      changed.length
        ? `<ul>${changed.map((c) => `<li>${e(c)}</li>`).join('')}</ul>`
        : '<p>No change to the facts that drive the response.</p>'
    }${paragraphs(s.report.summary)}</li>`;
  });
  const now = supplements.length ? `<h3>As known now</h3>${reportFactsHtml({ ...known, summary: '' }, false)}` : '';
  return `<h3>As reported, ${timeHtml(record.report.receivedAt)}</h3>${reportFactsHtml(first)}
<h3>As supplemented</h3>${supplements.length ? `<ol class="plain">${supplements.join('')}</ol>` : '<p>No supplement so far.</p>'}${now}`;
}

/** A decision's grounds in words: the CRG's factors and options, a delay's entity, anything else as it came. */
function groundsHtml(grounds: Record<string, unknown>): string {
  const items: string[] = [];
  for (const [key, value] of Object.entries(grounds)) {
    if (value === undefined || value === null || key === 'letter') continue;
    if (key === 'factors' && typeof value === 'object')
      items.push(
        `Factors of the risk of harm (5 FAM 468.4): ${Object.entries(value as Record<string, unknown>)
          .map(([f, level]) => `${f} ${String(level)}`)
          .join(', ')}`,
      );
    else if (Array.isArray(value))
      items.push(`${key}: ${value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ')}`);
    else if (typeof value === 'object') items.push(`${key}: ${JSON.stringify(value)}`);
    else items.push(`${key}: ${typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value)}`);
  }
  return items.length ? `<ul>${items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>` : '';
}

/** The risk of harm and every decision taken, with its reasons and who took it. */
export function decisionsHtml(record: CaseRecord, playbook: Playbook): string {
  const risk = record.risk.determined
    ? `<p>Risk of harm: <strong>${e(record.risk.determined)}</strong>${record.risk.overridden ? ` (computed ${e(record.risk.computed ?? '')}, overridden by the CRG)` : ''}.</p>${
        record.risk.reasons.length ? `<ul>${record.risk.reasons.map((r) => `<li>${e(r)}</li>`).join('')}</ul>` : ''
      }`
    : '<p>The risk of harm is not assessed yet.</p>';
  if (record.decisions.length === 0) return `${risk}<p>No decision taken yet.</p>`;
  const items = record.decisions.map((d) => {
    const title = KIND_WORDS[d.kind as DecisionKind]?.title ?? d.kind;
    const outcome = d.outcome ? `<p>Outcome: <strong>${e(OUTCOME_WORDS[d.outcome] ?? d.outcome)}</strong></p>` : '';
    const reasons = d.rationale ? `<p>Reasons: ${e(d.rationale)}</p>` : '';
    return `<li><h4>${e(title)}</h4><p class="muted">${timeHtml(d.at)}, by ${e(nameOf(playbook, d.actorId))}</p>${outcome}${reasons}${groundsHtml(d.grounds as Record<string, unknown>)}</li>`;
  });
  return `${risk}<ol class="plain">${items.join('')}</ol>`;
}

interface DutyLike {
  paragraph?: unknown;
  title?: unknown;
  description?: unknown;
  what?: unknown;
  ownerRole?: unknown;
  owner?: unknown;
  due?: unknown;
  dueAt?: unknown;
  status?: unknown;
  dischargedBy?: unknown;
  dischargedAt?: unknown;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** The duties of the state (`state.duties`, when the workflow keeps them): paragraph, owner, due, status. */
export function dutiesHtml(duties: unknown, playbook: Playbook): string {
  if (!Array.isArray(duties)) return '';
  if (duties.length === 0) return '<h2>Duties</h2><p>No duty yet.</p>';
  const rows = (duties as DutyLike[]).map((d) => {
    const role = str(d.ownerRole) ?? str(d.owner);
    const due = str(d.due) ?? str(d.dueAt);
    const what = str(d.title) ?? str(d.description) ?? str(d.what) ?? '';
    const by = str(d.dischargedBy);
    return `<tr><td>${e(str(d.paragraph) ?? '')}</td><td>${e(what)}</td><td>${e(role ? (ROLE_WORDS[role as Role] ?? role) : '')}</td>
<td>${due && Number.isFinite(Date.parse(due)) ? timeHtml(due) : e(due ?? '')}</td><td>${e(str(d.status) ?? '')}${by ? ` by ${e(nameOf(playbook, by))}` : ''}${str(d.dischargedAt) ? ` ${timeHtml(str(d.dischargedAt)!)}` : ''}</td></tr>`;
  });
  return `<h2>Duties</h2><table id="duties"><caption class="muted">What the policy asks, of whom, by when</caption><thead><tr><th scope="col">Paragraph</th><th scope="col">Duty</th><th scope="col">Owner</th><th scope="col">Due</th><th scope="col">Status</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const OUTCOMES: Record<string, string> = {
  'no-breach': 'No breach',
  'crg-declined': 'The Core Response Group was not convened',
  'minimal-risk': 'Minimal risk: no notification',
  'notification-declined': 'Notification declined',
  'notification-barred': 'Notification barred (5 FAM 468.6-3b)',
  notified: 'The people affected were notified',
};

/** The outcome in words, once there is one (`closed` alone is none yet). */
export function outcomeWords(record: CaseRecord): string | undefined {
  return OUTCOMES[record.outcome] ?? (record.phase === 'closed' ? 'Closed' : undefined);
}
