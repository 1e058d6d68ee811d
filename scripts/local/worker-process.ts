/**
 * The production worker (workers/main.ts) as a child process, for the crash test and the bench: started
 * with node and the tsx loader directly (not the tsx CLI, which would put a second process between us
 * and the worker, and a SIGKILL to it would leave the worker running), so `kill('SIGKILL')` is a crash
 * of the worker itself and `rssMb()` its memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from '../../config/index.js';
import { WORKER_READY_MARK } from '../../workers/worker.js';

export interface WorkerProcess {
  pid: number;
  child: ChildProcess;
  /** Resolves once the worker polls its task queue. */
  ready: Promise<void>;
  exited: Promise<number | string>;
  /** Resident memory in MB (Linux /proc), 0 when it cannot be read. */
  rssMb(): number;
  kill(signal: NodeJS.Signals): Promise<void>;
  /** The last lines it printed (for an error message). */
  output(): string;
}

export function startWorkerProcess(
  env: Record<string, string>,
  options: { readyTimeoutMs?: number; nodeArgs?: string[] } = {},
): WorkerProcess {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', join(PROJECT_ROOT, 'workers', 'main.ts')],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, BREACH_WORKER_LOG_LEVEL: 'ERROR', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`the worker did not start within ${options.readyTimeoutMs ?? 90_000} ms:\n${lines.join('\n')}`),
        ),
      options.readyTimeoutMs ?? 90_000,
    );
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        if (lines.length > 200) lines.shift();
        if (line.includes(WORKER_READY_MARK)) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited (${code}) before it was ready:\n${lines.join('\n')}`));
    });
  });
  ready.catch(() => undefined);
  return {
    pid: child.pid!,
    child,
    ready,
    exited,
    rssMb() {
      try {
        const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        return kb ? Number(kb) / 1024 : 0;
      } catch {
        return 0;
      }
    },
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
    output: () => lines.join('\n'),
  };
}
