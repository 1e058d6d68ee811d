/**
 * Worker versioning as docs/releases.md runs it, for the tests on the dev server (tests/releases) and on
 * the cluster (tests/cluster/versioning.test.ts): the `temporal worker deployment set-current-version`
 * command of "Roll forward", waited until every task queue partition has the switch, and which build an
 * incident's workflow tasks ran on.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { locateBinary } from '../../scripts/install/temporal-binaries.js';
import { until } from '../faults/fixture.js';

const run = promisify(execFile);

export const DEPLOYMENT = 'breach-response';
export const AUTO_UPGRADE = 2; // temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE
const ROUTING_COMPLETED = 2; // temporal.api.enums.v1.RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_COMPLETED

/** Where the deployment lives: the server's address, the namespace, and a client of it. */
export interface DeploymentTarget {
  address: string;
  namespace: string;
  client: Client;
}

/** The docs' command (docs/releases.md "Roll forward"), run with the CLI the project uses; retried until the version's workers have polled. */
export async function setCurrentVersion(target: DeploymentTarget, buildId: string): Promise<string> {
  const located = locateBinary('temporal');
  if (located.source === 'sdk-download') throw new Error('the temporal CLI is needed for this test');
  const args = [
    'worker',
    'deployment',
    'set-current-version',
    '--address',
    target.address,
    '--namespace',
    target.namespace,
    '--deployment-name',
    DEPLOYMENT,
    '--build-id',
    buildId,
    '--yes',
  ];
  const out = await until(
    async () => (await run(located.path, args, { env: { PATH: process.env.PATH ?? '' } })).stdout || 'ok',
    `${buildId} made current`,
    60_000,
    500,
  );
  await routingPropagated(target, buildId);
  return out;
}

/**
 * The switch reaches the task queue's partitions a moment after the command returns; a task dispatched
 * before it still goes to the old current version (a CI run rolled back, then decided at once, and the
 * decisions ran on v2). Wait until the server's DescribeWorkerDeployment reads it complete
 * (docs/releases.md; the CLI's `describe` does not print that state).
 */
async function routingPropagated(target: DeploymentTarget, buildId: string): Promise<void> {
  await until(
    async () => {
      const { workerDeploymentInfo: info } = await target.client.workflowService.describeWorkerDeployment({
        namespace: target.namespace,
        deploymentName: DEPLOYMENT,
      });
      const current = info?.routingConfig?.currentDeploymentVersion?.buildId;
      return current === buildId && info?.routingConfigUpdateState === ROUTING_COMPLETED ? true : undefined;
    },
    `${buildId} current on every partition`,
    60_000,
    200,
  );
}

/** The build the incident's last workflow task ran on, and its versioning behaviour. */
export async function buildOf(handle: WorkflowHandle): Promise<{ buildId: string | undefined; behavior: unknown }> {
  const info = (await handle.describe()).raw.workflowExecutionInfo?.versioningInfo;
  return { buildId: info?.deploymentVersion?.buildId ?? undefined, behavior: info?.behavior };
}

/**
 * The build of every completed workflow task in the history, in order, with repeats collapsed
 * (`['v1', 'v2']`: tasks on v1, then only on v2), and how many workflow tasks failed (a history the new
 * build could not replay fails its task with a non-determinism error).
 */
export async function buildsInHistory(handle: WorkflowHandle): Promise<{ builds: string[]; failedTasks: number }> {
  const history = await handle.fetchHistory();
  const builds: string[] = [];
  let failedTasks = 0;
  for (const event of history.events ?? []) {
    if (event.workflowTaskFailedEventAttributes) failedTasks += 1;
    const completed = event.workflowTaskCompletedEventAttributes;
    if (!completed) continue;
    const build = completed.deploymentVersion?.buildId ?? 'unversioned';
    if (builds.at(-1) !== build) builds.push(build);
  }
  return { builds, failedTasks };
}
