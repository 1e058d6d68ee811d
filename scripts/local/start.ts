/**
 * `npm start`: the whole system on one machine.
 *   - Temporal: the server at TEMPORAL_ADDRESS when it answers; else a dev server with its Web UI and
 *     SQLite in the data folder (incidents survive a restart), started again when a start fails, and
 *     kept running by scripts/local/supervisor.ts once ready (a SIGKILL costs seconds; the worker and the
 *     API reconnect to it by themselves).
 *   - the worker (workers/main.ts) and the HTTP API (api/main.ts), as child processes kept running by
 *     scripts/local/supervisor.ts: one that dies is started again with backoff, the cause said on the console;
 *   - a local mail catcher unless SMTP_URL is set, and a receiver standing in for the playbook's
 *     external endpoints.
 * "Running" is printed once the worker's pollers are on its task queue (workers/polling.ts) and the API
 * answers /healthz, so the first report finds a worker; a part that does not answer is named, with its
 * last lines. Ctrl-C stops the API and the worker, then Temporal. A second `npm start` on the same data
 * folder or ports says so and exits 1.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ConfigError, loadPlaybookFile, loadStartConfig, PROJECT_ROOT } from '../../config/index.js';
import { prepareDevKeyring } from '../../security/keyring.js';
import { WORKER_READY_MARK } from '../../workers/worker.js';
import { indentLines, killAllNow, spawnChild, type Child } from './children.js';
import { startDevServer, type RunningDevServer } from './dev-server.js';
import { startEndpointReceiver, type EndpointReceiver } from './endpoint-receiver.js';
import { acquireInstanceLock } from './instance-lock.js';
import { startMailCatcher, type MailCatcher } from './mail-catcher.js';
import { answers, canConnect, freePort, isLoopback, isPortTaken, parseHostPort, waitUntil } from './ports.js';
import { allReady, serverAnswers, StartError } from './readiness.js';
import { anyApiToken, banner, demoEndpointTokens, demoVendorCallback, registerWithRetry } from './start-parts.js';
import { supervise, type Supervised } from './supervisor.js';
import { ensureYearlySchedulesOnStart } from './yearly-schedules.js';
import { startDevIdp, type DevIdp } from './idp.js';
import { startUiProxy, type UiProxy } from './ui-proxy.js';
import { randomBytes } from 'node:crypto';

const READY_TIMEOUT_MS = 90_000;
const say = (line: string) => console.log(`[start] ${line}`);

/** Set once children may be running: a failure then stops them in order too. */
let stopEverything: ((code: number, why: string) => Promise<void>) | undefined;

function tailOf(file: string, n = 8): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-n);
  } catch {
    return [];
  }
}

/**
 * Resolves when the API says it is ready, while `child` runs; `last` keeps the last answer for a message.
 * Readiness is GET /readyz (200 once Temporal answers); an API without that route answers 404 there, and
 * its /healthz says the same thing.
 */
