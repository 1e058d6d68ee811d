/**
 * What the case list shows of an incident and who may see it (docs/pages.md "The case list"), kept by
 * the workflow in its memo `caseList` (workflows/incident-state.ts) so that `GET /cases` and `GET
 * /incidents` read a whole page from one visibility query instead of asking each incident for its
 * state (docs/performance.md). A memo, not search attributes: the title and the office are free text
 * and the readers are people's keys, and a memo is encoded by the payload codec like every payload
 * (encrypted at rest), where search attributes are not. Incidents started before it have no memo; the
 * list asks their state as before.
 */
import { PHASES, type IncidentState } from './state.js';
import type { Readers } from './need-to-know.js';
import { ROLES, type Role } from './roles.js';

export const CASE_LIST_MEMO = 'caseList';

/** What the next deadline is computed from (pages/case-view.ts `deadlines`): a subset of the state. */
export type DeadlineFacts = Pick<
  IncidentState,
  'reportedAt' | 'reportingDeadline' | 'phase' | 'medium' | 'reportedLate'
> & {
  awaiting: Pick<NonNullable<IncidentState['awaiting']>, 'role' | 'since'> | null;
  delay: Pick<NonNullable<IncidentState['delay']>, 'notifyAfter'> | null;
};

export interface CaseListFacts {
  title: string | null;
  /** The office responsible once triage names it, the reporting office before. */
  office: string | null;
  affectedCount: number | null;
  clock: DeadlineFacts;
  readers: Readers;
}

export function caseListFacts(state: IncidentState, readers: Readers): CaseListFacts {
  return {
    title: state.title ?? null,
    office: state.responsibleOffice ?? state.reportingOffice ?? null,
    affectedCount: state.affectedCount ?? null,
    clock: {
      reportedAt: state.reportedAt,
      reportingDeadline: state.reportingDeadline,
      phase: state.phase,
      medium: state.medium,
      reportedLate: state.reportedLate,
      awaiting: state.awaiting ? { role: state.awaiting.role, since: state.awaiting.since } : null,
      delay: state.delay ? { notifyAfter: state.delay.notifyAfter } : null,
    },
    readers,
  };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isNullOr = <T>(v: unknown, is: (x: unknown) => x is T): v is T | null => v === null || is(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isRole = (v: unknown): v is Role => isString(v) && (ROLES as readonly string[]).includes(v);

/** The memo as the list reads it; undefined when absent or not of this shape (the list then asks the state). */
export function readCaseListFacts(memo: unknown): CaseListFacts | undefined {
  if (!isObject(memo)) return undefined;
  const f = memo[CASE_LIST_MEMO];
  if (!isObject(f) || !isObject(f.clock) || !isObject(f.readers)) return undefined;
  const { clock: c, readers: r } = f;
  const ok =
    isNullOr(f.title, isString) &&
    isNullOr(f.office, isString) &&
    (f.affectedCount === null || typeof f.affectedCount === 'number') &&
    isNullOr(c.reportedAt, isString) &&
    isString(c.reportingDeadline) &&
    isString(c.phase) &&
    (PHASES as readonly string[]).includes(c.phase) &&
    (c.medium === 'cyber' || c.medium === 'non-cyber') &&
    typeof c.reportedLate === 'boolean' &&
    (c.awaiting === null || (isObject(c.awaiting) && isRole(c.awaiting.role) && isString(c.awaiting.since))) &&
    (c.delay === null || (isObject(c.delay) && isString(c.delay.notifyAfter))) &&
    Array.isArray(r.roles) &&
    r.roles.every(isRole) &&
    (r.programManagers === undefined || isStrings(r.programManagers)) &&
    isStrings(r.actors) &&
    isStrings(r.reporters);
  return ok ? (f as unknown as CaseListFacts) : undefined;
}
