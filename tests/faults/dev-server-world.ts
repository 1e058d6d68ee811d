/**
 * The fault tests' dev-server world: the Temporal dev server on a SQLite file (the binary `npm start`
 * runs, scripts/local/dev-server.ts) that a test may stop and start again on the same port, the production worker
 * as a child process, a real SMTP receiver and the endpoint receiver, and a client that encrypts like
 * production. Shared by the server-restart and decision-pending tests.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { registerSearchAttributes } from '../../client/search-attributes.js';
import { PROJECT_ROOT } from '../../config/index.js';
import { startDevServer, type DevServerSettings, type RunningDevServer } from '../../scripts/local/dev-server.js';
import { freePort } from '../../scripts/local/ports.js';
import { startHttpReceiver, startSmtpReceiver, type EndpointReceiver, type SmtpReceiver } from '../helpers/index.js';
import { Workers, type faultKeys, type Incidents } from './fixture.js';
import { realWorkflowBundleFile } from '../helpers/temporal.js';

export class DevServerWorld {
  private constructor(
    private settings: DevServerSettings,
    public server: RunningDevServer,
    readonly smtp: SmtpReceiver,
    readonly receiver: EndpointReceiver,
    readonly connection: Connection,
    readonly world: Incidents,
    readonly workers: Workers,
  ) {}

  /** `name` prefixes the task queue and the temporary folder; the worker starts polling before this resolves. */
  static async start(name: string, keys: ReturnType<typeof faultKeys>): Promise<DevServerWorld> {
    const dir = mkdtempSync(join(tmpdir(), `${name}-`));
    const settings: DevServerSettings = {
      host: '127.0.0.1',
      port: await freePort(),
      uiPort: await freePort(),
      dbFile: join(dir, 'temporal.db'),
      namespace: 'default',
      logFile: join(dir, 'temporal.log'),
      cwd: PROJECT_ROOT,
      env: process.env,
    };
    const taskQueue = `${name}-${Math.random().toString(36).slice(2, 8)}`;
    const [started, smtp, receiver, bundle] = await Promise.all([
      startServer(settings, false),
      startSmtpReceiver(),
      startHttpReceiver(),
      realWorkflowBundleFile(),
    ]);
    const connection = await Connection.connect({ address: started.server.address });
    await registerSearchAttributes(connection, 'default');
    const world: Incidents = {
      client: new Client({ connection, namespace: 'default', dataConverter: keys.dataConverter }),
      taskQueue,
    };
    const self: { current?: DevServerWorld } = {};
    const workers = new Workers(() => ({
      TEMPORAL_ADDRESS: self.current!.server.address,
      BREACH_TASK_QUEUE: taskQueue,
      SMTP_URL: smtp.smtpUrl,
      BREACH_WORKFLOW_BUNDLE: bundle,
      ...keys.env,
    }));
    self.current = new DevServerWorld(started.settings, started.server, smtp, receiver, connection, world, workers);
    await workers.start();
    return self.current;
  }

  /** The SQLite file's name, for the tests' figures. */
  get dbFileName(): string {
    return this.settings.dbFile.split('/').at(-1)!;
  }

  async stopServer(): Promise<void> {
    await this.server.stop();
  }

  /** Starts the server again on the same Temporal port and database file (the worker and client reconnect by themselves). */
  async startServerAgain(): Promise<void> {
    const started = await startServer(this.settings, true);
    this.settings = started.settings;
    this.server = started.server;
  }

  async close(signal: NodeJS.Signals): Promise<void> {
    await this.workers.kill(signal);
    await this.connection.close().catch(() => undefined);
    await this.server.stop();
    await Promise.all([this.smtp.close(), this.receiver.close()]);
  }
}

/**
 * A port found free a moment ago may be taken by another test's server by the time this one binds it
 * (the UI's, most often): then again, with new ports, except the Temporal port of a restart, which must
 * stay the same.
 */
async function startServer(
  settings: DevServerSettings,
  restart: boolean,
): Promise<{ settings: DevServerSettings; server: RunningDevServer }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { settings, server: await startDevServer(settings) };
    } catch (err) {
      if (attempt >= 3) throw err;
      settings = { ...settings, uiPort: await freePort(), ...(restart ? {} : { port: await freePort() }) };
    }
  }
}
