/**
 * Where the browser tests' Chromium comes from (scripts/install/chromium.mjs, run by `npm install` through
 * scripts/install/install-chromium.mjs). The order is proved with fake browsers: small executable scripts in
 * folders put on PATH. apt-get and sudo are fakes too (named as such): the real ones would change this
 * machine; the real install is proved by running `npm install` on a machine without a Chromium.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  findChromium,
  missingChromiumLine,
  playwrightChromiumPath,
  provisionChromium,
} from '../../scripts/install/chromium.mjs';
import { PROJECT_ROOT } from '../../config/index.js';

const scratch = mkdtempSync(join(tmpdir(), 'breach-chromium-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let folders = 0;
/** A folder holding one executable script per name; `works: false` makes `--version` fail. */
function folderWith(names: string[], options: { works?: boolean } = {}): string {
  const dir = join(scratch, `dir-${++folders}`);
  mkdirSync(dir, { recursive: true });
  for (const name of names)
    executable(join(dir, name), options.works === false ? 'exit 1' : `echo "Fake ${name} 1.0 (${dir})"`);
  return dir;
}

function executable(path: string, body: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

// Only what the scripts need (sh and a few tools, node), never the machine's own Chromium or apt-get
// (node may live in /usr/bin beside them: it gets a folder of its own).
const shDir = folderWith([]);
symlinkSync(process.execPath, join(shDir, 'node'));
for (const tool of ['sh', 'mkdir', 'cat', 'chmod', 'true', 'env']) {
  const found = ['/usr/bin', '/bin'].map((dir) => join(dir, tool)).find((path) => existsSync(path));
  if (found) executable(join(shDir, tool), `exec ${found} "$@"`);
}
const emptyBrowsers = join(scratch, 'no-playwright-browsers');
const env = (...dirs: string[]): NodeJS.ProcessEnv => ({
  PATH: [...dirs, shDir].join(delimiter),
  HOME: scratch,
  PLAYWRIGHT_BROWSERS_PATH: emptyBrowsers,
  // Offline for playwright: its download fails at once instead of fetching 150 MB.
  PLAYWRIGHT_DOWNLOAD_HOST: 'http://127.0.0.1:9',
});

// Each lookup of playwright's path starts a node process that loads playwright-core: slow on a busy machine.
describe('finding a Chromium', { timeout: 300_000 }, () => {
  test('BREACH_CHROMIUM_PATH comes first, before any on PATH', async () => {
    const explicit = join(folderWith(['my-chrome']), 'my-chrome');
    const found = await findChromium({ ...env(folderWith(['chromium'])), BREACH_CHROMIUM_PATH: explicit });
    expect(found).toMatchObject({
      path: explicit,
      source: 'BREACH_CHROMIUM_PATH',
      version: expect.stringContaining('Fake my-chrome'),
    });
  });

  test('BREACH_CHROMIUM_PATH naming nothing is an error naming the variable, not a silent fallback', async () => {
    await expect(
      findChromium({ ...env(folderWith(['chromium'])), BREACH_CHROMIUM_PATH: join(scratch, 'missing') }),
    ).rejects.toThrow(/BREACH_CHROMIUM_PATH=.*no such file/);
  });

  test('then PATH, by name: chromium, chromium-browser, google-chrome, google-chrome-stable', async () => {
    const stable = folderWith(['google-chrome-stable']);
    const chrome = folderWith(['google-chrome']);
    const browser = folderWith(['chromium-browser']);
    const plain = folderWith(['chromium']);
    // The folders are on PATH in the opposite order: the name decides, then the folder.
    expect((await findChromium(env(stable, chrome, browser, plain))).path).toBe(join(plain, 'chromium'));
    expect((await findChromium(env(stable, chrome, browser))).path).toBe(join(browser, 'chromium-browser'));
    expect((await findChromium(env(stable, chrome))).path).toBe(join(chrome, 'google-chrome'));
    expect((await findChromium(env(stable))).path).toBe(join(stable, 'google-chrome-stable'));
  });

  test('a candidate that does not run is passed over', async () => {
    const broken = folderWith(['chromium'], { works: false });
    const chrome = folderWith(['google-chrome']);
    const found = await findChromium(env(broken, chrome));
    expect(found.path).toBe(join(chrome, 'google-chrome'));
    expect(found.tried).toContain(`${join(broken, 'chromium')}: does not run`);
  });

  test("then playwright's managed browser, where playwright-core itself would put it", async () => {
    const browsers = join(scratch, 'playwright-browsers');
    const e = { ...env(), PLAYWRIGHT_BROWSERS_PATH: browsers };
    const expected = playwrightChromiumPath(e);
    expect(expected?.startsWith(browsers)).toBe(true);
    expect((await findChromium(e)).path).toBeUndefined();
    executable(expected!, 'echo "Fake Chrome for Testing"');
    expect(await findChromium(e)).toMatchObject({ path: expected, source: 'playwright' });
  });

  test('none anywhere: no path, and what was tried', async () => {
    const found = await findChromium(env());
    expect(found.path).toBeUndefined();
    expect(found.tried.join('\n')).toMatch(
      /BREACH_CHROMIUM_PATH: not set[\s\S]*PATH: no working chromium[\s\S]*playwright: none at/,
    );
  });
});

describe('installing one (npm install)', { timeout: 300_000 }, () => {
  /**
   * A fake apt-get (a stand-in for the real one, which would change this machine): it writes its
   * arguments and DEBIAN_FRONTEND to a log, and `install ... chromium` puts a working chromium into
   * the folder it was given, as Debian's package puts one into /usr/bin.
   */
  function fakeApt(): { dir: string; installed: string; log: string } {
    const dir = folderWith([]);
    const installed = join(scratch, `apt-installed-${folders}`);
    const log = join(dir, 'apt.log');
    executable(
      join(dir, 'apt-get'),
      `echo "$DEBIAN_FRONTEND $*" >> ${log}\ncase "$*" in *install*chromium*) mkdir -p ${installed}; printf '#!/bin/sh\\necho "Fake Debian chromium"\\n' > ${installed}/chromium; chmod +x ${installed}/chromium;; esac`,
    );
    return { dir, installed, log };
  }

  test('as root: apt-get update, then install chromium without recommends, non-interactive', async () => {
    const apt = fakeApt();
    const found = await provisionChromium({ env: env(apt.dir, apt.installed), uid: 0, say: () => undefined });
    expect(found).toMatchObject({ path: join(apt.installed, 'chromium'), source: 'apt-get' });
    expect(readFileSync(apt.log, 'utf8').trim().split('\n')).toEqual([
      'noninteractive update -qq',
      'noninteractive install -y -qq --no-install-recommends chromium',
    ]);
  });

  test('not root: through passwordless sudo (sudo -n), never a password prompt', async () => {
    const apt = fakeApt();
    const sudoLog = join(apt.dir, 'sudo.log');
    // A fake sudo: `-n` must come first; runs the rest as given.
    executable(join(apt.dir, 'sudo'), `echo "$*" >> ${sudoLog}\n[ "$1" = "-n" ] || exit 1\nshift\nexec "$@"`);
    const found = await provisionChromium({ env: env(apt.dir, apt.installed), uid: 1000, say: () => undefined });
    expect(found).toMatchObject({ source: 'apt-get' });
    expect(readFileSync(sudoLog, 'utf8')).toContain(
      `-n env DEBIAN_FRONTEND=noninteractive ${join(apt.dir, 'apt-get')} install -y -qq --no-install-recommends chromium`,
    );
  });

  test('not root and no passwordless sudo: apt-get is not tried; playwright offline fails; none', async () => {
    const apt = fakeApt();
    executable(join(apt.dir, 'sudo'), 'exit 1');
    const found = await provisionChromium({ env: env(apt.dir, apt.installed), uid: 1000, say: () => undefined });
    expect(found.path).toBeUndefined();
    expect(existsSync(apt.log)).toBe(false);
    expect(found.tried).toContain('apt-get: needs root or passwordless sudo');
    expect(found.tried.some((t) => t.startsWith('playwright: ') && !t.includes('none at'))).toBe(true);
  });

  test('nothing to be had: npm install still exits 0, with one line naming the command that fixes it; the browser tests fail with that line', async () => {
    const e = env();
    const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'install', 'install-chromium.mjs')], {
      encoding: 'utf8',
      env: e,
      timeout: 90_000,
    });
    expect(result.status).toBe(0);
    const line = missingChromiumLine(e);
    expect(line).toContain('fix with `npx playwright-core install chromium`');
    expect(result.stderr.trim().split('\n')).toEqual([`[chromium] ${line}`]);
    // tests/browser/chromium.ts throws exactly this line (it reads the process's own environment).
    const saved = {
      PATH: process.env.PATH,
      PLAYWRIGHT_BROWSERS_PATH: process.env.PLAYWRIGHT_BROWSERS_PATH,
      BREACH_CHROMIUM_PATH: process.env.BREACH_CHROMIUM_PATH,
    };
    Object.assign(process.env, { PATH: e.PATH, PLAYWRIGHT_BROWSERS_PATH: e.PLAYWRIGHT_BROWSERS_PATH });
    delete process.env.BREACH_CHROMIUM_PATH;
    try {
      const { launchChromium } = await import('../browser/chromium.js');
      await expect(launchChromium()).rejects.toThrow(line);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  test('with apt-get on PATH the line names the apt-get command (sudo when not root)', () => {
    const apt = fakeApt();
    expect(missingChromiumLine(env(apt.dir), 0)).toContain(
      'fix with `apt-get update && apt-get install -y --no-install-recommends chromium`',
    );
    expect(missingChromiumLine(env(apt.dir), 1000)).toContain(
      'fix with `sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium`',
    );
  });
});