async function apiAnswers(
  child: Child,
  apiUrl: string,
  token: string | undefined,
  last: { answer: string },
): Promise<void> {
  let path = '/readyz';
  while (child.running()) {
    try {
      const response = await fetch(`${apiUrl}${path}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(2_000),
      });
      if (response.status === 404 && path === '/readyz') {
        path = '/healthz';
        continue;
      }
      last.answer = `${path} ${response.status} ${(await response.text()).slice(0, 200)}`;
      if (response.ok) return;
    } catch (err) {
      last.answer = `no answer (${err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err)})`;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('it exited');
}

async function main(): Promise<void> {
  const config = loadStartConfig();
  const { dataDir } = config;
  // Read here too so a bad playbook stops npm start before anything starts, with the field named.
  const playbook = await loadPlaybookFile(config.playbookPath);
  await mkdir(dataDir, { recursive: true });

  const lock = acquireInstanceLock(dataDir);
  if (!lock.ok) {
    const where = lock.holder.urls
      ? Object.entries(lock.holder.urls)
          .map(([k, v]) => `\n  ${k}: ${v}`)
          .join('')
      : '';
    console.error(
      `npm start is already running for ${relative(process.cwd(), dataDir) || dataDir} (pid ${lock.holder.pid}, since ${lock.holder.startedAt}).${where}\n` +
        `Use that one, or stop it with Ctrl-C in its terminal (or \`kill ${lock.holder.pid}\`). To run a second one beside it, give it its own ` +
        'BREACH_DATA_DIR, TEMPORAL_ADDRESS, BREACH_API_PORT, BREACH_MAIL_SMTP_PORT, BREACH_MAIL_WEB_PORT and BREACH_RECEIVER_PORT.',
    );
    process.exit(1);
  }

  const supervised: Supervised[] = [];
  // The dev server once it is ready, kept running like the children above (stopped after them).
  let temporalKept: Supervised | undefined;
  // Filled in as they start; shutdown stops what is there.
  const services: {
    temporal?: RunningDevServer;
    mail?: MailCatcher;
    receiver?: EndpointReceiver;
    idp?: DevIdp;
    uiProxy?: UiProxy;
  } = {};
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

  const wanted: [number, string, string][] = [
    [config.apiPort, 'the HTTP API', 'BREACH_API_PORT'],
    [config.receiverPort, 'the endpoint receiver', 'BREACH_RECEIVER_PORT'],
  ];
  if (!config.oidcIssuer && config.idpPort !== 0)
    wanted.push([config.idpPort, 'the development IdP', 'BREACH_IDP_PORT']);
  if (!config.smtpUrl)
    wanted.push(
      [config.mailSmtpPort, 'the mail catcher (SMTP)', 'BREACH_MAIL_SMTP_PORT'],
      [config.mailWebPort, 'the mail catcher (web)', 'BREACH_MAIL_WEB_PORT'],
    );
  if (!external) wanted.push([uiPort, 'the Temporal UI', 'BREACH_TEMPORAL_UI_PORT']);
  if (config.intakePort) wanted.push([config.intakePort, 'the intake mail listener', 'BREACH_INTAKE_SMTP_PORT']);
  const taken = [];
  for (const [p, what, variable] of wanted)
    if (await isPortTaken(p)) taken.push(`  port ${p} (${what}, ${variable}) is already in use`);
  if (taken.length > 0) {
    throw new StartError(
      `${taken.join('\n')}\nAnother npm start (or another program) holds it. Stop it, or choose other ports with the variables named above.`,
    );
  }

  const temporalAddress = external ? connectionOptions.address : `${bindHost}:${configured.port}`;
  console.log(
    external
      ? `Using the Temporal server at ${temporalAddress} (namespace ${namespace}).`
      : `Starting a Temporal dev server on ${temporalAddress}...`,
  );

  // Mail and endpoint stand-ins first: they take milliseconds, and the children send to them.
  if (!config.smtpUrl)
    services.mail = await startMailCatcher({
      smtpPort: config.mailSmtpPort,
      webPort: config.mailWebPort,
      dir: join(dataDir, 'mail'),
    });
  const receiver = await startEndpointReceiver({
    port: config.receiverPort,
    onCall: (call) =>
      console.log(
        `[receiver] ${call.method} ${call.path} → ${call.status} (Idempotency-Key: ${call.idempotencyKey ? 'yes' : 'no'}, Authorization: ${call.hasAuthorization ? 'yes' : 'no'})`,
      ),
  });
  services.receiver = receiver;
  const mail = services.mail;
  // The UI's port is this proxy's: the UI behind it on a private port, the codec routes on its origin
  // (scripts/local/ui-proxy.ts), so that signing in to the pages is all an operator does to decrypt.
  const uiBehindProxy = external ? undefined : await freePort();
  if (uiBehindProxy)
    services.uiProxy = await startUiProxy({
      host: bindHost,
      port: uiPort,
      uiPort: uiBehindProxy,
      apiPort: config.apiPort,
    });
  const smtpUrl = config.smtpUrl ?? mail?.smtpUrl;

  // The worker and the API start beside the server: they wait for it, and their start-up (bundling the
  // workflow code, compiling TypeScript) overlaps with its.
  // Payloads are encrypted (security/keyring.ts): configured keys, else a development key made on first run.
  const keys = await prepareDevKeyring(config.env, dataDir);
  console.log(`Encryption: ${keys.note}.`);
  const uiOrigins = config.uiOrigins ?? `http://localhost:${uiPort},http://127.0.0.1:${uiPort}`;
  const endpointTokens = {
    ...demoEndpointTokens(playbook, receiver.port, config.env),
    ...demoVendorCallback(config.env, dataDir),
  };
  // Sign-in: the development IdP (scripts/local/idp.ts) whose users are the playbook's people, unless an IdP is configured.
  let oidcEnv: Record<string, string> = {};
  if (!config.oidcIssuer) {
    const clientSecret = randomBytes(24).toString('base64url');
    services.idp = await startDevIdp({
      playbook,
      port: config.idpPort,
      clientId: 'breach-pages',
      clientSecret,
      audience: 'urn:breach-response:api',
      redirectUris: [`${config.publicUrl}/auth/callback`],
      postLogoutRedirectUris: [`${config.publicUrl}/cases`],
    });
    oidcEnv = {
      BREACH_OIDC_ISSUER: services.idp.issuer,
      BREACH_OIDC_CLIENT_ID: 'breach-pages',
      BREACH_OIDC_CLIENT_SECRET: clientSecret,
      BREACH_OIDC_AUDIENCE: 'urn:breach-response:api',
    };
  }
  const childEnv: NodeJS.ProcessEnv = {
    ...config.env,
    ...oidcEnv,
    ...endpointTokens,
    ...keys.childEnv,
    BREACH_UI_ORIGINS: uiOrigins,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: namespace,
    SMTP_URL: smtpUrl,
    BREACH_API_PORT: String(config.apiPort),
  };
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

  const externalUi =
    external && isLoopback(configured.host) && (await answers(`http://127.0.0.1:${configured.port + 1000}`))
      ? `http://localhost:${configured.port + 1000}`
      : undefined;
  const urls = {
    'Temporal UI': external ? (externalUi ?? '(the UI of the server at TEMPORAL_ADDRESS)') : uiUrl,
    'HTTP API': apiUrl,
    'Mail catcher':
      mail?.webUrl?.replace('127.0.0.1', 'localhost') ??
      `(SMTP_URL is set: mail goes to ${smtpUrl?.replace(/\/\/[^@/]*@/, '//***@')})`,
    'Endpoint receiver': receiver.url.replace('127.0.0.1', 'localhost'),
    'Report mailboxes': config.intakePort
      ? `smtp://127.0.0.1:${config.intakePort}`
      : '(off: BREACH_INTAKE_SMTP_PORT=off)',
  };
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
      demoTokens: Object.keys(endpointTokens),
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
