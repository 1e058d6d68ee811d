#!/usr/bin/env node
/**
 * Builds the Temporal server (`temporal-server`) and its SQL schema tool (`temporal-sql-tool`) from the Go
 * module `go.temporal.io/server` at the version pinned in scripts/cluster/server-pin.json, into the
 * project-local, git-ignored `.tools/temporal-server/<version>/bin`. Cached: when both binaries and the
 * stamp are there at the pinned version it does nothing. `npm run cluster` runs it first.
 *
 * Why from source: the machines this project runs on reach the Go module proxy but no container registry
 * and no GitHub releases. The first build takes minutes (see README: "A cluster on PostgreSQL").
 *
 * Plain Node with no dependencies. Prints where it is and exits non-zero when Go is missing or the build
 * fails. Options: --force (rebuild even when cached), --print (print the bin directory and the module
 * directory as JSON and exit; non-zero when not built). `temporal-server` and `temporal-sql-tool` are
 * links to the two binaries, under the names the Temporal images use.
 */
import { spawn, spawnSync } from 'node:child_process';
import { clearInterval, setInterval } from 'node:timers';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PIN = JSON.parse(readFileSync(join(ROOT, 'scripts/cluster/server-pin.json'), 'utf8'));
const DIR = join(ROOT, '.tools', 'temporal-server', PIN.version);
const BIN = join(DIR, 'bin');
const STAMP = join(DIR, 'built.json');
const PACKAGES = ['cmd/server', 'cmd/tools/sql'];
export const SERVER_BIN = BIN;
const say = (text) => console.log(`[cluster build] ${text}`);

function goEnv(name) {
  const r = spawnSync('go', ['env', name], { encoding: 'utf8' });
  if (r.status !== 0 || r.error) return undefined;
  return r.stdout.trim();
}

/** Where the built server's module source sits (schema/postgresql/v12, config templates). */
export function serverModuleDir() {
  const cache = goEnv('GOMODCACHE');
  return cache ? join(cache, `${PIN.module}@${PIN.version}`) : undefined;
}

/**
 * The names the Temporal images give them (`temporal-server`, `temporal-sql-tool`), so that the scripts of
 * deploy/scripts run here as they run in the admin-tools image.
 */
function linkImageNames() {
  for (const [name, target] of [
    ['temporal-server', 'server'],
    ['temporal-sql-tool', 'sql'],
  ])
    if (!existsSync(join(BIN, name))) symlinkSync(target, join(BIN, name));
}

export function built() {
  if (!existsSync(join(BIN, 'server')) || !existsSync(join(BIN, 'sql'))) return false;
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8')).version === PIN.version;
  } catch {
    return false;
  }
}

async function build() {
  if (!goEnv('GOVERSION')) {
    console.error('[cluster build] Go is not on PATH. Install Go (the build was tested with go1.26) and retry.');
    process.exit(1);
  }
  mkdirSync(BIN, { recursive: true });
  const targets = PACKAGES.map((p) => `${PIN.module}/${p}@${PIN.version}`);
  say(`building Temporal server ${PIN.version} with ${goEnv('GOVERSION')} into ${BIN}`);
  say(
    'the first build takes 11 minutes of CPU time (an hour of wall time on a loaded 2-core machine) and needs about 2.6 GB of memory; later starts reuse it',
  );
  const started = Date.now();
  const child = spawn('go', ['install', ...targets], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOBIN: BIN, CGO_ENABLED: '0' },
  });
  const ticker = setInterval(() => say(`still building (${Math.round((Date.now() - started) / 60_000)} min)`), 60_000);
  const code = await new Promise((res) => child.on('exit', (c) => res(c ?? 1)));
  clearInterval(ticker);
  if (code !== 0 || !existsSync(join(BIN, 'server')) || !existsSync(join(BIN, 'sql'))) {
    console.error(
      `[cluster build] go install failed (exit ${code}); retry with: node scripts/cluster/build-server.mjs`,
    );
    process.exit(1);
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  writeFileSync(STAMP, `${JSON.stringify({ version: PIN.version, go: goEnv('GOVERSION'), seconds }, null, 2)}\n`);
  say(`built in ${Math.floor(seconds / 60)} min ${seconds % 60} s`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--print')) {
    console.log(JSON.stringify({ bin: BIN, module: serverModuleDir(), version: PIN.version, built: built() }));
    process.exit(built() ? 0 : 1);
  }
  if (built() && !process.argv.includes('--force')) say(`Temporal server ${PIN.version} found in ${BIN} (cached)`);
  else await build();
  linkImageNames();
}
