import { defineConfig } from 'vitest/config';

/**
 * Forks, not threads: the Temporal SDK's native runtime and the servers the tests start belong in a
 * process of their own, and a crashed file must not take the others down. Timeouts fit servers that
 * start in seconds; the tests themselves stay fast (time-skipping for timers, one dev server per file).
 */
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The self-hosted cluster's tests need a server built from source: `npm run test:cluster`.
    exclude: ['tests/cluster/**', '**/node_modules/**'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    // Each file starts its own servers on free ports; more than a few at once only makes them slower.
    maxWorkers: 4,
  },
});
