/**
 * POST /vendor/returns against the real incident workflow on the Temporal dev server (5 FAM 468.6-2a/b):
 * a 10,000-person roster notified, returns for a share of it from the mail vendor, and the counts, the
 * fallback means, the substitute notice, and nothing of those people in the raw history.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentWorkflowId } from '../../domain/ids.js';
import { notifyWorkflowId } from '../../workflows/notify-messages.js';
import { testDataConverter } from '../helpers/index.js';
import { call, reportIncident, startApiFixture, TOKEN, triage, VENDOR_TOKEN, waitFor, type ApiFixture } from './fixture.js';

const PEOPLE = 10_000;
let f: ApiFixture;
let rosterUrl: string;

/** Line i: i % 10 == 0 email only; == 1 both (a letter goes); otherwise a letter only. */
function person(i: number) {
  const name = `Rosterperson Number${i}`;
  if (i % 10 === 0) return { name, email: `rp${i}@public.example` };
  if (i % 10 === 1) return { name, email: `rp${i}@public.example`, postalAddress: `${i} Roster Lane, Springfield, VA 22150` };
  return { name, postalAddress: `${i} Roster Lane, Springfield, VA 22150` };
}

beforeAll(async () => {
  f = await startApiFixture({ playbook: (p) => ({ ...p, notification: { ...p.notification, ratePerSecond: 20_000, batchSize: 2_500, parallelBatches: 4 } }) });
  const file = join(mkdtempSync(join(tmpdir(), 'roster-')), 'roster.ndjson');
  writeFileSync(file, Array.from({ length: PEOPLE }, (_, i) => JSON.stringify(person(i))).join('\n'));
  rosterUrl = pathToFileURL(file).href;
}, 120_000);
afterAll(async () => {
  await f?.close();
});

const LETTER = {
  whatHappened: 'A laptop holding your record was stolen.',
  piiInvolved: 'Your name and passport number.',
  actionsTaken: 'We reported the theft and are reviewing our safeguards.',
  contact: { tollFreePhone: '1-800-555-0100' },
  protectiveSteps: 'Place a fraud alert with a credit bureau and consider a credit freeze.',
  protectionAtTime: 'Password protected, not encrypted.',
};

const returns = (body: unknown, token: string | null = VENDOR_TOKEN) => call(f.app, { method: 'POST', url: '/vendor/returns', token, body });

async function decodedPayloads(workflowId: string): Promise<string> {
  const handle = f.env.client.workflow.getHandle(workflowId);
  const codec = testDataConverter().payloadCodecs![0]!;
  const found: Payload[] = [];
  const walk = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    if (value instanceof Uint8Array) return;
    const v = value as Record<string, unknown>;
    if (v.data instanceof Uint8Array && v.metadata && typeof v.metadata === 'object') {
      found.push(v as Payload);
      return;
    }
    for (const child of Object.values(v)) walk(child);
  };
  walk(await handle.fetchHistory());
  const decoded = await codec.decode(found);
  return decoded.map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8')).join('\n');
}

