/**
 * `npm start` (scripts/local/start.ts) as a child process on free ports and a temporary data folder, with the
 * shipped playbook pointed at this run's endpoint receiver: the system as a person runs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitUntil } from '../../scripts/local/ports.js';
import { DEFAULT_PLAYBOOK, PROJECT_ROOT } from '../../config/index.js';
import { withEndpointsAt } from './index.js';
import { npmStartEnv, type SystemPorts } from './system-env.js';

export const READY_LINE = 'Breach response is running';

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
