import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest on 2 CPUs (the per-file figures of `npm test`; README "Tests"), started
 * first. Without vitest's cache of earlier durations, as in a clean clone and in CI, files run largest
 * first, and these are small files with long runs (a worker killed mid-notification, an exercise run to
 * its end): started last, the whole run waited on one of them alone at its end. Listed, not measured: a
 * file missing here only starts in vitest's own order.
 */
const SLOWEST = [
  'tests/scale/two-workers.test.ts',
  'tests/exercises/exercise.test.ts',
  'tests/hostile/hostile.test.ts',
  'tests/workflows/policy.test.ts',
  'tests/scale/telephony-crash.test.ts',
  'tests/e2e/supervision.test.ts',
  'tests/workflows/lifecycle.test.ts',
  'tests/workflows/duties.test.ts',
  'tests/scale/crash.test.ts',
];

export default class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const at = SLOWEST.findIndex((slow) => file.moduleId.replaceAll('\\', '/').endsWith(slow));
      return at === -1 ? SLOWEST.length : at;
    };
    return sorted
      .map((file, order) => ({ file, order, rank: rank(file) }))
      .sort((a, b) => a.rank - b.rank || a.order - b.order)
      .map(({ file }) => file);
  }
}
