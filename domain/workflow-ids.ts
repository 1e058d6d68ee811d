/** Workflow ids, the task queue and type of an incident (plain, for the workflow sandbox; domain/ids.ts has the id rules). */
const WORKFLOW_ID_PREFIX = 'breach-';

export function incidentWorkflowId(incidentId: string): string {
  return `${WORKFLOW_ID_PREFIX}${incidentId}`;
}

export function incidentIdFromWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.slice(WORKFLOW_ID_PREFIX.length) : undefined;
}

export const TASK_QUEUE_DEFAULT = 'breach-response';
export const WORKFLOW_TYPE = 'breachIncidentWorkflow';
