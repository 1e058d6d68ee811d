/**
 * Builds the breach-response worker. workers/main.ts and the tests build it the same way (docs/style.md 4):
 * only the connection, the activities and where the workflow code comes from differ.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { BreachActivities } from '../activities/index.js';
import { PROJECT_ROOT } from '../config/index.js';
import { bundleHasFailureConverter } from '../security/data-converter.js';
import { safeActivityErrors } from '../security/redact.js';

export const WORKFLOWS_PATH = join(PROJECT_ROOT, 'workflows', 'index.ts');
/** The interceptor module every bundle of the workflows carries (workflows/conclusion.ts). */
export const WORKFLOW_CONCLUSION_MODULE = join(PROJECT_ROOT, 'workflows', 'conclusion.ts');
export const WORKFLOW_BUNDLE_PATH = join(PROJECT_ROOT, 'dist', 'workflow-bundle.js');

/** The bundle with the OpenTelemetry workflow interceptors, written beside the plain one (workers/bundle.ts). */
export function tracedBundlePath(bundlePath: string): string {
  return bundlePath.replace(/(\.js)?$/, '-traced.js');
}
export const WORKFLOW_BUNDLE_TRACED_PATH = tracedBundlePath(WORKFLOW_BUNDLE_PATH);

/** What workers/main.ts prints once it polls; `npm start` waits for it. */
export const WORKER_READY_MARK = 'polling task queue';

/** Pre-bundled workflow code: `{ codePath }` of a file written by workers/bundle.ts, or `{ code }`. */
export type WorkflowBundle = { codePath: string } | { code: string };

export interface BreachWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  /** createActivities(...), built from the process's mail transport, links and endpoint tokens. */
  activities: BreachActivities;
  /** Absent: bundle `workflowsPath` at start (a few seconds; fine in development and tests). */
  workflowBundle?: WorkflowBundle;
  /** Default workflows/index.ts; tests may point at their own workflows. */
  workflowsPath?: string;
  /** security/data-converter.ts: payloads and failures encrypted (required: without it PII is stored in clear). */
  dataConverter: DataConverter;
  /** Anything else Worker.create takes (interceptors, tuning). */
  workerOptions?: Partial<WorkerOptions>;
}

/**
 * Worker versioning (docs/releases.md): a worker of a deployment polls as its build, and the server
 * sends each workflow task to the deployment's current build. Incidents auto-upgrade: one open for
 * months moves to each new release at its next workflow task, which is why every change a running
 * incident would see goes behind patched() and tests/replay replays the previous release's histories.
 * Pinned would keep every release's workers running until its last incident closes, and a fix would
 * never reach the incidents already open.
 */
export function deploymentOptions(
  deployment: { deploymentName: string; buildId: string } | undefined,
): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  if (!deployment) return {};
  return {
    workerDeploymentOptions: {
      version: deployment,
      useWorkerVersioning: true,
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    },
  };
}

/** Whether a bundle registers workflows/conclusion.ts among its interceptor modules (the SDK's `importInterceptors`). */
export function bundleHasConclusion(code: string): boolean {
  return /exports\.importInterceptors = function importInterceptors\(\) \{[^}]*"\.\/workflows\/conclusion\.ts"/.test(
    code,
  );
}

/**
 * A pre-built bundle must encode failures as the worker does, or workflow-side failure messages go out in
 * clear; and it must carry the interceptor that publishes a new incident's search attributes and memo,
 * or every new incident fails its first workflow task (workflows/publisher.ts).
 */
function checkBundle(bundle: WorkflowBundle, dataConverter: DataConverter): void {
  const code = 'code' in bundle ? bundle.code : readFileSync(bundle.codePath, 'utf8');
  const where = 'codePath' in bundle ? ` ${bundle.codePath}` : '';
  if (dataConverter.failureConverterPath && !bundleHasFailureConverter(code))
    throw new Error(
      `the workflow bundle${where} was built without the failure converter of security/data-converter.ts: rebuild it (\`npm run build:workflows\`)`,
    );
  if (!bundleHasConclusion(code))
    throw new Error(
      `the workflow bundle${where} was built without the interceptor module workflows/conclusion.ts: rebuild it (\`npm run build:workflows\`)`,
    );
}

export function createBreachWorker(options: BreachWorkerOptions): Promise<Worker> {
  const workflowSource = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath: options.workflowsPath ?? WORKFLOWS_PATH };
  if (options.workflowBundle) checkBundle(options.workflowBundle, options.dataConverter);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    activities: options.activities,
    dataConverter: options.dataConverter,
    ...workflowSource,
    ...options.workerOptions,
    // Activity errors are logged in clear by the SDK: none may quote an address or a number (security/redact.ts).
    interceptors: {
      ...options.workerOptions?.interceptors,
      activity: [safeActivityErrors, ...(options.workerOptions?.interceptors?.activity ?? [])],
      // Bundled here from sources: with the module a pre-built bundle has (workers/bundle.ts).
      ...('workflowsPath' in workflowSource
        ? {
            workflowModules: [
              WORKFLOW_CONCLUSION_MODULE,
              ...(options.workerOptions?.interceptors?.workflowModules ?? []),
            ],
          }
        : {}),
    },
  });
}

/** The newest modification time of the files the workflow bundle is made from (workflows/ and domain/). */
export function workflowSourcesMtime(root = PROJECT_ROOT): number {
  let newest = 0;
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|js|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(root, 'workflows'));
  walk(join(root, 'domain'));
  return newest;
}

/**
 * Which workflow code the worker runs: the pre-built bundle in production (it must exist), or when it
 * exists and is newer than the sources; else the sources, bundled at start. The bundle makes a worker
 * start in about a second instead of several, and it is exactly the code CI checked. `traced`: tracing
 * is configured, so the bundle with the OpenTelemetry workflow interceptors (dist/workflow-bundle-traced.js);
 * without it the plain one, whose workflows do not evaluate OpenTelemetry each (docs/performance.md).
 */
export function chooseWorkflowSource(settings: {
  workflowBundle: string | undefined;
  production: boolean;
  traced?: boolean;
}): { workflowBundle: WorkflowBundle } | { workflowsPath: string } {
  // An explicit bundle, BREACH_WORKFLOW_BUNDLE (a deployment that ships it elsewhere; the fault tests,
  // whose workers restart several times and must not spend seconds bundling each time). createBreachWorker checks it.
  const explicit = settings.workflowBundle;
  if (explicit) {
    if (!existsSync(explicit))
      throw new Error(`BREACH_WORKFLOW_BUNDLE=${explicit}: no such file (build one with \`npm run build:workflows\`)`);
    return { workflowBundle: { codePath: explicit } };
  }
  const path = settings.traced ? WORKFLOW_BUNDLE_TRACED_PATH : WORKFLOW_BUNDLE_PATH;
  const bundleExists = existsSync(path);
  if (settings.production) {
    if (!bundleExists)
      throw new Error(`NODE_ENV=production but ${path} is missing: run \`npm run build:workflows\` first`);
    return { workflowBundle: { codePath: path } };
  }
  // A bundle from before the failure converter counts as stale (createBreachWorker would refuse it).
  if (
    bundleExists &&
    statSync(path).mtimeMs > workflowSourcesMtime() &&
    bundleHasFailureConverter(readFileSync(path, 'utf8'))
  ) {
    return { workflowBundle: { codePath: path } };
  }
  return { workflowsPath: WORKFLOWS_PATH };
}
