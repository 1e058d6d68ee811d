import { z } from 'zod';

/** Incident ids are opaque: they go into workflow IDs, which Temporal stores and shows in clear. */
export const INCIDENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{2,63}$/;

export const incidentIdSchema = z
  .string()
  .regex(INCIDENT_ID_PATTERN, 'expected 3 to 64 letters, digits or dashes, starting with a letter or digit (no PII)');

const WORKFLOW_ID_PREFIX = 'breach-';

export function incidentWorkflowId(incidentId: string): string {
  return `${WORKFLOW_ID_PREFIX}${incidentId}`;
}

export function incidentIdFromWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.slice(WORKFLOW_ID_PREFIX.length) : undefined;
}

export const TASK_QUEUE_DEFAULT = 'breach-response';
export const WORKFLOW_TYPE = 'breachIncidentWorkflow';
