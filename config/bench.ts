/** `npm run bench`'s configuration (scripts/bench/main.ts), read once from the environment. */
import { z } from 'zod';
import { parseEnv, type Env } from './shared.js';

export interface BenchConfig {
  /**
   * Node options of the bench's worker process. A heap limit by default, as a worker's container or
   * NODE_OPTIONS would set it: with Node's default V8 lets garbage pile up to gigabytes before it collects.
   */
  workerNodeArgs: string[];
}

export function loadBenchConfig(env: Env = process.env): BenchConfig {
  const e = parseEnv(z.object({ BENCH_WORKER_NODE_ARGS: z.string().default('--max-old-space-size=768') }), env);
  return { workerNodeArgs: e.BENCH_WORKER_NODE_ARGS.split(' ').filter(Boolean) };
}
