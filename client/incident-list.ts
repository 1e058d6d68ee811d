/**
 * The incidents as Temporal's visibility lists them, from the contract's search attributes
 * (domain/search-attributes.ts): the list of the API, the CLI and the case workspace.
 */
import { readCaseListFacts, type CaseListFacts } from '../domain/case-list-facts.js';
import type { Client } from '@temporalio/client';
import { incidentIdFromWorkflowId, WORKFLOW_TYPE } from '../domain/ids.js';
import {
  BreachAwaitingRole,
  BreachCaseNumber,
  BreachMajorIncident,
  BreachPhase,
  BreachReportedLate,
  BreachReportingDeadline,
  BreachRisk,
} from '../domain/search-attributes.js';
import type { Role } from '../domain/roles.js';
import { PHASES, type Phase } from '../domain/state.js';
import { asTemporalError } from './errors.js';

/** Search attributes of the contract (domain/search-attributes.ts), by the field they hold. */
const searchAttributes = {
  phase: BreachPhase,
  risk: BreachRisk,
  reportingDeadline: BreachReportingDeadline,
  reportedLate: BreachReportedLate,
  awaitingRole: BreachAwaitingRole,
  majorIncident: BreachMajorIncident,
  caseNumber: BreachCaseNumber,
} as const;

export interface IncidentFilter {
  phase?: Phase;
  awaitingRole?: Role;
  /** Incidents whose workflow started at or after this time. */
  since?: Date;
  /** Only major incidents (search attribute BreachMajorIncident, workflows/major-incident.ts). */
  majorIncident?: boolean;
  /** Incidents whose workflow started before this time (with `since`: reported between two dates). */
  before?: Date;
  /** The case with this number (domain/case-numbers.ts normalCaseNumber: checked before it gets here). */
  caseNumber?: string;
}

export interface IncidentListItem {
  incidentId: string;
  /** The case number (`PII-2026-0042`); null for an incident from before numbers. */
  caseNumber: string | null;
  phase: Phase | null;
  risk: string | null;
  reportedLate: boolean;
  awaitingRole: string | null;
  reportingDeadline: string | null;
  /** Flagged a major incident (OMB's definition; the playbook's threshold). */
  majorIncident: boolean;
  startedAt: string;
  closedAt: string | null;
  /** Temporal's status of the workflow (RUNNING, COMPLETED, ...). */
  status: string;
  /** What the list shows and who may see it, from the memo (domain/case-list-facts.ts); absent in older incidents. */
  facts?: CaseListFacts;
}

/**
 * A visibility query over the incident workflows. The filter's values are checked against the closed
 * lists of phases and roles before they get here, so nothing from a request is quoted into the query
 * unchecked.
 */
export function visibilityQuery(filter: IncidentFilter): string {
  const clauses = [`WorkflowType = '${WORKFLOW_TYPE}'`];
  if (filter.phase) clauses.push(`${searchAttributes.phase.name} = '${quoteSafe(filter.phase)}'`);
  if (filter.awaitingRole) clauses.push(`${searchAttributes.awaitingRole.name} = '${quoteSafe(filter.awaitingRole)}'`);
  if (filter.since) clauses.push(`StartTime >= '${filter.since.toISOString()}'`);
  if (filter.majorIncident) clauses.push(`${searchAttributes.majorIncident.name} = true`);
  if (filter.before) clauses.push(`StartTime < '${filter.before.toISOString()}'`);
  if (filter.caseNumber) clauses.push(`${searchAttributes.caseNumber.name} = '${quoteSafe(filter.caseNumber)}'`);
  return clauses.join(' AND ');
}

function quoteSafe(value: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(value))
    throw new Error(`unexpected value in a visibility query: ${JSON.stringify(value)}`);
  return value;
}

export async function listIncidents(client: Client, filter: IncidentFilter, limit = 1000): Promise<IncidentListItem[]> {
  const items: IncidentListItem[] = [];
  try {
    for await (const execution of client.workflow.list({
      query: visibilityQuery(filter),
      pageSize: Math.min(limit, 1000),
    })) {
      const incidentId = incidentIdFromWorkflowId(execution.workflowId);
      if (!incidentId) continue;
      const attributes = execution.typedSearchAttributes;
      const phase = attributes.get(searchAttributes.phase);
      const deadline = attributes.get(searchAttributes.reportingDeadline);
      items.push({
        incidentId,
        caseNumber: attributes.get(searchAttributes.caseNumber) ?? null,
        phase: phase && (PHASES as readonly string[]).includes(phase) ? (phase as Phase) : null,
        risk: attributes.get(searchAttributes.risk) ?? null,
        reportedLate: attributes.get(searchAttributes.reportedLate) ?? false,
        awaitingRole: attributes.get(searchAttributes.awaitingRole) || null,
        reportingDeadline: deadline ? deadline.toISOString() : null,
        majorIncident: attributes.get(searchAttributes.majorIncident) ?? false,
        startedAt: execution.startTime.toISOString(),
        closedAt: execution.closeTime ? execution.closeTime.toISOString() : null,
        status: execution.status.name,
        ...withFacts(readCaseListFacts(execution.memo)),
      });
      if (items.length >= limit) break;
    }
  } catch (err) {
    throw asTemporalError(err);
  }
  return items;
}

const withFacts = (facts: CaseListFacts | undefined) => (facts ? { facts } : {});
