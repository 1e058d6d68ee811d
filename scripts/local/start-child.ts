/**
 * `npm start` (scripts/local/start.ts) as a child process on free ports and a temporary data folder, with
 * the shipped playbook pointed at this run's endpoint receiver: the system as a person runs it, for the
 * end-to-end tests (tests/helpers/npm-start.ts) and `npm run bench -- start`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PLAYBOOK, PROJECT_ROOT } from '../../config/index.js';
import { freePort, waitUntil } from './ports.js';
import { sampleReport } from './sample-report.js';

export const READY_LINE = 'Breach response is running';

/** The ports of an `npm start` child. */
export interface SystemPorts {
  temporal: number;
  ui: number;
  api: number;
  smtp: number;
  mailWeb: number;
  receiver: number;
  /** The development IdP; absent, any free port. */
  idp?: number;
  /** The intake mail listener; absent, off (mail-intake/ has tests of its own). */
  intake?: number;
}

/** The environment of an `npm start` child on its own ports and data folder. */
export function npmStartEnv(ports: SystemPorts, dataDir: string, playbookPath: string): NodeJS.ProcessEnv {
  // Nothing of the developer's own Temporal, breach or SMTP settings leaks into the system started.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(TEMPORAL_|BREACH_|SMTP_)/.test(key)),
  );
  return {
    ...inherited,
    TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
    BREACH_TEMPORAL_UI_PORT: String(ports.ui),
    BREACH_API_PORT: String(ports.api),
    BREACH_MAIL_SMTP_PORT: String(ports.smtp),
    BREACH_MAIL_WEB_PORT: String(ports.mailWeb),
    BREACH_RECEIVER_PORT: String(ports.receiver),
    BREACH_IDP_PORT: String(ports.idp ?? 0),
    BREACH_INTAKE_SMTP_PORT: ports.intake === undefined ? 'off' : String(ports.intake),
    BREACH_DATA_DIR: dataDir,
    BREACH_PLAYBOOK: playbookPath,
  };
}

/**
 * A copy of a playbook (the parsed JSON) whose endpoint URLs point at `baseUrl`, keeping each URL's path:
 * `http://127.0.0.1:4010/us-cert` becomes `<baseUrl>/us-cert`.
 */
export function withEndpointsAt<T extends { endpoints: Record<string, { url: string }> }>(
  playbook: T,
  baseUrl: string,
): T {
  const endpoints = Object.fromEntries(
    Object.entries(playbook.endpoints).map(([name, endpoint]) => {
      const url = new URL(endpoint.url);
      return [name, { ...endpoint, url: `${baseUrl.replace(/\/$/, '')}${url.pathname}${url.search}` }];
    }),
  );
  return { ...playbook, endpoints };
}

export interface NpmStart {
  child: ChildProcess;
  ports: SystemPorts;
  dataDir: string;
  output(): string;
  exited: Promise<number | null>;
  /** Resolves with the milliseconds until "running" was printed. */
  ready(timeoutMs?: number): Promise<number>;
  /** Ctrl-C, and its exit code; then the data folder is removed, unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<number | null>;
}

/** `again`: the data folder and ports of an earlier run (a second `npm start` on the same data). */
export async function startNpmStart(again?: { dataDir: string; ports: SystemPorts }): Promise<NpmStart> {
  const dataDir = again?.dataDir ?? (await mkdtemp(join(tmpdir(), 'breach-npm-start-')));
  const ports: SystemPorts = again?.ports ?? {
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
  await writeFile(playbookPath, JSON.stringify(withEndpointsAt(playbook, `http://127.0.0.1:${ports.receiver}`)));
  const t0 = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/local/start.ts'], {
    cwd: PROJECT_ROOT,
    env: npmStartEnv(ports, dataDir, playbookPath),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    ports,
    dataDir,
    output: () => output,
    exited,
    async ready(timeoutMs = 120_000) {
      await Promise.race([
        waitUntil(async () => output.includes(READY_LINE), 'npm start to say it is running', timeoutMs, 50),
        exited.then((code) => {
          throw new Error(`npm start exited (${code}) before it was ready:\n${output}`);
        }),
      ]);
      return Date.now() - t0;
    },
    async stop(options = {}) {
      let code: number | null = child.exitCode;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        code = await exited;
      }
      if (!options.keepData) await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/**
 * Posts a cyber report (scripts/local/sample-report.ts) with `token` and resolves with the milliseconds until its US-CERT call
 * reached the endpoint receiver (468.3b(1)).
 */
export async function reportToUsCert(
  system: NpmStart,
  token: string,
  incidentId: string,
  timeoutMs = 120_000,
): Promise<number> {
  const posted = Date.now();
  const response = await fetch(`http://127.0.0.1:${system.ports.api}/incidents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(sampleReport({ incidentId, medium: 'cyber' })),
  });
  if (response.status !== 202) throw new Error(`POST /incidents answered ${response.status}: ${await response.text()}`);
  let reachedAt = 0;
  await waitUntil(
    async () => {
      const calls = (await (await fetch(`http://127.0.0.1:${system.ports.receiver}/_calls.json`)).json()) as {
        at: string;
        path: string;
        body?: { incidentId?: string };
      }[];
      const call = calls.find((c) => c.path.startsWith('/us-cert') && c.body?.incidentId === incidentId);
      if (call) reachedAt = Date.parse(call.at);
      return call !== undefined;
    },
    `the US-CERT call of ${incidentId} at the endpoint receiver`,
    timeoutMs,
    10,
  );
  return reachedAt - posted;
}
