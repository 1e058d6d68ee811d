/**
 * `npm start`: the whole system on one machine.
 *   - Temporal: the server at TEMPORAL_ADDRESS when it answers; else a dev server with its Web UI and
 *     SQLite in the data folder (incidents survive a restart), started again when a start fails, and
 *     kept running by scripts/local/supervisor.ts once ready (a SIGKILL costs seconds; the worker and the
 *     API reconnect to it by themselves).
 *   - the worker (workers/main.ts) and the HTTP API (api/main.ts), as child processes kept running by
 *     scripts/local/supervisor.ts: one that dies is started again with backoff, the cause said on the console;
 *   - the stand-ins beside them (scripts/local/stand-ins.ts): mail catcher, endpoint receiver, IdP.
 * "Running" is printed once the worker's pollers are on its task queue (workers/polling.ts) and the API
 * answers /healthz, so the first report finds a worker; a part that does not answer is named, with its
 * last lines. Ctrl-C stops the API and the worker, then Temporal. A second `npm start` on the same data
 * folder or ports says so and exits 1.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, loadPlaybookFile, loadStartConfig, PROJECT_ROOT } from '../../config/index.js';
import { prepareDevKeyring } from '../../security/keyring.js';
import { WORKER_READY_MARK } from '../../workers/worker.js';
import { indentLines, killAllNow, spawnChild } from './children.js';
import { startDevServer, type RunningDevServer } from './dev-server.js';
import { acquireInstanceLock } from './instance-lock.js';
import { answers, canConnect, isLoopback, parseHostPort, waitUntil } from './ports.js';
import { allReady, apiAnswers, serverAnswers, StartError, tailOf } from './readiness.js';
import { startStandIns, type StandIns } from './stand-ins.js';
import { alreadyRunning, refuseTakenPorts } from './start-checks.js';
import { anyApiToken, banner, bannerUrls, childEnvironment, registerWithRetry } from './start-parts.js';
import { supervise, type Supervised } from './supervisor.js';
import { ensureYearlySchedulesOnStart } from './yearly-schedules.js';

const READY_TIMEOUT_MS = 90_000;
const say = (line: string) => console.log(`[start] ${line}`);

/** Set once children may be running: a failure then stops them in order too. */
let stopEverything: ((code: number, why: string) => Promise<void>) | undefined;

