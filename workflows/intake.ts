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
 * Plain checks (domain/check.ts), not zod: the sandbox does not load a schema library (issue 15); the
 * same issues as the zod schema this replaced (tests/rules/plain-checks.test.ts keeps that schema to compare).
 */
import { array, boolean, number, object, oneOf, optional, run, string } from '../domain/check.js';
import { asLines } from '../domain/issues.js';

const text = string({});
const person = object({ name: text, email: text }, 'loose');

const readableReport = object(
  {
    incidentId: optional(text),
    reporter: object({ name: text, email: text, office: text }, 'loose'),
    supervisor: person,
    programManager: optional(person),
    discoveredAt: string({}, ['refine', (t) => Number.isFinite(Date.parse(t)), 'expected a time']),
    occurredAt: optional(text),
    medium: oneOf(['cyber', 'non-cyber']),
    summary: text,
    piiTypes: array(text),
    affectedCount: number({ min: [0] }),
    affectedPopulation: text,
    encrypted: boolean,
    classifiedInvolved: boolean,
    criminalActSuspected: boolean,
    causedByWorkforceMember: optional(boolean),
  },
  'loose',
);

/** Why the workflow cannot read this report (`path: message`, no values), or [] when it can. */
export function unreadableReport(raw: unknown): string[] {
  const result = run(readableReport, raw);
  return result.ok ? [] : asLines(result.issues);
}
