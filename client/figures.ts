/**
 * The incidents of one year as the SAOP's figures need them (cli/compliance-yearly-command.ts, and the yearly duty's activity, activities/yearly.ts): each one's state
 * (query), its outcome (the workflow's result once closed) and the number of people affected, which the
 * state does not carry: it is read from the first report in the workflow's history (the start's input,
 * or the first reportIntake signal), decoded with the client's own codec. Exercises run on their own task
 * queue and are left out.
 */
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { incidentWorkflowId, WORKFLOW_TYPE } from '../domain/ids.js';
import type { CaseSummary } from '../domain/state.js';
import { yearlyIncidentFromState, type YearlyIncident } from '../domain/yearly-figures.js';
import { calendarYear, type FiguresPeriod } from '../domain/yearly-periods.js';
import { decodeFirst } from './decisions.js';
import { asTemporalError } from './errors.js';
import { getIncidentState } from './incidents.js';

const QUEUE = /^[A-Za-z0-9._-]{1,200}$/;

/** The incidents started in the period (a calendar year when given a number), exercises' queues left out. */
export function yearQuery(yearOrPeriod: number | FiguresPeriod, excludeTaskQueues: string[]): string {
  const { from, to } = typeof yearOrPeriod === 'number' ? calendarYear(yearOrPeriod) : yearOrPeriod;
  const clauses = [`WorkflowType = '${WORKFLOW_TYPE}'`, `StartTime >= '${from}'`, `StartTime < '${to}'`];
  for (const queue of excludeTaskQueues) {
    if (!QUEUE.test(queue)) throw new Error(`unexpected task queue name ${JSON.stringify(queue)}`);
    clauses.push(`TaskQueue != '${queue}'`);
  }
  return clauses.join(' AND ');
}

/**
 * The first report's number of people: in the start's input (reports that name no incident, docs/contract.md), else in
 * the first reportIntake signal (a signal-with-start).
 */
async function affectedCount(client: Client, incidentId: string): Promise<number | null> {
  try {
    const history = await client.workflow.getHandle(incidentWorkflowId(incidentId)).fetchHistory();
    const started = (await decodeFirst(
      client,
      (history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? []) as Payload[],
    )) as { report?: { affectedCount?: unknown } } | undefined;
    const signal = history.events?.find(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'reportIntake',
    );
    const report =
      started?.report ??
      ((await decodeFirst(
        client,
        (signal?.workflowExecutionSignaledEventAttributes?.input?.payloads ?? []) as Payload[],
      )) as { affectedCount?: unknown } | undefined);
    return typeof report?.affectedCount === 'number' ? report.affectedCount : null;
  } catch {
    return null;
  }
}

async function outcome(client: Client, incidentId: string, status: string): Promise<string | null> {
  if (status !== 'COMPLETED') return status === 'RUNNING' ? null : status.toLowerCase();
  try {
    const summary = (await client.workflow.getHandle(incidentWorkflowId(incidentId)).result()) as CaseSummary;
    return summary.outcome;
  } catch {
    return null;
  }
}

export async function collectYearlyIncidents(
  client: Client,
  year: number | FiguresPeriod,
  excludeTaskQueues: string[],
  concurrency = 8,
): Promise<{ incidents: YearlyIncident[]; unreadable: string[] }> {
  const listed: { incidentId: string; status: string }[] = [];
  try {
    for await (const execution of client.workflow.list({ query: yearQuery(year, excludeTaskQueues), pageSize: 1000 })) {
      if (execution.workflowId.startsWith('breach-'))
        listed.push({ incidentId: execution.workflowId.slice('breach-'.length), status: execution.status.name });
    }
  } catch (err) {
    throw asTemporalError(err);
  }
  const found: YearlyIncident[] = [];
  const unreadable: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, listed.length) }, async () => {
      while (next < listed.length) {
        const item = listed[next++]!;
        try {
          const state = await getIncidentState(client, item.incidentId);
          found.push(
            yearlyIncidentFromState(
              state,
              await outcome(client, item.incidentId, item.status),
              await affectedCount(client, item.incidentId),
            ),
          );
        } catch {
          // Its state cannot be read (its worker down): named in the figures, never silently dropped.
          unreadable.push(item.incidentId);
        }
      }
    }),
  );
  return { incidents: found.sort((a, b) => a.incidentId.localeCompare(b.incidentId)), unreadable: unreadable.sort() };
}
