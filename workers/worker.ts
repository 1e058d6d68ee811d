/**
 * Builds the breach-response worker. workers/main.ts and the tests build it the same way (STYLE.md 4):
 * only the connection, the activities and where the workflow code comes from differ.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { BreachActivities } from '../activities/index.js';
import { PROJECT_ROOT } from './config.js';

export const WORKFLOWS_PATH = join(PROJECT_ROOT, 'workflows', 'index.ts');
export const WORKFLOW_BUNDLE_PATH = join(PROJECT_ROOT, 'dist', 'workflow-bundle.js');

/** What workers/main.ts prints once it polls; `npm start` waits for it. */
export const WORKER_READY_MARK = 'polling task queue';

/** Pre-bundled workflow code: `{ codePath }` of a file written by scripts/bundle-workflows.ts, or `{ code }`. */
export type WorkflowBundle = { codePath: string } | { code: string };

export interface BreachWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  /** createActivities(...) in production; tests may pass their own. */
  activities: BreachActivities | object;
  /** Absent: bundle `workflowsPath` at start (a few seconds; fine in development and tests). */
  workflowBundle?: WorkflowBundle;
  /** Default workflows/index.ts; tests may point at their own workflows. */
  workflowsPath?: string;
  /** Anything else Worker.create takes (data converter, interceptors, tuning). */
  workerOptions?: Partial<WorkerOptions>;
}

export function createBreachWorker(options: BreachWorkerOptions): Promise<Worker> {
  const workflowSource = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath: options.workflowsPath ?? WORKFLOWS_PATH };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...workflowSource,
    ...options.workerOptions,
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
 * start in about a second instead of several, and it is exactly the code CI checked.
 */
export function chooseWorkflowSource(env: Record<string, string | undefined> = process.env): { workflowBundle: WorkflowBundle } | { workflowsPath: string } {
  const bundleExists = existsSync(WORKFLOW_BUNDLE_PATH);
  if (env.NODE_ENV === 'production') {
    if (!bundleExists) throw new Error(`NODE_ENV=production but ${WORKFLOW_BUNDLE_PATH} is missing: run \`npm run build:workflows\` first`);
    return { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } };
  }
  if (bundleExists && statSync(WORKFLOW_BUNDLE_PATH).mtimeMs > workflowSourcesMtime()) return { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } };
  return { workflowsPath: WORKFLOWS_PATH };
}
