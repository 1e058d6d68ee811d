/**
 * scripts/bench/profile.ts, the reader behind `npm run bench -- sandbox --cpu-prof DIR` (a missed
 * target is shown by its profile): a real `node --cpu-prof` run of a script that spins in one function,
 * read back for a window of the monotonic clock the profiler and process.hrtime share.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProfile } from '../../scripts/bench/profile.js';

let dir: string;
let file: string;
let marks: { before: number; after: number };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bench-profile-'));
  const script = join(dir, 'spin.mjs');
  await writeFile(
    script,
    `const us = () => Number(process.hrtime.bigint() / 1000n);
function idleWait(ms) { const end = Date.now() + ms; while (Date.now() < end) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); }
function spinHere(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }
idleWait(200);
const before = us();
spinHere(400);
const after = us();
idleWait(200);
console.log(JSON.stringify({ before, after }));`,
  );
  marks = JSON.parse(
    execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, script], { encoding: 'utf8' }),
  ) as typeof marks;
  file = join(
    dir,
    (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'))!,
  );
}, 30_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('scripts/bench/profile.ts', () => {
  it('the window of the work: the spinning function comes first', async () => {
    const thread = await readProfile(file, { fromUs: marks.before, toUs: marks.after });
    // What the window holds, not how long: on a loaded machine the spinning gets fewer samples.
    expect(thread.busyMs).toBeGreaterThan(0);
    expect(thread.top[0]!.name).toMatch(/^spinHere /);
  });

  it('samples outside the window are left out', async () => {
    const before = await readProfile(file, { fromUs: 0, toUs: marks.before - 1 });
    expect(before.top.some((f) => f.name.startsWith('spinHere '))).toBe(false);
    const whole = await readProfile(file, undefined);
    expect(whole.top.find((f) => f.name.startsWith('spinHere '))!.ms).toBeGreaterThan(0);
  });
});
