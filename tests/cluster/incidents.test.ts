/**
 * Incidents on the self-hosted cluster (PostgreSQL persistence and SQL visibility, the namespace and
 * search attributes made by deploy/scripts, tests/cluster/cluster.ts), with the production worker as a
 * child process: the whole lifecycle, the list by BreachPhase and BreachAwaitingRole on SQL visibility,
 * a decision while no worker runs, the yearly duties' schedules as `npm start` ensures them, and the
 * Temporal server killed and started again at a gate.
 */
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { submitDecision } from '../../client/decisions.js';
import { listIncidents } from '../../client/incidents.js';
import { ensureYearlySchedules, YEARLY_SCHEDULES, yearlyRecipients } from '../../client/schedules.js';
import { ensureYearlySchedulesOnStart } from '../../scripts/local/yearly-schedules.js';
import { SEARCH_ATTRIBUTES } from '../../domain/search-attributes.js';
import type { Playbook } from '../../domain/playbook.js';
import type { IncidentState } from '../../domain/state.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import { startHttpReceiver, startSmtpReceiver, type EndpointReceiver, type SmtpReceiver } from '../helpers/index.js';
import {
  decide,
  events,
  faultKeys,
  faultPlaybook,
  newIncidentId,
  report,
  stateOf,
  until,
  waitForState,
  Workers,
  type Incidents,
} from '../faults/fixture.js';
import { realWorkflowBundleFile } from '../helpers/temporal.js';
import { FACTORS_HIGH } from '../workflows/fixture.js';
import { startCluster, type Cluster } from './cluster.js';
import { decideAll, remediateAndClose, TO_ANALYSIS, TO_NOTIFICATION } from './lifecycle.js';

const keys = faultKeys('cluster-incidents');
let cluster: Cluster;
let client: Client;
let smtp: SmtpReceiver;
let receiver: EndpointReceiver;
let workers: Workers;
let world: Incidents;
let playbook: Playbook;

beforeAll(async () => {
  const [started, mail, http, bundle] = await Promise.all([
    startCluster('incidents'),
    startSmtpReceiver(),
    startHttpReceiver(),
    realWorkflowBundleFile(),
  ]);
  cluster = started;
  smtp = mail;
  receiver = http;
  client = await cluster.client(keys.dataConverter);
  world = { client, taskQueue: `cluster-${Math.random().toString(36).slice(2, 8)}` };
  playbook = faultPlaybook(receiver.url);
  workers = new Workers(() => ({
    TEMPORAL_ADDRESS: cluster.address,
    TEMPORAL_NAMESPACE: cluster.namespace,
    BREACH_TASK_QUEUE: world.taskQueue,
    SMTP_URL: smtp.smtpUrl,
    BREACH_WORKFLOW_BUNDLE: bundle,
    ...keys.env,
  }));
  await workers.start();
}, 300_000);

afterAll(async () => {
  await workers?.kill('SIGTERM');
  await Promise.all([smtp?.close(), receiver?.close()]);
  await cluster?.close();
});

async function atTriage(prefix: string): Promise<string> {
  const id = newIncidentId(prefix);
  await report(world, playbook, id);
  await waitForState(world, id, (s) => s.phase === 'triage', 'triage', 60_000);
  return id;
}

it('the search attributes deploy/scripts/create-namespace.sh registered; the list by BreachPhase and BreachAwaitingRole answers on SQL visibility', async () => {
  const listed = await client.connection.operatorService.listSearchAttributes({ namespace: cluster.namespace });
  for (const attribute of SEARCH_ATTRIBUTES)
    expect(Object.keys(listed.customAttributes ?? {}), attribute.name).toContain(attribute.name);

  const id = await atTriage('list');
  const found = await until(
    async () => {
      const items = await listIncidents(client, { phase: 'triage', awaitingRole: 'ipsDirector' });
      return items.find((i) => i.incidentId === id);
    },
    'the incident in the list by phase and awaiting role',
    60_000,
    500,
  );
  expect(found).toMatchObject({ phase: 'triage', awaitingRole: 'ipsDirector', status: 'RUNNING' });
  expect((await listIncidents(client, { phase: 'analysis' })).map((i) => i.incidentId)).not.toContain(id);
});

it('468.3b-468.7: the whole lifecycle on the cluster: reported to US-CERT, every gate, notification, remediation, closure and the record filed', async () => {
  const id = await atTriage('life');
  expect(receiver.calls('/usCert').filter((c) => (c.body as { incidentId?: string }).incidentId === id)).toHaveLength(
    1,
  );
  await decideAll(world, id, [...TO_ANALYSIS, ...TO_NOTIFICATION(3)]);
  const closing = await remediateAndClose(world, playbook, id);
  expect(closing.notification).toMatchObject({ processed: 3, failed: 0 });
  const summary = (await client.workflow.getHandle(incidentWorkflowId(id)).result()) as { outcome: string };
  expect(summary.outcome).toBe('notified');
  await receiver.waitFor(
    (c) => c.path === '/recordsArchive' && (c.body as { incidentId?: string }).incidentId === id,
    30_000,
  );
  const closed = await until(
    async () => (await listIncidents(client, { phase: 'closed' })).find((i) => i.incidentId === id),
    'the closed incident in the list',
    60_000,
    500,
  );
  expect(closed.status).toBe('COMPLETED');
});

