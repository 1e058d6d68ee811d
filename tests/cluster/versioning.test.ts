/**
 * Worker versioning on the self-hosted cluster (tests/cluster/cluster.ts: PostgreSQL, SQL visibility, the
 * dynamic configuration of deploy/dynamicconfig that turns worker deployments on): a release rolled out
 * under running incidents as docs/releases.md tells an operator, with two builds of the production worker
 * (workers/main.ts, child processes) in one worker deployment. Incidents auto-upgrade: those open on the
 * old build move to the new one at their next workflow task, which replays their history on it; the old
 * build's workers are stopped once nothing is pinned to it, and an incident opened before the release
 * finishes on the new build. A roll back sends the next tasks to the old build again.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Playbook } from '../../domain/playbook.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import { startWorkerProcess, type WorkerProcess } from '../../scripts/local/worker-process.js';
import { WORKER_START } from '../helpers/deadline.js';
import { startHttpReceiver, startSmtpReceiver, type EndpointReceiver, type SmtpReceiver } from '../helpers/index.js';
import {
  decide,
  faultKeys,
  faultPlaybook,
  LINK_SECRET,
  newIncidentId,
  report,
  until,
  waitForState,
  type Incidents,
} from '../faults/fixture.js';
import { realWorkflowBundleFile } from '../helpers/temporal.js';
import {
  AUTO_UPGRADE,
  buildOf,
  buildsInHistory,
  DEPLOYMENT,
  setCurrentVersion,
  type DeploymentTarget,
} from '../releases/deployment.js';
import { startCluster, type Cluster } from './cluster.js';
import { decideAll, remediateAndClose, TO_ANALYSIS, TO_NOTIFICATION } from './lifecycle.js';

const keys = faultKeys('cluster-versioning');
const taskQueue = `versioning-${Math.random().toString(36).slice(2, 8)}`;
let cluster: Cluster;
let smtp: SmtpReceiver;
let receiver: EndpointReceiver;
let bundle: string;
let world: Incidents;
let target: DeploymentTarget;
let playbook: Playbook;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  const [started, mail, http, built] = await Promise.all([
    startCluster('versioning'),
    startSmtpReceiver(),
    startHttpReceiver(),
    realWorkflowBundleFile(),
  ]);
  cluster = started;
  smtp = mail;
  receiver = http;
  bundle = built;
  const client = await cluster.client(keys.dataConverter);
  world = { client, taskQueue };
  target = { address: cluster.address, namespace: cluster.namespace, client };
  playbook = faultPlaybook(receiver.url);
}, 300_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGTERM')));
  await Promise.all([smtp?.close(), receiver?.close()]);
  await cluster?.close();
});

async function startBuild(buildId: string): Promise<WorkerProcess> {
  const worker = startWorkerProcess(
    {
      TEMPORAL_ADDRESS: cluster.address,
      TEMPORAL_NAMESPACE: cluster.namespace,
      BREACH_TASK_QUEUE: taskQueue,
      SMTP_URL: smtp.smtpUrl,
      BREACH_WORKFLOW_BUNDLE: bundle,
      BREACH_LINK_SECRET: LINK_SECRET,
      BREACH_DEPLOYMENT_NAME: DEPLOYMENT,
      BREACH_BUILD_ID: buildId,
      ...keys.env,
    },
    WORKER_START,
  );
  workers.push(worker);
  await worker.ready;
  return worker;
}

async function atTriage(prefix: string): Promise<{ id: string; handle: WorkflowHandle }> {
  const id = newIncidentId(prefix);
  const handle = await report(world, playbook, id);
  await waitForState(world, id, (s) => s.phase === 'triage', 'triage', 60_000);
  return { id, handle };
}

/** The running workflows SQL visibility holds on a build (the system search attributes of worker deployments). */
async function runningOn(buildId: string, pinnedOnly = false): Promise<string[]> {
  const query =
    `TemporalWorkerDeploymentVersion = '${DEPLOYMENT}:${buildId}' AND ExecutionStatus = 'Running'` +
    (pinnedOnly ? ` AND TemporalWorkflowVersioningBehavior = 'Pinned'` : '');
  const ids: string[] = [];
  for await (const execution of world.client.workflow.list({ query })) ids.push(execution.workflowId);
  return ids.sort();
}