describe('POST /vendor/returns', () => {
  it('468.6-2a/b: returns for a share of a 10,000-person roster: counted, sent again by the next means, the rest by the substitute notice; nothing of them in the history', async () => {
    const id = await reportIncident(f.app);
    await triage(f.app, id, true);
    const decide = async (token: string, body: unknown) => {
      const res = await call(f.app, { method: 'POST', url: `/incidents/${id}/decisions`, token, body });
      expect(res.status, res.text).toBe(200);
    };
    await decide(TOKEN.ipsDirector, { kind: 'submit-analysis', factors: { dataNature: 'high', misuseLikelihood: 'high', logicalAccess: 'high', physicalAccess: 'moderate', deliberateTargeting: 'moderate', priorMisuse: 'low' }, options: ['notify-individuals'], rationale: 'High risk.' });
    await decide(TOKEN.ppgbChair, { kind: 'ppgb-chair-decision', outcome: 'refer-to-under-secretary', rationale: 'To M.' });
    await decide(TOKEN.underSecretary, { kind: 'under-secretary-decision', outcome: 'approve-notification', rationale: 'Approved.' });
    await decide(TOKEN.notificationOfficial, { kind: 'approve-letter', letter: LETTER, roster: { url: rosterUrl, count: PEOPLE } });
    let state = await waitFor(f.app, id, (s) => s.phase === 'remediation', 'notification done', 180_000);
    expect(state.notification).toMatchObject({ letters: 9_000, emails: 1_000, substituteNotice: false, failed: 0 });

    // The vendor's share: every 4th email-only line bounced, every 2nd "both" line's letter returned,
    // every 4th letter-only line of the kind i % 10 == 2 returned.
    const share = [
      ...Array.from({ length: PEOPLE }, (_, i) => i).filter((i) => i % 10 === 0 && i % 40 === 0).map((line) => ({ line, means: 'email', reason: 'bounced' })),
      ...Array.from({ length: PEOPLE }, (_, i) => i).filter((i) => i % 10 === 1 && i % 20 === 1).map((line) => ({ line, means: 'letter', reason: 'moved' })),
      ...Array.from({ length: PEOPLE }, (_, i) => i).filter((i) => i % 10 === 2 && i % 40 === 2).map((line) => ({ line, means: 'letter', reason: 'undeliverable' })),
    ];
    expect(share).toHaveLength(1_000);
    f.mail.clear();
    const accepted = await returns({ incidentId: id, returns: share });
    expect(accepted.status, accepted.text).toBe(202);
    expect(accepted.json).toMatchObject({ accepted: 1_000 });

    state = await waitFor(f.app, id, (s) => (s.notification?.substituted ?? 0) === 500 && s.notification?.substituteNotice === true, 'the resend', 120_000);
    expect(state.notification).toMatchObject({ returned: 1_000, resent: 500, substituted: 500 });
    // The fallback means: an email to each "both" person whose letter came back, and no one else.
    const until = Date.now() + 30_000;
    // The notices to people (officials' mail about the incident is caught here too).
    const notices = () => f.mail.messages().filter((m) => m.subject.includes(id) && m.subject.startsWith('Notice of a data breach'));
    while (notices().length < 500 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    const resent = notices().flatMap((m) => m.envelope.to);
    expect(resent).toHaveLength(500);
    expect(new Set(resent)).toEqual(new Set(share.filter((r) => r.line % 10 === 1).map((r) => `rp${r.line}@public.example`)));
    const postings = f.receiver.calls('/web-posting').filter((c) => (c.body as { incidentId?: string }).incidentId === id);
    expect(postings).toHaveLength(1);
    expect(JSON.stringify(postings[0]!.body)).toContain('500 people');

    // A later return updates the posting with the new count.
    expect((await returns({ incidentId: id, returns: [{ line: 4, means: 'letter', reason: 'deceased' }] })).status).toBe(202);
    await waitFor(f.app, id, (s) => (s.notification?.substituted ?? 0) === 501, 'the update', 60_000);
    const updated = f.receiver.calls('/web-posting').filter((c) => (c.body as { incidentId?: string }).incidentId === id);
    expect(updated).toHaveLength(2);
    expect(JSON.stringify(updated[1]!.body)).toContain('501 people');

    // Nothing of the people whose notices came back: not in any payload of the incident or its run.
    const history = `${await decodedPayloads(incidentWorkflowId(id))}\n${await decodedPayloads(notifyWorkflowId(incidentWorkflowId(id)))}`;
    // The returns did reach the history, as lines, means and reasons only.
    expect(history).toContain('"reason":"moved"');
    for (const r of [...share.slice(0, 50), ...share.slice(-50)]) {
      const p = person(r.line);
      expect(history).not.toContain(p.name);
      if ('email' in p) expect(history).not.toContain(p.email);
    }
    expect(history).not.toContain('Roster Lane');
  }, 400_000);

  it('authenticated by the vendor token; a body that is not returns is 400 naming the field; a closed list of reasons', async () => {
    expect((await returns({ incidentId: 'x-1', returns: [{ line: 1, means: 'letter', reason: 'moved' }] }, null)).status).toBe(401);
    expect((await returns({ incidentId: 'x-1', returns: [{ line: 1, means: 'letter', reason: 'moved' }] }, TOKEN.ipsDirector)).status).toBe(401);
    const free = await returns({ incidentId: 'x-1', returns: [{ line: 1, means: 'letter', reason: 'Mr Smith moved to 4 Elm St' }] });
    expect(free.status).toBe(400);
    expect(JSON.stringify(free.json.issues)).toContain('returns.0.reason');
    const name = await returns({ incidentId: 'x-1', returns: [{ line: 1, means: 'letter', reason: 'moved', name: 'Mr Smith' }] });
    expect(name.status).toBe(400);
    expect(JSON.stringify(name.json.issues)).toContain('returns.0.name');
    expect((await returns({ incidentId: 'no-such-incident-2', returns: [{ line: 1, means: 'letter', reason: 'moved' }] })).status).toBe(404);
  });
});
