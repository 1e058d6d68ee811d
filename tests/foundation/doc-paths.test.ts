/**
 * The README and the docs name files that exist: every path they write whose first folder is one of the
 * repository's (`workflows/gates.ts`, `tests/e2e/smoke.test.ts`, `exercises/scenarios/*.json`) is in the
 * work tree. A path git ignores on purpose (`deploy/secrets/breach.env`, which the operator writes) and
 * what runs make (`.data/`, `dist/`) are not the repository's and are not checked.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../config/index.js';

const tracked = execFileSync('git', ['ls-files'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
const topLevel = new Set(tracked.map((file) => file.split('/')[0]!));

/** The paths a Markdown text names: tokens with a slash whose first segment is a top-level entry of the repository. */
function namedPaths(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/(?<![\w./-])((?:\.ci|[a-z][\w-]*)\/[\w.*/-]*[\w*/])/g)) {
    const path = match[1]!;
    if (topLevel.has(path.split('/')[0]!)) found.add(path);
  }
  return [...found];
}

function ignoredByGit(path: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '-q', '--no-index', path], { cwd: PROJECT_ROOT });
    return true;
  } catch {
    return false;
  }
}

/** A glob is checked up to its first `*`: the folder it lists must exist. */
const exists = (path: string) =>
  existsSync(join(PROJECT_ROOT, path.includes('*') ? path.slice(0, path.indexOf('*')).replace(/[^/]*$/, '') : path));

const documents = ['README.md', ...readdirSync(join(PROJECT_ROOT, 'docs')).map((name) => `docs/${name}`)].filter(
  (name) => name.endsWith('.md'),
);

describe('the paths the README and the docs name', () => {
  it('finds the paths of the README (its folder table and follow-one-incident table)', () => {
    const paths = namedPaths(readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8'));
    expect(paths).toContain('workflows/gates.ts');
    expect(paths).toContain('tests/e2e/smoke.test.ts');
    expect(paths.length).toBeGreaterThan(30);
  });

  for (const document of documents) {
    it(`${document}: every path it names exists`, () => {
      const missing = namedPaths(readFileSync(join(PROJECT_ROOT, document), 'utf8')).filter(
        (path) => !exists(path) && !ignoredByGit(path),
      );
      expect(missing).toEqual([]);
    });
  }
});
