import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: the scenarios on a self-hosted Temporal cluster on PostgreSQL (tests/cluster/).
 * Each file starts its own PostgreSQL and Temporal server (tests/cluster/cluster.ts); one file at a time,
 * as they are heavy, with deadlines for a cluster that starts in tens of seconds on a loaded machine.
 */
export default defineConfig({
  test: {
    include: ['tests/cluster/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 600_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    maxWorkers: 1,
    fileParallelism: false,
  },
});
