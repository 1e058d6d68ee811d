/**
 * Keeps a child of `npm start` (the worker, the API, the Temporal dev server) running: one that dies is started again after a
 * pause that doubles with each quick death (1 s, 2 s, 4 s ... at most 30 s) and starts over once it has
 * run for a minute, so a crash costs seconds and a child that cannot start does not spin. Every death is
 * said on the console with its cause (exit code or signal) and the child's last lines. A child that
 * exits with EXIT_CONFIG says its configuration is wrong: restarting cannot fix that, so `onFatal` is
 * told instead. Nothing here decides to stop everything but `onFatal`; Ctrl-C stops through `stop()`.
 */
import { EXIT_CONFIG } from '../../config/index.js';
import { describeExit, indentLines, type Child } from './children.js';

export interface SupervisorOptions {
  /** Starts one instance. */
  spawn: () => Child;
  /** An instance started already (the Temporal dev server, started with retries before anything else): watched first. */
  first?: Child;
  /** Resolves when an instance answers (its ready line, a health check). */
  ready: (child: Child) => Promise<void>;
  say: (line: string) => void;
  onFatal: (why: string) => void;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Running this long counts as healthy: the next death waits initialBackoffMs again. */
  stableMs?: number;
}

export interface Supervised {
  name: string;
  current(): Child;
  /** Resolves when the first instance is ready (later ones are said on the console). */
  firstReady: Promise<void>;
  /** The number of times it was started again. */
  restarts(): number;
  stop(): Promise<void>;
}

export function supervise(name: string, options: SupervisorOptions): Supervised {
  const initial = options.initialBackoffMs ?? 1_000;
  const max = options.maxBackoffMs ?? 30_000;
  const stableMs = options.stableMs ?? 60_000;
  let stopping = false;
  let restarts = 0;
  let backoff = initial;
  let pending: NodeJS.Timeout | undefined;
  let child: Child;
  let everReady = false;
  let resolveFirst!: () => void;
  const firstReady = new Promise<void>((resolve) => (resolveFirst = resolve));

  let adopt = options.first;
  const start = () => {
    const startedAt = Date.now();
    child = adopt ?? options.spawn();
    adopt = undefined;
    const instance = child;
    void options.ready(instance).then(
      () => {
        if (!everReady) {
          everReady = true;
          resolveFirst();
        } else if (instance.running())
          options.say(
            `${name} is back (pid ${instance.process.pid}, ${((Date.now() - startedAt) / 1000).toFixed(1)} s after its restart)`,
          );
      },
      () => undefined,
    );
    void instance.exited.then((code) => {
      if (stopping) return;
      const cause = describeExit(code);
      const last = indentLines(instance.lastLines(8));
      if (code === EXIT_CONFIG) {
        options.onFatal(
          `${name} stopped with ${cause}: its configuration is wrong, and starting it again would not help. Its last lines:\n${last}`,
        );
        return;
      }
      if (Date.now() - startedAt > stableMs) backoff = initial;
      const wait = backoff;
      backoff = Math.min(backoff * 2, max);
      restarts += 1;
      options.say(
        `${name} (pid ${instance.process.pid}) died: ${cause}. Its last lines:\n${last}\n  starting it again in ${wait / 1000} s (restart ${restarts})`,
      );
      pending = setTimeout(() => {
        pending = undefined;
        if (!stopping) start();
      }, wait);
    });
  };
  start();

  return {
    name,
    current: () => child,
    firstReady,
    restarts: () => restarts,
    async stop() {
      stopping = true;
      if (pending) clearTimeout(pending);
      await child.stop();
    },
  };
}
