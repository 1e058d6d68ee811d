/**
 * scripts/local/supervisor.ts with real child processes (small node scripts): a child that dies is started
 * again with a growing pause and the cause said; one that exits with EXIT_CONFIG is not; stop() ends it.
 */
import { describe, expect, it } from 'vitest';
import { EXIT_CONFIG } from '../../config/index.js';
import { spawnChild } from '../../scripts/local/children.js';
import { waitUntil } from '../../scripts/local/ports.js';
import { supervise } from '../../scripts/local/supervisor.js';

const node = (script: string) => () =>
  spawnChild('child', process.execPath, ['-e', script], {
    cwd: process.cwd(),
    env: process.env,
    quiet: () => undefined,
  });

describe('supervise', () => {
  it('starts a dying child again with a doubling pause, saying how it died and its last lines', async () => {
    const said: string[] = [];
    const started: number[] = [];
    const supervised = supervise('the worker', {
      spawn: () => {
        started.push(Date.now());
        return node("console.log('working'); console.log('about to fail'); setTimeout(() => process.exit(3), 50)")();
      },
      ready: (child) => child.lineIncluding('working'),
      say: (line) => said.push(line),
      onFatal: (why) => said.push(`FATAL ${why}`),
      initialBackoffMs: 100,
      maxBackoffMs: 400,
    });
    await supervised.firstReady;
    await waitUntil(async () => started.length >= 4, 'four starts', 20_000, 20);
    await supervised.stop();
    expect(said[0]).toMatch(
      /^the worker \(pid \d+\) died: exit code 3\. Its last lines:\n {4}working\n {4}about to fail\n {2}starting it again in 0\.1 s \(restart 1\)$/,
    );
    expect(
      said
        .filter((l) => l.includes('died'))
        .map((l) => /again in ([\d.]+) s/.exec(l)?.[1])
        .slice(0, 3),
    ).toEqual(['0.1', '0.2', '0.4']);
    expect(said.some((l) => /the worker is back \(pid \d+/.test(l))).toBe(true);
    expect(said.some((l) => l.startsWith('FATAL'))).toBe(false);
  });

  it('a child killed by a signal is named by the signal', async () => {
    const said: string[] = [];
    const supervised = supervise('the API', {
      spawn: node("console.log('up'); setInterval(() => undefined, 1000)"),
      ready: (child) => child.lineIncluding('up'),
      say: (line) => said.push(line),
      onFatal: () => undefined,
      initialBackoffMs: 50,
    });
    await supervised.firstReady;
    const first = supervised.current();
    process.kill(first.process.pid!, 'SIGKILL');
    await waitUntil(async () => said.some((l) => l.includes('is back')), 'the API back', 20_000, 20);
    expect(said[0]).toContain(`the API (pid ${first.process.pid}) died: signal SIGKILL`);
    expect(supervised.current()).not.toBe(first);
    expect(supervised.restarts()).toBe(1);
    await supervised.stop();
    expect(supervised.current().running()).toBe(false);
  });

  it(`a configuration error (exit ${EXIT_CONFIG}) is not retried: onFatal says why`, async () => {
    const fatal: string[] = [];
    let starts = 0;
    supervise('the worker', {
      spawn: () => {
        starts += 1;
        return node(`console.error('bad configuration: SMTP_URL: expected smtp://'); process.exit(${EXIT_CONFIG})`)();
      },
      ready: () => new Promise(() => undefined),
      say: () => undefined,
      onFatal: (why) => fatal.push(why),
      initialBackoffMs: 50,
    });
    await waitUntil(async () => fatal.length > 0, 'onFatal', 20_000, 20);
    await new Promise((r) => setTimeout(r, 300));
    expect(starts).toBe(1);
    expect(fatal[0]).toContain(`exit code ${EXIT_CONFIG}: its configuration is wrong`);
    expect(fatal[0]).toContain('SMTP_URL: expected smtp://');
  });
});
