/**
 * The incident gauges of workers/metrics.ts, computed from Temporal's visibility (the Breach* search
 * attributes, which hold no PII) every BREACH_METRICS_COLLECT_SECONDS: counts for the phases and the
 * late reports, one listing of the incidents that wait at a gate for the gates' ages. Visibility, not the
 * workflows: asking each workflow would replay it on a worker; visibility answers from the server's
 * index. Every worker that collects reports the same figures: dashboards and alerts take `max` over the
 * instances (docs/operations-alerts.md), or one worker collects and the others run with
 * BREACH_METRICS_COLLECT_SECONDS=0.
 */
import type { Client } from '@temporalio/client';
import { WORKFLOW_TYPE } from '../domain/ids.js';
import { ROLES } from '../domain/roles.js';
import { BreachAwaitingRole, BreachAwaitingSince } from '../domain/search-attributes.js';
import { PHASES } from '../domain/state.js';
import type { BreachMetrics } from './metrics.js';

/** The ages the gates are counted past: the reminder (1 day) and the escalation (5 days) of the shipped playbook among them. */
export const WAIT_BUCKETS: { label: string; ms: number }[] = [
  { label: '1h', ms: 3_600_000 },
  { label: '1d', ms: 86_400_000 },
  { label: '5d', ms: 5 * 86_400_000 },
  { label: '30d', ms: 30 * 86_400_000 },
];

const OPEN = `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`;

/** One round: sets every gauge (a phase or role with none is 0, so a cleared alert clears). */
export async function collectOnce(client: Client, metrics: BreachMetrics, now = Date.now()): Promise<void> {
  const [phases, late] = await Promise.all([
    Promise.all(
      PHASES.map(
        async (phase) => [phase, (await client.workflow.count(`${OPEN} AND BreachPhase = '${phase}'`)).count] as const,
      ),
    ),
    client.workflow.count(`${OPEN} AND BreachReportedLate = true`),
  ]);

  const gates = new Map<string, number>();
  const waiting = new Map<string, number>();
  const oldest = new Map<string, number>();
  for await (const execution of client.workflow.list({ query: `${OPEN} AND BreachAwaitingRole IS NOT NULL` })) {
    const role = execution.typedSearchAttributes.get(BreachAwaitingRole);
    if (!role) continue;
    gates.set(role, (gates.get(role) ?? 0) + 1);
    const since = execution.typedSearchAttributes.get(BreachAwaitingSince);
    if (!since) continue;
    const age = now - since.getTime();
    oldest.set(role, Math.max(oldest.get(role) ?? 0, age));
    for (const bucket of WAIT_BUCKETS)
      if (age > bucket.ms) waiting.set(`${role}\n${bucket.label}`, (waiting.get(`${role}\n${bucket.label}`) ?? 0) + 1);
  }

  for (const [phase, count] of phases) metrics.incidents.set({ phase }, count);
  metrics.reportsLate.set(late.count);
  for (const role of new Set<string>([...ROLES, ...gates.keys()])) {
    metrics.openGates.set({ role }, gates.get(role) ?? 0);
    metrics.oldestGateWait.set({ role }, (oldest.get(role) ?? 0) / 1000);
    for (const bucket of WAIT_BUCKETS)
      metrics.gatesWaiting.set({ role, over: bucket.label }, waiting.get(`${role}\n${bucket.label}`) ?? 0);
  }
  metrics.collectedAt.set(Math.floor(now / 1000));
}

/** Collects now and every `everyMs`; a failed round counts an error and keeps the last figures. */
export function startCollector(
  client: Client,
  metrics: BreachMetrics,
  everyMs: number,
  log: (line: string) => void,
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  let failing = false;
  const round = () => {
    // A round slower than the interval is not overlapped by the next.
    if (running) return;
    running = collectOnce(client, metrics)
      .then(
        () => {
          if (failing) log('visibility collector: collecting again');
          failing = false;
        },
        (err: unknown) => {
          metrics.collectorErrors.inc();
          // Once per outage, not every round.
          if (!failing) log(`visibility collector failed: ${err instanceof Error ? err.message : String(err)}`);
          failing = true;
        },
      )
      .finally(() => {
        running = undefined;
      });
  };
  round();
  const timer = setInterval(round, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
