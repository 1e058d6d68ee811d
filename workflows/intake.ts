/**
 * What the incident workflow needs of a report to read it, checked in the `reportIntake` handler before
 * anything is changed. The API and the CLI validate a report fully (domain/report.ts) before they send
 * it; anyone else with a Temporal client can send anything, and a handler that throws fails every
 * workflow task of the incident from then on (it stands still until a fixed worker is deployed). So a
 * report the workflow cannot read is recorded in the timeline and refused.
 *
 * Structural only, and never to be tightened: this check runs again on every replay, so a stricter
 * version would refuse a report that an incident already running had accepted, and that incident would
 * no longer replay. Policy rules (formats, limits, the medical statement) belong to domain/report.ts.
 */
import { z } from 'zod';

const text = z.string();
const person = z.looseObject({ name: text, email: text });

const readableReport = z.looseObject({
  incidentId: text.optional(),
  reporter: z.looseObject({ name: text, email: text, office: text }),
  supervisor: person,
  programManager: person.optional(),
  discoveredAt: text.refine((t) => Number.isFinite(Date.parse(t)), 'expected a time'),
  occurredAt: text.optional(),
  medium: z.enum(['cyber', 'non-cyber']),
  summary: text,
  piiTypes: z.array(text),
  affectedCount: z.number().finite().min(0),
  affectedPopulation: text,
  encrypted: z.boolean(),
  classifiedInvolved: z.boolean(),
  criminalActSuspected: z.boolean(),
  causedByWorkforceMember: z.boolean().optional(),
});

/** Why the workflow cannot read this report (`path: message`, no values), or [] when it can. */
export function unreadableReport(raw: unknown): string[] {
  const result = readableReport.safeParse(raw);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
}
