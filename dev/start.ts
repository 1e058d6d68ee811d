/**
 * `npm start`: the whole system on one machine.
 *   - Temporal: the server at TEMPORAL_ADDRESS when it answers; else a dev server with its Web UI and
 *     SQLite in the data folder (incidents survive a restart). The contract's search attributes are
 *     registered on every start, so an existing database gets them too.
 *   - the worker (worker/main.ts) and the HTTP API (api/main.ts), as child processes;
 *   - a local mail catcher unless SMTP_URL is set, and a receiver standing in for the playbook's
 *     external endpoints.
 * Prints every URL and how long it took to be ready. Ctrl-C stops the API and the worker, then Temporal.
 * A second `npm start` on the same data folder or ports says so and exits 1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Connection } from '@temporalio/client';
import { z } from 'zod';
import type { Playbook } from '../domain/playbook.js';
import { ConfigError, loadConfig, loadPlaybookFile, PROJECT_ROOT, temporalConnectConfig } from '../config/index.js';
import { prepareDevKeyring } from '../security/keyring.js';
import { WORKER_READY_MARK } from '../worker/worker.js';
import { killAllNow, spawnChild, type Child } from './children.js';
import { startDevServer, type RunningDevServer } from './dev-server.js';
import { startEndpointReceiver, type EndpointReceiver } from './endpoint-receiver.js';
import { acquireInstanceLock } from './instance-lock.js';
import { startMailCatcher, type MailCatcher } from './mail-catcher.js';
import { answers, canConnect, isLoopback, isPortTaken, parseHostPort, waitUntil } from './ports.js';
import { registerSearchAttributes } from '../client/search-attributes.js';

const port = z.coerce.number().int().min(1, 'expected a port from 1 to 65535').max(65_535, 'expected a port from 1 to 65535');
const settingsSchema = z.object({
  BREACH_DATA_DIR: z.string().min(1).default(join(PROJECT_ROOT, '.data')),
  BREACH_TEMPORAL_UI_PORT: port.optional(),
  BREACH_MAIL_SMTP_PORT: port.default(2525),
  BREACH_MAIL_WEB_PORT: port.default(8025),
  BREACH_RECEIVER_PORT: port.default(4010),
});

const READY_TIMEOUT_MS = 90_000;

class StartError extends Error {
  override name = 'StartError';
}

function readSettings() {
  const config = loadConfig();
  const parsed = settingsSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new ConfigError(`bad configuration:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return { config, ...parsed.data, dataDir: resolve(parsed.data.BREACH_DATA_DIR) };
}

/** A token of BREACH_API_TOKENS, to ask the API's /readyz (with a token it shows what it checked). */
function anyApiToken(path: string): string | undefined {
  try {
    return Object.keys(JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>)[0];
  } catch {
    return undefined;
  }
}

/**
 * The playbook's endpoints that point at the local receiver get a demo bearer token when their `tokenEnv`
 * is unset, so the activities call the receiver as they would call US-CERT; real endpoints keep theirs.
 */
function demoEndpointTokens(playbook: Playbook, receiverPort: number, env: NodeJS.ProcessEnv): Record<string, string> {
  const tokens: Record<string, string> = {};
  for (const endpoint of Object.values(playbook.endpoints)) {
    const url = new URL(endpoint.url);
    const local = isLoopback(url.hostname.replace(/^\[|\]$/g, '')) && Number(url.port || 80) === receiverPort;
    if (local && endpoint.tokenEnv && !env[endpoint.tokenEnv]) tokens[endpoint.tokenEnv] = `local-receiver-demo-${endpoint.tokenEnv.toLowerCase()}`;
  }
  return tokens;
}

