/**
 * The incident operations that the HTTP API and the CLI share: signal-with-start of a report, the
 * state query, and (from client/errors.ts and client/incident-list.ts) the errors and the visibility list. Both front ends speak to Temporal through
 * these functions so that they refuse, time out and name incidents the same way.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { incidentWorkflowId, WORKFLOW_TYPE } from '../domain/ids.js';
import type { Playbook } from '../domain/playbook.js';
import type { Report } from '../domain/report.js';
import { BreachCaseNumber } from '../domain/search-attributes.js';
import type { IncidentState } from '../domain/state.js';
import type { breachIncidentWorkflow, IncidentInput } from '../workflows/incident.js';
import { incidentStateQuery, reportIntakeSignal } from '../workflows/messages.js';
import { assignCaseNumber } from './case-numbers.js';
import { asTemporalError, IncidentClosedError, IncidentNotFoundError, TEMPORAL_CALL_TIMEOUT_MS } from './errors.js';

// The front ends import the client layer's incident operations from here: its errors and the list too.
export {
  asTemporalError,
  DecisionRefusedError,
  IncidentClosedError,
  IncidentNotFoundError,
  messageOfRefusal,
  refusalOf,
  TEMPORAL_CALL_TIMEOUT_MS,
  TemporalUnavailableError,
} from './errors.js';
export { listIncidents, visibilityQuery, type IncidentFilter, type IncidentListItem } from './incident-list.js';

/** A report's discovery time may run ahead of our clock by this much (clock skew between posts). */
export const DISCOVERY_CLOCK_SKEW_MS = 5 * 60_000;

export interface IncidentDeps {
  client: Client;
  taskQueue: string;
  /** The playbook a new incident starts with (and keeps). */
  playbook: Playbook;
  /** How long a new report waits for its case number (client/case-numbers.ts; default CASE_NUMBER_WAIT_MS). */
  caseNumberWaitMs?: number;
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

/** Whether Temporal answers at all (GET /healthz). */
export async function temporalAnswers(client: Client, timeoutMs = 3_000): Promise<boolean> {
  try {
    await client.withDeadline(Date.now() + timeoutMs, () => client.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  }
}
