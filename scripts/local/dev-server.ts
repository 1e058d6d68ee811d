/**
 * The Temporal dev server of `npm start`: the CLI's `temporal server start-dev` with its Web UI and a
 * SQLite file in the data folder, so incidents survive a restart. Where no binary is found (env, PATH,
 * .tools/venv) it falls back to the SDK's download through @temporalio/testing, which needs internet.
 */
import { appendFileSync } from 'node:fs';
import { describeExit, indentLines, spawnChild, type Child } from './children.js';
import { canConnect, waitUntil } from './ports.js';
import { StartError } from './readiness.js';
import { describeLocated, locateBinary, sdkExecutable, TemporalBinaryNotFound } from '../install/temporal-binaries.js';

export interface DevServerSettings {
  host: string;
  port: number;
  uiPort: number;
  dbFile: string;
  namespace: string;
  logFile: string;
  cwd: string;
  /** The UI decrypts payloads through this codec server (the HTTP API's /decode; api/codec-server.ts). */
  uiCodecEndpoint?: string;
  /** The environment of `npm start` (config/start.ts); the server gets it without TEMPORAL_*. */
  env: Record<string, string | undefined>;
  /** Starts tried before giving up (3), each given this long to answer (30 s). */
  attempts?: number;
  attemptTimeoutMs?: number;
  say?: (line: string) => void;
}

export interface RunningDevServer {
  address: string;
  uiUrl: string;
  binary: string;
  /** The child process, when the CLI runs as one (not with the SDK fallback). */
  child: Child | undefined;
  /**
   * Starts the same server again on the same port and database file, for `npm start`'s supervisor
   * (scripts/local/supervisor.ts) once `child` has died; undefined with the SDK fallback.
   */
  respawn: (() => Child) | undefined;
  stop(): Promise<void>;
}

function withoutTemporalEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  // The CLI reads TEMPORAL_* as client settings; a profile or TLS meant for the API must not reach the server.
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('TEMPORAL_')));
}

/**
 * Task priority on (the matching service's priority queues): the one-hour report is dispatched ahead of
 * the mail queued with it (workflows/activities.ts `deadlineEndpoint`). A self-hosted cluster sets the
 * same dynamic config value; Temporal Cloud has it on (docs/performance.md).
 */
export const PRIORITY_MATCHING = ['--dynamic-config-value', 'matching.useNewMatcher=true'];

export async function startDevServer(settings: DevServerSettings): Promise<RunningDevServer> {
  const located = locateBinary('temporal');
  const address = `${settings.host}:${settings.port}`;
  const uiUrl = `http://${settings.host === '127.0.0.1' ? 'localhost' : settings.host}:${settings.uiPort}`;

  if (located.source !== 'sdk-download') {
    const args = [
      'server',
      'start-dev',
      '--ip',
      settings.host,
      '--port',
      String(settings.port),
      '--ui-port',
      String(settings.uiPort),
    ];
    args.push('--db-filename', settings.dbFile, '--log-level', 'warn', '--ui-disable-news-fetch');
    if (settings.namespace !== 'default') args.push('--namespace', settings.namespace);
    if (settings.uiCodecEndpoint) args.push('--ui-codec-endpoint', settings.uiCodecEndpoint);
    const attempts = settings.attempts ?? 3;
    const attemptMs = settings.attemptTimeoutMs ?? 30_000;
    args.push(...PRIORITY_MATCHING);
    const spawnServer = () =>
      spawnChild('temporal', located.path, args, {
        cwd: settings.cwd,
        env: withoutTemporalEnv(settings.env),
        quiet: (line) => appendFileSync(settings.logFile, `${line}\n`),
        loud: /level=(ERROR|FATAL)|panic/,
      });
    for (let attempt = 1; ; attempt++) {
      const child = spawnServer();
      const up = waitUntil(
        () => canConnect(settings.host, settings.port),
        `the Temporal dev server on ${address}`,
        attemptMs,
      ).then(() => undefined);
      const died = child.exited.then((code) => `exited (${describeExit(code)}) before it answered`);
      const failure = await Promise.race([up, died]).catch(() => `did not answer within ${attemptMs / 1000} s`);
      if (failure === undefined)
        return {
          address,
          uiUrl,
          binary: describeLocated('temporal', located),
          child,
          respawn: spawnServer,
          stop: () => child.stop(10_000),
        };
      // A start can fail on its own (SQLite answering "context deadline exceeded" on a busy machine):
      // say what happened with the last lines of its log, and try again on the same database.
      await child.stop(5_000);
      const why = `the Temporal dev server on ${address} ${failure}; the last lines of its log (${settings.logFile}):\n${indentLines(child.lastLines(8))}`;
      if (attempt >= attempts) throw new StartError(`${why}\n  gave up after ${attempts} attempts`);
      (settings.say ?? console.log)(`${why}\n  starting it again (attempt ${attempt + 1} of ${attempts})`);
    }
  }

  // The SDK fallback runs the server inside this process: @temporalio/testing is a dev dependency.
  let testing: typeof import('@temporalio/testing');
  try {
    testing = await import('@temporalio/testing');
  } catch (err) {
    throw new TemporalBinaryNotFound('temporal', located.tried.slice(0, -1), err);
  }
  const { Runtime } = await import('@temporalio/worker');
  try {
    Runtime.install({ shutdownSignals: [] });
  } catch {
    // Installed already.
  }
  let env: Awaited<ReturnType<typeof testing.TestWorkflowEnvironment.createLocal>>;
  try {
    env = await testing.TestWorkflowEnvironment.createLocal({
      server: {
        executable: sdkExecutable(located, settings.cwd),
        ip: settings.host,
        port: settings.port,
        ui: true,
        uiPort: settings.uiPort,
        dbFilename: settings.dbFile,
        namespace: settings.namespace,
        log: { format: 'pretty', level: 'warn' },
        extraArgs: [
          ...(settings.uiCodecEndpoint ? ['--ui-codec-endpoint', settings.uiCodecEndpoint] : []),
          ...PRIORITY_MATCHING,
        ],
      },
    });
  } catch (err) {
    throw new TemporalBinaryNotFound('temporal', located.tried.slice(0, -1), err);
  }
  return {
    address,
    uiUrl,
    binary: describeLocated('temporal', located),
    child: undefined,
    respawn: undefined,
    stop: () => env.teardown(),
  };
}
