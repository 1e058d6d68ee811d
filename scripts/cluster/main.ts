/**
 * `npm run cluster`: the system on a self-hosted Temporal cluster on PostgreSQL, as an agency deploys it
 * (docs/deployment.md "Self-hosted Temporal").
 *   1. the Temporal server built from its Go module (scripts/cluster/build-server.mjs; minutes the first
 *      time, cached in .tools/temporal-server/ after);
 *   2. PostgreSQL with its data in .data/cluster/postgres, on its own port;
 *   3. the two databases with the server's schema tool (deploy/scripts/setup-postgres.sh);
 *   4. the Temporal server (PostgreSQL persistence and SQL visibility, several history shards, the dynamic
 *      configuration of deploy/dynamicconfig), kept running by scripts/local/supervisor.ts;
 *   5. the namespace with its retention and the search attributes (deploy/scripts/create-namespace.sh);
 *   6. `npm start` against it (scripts/local/start.ts: the worker, the API and its pages, the mail catcher
 *      and the endpoint receiver), its data in .data/cluster/app.
 * Ctrl-C stops the system, then the server, then PostgreSQL. A second start reuses the data.
 * Ports: BREACH_CLUSTER_PG_PORT (5544), BREACH_CLUSTER_PORT (7400: the frontend; the services take the
 * next ports, scripts/cluster/temporal-server.ts portsFrom); the system's own ports as for npm start.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../config/index.js';
import { indentLines, killAllNow } from '../local/children.js';
import { isPortTaken } from '../local/ports.js';
import { serverAnswers, StartError } from '../local/readiness.js';
import { supervise, type Supervised } from '../local/supervisor.js';
import { initDataDir, locatePostgres, postgresAnswers, spawnPostgres, type PostgresSettings } from './postgres.js';
import {
  createNamespace,
  portsFrom,
  SERVER_VERSION,
  setupSchemas,
  spawnServer,
  HISTORY_SHARDS,
  type ServerSettings,
} from './temporal-server.js';

const say = (line: string) => console.log(`[cluster] ${line}`);
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const NAMESPACE = process.env.TEMPORAL_NAMESPACE ?? 'breach';
const RETENTION = process.env.BREACH_RETENTION ?? '30d';

function numberFrom(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 65_000) {
    console.error(`${name}: expected a port from 1 to 65000, got "${process.env[name]}"`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const started = Date.now();
  const dataDir = join(process.env.BREACH_CLUSTER_DATA_DIR ?? join(PROJECT_ROOT, '.data', 'cluster'));
  const pgPort = numberFrom('BREACH_CLUSTER_PG_PORT', 5544);
  const ports = portsFrom(numberFrom('BREACH_CLUSTER_PORT', 7400));
  const rel = (p: string) => relative(process.cwd(), p) || p;

  // 1. The server binaries.
  say(
    `the Temporal server ${SERVER_VERSION}, built from its Go module (the first build takes 11 minutes of CPU time, an hour on a loaded 2-core machine; cached after)`,
  );
  const build = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts/cluster/build-server.mjs')], {
    stdio: 'inherit',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const printed = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts/cluster/build-server.mjs'), '--print'], {
    encoding: 'utf8',
  });
  const { module: moduleDir } = JSON.parse(printed.stdout) as { module: string };

  for (const [port, what] of [
    [pgPort, 'PostgreSQL (BREACH_CLUSTER_PG_PORT)'],
    [ports.frontend, 'the Temporal frontend (BREACH_CLUSTER_PORT)'],
  ] as const)
    if (await isPortTaken(port))
      throw new StartError(`port ${port} (${what}) is in use: another npm run cluster, or choose another port`);

  // 2. PostgreSQL.
  const pg = locatePostgres(say);
  const pgSettings: PostgresSettings = {
    dataDir: join(dataDir, 'postgres'),
    port: pgPort,
    user: 'temporal',
    password: process.env.BREACH_CLUSTER_PG_PASSWORD ?? 'temporal',
    logFile: join(dataDir, 'postgres.log'),
    cwd: dataDir,
  };
  mkdirSync(dataDir, { recursive: true });
  if (initDataDir(pg, pgSettings)) say(`PostgreSQL data directory created in ${rel(pgSettings.dataDir)}`);
  else say(`PostgreSQL data directory ${rel(pgSettings.dataDir)} reused`);

  const kept: Supervised[] = [];
  // npm start against the cluster, once the cluster is up.
  const app: { system?: ReturnType<typeof spawn> } = {};
  let stopping = 0;
  const stop = async (code: number, why: string) => {
    if (stopping) return;
    stopping = Date.now();
    say(`${why}: stopping the system, then the Temporal server, then PostgreSQL...`);
    const system = app.system;
    if (system && system.exitCode === null && system.signalCode === null) {
      system.kill('SIGINT');
      await new Promise((r) => system.once('exit', r));
    }
    for (const part of [...kept].reverse()) await part.stop();
    say('stopped.');
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      // npm forwards the terminal's Ctrl-C to this process, which the terminal signalled too: a second
      // signal within two seconds is that echo; a later one means "now".
      if (stopping && Date.now() - stopping > 2_000) {
        console.error(`${signal} again: killing everything now`);
        killAllNow(kept.map((k) => k.current()));
        process.exit(130);
      }
      void stop(0, signal);
    });
  process.on('exit', () => killAllNow(kept.map((k) => k.current())));
  const onFatal = (why: string) => void stop(1, why);

  let t = Date.now();
  const postgres = supervise('PostgreSQL', {
    spawn: () => spawnPostgres(pg, pgSettings, (line) => appendFileSync(pgSettings.logFile, `${line}\n`)),
    ready: (child) => postgresAnswers(pg, pgPort, child),
    say,
    onFatal,
  });
  kept.push(postgres);
  await postgres.firstReady;
  say(`PostgreSQL (${pg.binDir}) answers on 127.0.0.1:${pgPort} (${seconds(t)})`);

  // 3. The schemas.
  const settings: ServerSettings = {
    dir: join(dataDir, 'temporal'),
    ports,
    postgres: { port: pgPort, user: pgSettings.user, password: pgSettings.password },
  };
  t = Date.now();
  await setupSchemas(settings, moduleDir);
  say(
    `databases temporal and temporal_visibility at the server's schema (deploy/scripts/setup-postgres.sh, ${seconds(t)})`,
  );

  // 4. The server.
  t = Date.now();
  const server = supervise('the Temporal server', {
    spawn: () => spawnServer(settings),
    ready: (child) => serverAnswers(child, '127.0.0.1', ports.frontend),
    say,
    onFatal,
  });
  kept.push(server);
  await server.firstReady;
  say(
    `Temporal server ${SERVER_VERSION} on 127.0.0.1:${ports.frontend} (${HISTORY_SHARDS} history shards, SQL visibility; log ${rel(join(settings.dir, 'temporal-server.log'))}; ${seconds(t)})`,
  );

  // 5. The namespace and the search attributes.
  t = Date.now();
  const namespaceOutput = await createNamespace(settings, NAMESPACE, RETENTION);
  say(
    `namespace ${NAMESPACE} (retention ${RETENTION}) and its search attributes (deploy/scripts/create-namespace.sh, ${seconds(t)})`,
  );
  if (process.env.BREACH_CLUSTER_VERBOSE) console.log(indentLines(namespaceOutput.split('\n').filter(Boolean)));
  say(`the cluster is up ${seconds(started)} after npm run cluster; now npm start against it`);

  // 6. The system, as npm start runs it, against this cluster.
  const system = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts/local/start.ts')], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
    detached: true,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.frontend}`,
      TEMPORAL_NAMESPACE: NAMESPACE,
      BREACH_DATA_DIR: process.env.BREACH_DATA_DIR ?? join(dataDir, 'app'),
    },
  });
  app.system = system;
  system.once('exit', (code, signal) => {
    if (!stopping) void stop(code ?? 1, `npm start stopped (${code ?? signal})`);
  });
}

main().catch((err: unknown) => {
  console.error(
    `\nnpm run cluster failed: ${err instanceof StartError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  process.kill(process.pid, 'SIGTERM');
});
