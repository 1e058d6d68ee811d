import { configDefaults, defineConfig } from 'vitest/config';

/**
 * `npm run test:quick` (`vitest run --mode quick`): the inner loop, the domain rules, the plain checks,
 * the workflows on the time-skipping server and the API's document, within 90 s on 2 CPUs. No file here
 * starts a Temporal dev server, a browser or `npm start`: the API's routes against a dev server
 * (`tests/api`, some 10 to 50 s a file on 2 CPUs), the whole system, browsers, the dev server restarted
 * and workers killed, fast-check against the API, scale and the install scripts run in `npm test`, with
 * these.
 */
export const QUICK = [
  'tests/rules/**/*.test.ts',
  'tests/workflows/**/*.test.ts',
  'tests/activities/**/*.test.ts',
  'tests/api/openapi-security.test.ts',
  'tests/cli/args.test.ts',
  'tests/cli/compliance-report.test.ts',
  'tests/pii/codec.test.ts',
  'tests/pii/codec-server.test.ts',
  'tests/pii/codec-session.test.ts',
  'tests/pii/redact.test.ts',
  'tests/foundation/config.test.ts',
  'tests/foundation/ports.test.ts',
  'tests/exercises/scenario.test.ts',
  'tests/exercises/yearly-figures.test.ts',
];

/**
 * Left to `npm test`: the quick folders' longest files (30 to 60 s each on 2 CPUs), whole notification runs
 * rather than rules: returned letters during a run, the case record through archiving and its retries.
 */
export const QUICK_EXCLUDE = ['tests/workflows/returns.test.ts', 'tests/workflows/record.test.ts'];

/**
 * Forks, not threads: the Temporal SDK's native runtime and the servers the tests start belong in a
 * process of their own, and a crashed file must not take the others down. Timeouts fit servers that
 * start in seconds on a quiet machine and in minutes on a loaded one; the tests wait for what happens,
 * never for a duration (docs/operations.md#tests-and-ci).
 */
export default defineConfig(({ mode }) => ({
  test: {
    include: mode === 'quick' ? QUICK : ['tests/**/*.test.ts'],
    // The self-hosted cluster's tests need a server built from source: `npm run test:cluster`.
    exclude: [...configDefaults.exclude, 'tests/cluster/**', ...(mode === 'quick' ? QUICK_EXCLUDE : [])],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    // expect.poll waits for what happens; its default (1 s) is no deadline for a loaded machine.
    expect: { poll: { timeout: 30_000 } },
    // Each file starts its own servers on free ports; more than a few at once only makes them slower.
    maxWorkers: 4,
    // One fast-check seed per run, printed at the top; a failed property prints the command replaying it.
    globalSetup: ['tests/setup/seed.ts'],
    setupFiles: ['tests/setup/fast-check.ts'],
  },
}));
