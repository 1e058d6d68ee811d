/**
 * What every command of the CLI gets: where to print, the environment, the clock, the configuration
 * and a Temporal client made on first use. The entry point (cli/breach.ts) builds it from the
 * process; the tests build it around their own Temporal server.
 */
import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import type { Playbook } from '../domain/playbook.js';
import { TemporalUnavailableError } from '../client/incidents.js';
import { loadCliConfig, loadPlaybookFile, type CliConfig } from '../config/index.js';
import { dataConverterFromEnv } from '../security/data-converter.js';

/** 0 ok, 1 refused (or failed), 2 bad usage. */
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad usage: printed with the command's usage, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

export interface CliContext {
  out(text: string): void;
  err(text: string): void;
  now(): Date;
  readText(path: string): Promise<string>;
  config(): CliConfig;
  playbook(): Promise<Playbook>;
  client(): Promise<Client>;
  close(): Promise<void>;
}

export interface ContextOptions {
  out?: (text: string) => void;
  err?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** A client to use instead of connecting with TEMPORAL_* (tests). */
  client?: Client;
}

export function createContext(options: ContextOptions = {}): CliContext {
  const env = options.env ?? process.env;
  let config: CliConfig | undefined;
  let playbook: Promise<Playbook> | undefined;
  let connection: Connection | undefined;
  let client: Promise<Client> | undefined = options.client ? Promise.resolve(options.client) : undefined;
  const context: CliContext = {
    out: options.out ?? ((text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)),
    err: options.err ?? ((text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`)),
    now: options.now ?? (() => new Date()),
    readText: (path) => readFile(path, 'utf8'),
    config: () => (config ??= loadCliConfig(env)),
    playbook: () => (playbook ??= loadPlaybookFile(context.config().playbookPath)),
    client: () =>
      (client ??= (async () => {
        const { temporal, env: configured } = context.config();
        const { connectionOptions, namespace } = temporal;
        // Payloads encrypted like the worker's and the API's (security/data-converter.ts).
        const { dataConverter } = await dataConverterFromEnv(configured);
        try {
          connection = await Connection.connect(connectionOptions);
        } catch (err) {
          throw new TemporalUnavailableError(
            `cannot reach Temporal at ${connectionOptions.address}: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
        return new Client({ connection, namespace, dataConverter });
      })()),
    async close() {
      await connection?.close();
    },
  };
  return context;
}