async function main(): Promise<void> {
  const config = loadStartConfig();
  const { dataDir } = config;
  // Read here too so a bad playbook stops npm start before anything starts, with the field named.
  const playbook = await loadPlaybookFile(config.playbookPath);
  await mkdir(dataDir, { recursive: true });

  const lock = acquireInstanceLock(dataDir);
  if (!lock.ok) {
    console.error(alreadyRunning(lock.holder, dataDir));
    process.exit(1);
  }

  const supervised: Supervised[] = [];
  // The dev server once it is ready, kept running like the children above (stopped after them).
  let temporalKept: Supervised | undefined;
  // Filled in as they start; shutdown stops what is there.
  const services: StandIns & { temporal?: RunningDevServer } = {};
  const allChildren = () => [
    ...supervised.map((s) => s.current()),
    ...(temporalKept ? [temporalKept.current()] : services.temporal?.child ? [services.temporal.child] : []),
  ];
  let stopping = false;
  process.on('exit', () => {
    killAllNow(allChildren());
    lock.release();
  });

  const shutdown = async (code: number, why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${why}: stopping the API and the worker, then Temporal...`);
    await Promise.all(supervised.map((s) => s.stop()));
    await (temporalKept ?? services.temporal)?.stop().catch((err: Error) => console.error(`[temporal] ${err.message}`));
    await Promise.all([
      services.mail?.close(),
      services.receiver?.close(),
      services.idp?.close(),
      services.uiProxy?.close(),
    ]);
    lock.release();
    console.log('stopped.');
    process.exit(code);
  };
  stopEverything = shutdown;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        console.error(`${signal} again: killing everything now`);
        killAllNow(allChildren());
        process.exit(130);
      }
      void shutdown(0, signal);
    });
  }

  // Temporal: use the one that answers, else start one here.
  const { connectionOptions, namespace } = config.temporal;
  const configured = parseHostPort(connectionOptions.address);
  const external = await canConnect(configured.host, configured.port, 1_000);
  if (!external && !isLoopback(configured.host)) {
    throw new StartError(
      `TEMPORAL_ADDRESS=${connectionOptions.address} does not answer, and npm start only starts a Temporal server on this machine`,
    );
  }
  const bindHost = configured.host === 'localhost' ? '127.0.0.1' : configured.host;
  const uiPort = config.temporalUiPort ?? configured.port + 1000;

  await refuseTakenPorts(config, { external, uiPort });

  const temporalAddress = external ? connectionOptions.address : `${bindHost}:${configured.port}`;
  console.log(
    external
      ? `Using the Temporal server at ${temporalAddress} (namespace ${namespace}).`
      : `Starting a Temporal dev server on ${temporalAddress}...`,
  );

  const { receiver, uiBehindProxy, oidcEnv } = await startStandIns(services, {
    config,
    playbook,
    external,
    bindHost,
    uiPort,
  });
  const mail = services.mail;
  const smtpUrl = config.smtpUrl ?? mail?.smtpUrl;

  // The worker and the API start beside the server: they wait for it, their start-up overlapping with its.
  // Payloads are encrypted (security/keyring.ts): configured keys, else a development key made on first run.
  const keys = await prepareDevKeyring(config.env, dataDir);
  console.log(`Encryption: ${keys.note}.`);
  const { childEnv, demoTokens } = childEnvironment({
    config,
    playbook,
    receiverPort: receiver.port,
    uiPort,
    more: { ...oidcEnv, ...keys.childEnv },
    temporalAddress,
    smtpUrl,
  });
  // One process per child (node with tsx's loader), not tsx's CLI and its own child: signals reach the code.
  const tsx = (file: string): [string, string[]] => [process.execPath, ['--import', 'tsx', file]];
  let failedBeforeReady: (why: string) => void = () => undefined;
  const fatal = new Promise<never>((_, reject) => (failedBeforeReady = (why) => reject(new StartError(why))));
  fatal.catch(() => undefined);
  let ready = false;
  const onFatal = (why: string) => (ready ? void shutdown(1, why) : failedBeforeReady(why));

  const worker = supervise('the worker', {
    spawn: () => spawnChild('worker', ...tsx('workers/main.ts'), { cwd: PROJECT_ROOT, env: childEnv }),
    ready: (child) => child.lineIncluding(WORKER_READY_MARK),
    say,
    onFatal,
  });
  supervised.push(worker);
  const token = anyApiToken(config.apiTokensPath);
  const health = { answer: 'not asked yet' };
  const api = supervise('the API', {
    spawn: () => spawnChild('api', ...tsx('api/main.ts'), { cwd: PROJECT_ROOT, env: childEnv }),
    ready: (child) => apiAnswers(child, `http://127.0.0.1:${config.apiPort}`, token, health),
    say,
    onFatal,
  });
  supervised.push(api);

  const temporalLog = join(dataDir, 'temporal.log');
  let searchAttributes = 'n/a';
  const temporalReady = (async () => {
    if (!external) {
      services.temporal = await startDevServer({
        host: bindHost,
        port: configured.port,
        uiPort: uiBehindProxy!,
        dbFile: join(dataDir, 'temporal.db'),
        namespace,
        logFile: temporalLog,
        cwd: PROJECT_ROOT,
        env: config.env,
        // The UI decrypts through the API's codec routes (api/codec-server.ts), reached on its own origin.
        uiCodecEndpoint: `http://localhost:${uiPort}`,
        say,
      });
    }
    searchAttributes = await registerWithRetry(temporalAddress, connectionOptions, namespace);
    await ensureYearlySchedulesOnStart({
      address: temporalAddress,
      namespace,
      env: childEnv,
      taskQueue: config.taskQueue,
      playbook,
    });
  })();

  const apiUrl = `http://localhost:${config.apiPort}`;
  const uiUrl = `http://localhost:${uiPort}`;
  const lastLinesOf = (s: Supervised) => () =>
    `    its last lines:\n${indentLines(
      s
        .current()
        .lastLines(8)
        .map((l) => `  ${l}`),
    )}`;
  await allReady(
    [
      {
        what: `the Temporal server at ${temporalAddress}`,
        until: temporalReady,
        detail: () =>
          external
            ? ''
            : `    the last lines of ${temporalLog}:\n${indentLines(tailOf(temporalLog).map((l) => `  ${l}`))}`,
      },
      {
        what: `the worker (its pollers on task queue ${config.taskQueue}, as the server lists them)`,
        until: worker.firstReady,
        detail: lastLinesOf(worker),
      },
      {
        what: `the API (GET ${apiUrl}/readyz or /healthz 200)`,
        until: api.firstReady,
        detail: () => `    its last answer: ${health.answer}\n${lastLinesOf(api)()}`,
      },
      ...(mail
        ? [
            {
              what: `the mail page ${mail.webUrl}`,
              until: waitUntil(() => answers(`${mail.webUrl}/`), 'the mail page', READY_TIMEOUT_MS),
            },
          ]
        : []),
      ...(external
        ? []
        : [
            {
              what: `the Temporal UI ${uiUrl}`,
              until: temporalReady.then(() => waitUntil(() => answers(uiUrl), 'the Temporal UI', READY_TIMEOUT_MS)),
            },
          ]),
    ],
    READY_TIMEOUT_MS,
    fatal,
  );
  if (stopping) return;
  ready = true;

  // After "ready", the dev server is kept running like the worker and the API: one that dies is started
  // again on its database file, and the worker and the API reconnect to it without a restart of their own.
  const devServer = services.temporal;
  if (devServer?.child && devServer.respawn) {
    temporalKept = supervise('the Temporal dev server', {
      first: devServer.child,
      spawn: devServer.respawn,
      ready: (child) => serverAnswers(child, bindHost, configured.port),
      say,
      onFatal: (why) => void shutdown(1, why),
    });
  }

  const urls = await bannerUrls({
    config,
    external,
    temporal: configured,
    uiUrl,
    apiUrl,
    mailWebUrl: mail?.webUrl,
    smtpUrl,
    receiverUrl: receiver.url,
  });
  lock.update({ urls });
  console.log(
    banner({
      urls,
      temporalAddress,
      namespace,
      devServer: services.temporal
        ? { dbFile: join(dataDir, 'temporal.db'), binary: services.temporal.binary }
        : undefined,
      searchAttributes,
      apiUrl,
      token,
      mail: mail ? { smtpUrl: mail.smtpUrl, dir: join(dataDir, 'mail') } : undefined,
      demoTokens,
      taskQueue: config.taskQueue,
      playbookPath: config.playbookPath,
      codecOnUiOrigin: services.uiProxy !== undefined,
      signIn: services.idp
        ? `${services.idp.issuer}   (development IdP: the playbook's people and a workforce member with no role; no passwords)`
        : (config.oidcIssuer ?? ''),
    }),
  );
}

main().catch(async (err: unknown) => {
  const known =
    err instanceof ConfigError ||
    err instanceof StartError ||
    (err instanceof Error && err.name === 'TemporalBinaryNotFound');
  console.error(
    `\nnpm start failed: ${known ? (err as Error).message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  if (stopEverything) await stopEverything(1, 'npm start failed');
  process.exit(1);
});
