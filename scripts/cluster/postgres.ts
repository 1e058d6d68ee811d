/**
 * The PostgreSQL of `npm run cluster` and the cluster tests: Debian's `postgresql` binaries (installed
 * with apt-get when missing and allowed, as scripts/install/chromium.mjs does for Chromium), a data
 * directory of its own, a port of its own, password authentication over TCP on 127.0.0.1 only.
 *
 * PostgreSQL refuses to run as root: as root, the data directory belongs to the `postgres` user and the
 * server runs as that user (setpriv, which execs: the process a signal reaches is PostgreSQL itself).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptRunner, onPath } from '../install/chromium.mjs';
import { spawnChild, type Child } from '../local/children.js';
import { StartError } from '../local/readiness.js';

export interface Postgres {
  /** The server's bin directory (initdb, postgres, pg_isready). */
  binDir: string;
  /** As root: the uid and gid the server runs as. */
  runAs: { uid: number; gid: number } | undefined;
}

export interface PostgresSettings {
  dataDir: string;
  port: number;
  user: string;
  password: string;
  logFile: string;
  cwd: string;
}

/** Debian's layout (/usr/lib/postgresql/<major>/bin, the newest), else initdb on PATH. */
function findBinDir(): string | undefined {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const majors = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (majors[0]) return join(debian, majors[0], 'bin');
  }
  const initdb = onPath('initdb');
  return initdb ? join(initdb, '..') : undefined;
}

function idOf(user: string): { uid: number; gid: number } | undefined {
  const uid = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Finds the PostgreSQL binaries, installing Debian's `postgresql` with apt-get when missing and allowed. */
export function locatePostgres(say: (line: string) => void): Postgres {
  let binDir = findBinDir();
  if (!binDir) {
    const apt = aptRunner();
    if ('why' in apt)
      throw new StartError(
        `PostgreSQL is not installed and apt-get cannot be run here (${apt.why}). Install Debian's postgresql package (apt-get install postgresql) and retry.`,
      );
    say("installing Debian's postgresql with apt-get (once)...");
    const [command, ...base] = apt.argv;
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [
      ['update', '-qq'],
      ['install', '-y', '-qq', '--no-install-recommends', 'postgresql'],
    ]) {
      const r = spawnSync(command!, [...base, ...args], { env, encoding: 'utf8', timeout: 15 * 60_000 });
      if (r.status !== 0) throw new StartError(`apt-get ${args[0]} failed:\n${(r.stdout + r.stderr).slice(-1_000)}`);
    }
    binDir = findBinDir();
    if (!binDir) throw new StartError('apt-get installed postgresql, but no initdb was found after it');
  }
  let runAs: Postgres['runAs'];
  if (process.getuid?.() === 0) {
    runAs = idOf('postgres');
    if (!runAs)
      throw new StartError(
        'running as root, and there is no `postgres` user for PostgreSQL to run as (it refuses root)',
      );
  }
  return { binDir, runAs };
}

function asServerUser(pg: Postgres, command: string, args: string[]): [string, string[]] {
  if (!pg.runAs) return [command, args];
  return ['setpriv', [`--reuid=${pg.runAs.uid}`, `--regid=${pg.runAs.gid}`, '--init-groups', '--', command, ...args]];
}

/** initdb once: a data directory with the Temporal user as its superuser and a password (scram) over TCP. */
export function initDataDir(pg: Postgres, settings: PostgresSettings): boolean {
  if (existsSync(join(settings.dataDir, 'PG_VERSION'))) return false;
  rmSync(settings.dataDir, { recursive: true, force: true });
  mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
  const pwfile = `${settings.dataDir}.pw`;
  writeFileSync(pwfile, `${settings.password}\n`, { mode: 0o600 });
  if (pg.runAs) {
    chownSync(settings.dataDir, pg.runAs.uid, pg.runAs.gid);
    chownSync(pwfile, pg.runAs.uid, pg.runAs.gid);
  }
  const [command, args] = asServerUser(pg, join(pg.binDir, 'initdb'), [
    '-D',
    settings.dataDir,
    '-U',
    settings.user,
    `--pwfile=${pwfile}`,
    '--auth-host=scram-sha-256',
    '--auth-local=scram-sha-256',
    '--encoding=UTF8',
    '--no-instructions',
  ]);
  const r = spawnSync(command, args, { encoding: 'utf8', cwd: '/' });
  rmSync(pwfile, { force: true });
  if (r.status !== 0) throw new StartError(`initdb failed:\n${(r.stdout + r.stderr).slice(-1_500)}`);
  return true;
}

/** The server as a child process (SIGTERM: it waits for its clients, which are stopped before it). */
export function spawnPostgres(pg: Postgres, settings: PostgresSettings, quiet: (line: string) => void): Child {
  // Its unix socket in the data directory: nothing of the machine's own PostgreSQL is touched.
  chmodSync(settings.dataDir, 0o700);
  const [command, args] = asServerUser(pg, join(pg.binDir, 'postgres'), [
    '-D',
    settings.dataDir,
    '-p',
    String(settings.port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${settings.dataDir}`,
    '-c',
    'max_connections=200',
  ]);
  return spawnChild('postgres', command, args, {
    cwd: '/',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
    quiet,
    // Its own refusals while it recovers or starts (pg_isready asking) are expected: the log only.
    loud: /PANIC|FATAL:(?!\s+the database system is (starting up|not yet accepting|shutting down))/,
  });
}

/** Resolves once PostgreSQL accepts connections (pg_isready), rejects when `child` exits first. */
export async function postgresAnswers(pg: Postgres, port: number, child: Child): Promise<void> {
  while (child.running()) {
    const r = spawnSync(join(pg.binDir, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q']);
    if (r.status === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('it exited');
}
