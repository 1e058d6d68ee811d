/**
 * Safe releases (docs/releases.md): two builds of the production worker (workers/main.ts, child
 * processes) side by side in one worker deployment on the Temporal dev server, switched with the
 * `temporal worker deployment` commands the docs give. Incidents auto-upgrade: the one open before the
 * release moves to the new build at its next workflow task, a new one starts on it, and a roll back
 * sends both kinds back to the build made current again.
 */
import { WORKER_START } from '../helpers/deadline.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWorkerProcess, type WorkerProcess } from '../../scripts/local/worker-process.js';
import {
  startDevServer,
  startHttpReceiver,
  startSmtpReceiver,
  type EndpointReceiver,
  type SmtpReceiver,
  type TestWorkflowEnvironment,
} from '../helpers/index.js';
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
import { AUTO_UPGRADE, buildOf, DEPLOYMENT, setCurrentVersion } from './deployment.js';

const keys = faultKeys('releases');
const taskQueue = `releases-${Math.random().toString(36).slice(2, 8)}`;
let env: TestWorkflowEnvironment;
let smtp: SmtpReceiver;
let receiver: EndpointReceiver;
let bundle: string;
let world: Incidents;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  env = await startDevServer({ dataConverter: keys.dataConverter });
  [smtp, receiver, bundle] = await Promise.all([startSmtpReceiver(), startHttpReceiver(), realWorkflowBundleFile()]);
  world = { client: env.client, taskQueue };
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGTERM')));
  await Promise.all([smtp?.close(), receiver?.close()]);
  await env?.teardown();
});

async function startBuild(buildId: string): Promise<WorkerProcess> {
  const worker = startWorkerProcess(
    {
      TEMPORAL_ADDRESS: env.address,
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

const setCurrent = (buildId: string) =>
  setCurrentVersion({ address: env.address, namespace: 'default', client: env.client }, buildId);

it(
  'two builds side by side: the open incident auto-upgrades to the new build at its next task, a new one starts on it, a roll back returns both',
  { timeout: 300_000 },
  async () => {
    const playbook = faultPlaybook(receiver.url);
    await startBuild('v1');
    await setCurrent('v1');

    const open = newIncidentId('open');
    const openHandle = await report(world, playbook, open);
    await waitForState(world, open, (s) => s.phase === 'triage', 'triage on v1');
    expect(await buildOf(openHandle)).toEqual({ buildId: 'v1', behavior: AUTO_UPGRADE });

    // The release: v2's workers start beside v1's, then v2 becomes current.
    await startBuild('v2');
    await setCurrent('v2');
    const fresh = newIncidentId('new');
    const freshHandle = await report(world, playbook, fresh);
    await waitForState(world, fresh, (s) => s.phase === 'triage', 'triage on v2');
    expect(await buildOf(freshHandle)).toEqual({ buildId: 'v2', behavior: AUTO_UPGRADE });
    // The open incident is still where it was until it has work; its next decision runs on v2.
    expect((await buildOf(openHandle)).buildId).toBe('v1');
    await decide(world, open, 'ips-director', {
      kind: 'assign-responsible-office',
      office: 'Bureau of Consular Affairs',
    });
    const upgraded = await until(
      async () => ((await buildOf(openHandle)).buildId === 'v2' ? buildOf(openHandle) : undefined),
      'the open incident on v2',
      30_000,
      200,
    );
    expect(upgraded).toEqual({ buildId: 'v2', behavior: AUTO_UPGRADE });

    // Roll back: v1 current again (its workers still run); both incidents' next tasks run on v1.
    await setCurrent('v1');
    await decide(world, open, 'ips-director', {
      kind: 'convene-crg',
      convene: true,
      rationale: 'Passport numbers of the public.',
    });
    await decide(world, fresh, 'ips-director', {
      kind: 'assign-responsible-office',
      office: 'Bureau of Diplomatic Security',
    });
    const back = await until(
      async () => {
        const [a, b] = await Promise.all([buildOf(openHandle), buildOf(freshHandle)]);
        return a.buildId === 'v1' && b.buildId === 'v1' ? [a, b] : undefined;
      },
      'both incidents back on v1',
      30_000,
      200,
    );
    expect(back.map((b) => b.buildId)).toEqual(['v1', 'v1']);
    const state = await waitForState(
      world,
      open,
      (s) => s.phase === 'analysis',
      'the open incident moving on after the roll back',
    );
    expect(state.decisions.map((d) => d.kind)).toEqual(['assign-responsible-office', 'convene-crg']);
    console.log(
      `[releases] deployment ${DEPLOYMENT}: incident opened on v1 moved to v2 at its next decision, new incident started on v2; after set-current-version v1 both ran on v1; all auto-upgrade`,
    );
  },
);
