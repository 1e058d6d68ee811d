/**
 * Where the browser tests' Chromium comes from, shared by `npm install` (scripts/install/install-chromium.mjs) and
 * the tests (tests/browser/chromium.ts), so both look in the same places and say the same thing when
 * there is none. Plain Node without dependencies: it runs inside `npm install`.
 *
 * Looked for in this order:
 *   1. BREACH_CHROMIUM_PATH (set but wrong is an error, not a silent fallback);
 *   2. a Chromium or Chrome on PATH: chromium, chromium-browser, google-chrome, google-chrome-stable;
 *   3. playwright's managed browser (PLAYWRIGHT_BROWSERS_PATH, else ~/.cache/ms-playwright).
 * A candidate counts only when `<it> --version` answers: a snap wrapper or a binary missing its
 * libraries would otherwise pass the lookup and fail every browser test with a launch error.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The OS package manager can only be asked where there is one: Debian and Ubuntu's apt-get. */
export function fixCommand(env = process.env, uid = process.getuid?.()) {
  if (!onPath('apt-get', env)) return 'npx playwright-core install chromium';
  const sudo = uid === 0 ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends chromium`;
}

/**
 * The one line `npm install` prints and the browser tests fail with when no Chromium can be had. It
 * depends on the machine only (never on what was tried), so both say exactly the same thing.
 */
export function missingChromiumLine(env = process.env, uid = process.getuid?.()) {
  return (
    'No Chromium for the browser tests (looked at BREACH_CHROMIUM_PATH, chromium and google-chrome on PATH, ' +
    `playwright's browsers): fix with \`${fixCommand(env, uid)}\`, or set BREACH_CHROMIUM_PATH to a Chromium binary.`
  );
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function onPath(name, env = process.env) {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** `<path> --version`'s first line, or undefined when it does not run. */
export function versionOf(path, env = process.env) {
  const result = spawnSync(path, ['--version'], {
    encoding: 'utf8',
    timeout: 20_000,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0 || result.error) return undefined;
  return result.stdout.trim().split('\n')[0] || path;
}

/**
 * Where playwright keeps (or would keep) its Chromium, as playwright-core computes it. Asked in a child
 * process: playwright-core reads PLAYWRIGHT_BROWSERS_PATH once, when it is first imported.
 */
const playwrightPaths = new Map();

export function playwrightChromiumPath(env = process.env) {
  // A node process that loads playwright-core takes a second or more on a busy machine: once per place.
  const key = `${env.PLAYWRIGHT_BROWSERS_PATH ?? ''}\0${env.HOME ?? ''}`;
  if (!playwrightPaths.has(key)) playwrightPaths.set(key, askPlaywright(env));
  return playwrightPaths.get(key);
}

function askPlaywright(env) {
  const script = "import('playwright-core').then((m) => console.log(m.chromium.executablePath()))";
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env,
    cwd: PROJECT_ROOT,
    timeout: 30_000,
  });
  return result.status === 0 ? result.stdout.trim() || undefined : undefined;
}

/**
 * Finds a Chromium that runs. Resolves `{ path, source, version, tried }`, or `{ path: undefined, tried }`
 * when there is none; throws when BREACH_CHROMIUM_PATH names something that is not a working Chromium.
 */
export async function findChromium(env = process.env) {
  const tried = [];
  const explicit = env.BREACH_CHROMIUM_PATH;
  if (explicit) {
    const version = existsSync(explicit) ? versionOf(explicit, env) : undefined;
    if (!version)
      throw new Error(
        `BREACH_CHROMIUM_PATH=${explicit}: ${existsSync(explicit) ? 'does not run (`--version` failed)' : 'no such file'}; point it at a Chromium binary or unset it.`,
      );
    return { path: explicit, source: 'BREACH_CHROMIUM_PATH', version, tried };
  }
  tried.push('BREACH_CHROMIUM_PATH: not set');
  for (const name of PATH_NAMES) {
    const path = onPath(name, env);
    if (!path) continue;
    const version = versionOf(path, env);
    if (version) return { path, source: 'PATH', version, tried };
    tried.push(`${path}: does not run`);
  }
  tried.push(`PATH: no working ${PATH_NAMES.join(', ')}`);
  const managed = playwrightChromiumPath(env);
  if (managed && existsSync(managed)) {
    const version = versionOf(managed, env);
    if (version) return { path: managed, source: 'playwright', version, tried };
    tried.push(
      `${managed}: does not run (its system libraries may be missing: \`npx playwright-core install-deps chromium\` as root)`,
    );
  } else {
    tried.push(`playwright: none at ${managed ?? '(playwright-core not installed)'}`);
  }
  return { path: undefined, tried };
}

function run(command, args, env, timeoutMs) {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    env,
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  return { ok: result.status === 0 && !result.error, output: result.error ? result.error.message : output };
}

/** The line of a failed command's output that says why (the first naming an error, else the last). */
const why = (text) => {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /error|failed|unable|could not/i.test(l)) ?? lines.pop() ?? 'failed';
};

/**
 * How apt-get may be run here: directly as root, through passwordless sudo, or not at all (with why).
 * Never interactive: `npm install` must not stop to ask for a password.
 */
export function aptRunner(env = process.env, uid = process.getuid?.()) {
  if (process.platform !== 'linux') return { why: 'not Linux' };
  const aptGet = onPath('apt-get', env);
  if (!aptGet) return { why: 'no apt-get on PATH' };
  if (uid === 0) return { argv: [aptGet] };
  const sudo = onPath('sudo', env);
  // sudo resets the environment: DEBIAN_FRONTEND goes through `env` so no debconf question can stop us.
  if (sudo && run(sudo, ['-n', 'true'], env, 10_000).ok)
    return { argv: [sudo, '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', aptGet] };
  return { why: 'needs root or passwordless sudo' };
}

/**
 * npm install's part: find one, else install Debian's `chromium` with apt-get when allowed, else
 * playwright's Chromium when the internet allows; `say` gets progress lines. Resolves what findChromium does.
 */
export async function provisionChromium({ env = process.env, uid = process.getuid?.(), say = console.log } = {}) {
  const found = await findChromium(env);
  if (found.path) return found;
  const tried = [...found.tried];

  const apt = aptRunner(env, uid);
  if (apt.argv) {
    say("installing Debian's chromium with apt-get (about 100 MB, once)...");
    const [command, ...base] = apt.argv;
    const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = run(command, [...base, 'update', '-qq'], aptEnv, 10 * 60_000);
    const install = update.ok
      ? run(command, [...base, 'install', '-y', '-qq', '--no-install-recommends', 'chromium'], aptEnv, 15 * 60_000)
      : update;
    const after = await findChromium(env);
    if (after.path) return { ...after, source: 'apt-get' };
    tried.push(`apt-get: ${install.ok ? 'installed, but no chromium on PATH after it' : why(install.output)}`);
  } else {
    tried.push(`apt-get: ${apt.why}`);
  }

  let cli;
  try {
    cli = join(dirname(createRequire(import.meta.url).resolve('playwright-core/package.json')), 'cli.js');
  } catch {
    tried.push('playwright: playwright-core is not installed');
  }
  if (cli) {
    say("downloading playwright's Chromium (about 150 MB, once; needs the internet)...");
    const download = run(process.execPath, [cli, 'install', 'chromium'], env, 10 * 60_000);
    const after = await findChromium(env);
    if (after.path) return { ...after, source: 'playwright download' };
    tried.push(`playwright: ${download.ok ? 'downloaded, but it does not run here' : why(download.output)}`);
  }
  return { path: undefined, tried };
}
