/**
 * The cluster tests' Temporal: PostgreSQL and the self-hosted Temporal server as `npm run cluster` runs
 * them (scripts/cluster/: the built server, the deploy scripts' schema and namespace steps, SQL
 * visibility, several history shards), on free ports and a temporary folder. The server can be stopped,
 * killed and started again on the same ports and databases. Needs the server built once
 * (`node scripts/cluster/build-server.mjs`; `npm run test:cluster` does it first).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { PROJECT_ROOT } from '../../config/index.js';
import type { Child } from '../../scripts/local/children.js';
import { freePort } from '../../scripts/local/ports.js';
import { serverAnswers } from '../../scripts/local/readiness.js';
import {
  initDataDir,
  locatePostgres,
  postgresAnswers,
  spawnPostgres,
  type PostgresSettings,
} from '../../scripts/cluster/postgres.js';
import {
  createNamespace,
  setupSchemas,
  spawnServer,
  type ServerSettings,
} from '../../scripts/cluster/temporal-server.js';
import type { BreachDataConverter } from '../../security/data-converter.js';
import type { TemporalTarget } from '../scale/processes.js';

export const NAMESPACE = 'breach';

export interface Cluster {
  address: string;
  namespace: string;
  /** The server's own log lines (for a failure message). */
  serverLines(): string[];
  /** Stops the server (SIGTERM, or SIGKILL: a crash) and waits until it has ended. */
  stopServer(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same ports and databases; resolves when it serves the namespace. */
  startServer(): Promise<void>;
  /** A client of the namespace, with the world's data converter. */
  client(dataConverter: BreachDataConverter): Promise<Client>;
  /** The cluster as a process world's Temporal (tests/scale/processes.ts). */
  target(dataConverter: BreachDataConverter): Promise<TemporalTarget>;
  close(): Promise<void>;
}

function moduleDir(): string {
  const printed = execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts/cluster/build-server.mjs'), '--print'], {
    encoding: 'utf8',
  });
  return (JSON.parse(printed) as { module: string }).module;
}

export async function startCluster(name: string): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), `cluster-${name}-`));
  // As root, PostgreSQL runs as its own user (scripts/cluster/postgres.ts), which must reach its folder.
  chmodSync(dir, 0o755);
  const pg = locatePostgres(() => undefined);
  const pgSettings: PostgresSettings = {
    dataDir: join(dir, 'postgres'),
    port: await freePort(),
    user: 'temporal',
    password: 'temporal',
    logFile: join(dir, 'postgres.log'),
    cwd: dir,
  };
  initDataDir(pg, pgSettings);
  const postgres = spawnPostgres(pg, pgSettings, () => undefined);
  await postgresAnswers(pg, pgSettings.port, postgres);
  const settings: ServerSettings = {
    dir: join(dir, 'temporal'),
    ports: {
      frontend: await freePort(),
      frontendHttp: await freePort(),
      history: await freePort(),
      matching: await freePort(),
      worker: await freePort(),
      membership: [await freePort(), await freePort(), await freePort(), await freePort()],
      metrics: await freePort(),
    },
    postgres: { port: pgSettings.port, user: pgSettings.user, password: pgSettings.password },
  };
  await setupSchemas(settings, moduleDir());
  const address = `127.0.0.1:${settings.ports.frontend}`;
  let server: Child | undefined;
  const connections: Connection[] = [];

  const startServer = async () => {
    const child = spawnServer(settings);
    server = child;
    await serverAnswers(child, '127.0.0.1', settings.ports.frontend).catch((err: Error) => {
      throw new Error(`the Temporal server ${err.message}:\n${child.lastLines(20).join('\n')}`);
    });
    // Serving: the namespace describes (create-namespace.sh creates it the first time).
    await createNamespace(settings, NAMESPACE, '1d', 180_000);
  };
  await startServer();

  const cluster: Cluster = {
    address,
    namespace: NAMESPACE,
    serverLines: () => server?.lastLines(30) ?? [],
    async stopServer(signal = 'SIGTERM') {
      const child = server;
      if (!child?.running()) return;
      if (signal === 'SIGKILL' && child.process.pid) {
        process.kill(-child.process.pid, 'SIGKILL');
        await child.exited;
      } else await child.stop(30_000);
    },
    startServer,
    async client(dataConverter) {
      const connection = await Connection.connect({ address });
      connections.push(connection);
      return new Client({ connection, namespace: NAMESPACE, dataConverter });
    },
    async target(dataConverter) {
      return {
        address,
        namespace: NAMESPACE,
        client: await cluster.client(dataConverter),
        teardown: () => cluster.close(),
      };
    },
    async close() {
      await Promise.all(connections.splice(0).map((c) => c.close().catch(() => undefined)));
      await server?.stop(30_000);
      await postgres.stop(30_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}
