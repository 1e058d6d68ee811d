/**
 * What the intake listener counts (docs/operations-alerts.md): messages by outcome, served with the
 * API's `GET /metrics/intake`. No label names a sender, a mailbox or an incident.
 */
import { Counter, Registry } from 'prom-client';

export const INTAKE_OUTCOMES = [
  'accepted',
  'accepted-incomplete',
  'acknowledged',
  'deferred',
  'refused-domain',
  'refused-mailbox',
  'refused-not-mail',
  'refused-size',
] as const;
export type IntakeOutcome = (typeof INTAKE_OUTCOMES)[number];

export interface IntakeMetrics {
  registry: Registry;
  count(outcome: IntakeOutcome): void;
  /** The count of one outcome so far (for the tests and the start-up line). */
  value(outcome: IntakeOutcome): Promise<number>;
}

export function createIntakeMetrics(): IntakeMetrics {
  const registry = new Registry();
  const messages = new Counter({
    name: 'breach_intake_messages_total',
    help: 'Messages to the intake mailboxes by outcome: accepted (complete or not), acknowledged, deferred (451), refused by reason',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  for (const outcome of INTAKE_OUTCOMES) messages.inc({ outcome }, 0);
  return {
    registry,
    count: (outcome) => messages.inc({ outcome }),
    value: async (outcome) => (await messages.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0,
  };
}
