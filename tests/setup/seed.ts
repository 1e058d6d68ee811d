/**
 * vitest's globalSetup: one fast-check seed for the whole run, printed at the top so a red run can be
 * replayed. FC_SEED=<n> fixes it (CI runs the property files once more with a fixed one, .ci/run);
 * without it every run draws a fresh one. The test files get it through inject('fcSeed')
 * (tests/setup/fast-check.ts).
 */
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    fcSeed: number;
  }
}

/** FC_SEED as a 32-bit integer (fast-check's seed), or a fresh one. */
export function chooseSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.FC_SEED?.trim();
  if (given) {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 32) {
      throw new Error(`FC_SEED=${given}: expected a whole number (fast-check's seed, as a failure prints it)`);
    }
    return seed | 0;
  }
  return (Math.random() * 2 ** 32) | 0;
}

export default function setup(project: TestProject): void {
  const seed = chooseSeed();
  project.provide('fcSeed', seed);
  console.log(
    `fast-check seed ${seed}${process.env.FC_SEED ? ' (from FC_SEED)' : ''}: FC_SEED=${seed} runs the properties again with the same inputs`,
  );
}
