#!/usr/bin/env node
/**
 * Installs schemathesis, the fuzzer `npm run fuzz` runs against the API's own document (tests/fuzz), from
 * PyPI into a project-local, git-ignored venv (.tools/schemathesis) at the version pinned here. `.ci/run`
 * calls it before the fuzz step; it does nothing when the pinned version is there already. Plain Node
 * with no dependencies, like scripts/install/install-temporal-binaries.mjs. Exits 1, naming the cause,
 * when python3 (with venv and pip) or PyPI cannot be reached: CI must not pass without the fuzzer.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHEMATHESIS_VERSION = '4.32.5';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const VENV = join(ROOT, '.tools', 'schemathesis');
const BIN = join(VENV, process.platform === 'win32' ? 'Scripts' : 'bin');
export const SCHEMATHESIS = join(BIN, process.platform === 'win32' ? 'schemathesis.exe' : 'schemathesis');

function run(cmd, args) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

function installed() {
  if (!existsSync(SCHEMATHESIS)) return false;
  const version = run(SCHEMATHESIS, ['--version']);
  return version.ok && version.out.includes(SCHEMATHESIS_VERSION);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (installed()) {
    console.log(`[schemathesis] ${SCHEMATHESIS_VERSION} in .tools/schemathesis`);
    process.exit(0);
  }
  const python = process.platform === 'win32' ? 'python' : 'python3';
  const steps = [
    [python, ['-m', 'venv', VENV]],
    [
      join(BIN, 'python'),
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`],
    ],
  ];
  for (const [cmd, args] of steps) {
    const result = run(cmd, args);
    if (!result.ok) {
      console.error(
        `[schemathesis] could not install: ${cmd} ${args.join(' ')}\n${result.out.split('\n').slice(-5).join('\n')}`,
      );
      process.exit(1);
    }
  }
  if (!installed()) {
    console.error(`[schemathesis] installed, but ${SCHEMATHESIS} --version does not say ${SCHEMATHESIS_VERSION}`);
    process.exit(1);
  }
  console.log(`[schemathesis] installed ${SCHEMATHESIS_VERSION} into .tools/schemathesis`);
}
