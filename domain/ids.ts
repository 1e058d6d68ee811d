import { z } from 'zod';

/** Incident ids are opaque: they go into workflow IDs, which Temporal stores and shows in clear. */
export const INCIDENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{2,63}$/;

/**
 * Whether an id holds a group of digits shaped like an SSN (123-45-6789, 123456789) or a phone number
 * (703-555-0147). Names cannot be recognized; these can, and an id is stored and shown in clear.
 */
/** The same test as looksLikePii as a regular expression, for the OpenAPI document (`not: { pattern }`). */
export const PII_SHAPED_ID_PATTERN = /(^|-)([0-9]{9}|[0-9]{3}-[0-9]{2,3}-[0-9]{4})(-|$)/;

export function looksLikePii(id: string): boolean {
  const groups = id.split('-');
  if (groups.some((g) => /^\d{9}$/.test(g))) return true;
  return groups.some(
    (a, i) => /^\d{3}$/.test(a) && /^\d{2,3}$/.test(groups[i + 1] ?? '') && /^\d{4}$/.test(groups[i + 2] ?? ''),
  );
}

export const incidentIdSchema = z
  .string()
  .regex(INCIDENT_ID_PATTERN, 'expected 3 to 64 letters, digits or dashes, starting with a letter or digit (no PII)')
  .refine(
    (id) => !looksLikePii(id),
    'expected an opaque id: this one holds a number shaped like an SSN or a phone number, and incident ids are stored in clear',
  );

export { incidentIdFromWorkflowId, incidentWorkflowId, TASK_QUEUE_DEFAULT, WORKFLOW_TYPE } from './workflow-ids.js';