async function registerWithRetry(address: string, connectionOptions: ReturnType<typeof temporalConnectConfig>['connectionOptions'], namespace: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ ...connectionOptions, address, connectTimeout: 5_000 });
      const { added } = await registerSearchAttributes(connection, namespace);
      return added.length > 0 ? `registered ${added.join(', ')}` : 'all present';
    } catch (err) {
      // The namespace appears a moment after the port opens; a hosted cluster may refuse the operator call.
      if (Date.now() > deadline) return `not registered (${err instanceof Error ? err.message : String(err)}): register them with \`temporal operator search-attribute create\``;
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
}

/** Set once children may be running: a failure then stops them in order too. */
let stopEverything: ((code: number, why: string) => Promise<void>) | undefined;

async function main(): Promise<void> {
  const settings = readSettings();
  const { config, dataDir } = settings;
  // Read here too so a bad playbook stops npm start before anything starts, with the field named.
  const playbook = await loadPlaybookFile(config.playbookPath);
  await mkdir(dataDir, { recursive: true });

  const lock = acquireInstanceLock(dataDir);
  if (!lock.ok) {
    const where = lock.holder.urls ? Object.entries(lock.holder.urls).map(([k, v]) => `\n  ${k}: ${v}`).join('') : '';
    console.error(
      `npm start is already running for ${relative(process.cwd(), dataDir) || dataDir} (pid ${lock.holder.pid}, since ${lock.holder.startedAt}).${where}\n` +
        `Use that one, or stop it with Ctrl-C in its terminal (or \`kill ${lock.holder.pid}\`). To run a second one beside it, give it its own ` +
        'BREACH_DATA_DIR, TEMPORAL_ADDRESS, BREACH_API_PORT, BREACH_MAIL_SMTP_PORT, BREACH_MAIL_WEB_PORT and BREACH_RECEIVER_PORT.',
    );
    process.exit(1);
  }

  const children: Child[] = [];
  // Filled in as they start; shutdown stops what is there.
  const services: { temporal?: RunningDevServer; mail?: MailCatcher; receiver?: EndpointReceiver } = {};
  let stopping = false;
  process.on('exit', () => {
    killAllNow(children);
    lock.release();
  });

  const shutdown = async (code: number, why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${why}: stopping the API and the worker, then Temporal...`);
    await Promise.all(children.filter((c) => c.name !== 'temporal').map((c) => c.stop()));
    await services.temporal?.stop().catch((err: Error) => console.error(`[temporal] ${err.message}`));
    await Promise.all([services.mail?.close(), services.receiver?.close()]);
    lock.release();
    console.log('stopped.');
    process.exit(code);
  };
  stopEverything = shutdown;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        console.error(`${signal} again: killing everything now`);
        killAllNow(children);
        process.exit(130);
      }
      void shutdown(0, signal);
    });
  }

  // Temporal: use the one that answers, else start one here.
  const { connectionOptions, namespace } = temporalConnectConfig();
  const configured = parseHostPort(connectionOptions.address);
  const external = await canConnect(configured.host, configured.port, 1_000);
  if (!external && !isLoopback(configured.host)) {
    throw new StartError(`TEMPORAL_ADDRESS=${connectionOptions.address} does not answer, and npm start only starts a Temporal server on this machine`);
  }
  const bindHost = configured.host === 'localhost' ? '127.0.0.1' : configured.host;
  const uiPort = settings.BREACH_TEMPORAL_UI_PORT ?? configured.port + 1000;

  const wanted: [number, string, string][] = [
    [config.apiPort, 'the HTTP API', 'BREACH_API_PORT'],
    [settings.BREACH_RECEIVER_PORT, 'the endpoint receiver', 'BREACH_RECEIVER_PORT'],
  ];
  if (!config.smtpUrl) {
    wanted.push([settings.BREACH_MAIL_SMTP_PORT, 'the mail catcher (SMTP)', 'BREACH_MAIL_SMTP_PORT'], [settings.BREACH_MAIL_WEB_PORT, 'the mail catcher (web)', 'BREACH_MAIL_WEB_PORT']);
  }
  if (!external) wanted.push([uiPort, 'the Temporal UI', 'BREACH_TEMPORAL_UI_PORT']);
  const taken = [];
  for (const [p, what, variable] of wanted) if (await isPortTaken(p)) taken.push(`  port ${p} (${what}, ${variable}) is already in use`);
  if (taken.length > 0) {
    throw new StartError(`${taken.join('\n')}\nAnother npm start (or another program) holds it. Stop it, or choose other ports with the variables named above.`);
  }

  const temporalAddress = external ? connectionOptions.address : `${bindHost}:${configured.port}`;
  console.log(external ? `Using the Temporal server at ${temporalAddress} (namespace ${namespace}).` : `Starting a Temporal dev server on ${temporalAddress}...`);

  // Mail and endpoint stand-ins first: they take milliseconds, and the children send to them.
  if (!config.smtpUrl) {
    services.mail = await startMailCatcher({ smtpPort: settings.BREACH_MAIL_SMTP_PORT, webPort: settings.BREACH_MAIL_WEB_PORT, dir: join(dataDir, 'mail') });
  }
  const receiver = await startEndpointReceiver({
    port: settings.BREACH_RECEIVER_PORT,
    onCall: (call) =>
      console.log(`[receiver] ${call.method} ${call.path} → ${call.status} (Idempotency-Key: ${call.idempotencyKey ? 'yes' : 'no'}, Authorization: ${call.hasAuthorization ? 'yes' : 'no'})`),
  });
  services.receiver = receiver;
  const mail = services.mail;
  const smtpUrl = config.smtpUrl ?? mail?.smtpUrl;

  // The worker and the API start beside the server: they wait for it, and their start-up (bundling the
  // workflow code, compiling TypeScript) overlaps with its.
  // Payloads are encrypted (security/keyring.ts): configured keys, else a development key made on first run.
  const keys = await prepareDevKeyring(process.env, dataDir);
  console.log(`Encryption: ${keys.note}.`);
  const uiOrigins = process.env.BREACH_UI_ORIGINS || `http://localhost:${uiPort},http://127.0.0.1:${uiPort}`;
  const endpointTokens = demoEndpointTokens(playbook, receiver.port, process.env);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...endpointTokens, ...keys.childEnv, BREACH_UI_ORIGINS: uiOrigins, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_NAMESPACE: namespace, SMTP_URL: smtpUrl, BREACH_API_PORT: String(config.apiPort) };
  // One process per child (node with tsx's loader), not tsx's CLI and its own child: signals reach the code.
  const tsx = (file: string): [string, string[]] => [process.execPath, ['--import', 'tsx', file]];
  const worker = spawnChild('worker', ...tsx('worker/main.ts'), { cwd: PROJECT_ROOT, env: childEnv });
  children.push(worker);
  const apiScript = join(PROJECT_ROOT, 'api', 'main.ts');
  const api = existsSync(apiScript) ? spawnChild('api', ...tsx('api/main.ts'), { cwd: PROJECT_ROOT, env: childEnv }) : undefined;
  if (api) children.push(api);
  else console.warn('api/main.ts is not there yet: the HTTP API is not started.');

  const childDied = Promise.race(children.map((c) => c.exited.then((code) => ({ child: c, code }))));
  const failOnChildExit = childDied.then(({ child, code }) => {
    throw new StartError(`${child.name} exited (${code}) while starting; its output is above`);
  });

  let searchAttributes = 'n/a';
  const temporalReady = (async () => {
    if (!external) {
      services.temporal = await startDevServer({
        host: bindHost,
        port: configured.port,
        uiPort,
        dbFile: join(dataDir, 'temporal.db'),
        namespace,
        logFile: join(dataDir, 'temporal.log'),
        cwd: PROJECT_ROOT,
        // The UI decrypts payloads through the API's codec routes (api/codec-server.ts), with a bearer token.
        uiCodecEndpoint: `http://localhost:${config.apiPort}`,
      });
      if (services.temporal.child) children.push(services.temporal.child);
    }
    searchAttributes = await registerWithRetry(temporalAddress, connectionOptions, namespace);
  })();

  const token = anyApiToken(config.apiTokensPath);
  const apiUrl = `http://localhost:${config.apiPort}`;
  const uiUrl = `http://localhost:${uiPort}`;
  const ready = Promise.all([
    temporalReady,
    worker.lineIncluding(WORKER_READY_MARK),
    api ? waitUntil(() => answers(`http://127.0.0.1:${config.apiPort}/readyz`, { headers: token ? { authorization: `Bearer ${token}` } : {} }), 'the API (GET /readyz 200)', READY_TIMEOUT_MS) : undefined,
    mail ? waitUntil(() => answers(`${mail.webUrl}/`), 'the mail page', READY_TIMEOUT_MS) : undefined,
    temporalReady.then(() => (external ? undefined : waitUntil(() => answers(uiUrl), 'the Temporal UI', READY_TIMEOUT_MS))),
  ]);
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new StartError(`not ready within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS).unref());
  await Promise.race([ready, failOnChildExit, timeout]);
  if (stopping) return;

  const externalUi = external && isLoopback(configured.host) && (await answers(`http://127.0.0.1:${configured.port + 1000}`)) ? `http://localhost:${configured.port + 1000}` : undefined;
  const urls: Record<string, string> = {
    'Temporal UI': external ? (externalUi ?? '(the UI of the server at TEMPORAL_ADDRESS)') : uiUrl,
    'HTTP API': api ? apiUrl : '(not started: api/main.ts is missing)',
    'Mail catcher': mail?.webUrl?.replace('127.0.0.1', 'localhost') ?? `(SMTP_URL is set: mail goes to ${smtpUrl?.replace(/\/\/[^@/]*@/, '//***@')})`,
    'Endpoint receiver': receiver.url.replace('127.0.0.1', 'localhost'),
  };
  lock.update({ urls });
  const temporal = services.temporal;
  const seconds = (performance.now() / 1000).toFixed(1);
  const rel = (path: string) => relative(process.cwd(), path) || path;
  console.log(
    [
      '',
      `Breach response is running (ready in ${seconds} s).`,
      `  Temporal UI        ${urls['Temporal UI']}`,
      `  Temporal server    ${temporalAddress}, namespace ${namespace}${temporal ? `, data in ${rel(join(dataDir, 'temporal.db'))} (${temporal.binary})` : ''}; search attributes: ${searchAttributes}`,
      `  HTTP API           ${urls['HTTP API']}${api && token ? `   e.g. curl -H 'Authorization: Bearer ${token}' ${apiUrl}/readyz` : ''}`,
      `  Codec server       ${api ? `${apiUrl}/decode, /encode   (payloads are encrypted; the UI shows them decrypted to a bearer token of BREACH_API_TOKENS)` : '(not started)'}`,
      `  Mail catcher       ${urls['Mail catcher']}${mail ? `   (SMTP ${mail.smtpUrl}, messages in ${rel(join(dataDir, 'mail'))})` : ''}`,
      `  Endpoint receiver  ${urls['Endpoint receiver']}   (stands in for the playbook's external endpoints${Object.keys(endpointTokens).length > 0 ? `; demo tokens in ${Object.keys(endpointTokens).join(', ')}` : ''})`,
      `  Worker             task queue ${config.taskQueue}; playbook ${rel(config.playbookPath)}`,
      'Press Ctrl-C to stop everything.',
      '',
    ].join('\n'),
  );

  void childDied.then(({ child, code }) => shutdown(1, `${child.name} exited (${code})`));
}

main().catch(async (err: unknown) => {
  const known = err instanceof ConfigError || err instanceof StartError || (err instanceof Error && err.name === 'TemporalBinaryNotFound');
  console.error(`\nnpm start failed: ${known ? (err as Error).message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  if (stopEverything) await stopEverything(1, 'npm start failed');
  process.exit(1);
});
