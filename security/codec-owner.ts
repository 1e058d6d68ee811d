/**
 * Which incident a payload belongs to, from the serialization context the SDK hands the codec
 * (@temporalio/common 1.24, experimental): the workflow whose input, signal, update, query, memo or
 * result it is, or the workflow that scheduled the activity whose input or result it is. The codec
 * records it in the payload (security/codec.ts) so that the codec server decrypts a payload only for
 * someone with a role on that incident (5 FAM 469.2c(1), api/codec-access.ts).
 *
 * The incident's workflows: `breach-<incidentId>` (workflows/incident.ts) and its children named
 * `breach-<incidentId>:<what>` (the roster run, `:notify`, which carries the affected people's
 * addresses). Any other workflow (a yearly exercise, a schedule's run) owns its payloads itself: no
 * incident is recorded, and the codec server reads them as payloads written before (operators only).
 */
import type { SerializationContext } from '@temporalio/common';
import { INCIDENT_ID_PATTERN } from '../domain/ids.js';

/** The payload metadata key of the owning incident (an incident id is opaque: no PII, 469.3b). */
export const INCIDENT_METADATA = 'breach-incident';

const INCIDENT_WORKFLOW = /^breach-([^:]+)(?::[A-Za-z0-9_-]+)?$/;

/** The incident id of a workflow id of the incident's workflows, else undefined. */
export function incidentOfWorkflowId(workflowId: string | undefined): string | undefined {
  const id = INCIDENT_WORKFLOW.exec(workflowId ?? '')?.[1];
  return id !== undefined && INCIDENT_ID_PATTERN.test(id) ? id : undefined;
}

/** The incident that owns the payloads of this context, if any. */
export function incidentOfContext(context: SerializationContext | undefined): string | undefined {
  return incidentOfWorkflowId(context?.workflowId);
}
