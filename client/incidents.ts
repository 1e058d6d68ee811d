/**
 * The incident operations that the HTTP API and the CLI share: signal-with-start of a report, the
 * `decide` update, the state query and the visibility list. Both front ends speak to Temporal through
 * these functions so that they refuse, time out and name incidents the same way.
 */
import { readCaseListFacts, type CaseListFacts } from '../domain/case-list-facts.js';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import {
  Client,
  WorkflowUpdateFailedError,
  isGrpcServiceError,
  isGrpcDeadlineError,
  ServiceError,
} from '@temporalio/client';
import { incidentIdFromWorkflowId, incidentWorkflowId, WORKFLOW_TYPE } from '../domain/ids.js';
import type { Playbook } from '../domain/playbook.js';
import { REFUSAL, type Refusal, type RefusalType } from '../domain/refusal.js';
import type { Report } from '../domain/report.js';
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
import { PHASES, type IncidentState, type Phase } from '../domain/state.js';
import type { breachIncidentWorkflow, IncidentInput } from '../workflows/incident.js';
import { incidentStateQuery, reportIntakeSignal } from '../workflows/messages.js';
import { assignCaseNumber } from './case-numbers.js';

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

/** A report's discovery time may run ahead of our clock by this much (clock skew between posts). */
export const DISCOVERY_CLOCK_SKEW_MS = 5 * 60_000;

/** How long a query or an update may take before the caller is told Temporal did not answer. */
export const TEMPORAL_CALL_TIMEOUT_MS = 20_000;

export interface IncidentDeps {
  client: Client;
  taskQueue: string;
  /** The playbook a new incident starts with (and keeps). */
  playbook: Playbook;
  /** How long a new report waits for its case number (client/case-numbers.ts; default CASE_NUMBER_WAIT_MS). */
  caseNumberWaitMs?: number;
}

export class IncidentNotFoundError extends Error {
  override name = 'IncidentNotFoundError';
  constructor(readonly incidentId: string) {
    super(`no incident "${incidentId}"`);
  }
}

/** The incident's workflow has ended (closed): it takes no more reports or decisions. */
export class IncidentClosedError extends Error {
  override name = 'IncidentClosedError';
  constructor(readonly incidentId: string) {
    super(`incident "${incidentId}" is closed`);
  }
}

/** The workflow refused a decision (the `decide` update's validator or handler). */
export class DecisionRefusedError extends Error {
  override name = 'DecisionRefusedError';
  constructor(
    readonly refusal: Refusal,
    message: string,
  ) {
    super(message);
  }
}

/** Temporal is unreachable or did not answer in time. */
export class TemporalUnavailableError extends Error {
  override name = 'TemporalUnavailableError';
  constructor(
    message: string,
    readonly timedOut = false,
  ) {
    super(message);
  }
}

/** An opaque incident id (no PII): the API and CLI make one when the report carries none. */
export function newIncidentId(): string {
  return `inc-${randomUUID()}`;
}

/** The contract's `[{ path, message }]` issue when discoveredAt lies in the future, else undefined. */
export function futureDiscoveryIssue(
  report: Pick<Report, 'discoveredAt'>,
  now: Date,
): { path: string; message: string } | undefined {
  const ahead = Date.parse(report.discoveredAt) - now.getTime();
  if (ahead <= DISCOVERY_CLOCK_SKEW_MS) return undefined;
  return {
    path: 'discoveredAt',
    message: `expected a time that has passed: ${report.discoveredAt} is ${Math.round(ahead / 60_000)} minutes ahead of the server clock (${now.toISOString()}); at most ${DISCOVERY_CLOCK_SKEW_MS / 60_000} minutes are tolerated`,
  };
}

/**
 * A report without an incident id is a new incident: a plain start with the report in its input (the
 * cheaper call; docs/performance.md). A report naming its incident is a signal-with-start of
 * `reportIntake`: it starts that incident's workflow, or supplements the running one. A closed incident
 * is not started again (its ID is not reused): that is an IncidentClosedError.
 *
 * `reportedBy`: who files it (an opaque key, security/identity.ts), sent beside the report so that the
 * workflow records its reporters and a reporter can read their own report (need to know, 469.2c(1)).
 * Not a memo: the Temporal UI's list decodes memos, and an encrypted one hides the row from an operator
 * whose UI has no codec session.
 */
