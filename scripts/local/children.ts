/**
 * Child processes of `npm start`: each in its own process group, so a Ctrl-C reaches `npm start` alone
 * and it stops the children in order (API and worker first, then Temporal) instead of all at once; their
 * output is printed line by line with a prefix.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Child {
  name: string;
  process: ChildProcess;
  /** Resolves with the exit code (or the signal's name) when the process has ended. */
  exited: Promise<number | string>;
  /** The last `n` lines it printed (for a message saying why it stopped or did not answer). */
  lastLines(n?: number): string[];
  /** Resolves when a line of its output includes `text`. */
  lineIncluding(text: string): Promise<void>;
  /** SIGTERM to its process group, SIGKILL after `graceMs`; resolves once it has ended. */
  stop(graceMs?: number): Promise<void>;
  running(): boolean;
}

export interface SpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Lines written here instead of stdout (a log file for the Temporal server, say)... */
  quiet?: (line: string) => void;
  /** ...except those that match (printed too), until the child is asked to stop. */
  loud?: RegExp;
}

const RECENT_LINES = 50;

/** "exit code 1", "signal SIGKILL": how a child ended, in words. */
export function describeExit(code: number | string): string {
  return typeof code === 'number'
    ? `exit code ${code}`
    : code === 'spawn-error'
      ? 'it could not be started'
      : `signal ${code}`;
}

/** Lines indented under a heading, or a note that there were none. */
export function indentLines(lines: string[], none = '(it printed nothing)'): string {
  return lines.length > 0 ? lines.map((l) => `    ${l}`).join('\n') : `    ${none}`;
}

export function spawnChild(name: string, command: string, args: string[], options: SpawnOptions): Child {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let ended = false;
  let stopRequested = false;
  const waiters: { text: string; resolve: () => void }[] = [];
  const recent: string[] = [];
  const exited = new Promise<number | string>((resolvePromise) => {
    child.once('exit', (code, signal) => {
      ended = true;
      resolvePromise(code ?? signal ?? 'unknown');
    });
    child.once('error', (err) => {
      ended = true;
      console.error(`[${name}] cannot start ${command}: ${err.message}`);
      resolvePromise('spawn-error');
    });
  });
  const prefix = `[${name}]`;
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      recent.push(line);
      if (recent.length > RECENT_LINES) recent.shift();
      for (const waiter of [...waiters]) {
        if (line.includes(waiter.text)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
      if (options.quiet) options.quiet(line);
      // While stopping, a server's complaints about connections going away are expected: log file only.
      if (!options.quiet || (!stopRequested && options.loud?.test(line)))
        console.log(line.startsWith(prefix) ? line : `${prefix} ${line}`);
    });
  }
  const signalGroup = (signal: NodeJS.Signals) => {
    if (ended || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  return {
    name,
    process: child,
    exited,
    running: () => !ended,
    lastLines: (n = 10) => recent.slice(-n),
    lineIncluding: (text) => new Promise<void>((resolvePromise) => waiters.push({ text, resolve: resolvePromise })),
    async stop(graceMs = 15_000) {
      if (ended) return;
      stopRequested = true;
      signalGroup('SIGTERM');
      const timer = setTimeout(() => {
        console.error(`[${name}] did not stop within ${graceMs / 1000} s: killing it`);
        signalGroup('SIGKILL');
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Last resort on an abrupt exit of `npm start`: no child may outlive it. */
export function killAllNow(children: Child[]): void {
  for (const child of children) {
    if (child.running() && child.process.pid !== undefined) {
      try {
        process.kill(-child.process.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}
