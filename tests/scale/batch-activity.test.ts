/**
 * One notification batch (activities/notify.ts) in MockActivityEnvironment: it resumes exactly at the
 * checkpoint of its heartbeat details, heartbeats a checkpoint whose counts match its line, and reads
 * its range by seeking (activities/roster.ts) on rosters whose lines cross the index stride.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailTransport } from '../../activities/mailer.js';
import { notifyRange, type NotifyCheckpoint, type NotifyRangeInput } from '../../activities/notify.js';
import { INDEX_STRIDE, rosterLineCount, rosterLines } from '../../activities/roster.js';
import { startSmtpCounter, type SmtpCounter } from '../../scripts/bench/smtp-counter.js';
import { startHttpReceiver, type EndpointReceiver } from '../helpers/index.js';
import { LETTER } from '../workflows/fixture.js';
import { writeRoster } from './fixture.js';

let smtp: SmtpCounter;
let receiver: EndpointReceiver;
beforeAll(async () => {
  smtp = await startSmtpCounter();
  receiver = await startHttpReceiver();
});
afterAll(async () => {
  await Promise.all([smtp?.close(), receiver?.close()]);
});

function input(url: string, changes: Partial<NotifyRangeInput> = {}): NotifyRangeInput {
  return {
    incidentId: 'B-1',
    workflowId: 'breach-B-1:notify',
    organization: 'the Department of State',
    roster: { url, count: 10 },
    letter: LETTER,
    immediate: false,
    mailVendor: { url: `${receiver.url}/mailVendor` },
    fromLine: 0,
    toLine: 10,
    letterBatch: 100,
    ratePerSecond: 10_000,
    ...changes,
  };
}

describe('a batch', () => {
  it('resumes at the line of its heartbeat details and adds to their counts', async () => {
    smtp.reset();
    const url = writeRoster(10);
    const mailer = createMailTransport({ smtpUrl: smtp.smtpUrl, maxConnections: 3 });
    try {
      const resumed: NotifyCheckpoint = {
        nextLine: 7,
        processed: 7,
        letters: 0,
        emails: 6,
        substitute: 0,
        failed: 1,
        failures: [{ line: 2, reason: 'earlier' }],
      };
      const env = new MockActivityEnvironment({ heartbeatDetails: resumed });
      const beats: NotifyCheckpoint[] = [];
      env.on('heartbeat', (d: NotifyCheckpoint) => beats.push(d));
      const counts = await env.run(notifyRange, { mailer, mailFrom: 'b@test.example', env: {} }, input(url));
      expect(counts).toMatchObject({
        processed: 10,
        emails: 9,
        failed: 1,
        failures: [{ line: 2, reason: 'earlier' }],
        rosterLines: 10,
      });
      expect(smtp.stats()).toMatchObject({ received: 3, distinct: 3 });
      // Every checkpoint's counts are those of the lines before it.
      for (const beat of beats) expect(beat.processed).toBe(beat.nextLine);
      expect(beats.at(-1)!.nextLine).toBe(10);
    } finally {
      mailer.close();
    }
  });

  it('a heartbeat at the end of its range sends nothing again', async () => {
    smtp.reset();
    const url = writeRoster(10);
    const mailer = createMailTransport({ smtpUrl: smtp.smtpUrl });
    try {
      const env = new MockActivityEnvironment({
        heartbeatDetails: {
          nextLine: 10,
          processed: 10,
          letters: 0,
          emails: 10,
          substitute: 0,
          failed: 0,
          failures: [],
        },
      });
      const counts = await env.run(notifyRange, { mailer, mailFrom: 'b@test.example', env: {} }, input(url));
      expect(counts).toMatchObject({ processed: 10, emails: 10 });
      expect(smtp.stats().received).toBe(0);
    } finally {
      mailer.close();
    }
  });
});

describe('the roster reader', () => {
  it('seeks any range of a roster longer than the index stride, skipping blank lines, with CRLF and multi-byte text', async () => {
    const total = INDEX_STRIDE * 2 + 37;
    let written = 0;
    const url = writeRoster(total + 5, (i) => {
      // Five blank lines spread through the file: not people, no index.
      if (i === 0 || i === 500 || i === INDEX_STRIDE || i === INDEX_STRIDE * 2 || i === total + 4) return '   ';
      const n = written++;
      return `{"name":"Zoë ${n}","email":"p${n}@roster.test"}\r`;
    });
    expect(await rosterLineCount(url)).toBe(total);
    for (const [from, to] of [
      [0, 3],
      [INDEX_STRIDE - 1, INDEX_STRIDE + 2],
      [INDEX_STRIDE * 2 + 30, total + 10],
      [total, total + 5],
    ] as const) {
      const lines: [number, string][] = [];
      for await (const line of rosterLines(url, from, undefined, to)) lines.push(line);
      const expected = Array.from({ length: Math.max(0, Math.min(to, total) - from) }, (_, k) => from + k);
      expect(lines.map(([n]) => n)).toEqual(expected);
      for (const [n, text] of lines) expect(JSON.parse(text)).toEqual({ name: `Zoë ${n}`, email: `p${n}@roster.test` });
    }
  });
});