it("the yearly duties' schedules on the cluster: ensured as npm start does, listed, a second ensure changes nothing, and a triggered exercise reminder runs on the worker and mails the SAOP and the Privacy Division", async () => {
  const ids = YEARLY_SCHEDULES.map((s) => s.id);
  const ensureOnStart = () =>
    ensureYearlySchedulesOnStart({
      address: cluster.address,
      namespace: cluster.namespace,
      env: keys.env,
      taskQueue: world.taskQueue,
      playbook,
    });
  expect(await ensureOnStart()).toBe(`Yearly duties (Temporal Schedules): created ${ids.join(', ')}.`);
  expect(await ensureOnStart()).toBe(`Yearly duties (Temporal Schedules): present ${ids.join(', ')}.`);
  expect(await ensureYearlySchedules(client, { taskQueue: world.taskQueue, playbook })).toEqual({
    created: [],
    updated: [],
    unchanged: ids,
  });
  // Listed from SQL visibility, which is eventually consistent: wait for the three, then there are only three.
  const listed = await until(
    async () => {
      const found: string[] = [];
      for await (const s of client.schedule.list()) found.push(s.scheduleId);
      return found.filter((id) => id.startsWith('breach-yearly')).length >= ids.length ? found.sort() : undefined;
    },
    'the yearly schedules listed',
    60_000,
    500,
  );
  expect(listed).toEqual([...ids].sort());

  const handle = client.schedule.getHandle('breach-yearly-exercise-reminder');
  await handle.trigger();
  const started = await until(
    async () => {
      const action = (await handle.describe()).info.recentActions[0]?.action;
      return action?.type === 'startWorkflow' ? action.workflow.workflowId : undefined;
    },
    'the workflow the schedule started',
    60_000,
    500,
  );
  expect(started.startsWith('breach-yearly-exercise-reminder-run')).toBe(true);
  // The exercise reminder mails once and ends (workflows/yearly.ts): its result, from the worker on the cluster.
  const triggeredIn = new Date().getUTCFullYear();
  const result = await client.workflow.getHandle(started).result();
  expect(result).toMatchObject({ duty: 'annual-exercise', sent: yearlyRecipients(playbook).length });
  // The year the run was triggered in (or the next, for a run that straddles New Year's Eve).
  expect([triggeredIn, triggeredIn + 1]).toContain((result as { year: number }).year);
  const mail = await smtp.waitFor((m) => m.subject.includes('Annual exercise of the breach response plan due'), 30_000);
  expect(mail.envelope.to.sort()).toEqual(
    yearlyRecipients(playbook)
      .map((r) => r.email)
      .sort(),
  );
  expect(mail.text).toContain('exercise run lost-laptop');
  const description = await client.workflow.getHandle(started).describe();
  expect(description).toMatchObject({
    type: 'yearlyDutyWorkflow',
    taskQueue: world.taskQueue,
    status: { name: 'COMPLETED' },
  });
});

it('a decision while no worker runs is recorded, answered pending, and applied once when a worker is back', async () => {
  const id = await atTriage('pending');
  await workers.kill('SIGKILL');
  const submitted = await submitDecision(
    client,
    id,
    { kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs', actorId: 'ips-director' },
    { waitMs: 2_000 },
  );
  expect(submitted.status).toBe('pending');
  await workers.start();
  const state = await waitForState(
    world,
    id,
    (s) => s.responsibleOffice !== undefined && s.responsibleOffice !== null,
    'the decision applied',
    60_000,
  );
  expect(state.decisions.filter((d) => d.kind === 'assign-responsible-office')).toHaveLength(1);
});

it('the Temporal server killed with SIGKILL at a gate and started again: the incident keeps every decision and takes the next', async () => {
  const id = await atTriage('gate');
  await decideAll(world, id, TO_ANALYSIS);
  const before = await waitForState(world, id, (s) => s.phase === 'analysis', 'the analysis gate');
  await cluster.stopServer('SIGKILL');
  await cluster.startServer();
  const after = await until(() => stateOf(world, id), 'the incident answering after the restart', 60_000, 500);
  expect(after.decisions).toEqual(before.decisions);
  expect(after.phase).toBe('analysis');
  const next: IncidentState = await decide(world, id, 'ips-director', {
    kind: 'submit-analysis',
    factors: FACTORS_HIGH,
    options: ['notify-individuals'],
    rationale: 'CRG analysis.',
  });
  expect(next.phase).not.toBe('analysis');
  expect(events(next).filter((e) => e === 'reported:usCert')).toHaveLength(1);
  // The same worker process throughout: it reconnected by itself.
  expect(workers.current?.child.exitCode).toBeNull();
});