export async function submitReport(
  deps: IncidentDeps,
  report: Report,
  receivedAt: Date = new Date(),
  reportedBy?: string,
): Promise<{ incidentId: string; workflowId: string; caseNumber: string | null }> {
  const incidentId = report.incidentId ?? newIncidentId();
  const workflowId = incidentWorkflowId(incidentId);
  // A new incident gets its case number before it starts (docs/contract.md "Case numbers"); a report
  // naming an incident that exists supplements it, which keeps the number it has.
  const existing = report.incidentId === undefined ? undefined : await existingCaseNumber(deps.client, workflowId);
  const caseNumber =
    existing !== undefined
      ? existing
      : await assignCaseNumber(deps.client, {
          taskQueue: deps.taskQueue,
          prefix: deps.playbook.caseNumberPrefix,
          incidentId,
          at: receivedAt,
          ...(deps.caseNumberWaitMs !== undefined ? { waitMs: deps.caseNumberWaitMs } : {}),
        });
  const start: IncidentInput = {
    incidentId,
    playbook: deps.playbook,
    receivedAt: receivedAt.toISOString(),
    ...(caseNumber ? { caseNumber } : {}),
  };
  const taken: Report = { ...report, incidentId, ...(reportedBy ? { reportedBy } : {}) };
  const options = {
    workflowId,
    taskQueue: deps.taskQueue,
    workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
    // What the UI shows at the top of the incident; no PII (and encrypted by the codec anyway).
    staticSummary: `${caseNumber ? `${caseNumber}: ` : ''}PII incident (${report.medium}): ${report.piiTypes.join(', ')}; about ${report.affectedCount} people`,
    // Set once at the start, never upserted: the number is not a workflow command, so no patch.
    ...(caseNumber ? { typedSearchAttributes: [{ key: BreachCaseNumber, value: caseNumber }] } : {}),
  };
  try {
    if (report.incidentId === undefined) {
      await deps.client.workflow.start<typeof breachIncidentWorkflow>(WORKFLOW_TYPE, {
        ...options,
        args: [{ ...start, report: taken }],
      });
    } else {
      await deps.client.workflow.signalWithStart<typeof breachIncidentWorkflow, [Report]>(WORKFLOW_TYPE, {
        ...options,
        args: [start],
        signal: reportIntakeSignal,
        signalArgs: [taken],
      });
    }
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new IncidentClosedError(incidentId);
    throw asTemporalError(err);
  }
  return { incidentId, workflowId, caseNumber };
}

/** The case number of an incident that exists (null: one from before numbers), or undefined when there is none. */
async function existingCaseNumber(client: Client, workflowId: string): Promise<string | null | undefined> {
  try {
    const described = await client.withDeadline(Date.now() + TEMPORAL_CALL_TIMEOUT_MS, () =>
      client.workflow.getHandle(workflowId).describe(),
    );
    return described.typedSearchAttributes.get(BreachCaseNumber) ?? null;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw asTemporalError(err);
  }
}

export async function getIncidentState(
  client: Client,
  incidentId: string,
  timeoutMs = TEMPORAL_CALL_TIMEOUT_MS,
): Promise<IncidentState> {
  const handle = client.workflow.getHandle(incidentWorkflowId(incidentId));
  try {
    return await client.withDeadline(Date.now() + timeoutMs, () => handle.query(incidentStateQuery));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new IncidentNotFoundError(incidentId);
    throw asTemporalError(err);
  }
}

/** The states of these incidents, six queries at a time; undefined for one that does not answer. */
export async function getIncidentStates(client: Client, incidentIds: string[]): Promise<(IncidentState | undefined)[]> {
  const states: (IncidentState | undefined)[] = new Array(incidentIds.length).fill(undefined);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < incidentIds.length; i = next++)
      states[i] = await getIncidentState(client, incidentIds[i]!).catch(() => undefined);
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return states;
}

const REFUSAL_TYPES = new Set<string>(Object.values(REFUSAL));

/** The refusal carried by a failed `decide` update (ApplicationFailure type + details[0] reasons). */
export function refusalOf(err: unknown): Refusal | undefined {
  const failure = err instanceof WorkflowUpdateFailedError ? err.cause : err;
  if (!(failure instanceof ApplicationFailure) || !failure.type || !REFUSAL_TYPES.has(failure.type)) return undefined;
  const details = failure.details?.[0];
  const reasons = Array.isArray(details) ? details.map(String) : [failure.message];
  return { type: failure.type as RefusalType, reasons: reasons.length > 0 ? reasons : [failure.message] };
}

export function messageOfRefusal(err: unknown): string {
  const failure = err instanceof WorkflowUpdateFailedError ? err.cause : err;
  return failure instanceof Error && failure.message ? failure.message : 'decision refused';
}

/** gRPC status codes (grpc-js is not a direct dependency). */
const grpcStatus = { DEADLINE_EXCEEDED: 4, UNAVAILABLE: 14 } as const;

/** gRPC unavailability and deadlines as TemporalUnavailableError; anything else unchanged. */
export function asTemporalError(err: unknown): unknown {
  if (isGrpcDeadlineError(err)) return new TemporalUnavailableError('Temporal did not answer in time', true);
  const grpc = isGrpcServiceError(err)
    ? err
    : err instanceof ServiceError && isGrpcServiceError(err.cause)
      ? err.cause
      : undefined;
  if (grpc && (grpc.code === grpcStatus.UNAVAILABLE || grpc.code === grpcStatus.DEADLINE_EXCEEDED)) {
    return new TemporalUnavailableError('Temporal is unavailable', grpc.code === grpcStatus.DEADLINE_EXCEEDED);
  }
  return err;
}

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

/** Whether Temporal answers at all (GET /healthz). */
export async function temporalAnswers(client: Client, timeoutMs = 3_000): Promise<boolean> {
  try {
    await client.withDeadline(Date.now() + timeoutMs, () => client.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  }
}
