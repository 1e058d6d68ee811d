/**
 * vitest's setupFiles, in every test file: every fast-check property runs with the run's seed
 * (tests/setup/seed.ts), and a property that fails says, in its error, the one command that replays it:
 * `FC_SEED=<seed> npx vitest run <file> -t '<test>'`.
 */
import fc from 'fast-check';
import { expect, inject } from 'vitest';
import { relative } from 'node:path';

/** The command that runs this one test again with `seed` (the name as a regular expression, quoted for the shell). */
export function replayCommand(seed: number, testPath: string | undefined, testName: string | undefined): string {
  const file = testPath ? relative(process.cwd(), testPath) : '<file>';
  const pattern = (testName ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/'/g, `'\\''`);
  return `FC_SEED=${seed} npx vitest run ${file} -t '${pattern}'`;
}

fc.configureGlobal({
  seed: inject('fcSeed'),
  // Used for fc.assert of sync and async properties alike (no asyncReporter is set).
  reporter(details) {
    if (!details.failed) return;
    const { testPath, currentTestName } = expect.getState();
    // The runner names a test "describe > test"; -t matches the name with spaces between.
    const name = currentTestName?.split(' > ').join(' ');
    throw new Error(
      `${fc.defaultReportMessage(details)}\n\nReplay it: ${replayCommand(details.seed, testPath, name)}`,
      { cause: details.errorInstance },
    );
  },
});
