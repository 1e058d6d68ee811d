/**
 * The list of cases, shared by `GET /incidents`, the `/cases` page and its CSV (docs/pages.md): the
 * incidents found by visibility (phase, role waited for, case number, reported dates: search
 * attributes and start times), kept to those the person may see (need to know, 5 FAM 469.2c(1)), each
 * with what its state says of it (title, office, people affected, next deadline), then the office
 * filter. What the state says comes from the incident's memo (domain/case-list-facts.ts), so a page is
 * one visibility query; an incident started before the memo is asked its state, a few at a time.
 */
import type { Client } from '@temporalio/client';
import { normalCaseNumber } from '../domain/case-numbers.js';
import type { CaseListFacts } from '../domain/case-list-facts.js';
import { mayRead, readingBy, readsAll } from '../domain/need-to-know.js';
import type { Playbook } from '../domain/playbook.js';
import type { Role } from '../domain/roles.js';
import type { IncidentState, Phase } from '../domain/state.js';
import { getIncidentStates, listIncidents, type IncidentListItem } from '../client/incidents.js';
import { resolveIncidentId } from '../client/case-numbers.js';

export { resolveIncidentId };
import type { Identity } from '../security/identity.js';
import { deadlines, type Deadline } from './case-view.js';

export interface CaseSearch {
  phase?: Phase | undefined;
  awaitingRole?: Role | undefined;
  majorIncident?: boolean | undefined;
  /** A whole case number (looked up by its search attribute) or part of one. */
  number?: string | undefined;
  /** Part of the office's name, in any case. */
  office?: string | undefined;
  /** Days (YYYY-MM-DD, UTC), both included. */
  reportedFrom?: string | undefined;
  reportedTo?: string | undefined;
}

export interface CaseRow extends IncidentListItem {
  title: string | null;
  /** The office responsible once triage names it, the reporting office before. */
  office: string | null;
  affectedCount: number | null;
  /** When the first report was taken (the workflow's start). */
  reportedAt: string;
  nextDeadline: Deadline | null;
  /** The state the row was read from (undefined when the incident did not answer, or its memo sufficed). */
  state: IncidentState | undefined;
}

const DAY_MS = 86_400_000;

/** The rows `identity` may see, newest first, at most `limit`. */
export async function caseRows(
  client: Client,
  playbook: Playbook,
  identity: Identity,
  search: CaseSearch,
  limit: number,
): Promise<CaseRow[]> {
  const number = search.number?.trim() ? search.number.trim() : undefined;
  const exact = number ? normalCaseNumber(number) : undefined;
  const listed = await listIncidents(
    client,
    {
      ...(search.phase ? { phase: search.phase } : {}),
      ...(search.awaitingRole ? { awaitingRole: search.awaitingRole } : {}),
      ...(search.majorIncident ? { majorIncident: true } : {}),
      ...(exact ? { caseNumber: exact } : {}),
      ...(search.reportedFrom ? { since: new Date(`${search.reportedFrom}T00:00:00Z`) } : {}),
      ...(search.reportedTo ? { before: new Date(Date.parse(`${search.reportedTo}T00:00:00Z`) + DAY_MS) } : {}),
    },
    // Part of a number or an office is matched here, after the states: look further than `limit`.
    (number && !exact) || search.office ? 1000 : limit,
  );
  const partial = number && !exact ? number.toLowerCase() : undefined;
  const candidates = partial ? listed.filter((i) => i.caseNumber?.toLowerCase().includes(partial)) : listed;
  const all = readsAll(identity);
  // An incident whose memo holds what the list shows needs no query; older ones are asked their state.
  const asked = candidates.filter((c) => !c.facts);
  const states = await getIncidentStates(
    client,
    asked.map((c) => c.incidentId),
  );
  const stateOf = new Map(asked.map((c, i) => [c.incidentId, states[i]]));
  const office = search.office?.trim().toLowerCase();
  const rows: CaseRow[] = [];
  candidates.forEach((item) => {
    const { facts } = item;
    const state = facts ? undefined : stateOf.get(item.incidentId);
    // Need to know: without a role told of every incident, only what the state (or its memo) shows them on.
    if (!all && !(facts ? readingBy(identity, facts.readers) !== null : state && mayRead(identity, state))) return;
    const row = facts ? fromFacts(item, facts, playbook) : asRow(item, state, playbook);
    if (office && !row.office?.toLowerCase().includes(office)) return;
    rows.push(row);
  });
  return rows.slice(0, limit);
}

/** A row of `GET /incidents` (docs/contract.md "HTTP API"). */
export function listRow(r: CaseRow) {
  return {
    incidentId: r.incidentId,
    caseNumber: r.caseNumber,
    title: r.title,
    office: r.office,
    affectedCount: r.affectedCount,
    phase: r.phase,
    risk: r.risk,
    reportedLate: r.reportedLate,
    awaitingRole: r.awaitingRole,
    majorIncident: r.majorIncident,
    reportedAt: r.reportedAt,
    reportingDeadline: r.reportingDeadline,
    nextDeadline: r.nextDeadline,
  };
}

function fromFacts(item: IncidentListItem, facts: CaseListFacts, playbook: Playbook): CaseRow {
  return {
    ...item,
    title: facts.title,
    office: facts.office,
    affectedCount: facts.affectedCount,
    reportedAt: item.startedAt,
    nextDeadline: deadlines(facts.clock, playbook)[0] ?? null,
    state: undefined,
  };
}

function asRow(item: IncidentListItem, state: IncidentState | undefined, playbook: Playbook): CaseRow {
  return {
    ...item,
    caseNumber: item.caseNumber ?? state?.caseNumber ?? null,
    title: state?.title ?? null,
    office: state?.responsibleOffice ?? state?.reportingOffice ?? null,
    affectedCount: state?.affectedCount ?? null,
    reportedAt: item.startedAt,
    nextDeadline: state ? (deadlines(state, playbook)[0] ?? null) : null,
    state,
  };
}

/** A cell as CSV: quoted, and a leading = + - @ defused so that a spreadsheet does not run it. */
function cell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

export const CSV_COLUMNS = [
  'Case number',
  'Title',
  'Office',
  'People affected',
  'Phase',
  'Next deadline',
  'What is due',
  'Reported',
  'Incident id',
];

/** The rows as CSV (RFC 4180, CRLF), the columns of CSV_COLUMNS; `phaseWords` names a phase for people. */
export function casesCsv(rows: CaseRow[], phaseWords: (phase: Phase | null) => string): string {
  const lines = [CSV_COLUMNS.map(cell).join(',')];
  for (const r of rows)
    lines.push(
      [
        r.caseNumber,
        r.title,
        r.office,
        r.affectedCount,
        phaseWords(r.phase),
        r.nextDeadline?.at ?? null,
        r.nextDeadline?.what ?? null,
        r.reportedAt,
        r.incidentId,
      ]
        .map(cell)
        .join(','),
    );
  return `${lines.join('\r\n')}\r\n`;
}
