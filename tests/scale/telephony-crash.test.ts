/**
 * 468.6-2c across a worker crash, on the real dev server: the production worker (workers/main.ts, a
 * child process) is killed with SIGKILL while it calls the roster through the telephony endpoint (the
 * endpoint receiver, a real HTTP server, stands in for the voice/SMS provider and places a call once per
 * Idempotency-Key, as a provider does), and started again. Every person with a phone is called, once
 * each as the provider counts them; the only calls asked twice are those in flight at the kill: the
 * provider had them, the checkpoint the server held for the activity did not (activities/telephony.ts).
 */
import type { Payload } from '@temporalio/common';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CallCheckpoint } from '../../activities/telephony.js';
import { decodePayloads } from '../../scripts/bench/notify-inspect.js';
import type { WorkerProcess } from '../../scripts/local/worker-process.js';
import type { RecordedCall } from '../helpers/index.js';
import { writeRoster } from './fixture.js';
import { notifyIncident, startProcessWorld, type ProcessWorld } from './processes.js';
import { waitUntil } from '../../scripts/local/ports.js';

// Calls one after another, each answered after CALL_DELAY_MS: the run outlasts the heartbeat
// throttling (16 s with the 20 s heartbeat time-out), so the server holds a checkpoint inside the run.
const PEOPLE = 1_000;
const CALL_DELAY_MS = 30;

let world: ProcessWorld;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  world = await startProcessWorld('telephony-crash', 2);
});
afterAll(async () => {
  await worker?.kill('SIGTERM');
  await world?.close();
});

const lineOf = (call: RecordedCall) => (call.body as { line: number }).line;

it(
  '468.6-2c: a worker killed mid-run of the telephone notice: restarted, every person called once by the provider, only the calls in flight at the kill asked again',
  { timeout: 480_000 },
  async () => {
    worker = world.startWorker();
    await worker.ready;
    const { receiver, dataConverter } = world;
    // The provider stand-in: places a call once per key, answers a repeat as the same call.
    const placed = new Set<string>();
    const remove = receiver.on('/telephony', (call) => {
      const key = call.idempotencyKey ?? '';
      const repeat = placed.has(key);
      placed.add(key);
      return { status: 200, body: { id: key, ...(repeat ? { repeat: true } : {}) }, delayMs: CALL_DELAY_MS };
    });
    try {
      // People with a phone only: their letters are the substitute notice, so the run is the calls.
      const url = writeRoster(PEOPLE, (i) => ({ email: undefined, phone: `+1 202 555 ${String(i).padStart(4, '0')}` }));
      const { handle, incidentId, finished } = await notifyIncident(
        world,
        'telephony-crash',
        PEOPLE,
        { ratePerSecond: 1_000, batchSize: 500, parallelBatches: 2 },
        { url, immediate: true },
      );
      const calls = () =>
        receiver.calls('/telephony').filter((c) => (c.body as { incidentId?: string }).incidentId === incidentId);
      /** The checkpoint the server holds for the running call activity (its last heartbeat). */
      const checkpoint = async (): Promise<number | undefined> => {
        const pending = (await handle.describe()).raw.pendingActivities ?? [];
        const activity = pending.find((a) => a.activityType?.name === 'callRoster');
        if (!activity) return undefined;
        const [details] = (await decodePayloads(dataConverter, activity.heartbeatDetails?.payloads as Payload[])) as (
          CallCheckpoint | undefined
        )[];
        return details?.nextLine;
      };

      // Mid-run: the server holds a checkpoint a fifth into the roster, and calls go on beyond it.
      const held = await waitUntil(
        async () => {
          const at = await checkpoint();
          return at !== undefined && at >= PEOPLE / 5 && at < PEOPLE - 100 ? at : undefined;
        },
        'a checkpoint inside the run',
        240_000,
        200,
      );
      await worker.kill('SIGKILL');
      const atKill = calls();
      const serverHeld = (await checkpoint()) ?? held;
      const inFlight = new Set(atKill.map(lineOf).filter((line) => line >= serverHeld));
      expect(new Set(atKill.map(lineOf)).size).toBeLessThan(PEOPLE);

      worker = world.startWorker();
      await worker.ready;
      const state = await finished(300_000);

      const all = calls();
      const perLine = new Map<number, Set<string | undefined>>();
      const askedTimes = new Map<number, number>();
      for (const c of all) {
        const line = lineOf(c);
        perLine.set(line, (perLine.get(line) ?? new Set()).add(c.idempotencyKey));
        askedTimes.set(line, (askedTimes.get(line) ?? 0) + 1);
      }
      const repeated = [...askedTimes].filter(([, n]) => n > 1).map(([line]) => line);
      console.log(
        `[telephony-crash] ${PEOPLE} people; killed with ${atKill.length} calls at the provider, the server's checkpoint at line ${serverHeld}, ` +
          `${inFlight.size} in flight; after the restart ${perLine.size} people called, ${repeated.length} asked twice, ${placed.size} placed`,
      );
      // Nobody lost, each person one key, the provider placed one call each.
      expect(perLine.size).toBe(PEOPLE);
      for (const keys of perLine.values()) expect(keys.size).toBe(1);
      expect(placed.size).toBe(PEOPLE);
      // Asked again: only calls in flight at the kill, and not those the checkpoint covered.
      for (const line of repeated) expect(inFlight.has(line)).toBe(true);
      expect(repeated.length).toBeLessThan(atKill.length);
      expect(state.telephoneNotice).toMatchObject({ called: PEOPLE, failed: 0 });
    } finally {
      remove();
    }
  },
);
