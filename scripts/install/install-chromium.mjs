#!/usr/bin/env node
/**
 * `npm install`'s second step (postinstall, after scripts/install/install-temporal-binaries.mjs): makes sure the
 * browser tests have a Chromium, looking and installing in the order of scripts/install/chromium.mjs. It never fails
 * the install: with no Chromium to be had it says so in one line, with the command that fixes it, and
 * the browser tests fail with that same line (they never skip).
 *
 * Options: --check (look only; exit 1 with that line when there is none: .ci/run uses it),
 * BREACH_SKIP_CHROMIUM_INSTALL=1 (look only, install nothing: for machines where npm must not run
 * apt-get or download a browser).
 */
import { findChromium, missingChromiumLine, provisionChromium } from './chromium.mjs';

const say = (text) => console.log(`[chromium] ${text}`);
const check = process.argv.includes('--check');
const started = Date.now();

let found;
try {
  found =
    check || process.env.BREACH_SKIP_CHROMIUM_INSTALL === '1' ? await findChromium() : await provisionChromium({ say });
} catch (err) {
  // BREACH_CHROMIUM_PATH set to something that is not a Chromium: the message names it.
  console.warn(`[chromium] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(check ? 1 : 0);
}

if (found.path) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  say(`${found.version} at ${found.path} (${found.source}${Number(seconds) >= 1 ? `, ${seconds} s` : ''}).`);
} else {
  console.warn(`[chromium] ${missingChromiumLine()}`);
  process.exit(check ? 1 : 0);
}