/** Waits until the incident's last workflow task ran on `buildId`. */
const movedTo = (handle: WorkflowHandle, buildId: string, what: string) =>
  until(async () => ((await buildOf(handle)).buildId === buildId ? buildOf(handle) : undefined), what, 60_000, 200);

it('a release rolled out under running incidents: those open on v1 replay on v2 at their next task and finish there once v1 is stopped; a roll back returns to v1', async () => {
  const v1 = await startBuild('v1');
  await setCurrentVersion(target, 'v1');

  // Before the release: one incident at the analysis gate, one at triage, both on v1.
  const old = await atTriage('old');
  await decideAll(world, old.id, TO_ANALYSIS);
  await waitForState(world, old.id, (s) => s.phase === 'analysis', 'the analysis gate on v1');
  const waiting = await atTriage('waiting');
  expect(await buildOf(old.handle)).toEqual({ buildId: 'v1', behavior: AUTO_UPGRADE });
  expect(await buildOf(waiting.handle)).toEqual({ buildId: 'v1', behavior: AUTO_UPGRADE });

  // The release (docs/releases.md "Roll forward"): v2's workers beside v1's, then v2 current.
  await startBuild('v2');
  await setCurrentVersion(target, 'v2');
  const fresh = await atTriage('fresh');
  expect(await buildOf(fresh.handle)).toEqual({ buildId: 'v2', behavior: AUTO_UPGRADE });

  // SQL visibility answers the queries of worker deployments: the two open incidents are still on v1
  // until they have work, and none is pinned there, which is what the server's drainage counts.
  const onV1 = [incidentWorkflowId(old.id), incidentWorkflowId(waiting.id)].sort();
  expect(
    await until(
      async () => ((await runningOn('v1')).join() === onV1.join() ? runningOn('v1') : undefined),
      'the incidents on v1 in visibility',
      60_000,
      500,
    ),
  ).toEqual(onV1);
  expect(await runningOn('v1', true)).toEqual([]);

  // A roll back and forward again while both builds run: the next task goes to the current build.
  await setCurrentVersion(target, 'v1');
  await decide(world, fresh.id, 'ips-director', {
    kind: 'assign-responsible-office',
    office: 'Bureau of Consular Affairs',
  });
  await movedTo(fresh.handle, 'v1', 'the new incident on v1 after the roll back');
  await setCurrentVersion(target, 'v2');

  // Nothing is pinned to v1: its workers stop (SIGTERM, as a platform stops them) and exit cleanly.
  await v1.kill('SIGTERM');
  expect(await v1.exited, v1.output()).toBe(0);

  // The incident opened before the release finishes on v2: its next decision replays its v1 history there.
  await decideAll(world, old.id, TO_NOTIFICATION(3));
  await movedTo(old.handle, 'v2', 'the old incident on v2');
  const closing = await remediateAndClose(world, playbook, old.id);
  expect(closing.notification).toMatchObject({ processed: 3, failed: 0 });
  expect(((await old.handle.result()) as { outcome: string }).outcome).toBe('notified');
  await decide(world, waiting.id, 'ips-director', {
    kind: 'assign-responsible-office',
    office: 'Bureau of Consular Affairs',
  });
  await movedTo(waiting.handle, 'v2', 'the waiting incident on v2');
  await decide(world, fresh.id, 'ips-director', { kind: 'convene-crg', convene: true, rationale: 'Passport numbers.' });
  await movedTo(fresh.handle, 'v2', 'the new incident back on v2');

  // Each history: its tasks ran on v1 until the switch and on v2 after it, and none failed to replay.
  expect(await buildsInHistory(old.handle)).toEqual({ builds: ['v1', 'v2'], failedTasks: 0 });
  expect(await buildsInHistory(waiting.handle)).toEqual({ builds: ['v1', 'v2'], failedTasks: 0 });
  expect(await buildsInHistory(fresh.handle)).toEqual({ builds: ['v2', 'v1', 'v2'], failedTasks: 0 });
  expect(
    await until(
      async () => ((await runningOn('v1')).length === 0 ? [] : undefined),
      'nothing left running on v1',
      60_000,
      500,
    ),
  ).toEqual([]);
  console.log(
    `[cluster] deployment ${DEPLOYMENT} on SQL visibility: two incidents opened on v1 moved to v2 at their next task (one closed there, outcome notified) after v1's workers stopped; a new one started on v2, ran on v1 after a roll back, on v2 again; no workflow task failed`,
  );
});
