/**
 * The API's document and its behaviour agree (docs/reliability.md "Hostile input"): schemathesis, an
 * external fuzzer, generates requests from GET /openapi.json alone and checks every answer against the
 * document: no 5xx, statuses, content types and bodies as declared, valid input taken, invalid input
 * refused, undeclared methods answered 405. The API runs as in tests/api (the real workflow on a
 * Temporal dev server), listening on a free port. A fixed seed and a fixed number of cases per
 * operation make the run the same each time; `.ci/run` runs it after the tests (`npm run fuzz`).
 *
 *   npm run fuzz [-- --max-examples N --seed S ...]   (options after -- go to `schemathesis run`)
 *
 * schemathesis comes from PyPI into .tools/schemathesis (scripts/install/install-schemathesis.mjs).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../config/index.js';
import { startApiFixture, TOKEN } from '../api/fixture.js';

const SEED = '46046';
const MAX_EXAMPLES = '60';
const schemathesis = join(PROJECT_ROOT, '.tools', 'schemathesis', 'bin', 'schemathesis');

if (!existsSync(schemathesis)) {
  console.error(`[fuzz] ${schemathesis} is missing: node scripts/install/install-schemathesis.mjs installs it`);
  process.exit(1);
}

const f = await startApiFixture();
let status: number | undefined;
try {
  const address = await f.app.listen({ host: '127.0.0.1', port: 0 });
  console.log(
    `[fuzz] the API on ${address}; schemathesis ${process.argv.slice(2).join(' ') || `seed ${SEED}, ${MAX_EXAMPLES} cases per operation`}`,
  );
  status = await new Promise<number>((resolve, reject) => {
    const child = spawn(
      schemathesis,
      [
        '--config-file',
        join(PROJECT_ROOT, 'tests', 'fuzz', 'schemathesis.toml'),
        'run',
        `${address}/openapi.json`,
        '--checks',
        'all',
        '--seed',
        SEED,
        '--max-examples',
        MAX_EXAMPLES,
        // One worker: hypothesis's lambda descriptions parse source in threads, which Python 3.11's
        // parser does not survive ("AST constructor recursion depth mismatch").
        '--workers',
        '1',
        '--phases',
        'examples,coverage,fuzzing',
        '--request-timeout',
        '60',
        '--header',
        `Authorization: Bearer ${TOKEN.ipsDirector}`,
        '--generation-database',
        'none',
        '--report-dir',
        join(PROJECT_ROOT, '.data', 'schemathesis-report'),
        '--no-color',
        // Given again after these, an option wins (the command line's last word).
        ...process.argv.slice(2),
      ],
      { stdio: 'inherit' },
    );
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
} finally {
  await f.close();
}
process.exit(status ?? 1);
