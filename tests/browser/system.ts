/**
 * The whole system as `npm start` runs it (scripts/local/start.ts), for the browser tests: the dev server with
 * its Web UI (whose codec endpoint is its own origin, scripts/local/ui-proxy.ts), the worker, the API, the mail catcher and the endpoint
 * receiver, on free ports and a temporary data folder, with the shipped playbook pointed at this run's
 * receiver. What a person's browser reaches is what these tests reach.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort, waitUntil } from '../../scripts/local/ports.js';
import { DEFAULT_PLAYBOOK, PROJECT_ROOT } from '../../config/index.js';
import { realWorkflowBundleFile, withEndpointsAt, withoutReturnsWindow } from '../helpers/index.js';
import { npmStartEnv } from '../helpers/system-env.js';
import { launchChromium, type Chromium } from './chromium.js';

export interface RunningSystem {
  ports: { temporal: number; ui: number; api: number; smtp: number; mailWeb: number; receiver: number };
  /** The Temporal UI, as `npm start` prints it. */
  uiUrl: string;
  /** The API (behind the UI's codec routes too) and the base of approval links. */
  apiUrl: string;
  mailUrl: string;
  /** Seconds until `npm start` said it was ready. */
  readySeconds: number;
  /** The environment `npm start` was given: the CLI run with it reaches the same system. */
  env: NodeJS.ProcessEnv;
  /** A call to the API with a bearer token of playbooks/demo-api-tokens.json. */
  api(token: string, path: string, init?: RequestInit): Promise<Response>;
  output(): string;
  stop(): Promise<void>;
}

export async function startSystem(): Promise<RunningSystem> {
  const dataDir = await mkdtemp(join(tmpdir(), 'breach-browser-system-'));
  const ports = {
    temporal: await freePort(),
    ui: await freePort(),
    api: await freePort(),
    smtp: await freePort(),
    mailWeb: await freePort(),
    receiver: await freePort(),
  };
  const playbook = JSON.parse(await readFile(DEFAULT_PLAYBOOK, 'utf8')) as {
    endpoints: Record<string, { url: string }>;
  };
  const playbookPath = join(dataDir, 'playbook.json');
  await writeFile(
    playbookPath,
    JSON.stringify(withEndpointsAt(withoutReturnsWindow(playbook), `http://127.0.0.1:${ports.receiver}`)),
  );
  // Exercises' reports and findings in this run's data folder, for the API and the CLI alike.
  // The workflows bundled once for the whole suite (tests/helpers/temporal.ts); tests/e2e bundles as `npm start` does.
  const env = {
    ...npmStartEnv(ports, dataDir, playbookPath),
    BREACH_EXERCISE_DIR: join(dataDir, 'exercises'),
    BREACH_WORKFLOW_BUNDLE: await realWorkflowBundleFile(),
  };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/local/start.ts'], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const t0 = Date.now();
  try {
    await Promise.race([
      // Seconds on a quiet machine, minutes on a loaded one.
      waitUntil(
        async () => output.includes('Breach response is running'),
        'npm start to say it is ready',
        180_000,
        200,
      ),
      exited.then((code) => {
        throw new Error(`npm start exited (${code}) before it was ready:\n${output}`);
      }),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }

  const apiUrl = `http://localhost:${ports.api}`;
  return {
    ports,
    uiUrl: `http://localhost:${ports.ui}`,
    apiUrl,
    mailUrl: `http://127.0.0.1:${ports.mailWeb}`,
    readySeconds: (Date.now() - t0) / 1000,
    env,
    api: (token, path, init = {}) =>
      fetch(`http://127.0.0.1:${ports.api}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
      }),
    output: () => output,
    stop,
  };
}

/** Polls until `check` gives a value (not undefined), or fails naming `what`. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  let found: T | undefined;
  await waitUntil(
    async () => {
      found = await check();
      return found !== undefined;
    },
    what,
    timeoutMs,
    250,
  );
  return found!;
}

/** `npm start` and a headless Chromium side by side, with axe-core's source to run in the pages. */
export async function startSystemAndBrowser(): Promise<{
  system: RunningSystem;
  browser: Chromium;
  axeSource: string;
}> {
  const [system, browser] = await Promise.all([startSystem(), launchChromium()]);
  const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  console.log(`npm start was ready in ${system.readySeconds.toFixed(1)} s; screenshots in ${browser.screenshotDir}`);
  return { system, browser, axeSource };
}

/**
 * Waits until the server's visibility lists `workflowId` for `query` (ListWorkflowExecutions, the call
 * behind the Temporal UI's list): the list is eventually consistent, so a page asked before this may
 * rightly not show it yet.
 */
export async function listedByServer(
  system: RunningSystem,
  workflowId: string,
  query: string,
  timeoutMs = 120_000,
): Promise<void> {
  const connection = await Connection.connect({ address: `127.0.0.1:${system.ports.temporal}` });
  try {
    await waitUntil(
      async () => {
        const listed = await connection.workflowService
          .listWorkflowExecutions({ namespace: 'default', query })
          .catch(() => undefined);
        return listed?.executions?.some((e) => e.execution?.workflowId === workflowId) === true;
      },
      `${workflowId} in the server's visibility for ${query}`,
      timeoutMs,
      250,
    );
  } finally {
    await connection.close();
  }
}
