/**
 * The telephone notice's activity (activities/telephony.ts) against a real HTTP receiver standing in for
 * the voice/SMS provider, in MockActivityEnvironment: the checkpoint it heartbeats, also while it waits
 * between a call's attempts, and a retry that resumes from it (a worker lost mid-run).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telephonyActivities, type CallCheckpoint } from '../../activities/telephony.js';
import { startEndpointReceiver, type EndpointReceiver } from '../../scripts/local/endpoint-receiver.js';
import { LETTER } from '../workflows/fixture.js';

let receiver: EndpointReceiver;
let url: string;
beforeAll(async () => {
  receiver = await startEndpointReceiver({ port: 0 });
  const file = join(mkdtempSync(join(tmpdir(), 'roster-')), 'phones.ndjson');
  const people = [
    { name: 'Ann Phone', email: 'ann@public.example', phone: '+1 703 555 0301' },
    { name: 'Bo Phone', postalAddress: '2 Oak St, Austin, TX 78701', phone: '+1 512 555 0302' },
    { name: 'Cy NoPhone', email: 'cy@public.example' },
    { name: 'Di Phone', phone: '+1 202 555 0304' },
  ];
  writeFileSync(file, people.map((p) => JSON.stringify(p)).join('\n'));
  url = pathToFileURL(file).href;
});
afterAll(async () => {
  await receiver.close();
});

function run(workflowId: string, heartbeatDetails?: CallCheckpoint) {
  const env = new MockActivityEnvironment({
    workflowExecution: { workflowId, runId: 'r1' },
    ...(heartbeatDetails ? { heartbeatDetails } : {}),
  });
  const beats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => beats.push(details));
  const result = env.run(telephonyActivities({ env: {} }).callRoster, {
    incidentId: workflowId,
    organization: 'the Department of State',
    letter: LETTER,
    url,
    endpoint: { url: `${receiver.url}/telephony` },
  });
  return { result, beats };
}

const callsOf = (workflowId: string) =>
  receiver.calls((c) => c.path === '/telephony' && (c.body as { incidentId?: string }).incidentId === workflowId);

describe('callRoster', () => {
  it("468.6-2c: while a call waits between attempts the heartbeat keeps the run's checkpoint, never an empty one", async () => {
    const id = 'breach-TEL-1';
    // The provider is out for the first two attempts at line 1.
    let outages = 0;
    const remove = receiver.on('/telephony', (call) => {
      const body = call.body as { incidentId?: string; line?: number };
      if (body.incidentId !== id || body.line !== 1 || outages >= 2) return undefined;
      outages += 1;
      return { status: 503 };
    });
    try {
      const { result, beats } = run(id);
      await expect(result).resolves.toMatchObject({ nextLine: 4, called: 3, failed: 0 });
      expect(beats.length).toBeGreaterThan(0);
      for (const details of beats) expect(details).toMatchObject({ nextLine: expect.any(Number) });
      expect(callsOf(id).filter((c) => (c.body as { line: number }).line === 1)).toHaveLength(3);
    } finally {
      remove();
    }
  });

  it('468.6-2c: a retry after a lost worker resumes at the checkpoint: the lines before it are not called again, the counts go on', async () => {
    const id = 'breach-TEL-2';
    const { result } = run(id, {
      nextLine: 2,
      called: 1,
      failed: 1,
      fellTo: { email: 0, letter: 1, substitute: 0 },
    });
    await expect(result).resolves.toEqual({
      nextLine: 4,
      called: 2,
      failed: 1,
      fellTo: { email: 0, letter: 1, substitute: 0 },
    });
    expect(callsOf(id).map((c) => (c.body as { line: number }).line)).toEqual([3]);
    expect(callsOf(id)[0]!.idempotencyKey).toBe(`${id}:call:3`);
  });
});
