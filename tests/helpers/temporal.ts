/**
 * Temporal servers for the tests, from the binaries the project finds or installs
 * (scripts/install/temporal-binaries.ts): the time-skipping test server for workflow tests, and the real
 * dev server (random free port, no UI, the contract's search attributes registered) for end-to-end ones.
 * Their clients and the workers built here encrypt like production (security/data-converter.ts), with a
 * key made at run time (testDataConverter).
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataConverter } from '@temporalio/common';
import { DefaultLogger, Runtime, type LogLevel, type Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities, type BreachActivities } from '../../activities/index.js';
import { SEARCH_ATTRIBUTES } from '../../domain/search-attributes.js';
import { indexedValueType } from '../../client/search-attributes.js';
import { freePort } from '../../scripts/local/ports.js';
import { locateBinary, withDownloadFallback } from '../../scripts/install/temporal-binaries.js';
import { createKeyring, generateKey } from '../../security/codec.js';
import { PROJECT_ROOT } from '../../config/index.js';
import { createDataConverter, FAILURE_CONVERTER_PATH } from '../../security/data-converter.js';
import {
  createBreachWorker,
  type BreachWorkerOptions,
  workflowSourcesMtime,
  WORKFLOWS_PATH,
} from '../../workers/worker.js';
import { bundleWorkflows, PRELOAD_MODULES } from '../../workers/bundle.js';

export type { TestWorkflowEnvironment };

let runtimeInstalled = false;

/**
 * Worker logs at WARN (BREACH_TEST_LOG=INFO or DEBUG for more): the INFO lines of every worker start
 * and stop drown the test output. Installed once per test process, before the first server starts.
 */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({
      logger: new DefaultLogger((process.env.BREACH_TEST_LOG ?? 'WARN') as LogLevel),
      shutdownSignals: [],
    });
  } catch {
    // Already installed by the test itself: keep its choice.
  }
}

let dataConverter: DataConverter | undefined;

/** The production data converter with one key made at run time, shared by the test process. */
export function testDataConverter(): DataConverter {
  dataConverter ??= createDataConverter(createKeyring('test-key', { 'test-key': generateKey() }));
  return dataConverter;
}

/**
 * The time-skipping test server: `env.sleep('30 days')` and timers in awaited workflows pass at once.
 * The contract's search attributes are registered on it as on every real server, so the workflow runs
 * as in production. The Java test server implements the operator service's AddSearchAttributes (not
 * its ListSearchAttributes, so client/search-attributes.ts's check-then-add cannot be used here).
 */
export async function startTimeSkippingEnv(
  options: { dataConverter?: DataConverter } = {},
): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const located = locateBinary('temporal-test-server');
  const client = { dataConverter: options.dataConverter ?? testDataConverter() };
  const env = await withDownloadFallback('temporal-test-server', located, (executable) =>
    TestWorkflowEnvironment.createTimeSkipping({ server: { executable }, client }),
  );
  try {
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTES.map(({ name, type }) => [name, indexedValueType(type)])),
    });
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return env;
}

/**
 * The real Temporal dev server (in memory), with the contract's search attributes, on a free port chosen
 * outside the range the system hands out (scripts/local/ports.ts freePort: many test files start servers at once).
 */
export async function startDevServer(
  options: { namespace?: string; dataConverter?: DataConverter } = {},
): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const located = locateBinary('temporal');
  const port = await freePort();
  return withDownloadFallback('temporal', located, (executable) =>
    TestWorkflowEnvironment.createLocal({
      client: { dataConverter: options.dataConverter ?? testDataConverter() },
      server: {
        executable,
        ip: '127.0.0.1',
        port,
        ui: false,
        namespace: options.namespace ?? 'default',
        searchAttributes: SEARCH_ATTRIBUTES,
        log: { format: 'pretty', level: 'error' },
      },
    }),
  );
}

/**
 * The real activities for a worker whose workflows send nothing (a foundation test's own workflow, a
 * worker that is refused before it starts): mail goes to nodemailer's JSON transport, which renders
 * the message and sends it nowhere, and no endpoint has a token.
 */
export function offlineActivities(): BreachActivities {
  return createActivities({
    mailer: nodemailer.createTransport({ jsonTransport: true }),
    mailFrom: 'breach@test.example',
    publicUrl: 'http://localhost',
    env: {},
  });
}

let bundleFilePromise: Promise<string> | undefined;

/**
 * The real workflows bundled once per source state and shared by every test file and every worker
 * process a test starts (BREACH_WORKFLOW_BUNDLE): a cache file keyed by the sources' modification time.
 * Bundling takes seconds of CPU, and each worker would do it again. `npm start` in tests/e2e bundles as
 * a developer's does.
 */
export function realWorkflowBundleFile(): Promise<string> {
  bundleFilePromise ??= (async () => {
    const key = createHash('sha256')
      .update(
        `${workflowSourcesMtime()}:${WORKFLOWS_PATH}:${PRELOAD_MODULES.length}:${FAILURE_CONVERTER_PATH}:${statSync(FAILURE_CONVERTER_PATH).mtimeMs}`,
      )
      .digest('hex')
      .slice(0, 16);
    const dir = join(PROJECT_ROOT, 'node_modules', '.cache', 'breach-tests');
    const file = join(dir, `workflow-bundle-${key}.js`);
    if (existsSync(file)) return file;
    // As production bundles it (workers/bundle.ts): no tracing interceptors, the shared modules preloaded.
    const code = await bundleWorkflows(WORKFLOWS_PATH, { quiet: true });
    await mkdir(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, code);
    await rename(tmp, file);
    return file;
  })();
  return bundleFilePromise;
}

/** The shared bundle's code, for a worker in the test process. */
export async function realWorkflowBundle(): Promise<{ code: string }> {
  return { code: await readFile(await realWorkflowBundleFile(), 'utf8') };
}

/**
 * A worker on the test environment, built like the production one (createBreachWorker). Without
 * `workflowsPath` it runs the real workflows from the shared bundle; without `dataConverter`, it
 * encrypts with testDataConverter(), like the environments' clients.
 */
export async function createTestWorker(
  env: TestWorkflowEnvironment,
  options: Omit<BreachWorkerOptions, 'connection' | 'taskQueue' | 'dataConverter'> & {
    taskQueue?: string;
    dataConverter?: DataConverter;
  },
): Promise<Worker> {
  const workflowBundle = options.workflowBundle ?? (options.workflowsPath ? undefined : await realWorkflowBundle());
  return createBreachWorker({
    ...options,
    dataConverter: options.dataConverter ?? testDataConverter(),
    connection: env.nativeConnection,
    namespace: options.namespace ?? env.namespace ?? 'default',
    taskQueue: options.taskQueue ?? `test-${Math.random().toString(36).slice(2, 10)}`,
    workflowBundle,
  });
}
