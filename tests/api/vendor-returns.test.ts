/**
 * POST /vendor/returns against the real incident workflow on the Temporal dev server (5 FAM 468.6-2a/b):
 * a 10,000-person roster notified (some addresses refused by the SMTP server during the run), returns for
 * a share of it from the mail vendor (by mailPieceId and by line) and bounces from the mail provider (by
 * Message-ID), and the counts (each person once), the fallback means, the substitute notice, and nothing
 * of those people in the raw history. Then the callback's authentication: token and signed body.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@temporalio/client';
import { TypedSearchAttributes, type Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentWorkflowId } from '../../domain/ids.js';
import { BreachPhase } from '../../domain/search-attributes.js';
import { reportReturns } from '../../client/case-record.js';
import { IncidentClosedError } from '../../client/incidents.js';
import { notifyWorkflowId } from '../../workflows/notify-messages.js';
import { testDataConverter } from '../helpers/index.js';
import { signVendorBody } from '../../api/vendor-routes.js';
import {
  call,
  reportIncident,
  startApiFixture,
  TOKEN,
  triage,
  vendorCall,
  VENDOR_SECRET,
  waitFor,
  type ApiFixture,
} from './fixture.js';

const PEOPLE = 10_000;
let f: ApiFixture;
let rosterUrl: string;

/**
 * Line i: i % 10 == 0 email only (i % 40 == 20 on a domain that cannot exist: the SMTP server refuses
 * it during the run); == 1 both (a letter goes); otherwise a letter only.
 */
function person(i: number) {
  const name = `Rosterperson Number${i}`;
  if (i % 10 === 0) return { name, email: i % 40 === 20 ? `rp${i}@gone.invalid` : `rp${i}@public.example` };
  if (i % 10 === 1)
    return { name, email: `rp${i}@public.example`, postalAddress: `${i} Roster Lane, Springfield, VA 22150` };
  return { name, postalAddress: `${i} Roster Lane, Springfield, VA 22150` };
}

beforeAll(async () => {
  f = await startApiFixture({
    playbook: (p) => ({
      ...p,
      notification: { ...p.notification, ratePerSecond: 20_000, batchSize: 2_500, parallelBatches: 4 },
    }),
  });
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

const returns = (body: unknown, options: Parameters<typeof vendorCall>[2] = {}) => vendorCall(f.app, body, options);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

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
  it('468.6-2a/b: returns for a share of a 10,000-person roster, by mail-piece id, Message-ID and line: each person counted once, sent again by the next means, the rest by the substitute notice (updated with the count); nothing of them in the history', async () => {
    const id = await reportIncident(f.app);
    await triage(f.app, id, true);
    const decide = async (token: string, body: unknown) => {
      const res = await call(f.app, { method: 'POST', url: `/incidents/${id}/decisions`, token, body });
      expect(res.status, res.text).toBe(200);
    };
    await decide(TOKEN.ipsDirector, {
      kind: 'submit-analysis',
      factors: {
        dataNature: 'high',
        misuseLikelihood: 'high',
        logicalAccess: 'high',
        physicalAccess: 'moderate',
        deliberateTargeting: 'moderate',
        priorMisuse: 'low',
      },
      options: ['notify-individuals'],
      rationale: 'High risk.',
    });
    await decide(TOKEN.ppgbChair, {
      kind: 'ppgb-chair-decision',
      outcome: 'refer-to-under-secretary',
      rationale: 'To M.',
    });
    await decide(TOKEN.underSecretary, {
      kind: 'under-secretary-decision',
      outcome: 'approve-notification',
      rationale: 'Approved.',
    });
    await decide(TOKEN.notificationOfficial, {
      kind: 'approve-letter',
      letter: LETTER,
      roster: { url: rosterUrl, count: PEOPLE },
    });
    let state = await waitFor(f.app, id, (s) => s.phase === 'remediation', 'notification done', 180_000);
    // 250 addresses refused during the run: returned, and (no letter going to them) on the substitute notice.
    expect(state.notification).toMatchObject({
      letters: 9_000,
      emails: 750,
      returned: 250,
      substituted: 250,
      substituteNotice: true,
      failed: 0,
    });
    const postingsOf = () =>
      f.receiver.calls('/web-posting').filter((c) => (c.body as { incidentId?: string }).incidentId === id);
    expect(postingsOf()).toHaveLength(1);
    expect(JSON.stringify(postingsOf()[0]!.body)).toContain('250 people');

    // What the vendor and the mail provider hold: each letter's mailPieceId, each email's Message-ID.
    const pieces = new Map<number, string>();
    for (const c of f.receiver.calls('/mail-vendor')) {
      const sent = c.body as { incidentId?: string; letters?: { line: number; mailPieceId?: string }[] };
      if (sent.incidentId !== id) continue;
      for (const l of sent.letters ?? []) pieces.set(l.line, l.mailPieceId!);
    }
    expect(pieces.size).toBe(9_000);
    const messageIds = new Map<string, string>();
    for (const m of f.mail.messages())
      if (m.subject.includes(id) && m.messageId) messageIds.set(m.envelope.to[0]!, m.messageId);

    // The share: every 4th email-only line bounced (by Message-ID), every 2nd "both" line's letter
    // returned (by mail-piece id), every 4th letter-only line of the kind i % 10 == 2 (by line and
    // means); and 50 bounces for addresses already refused during the run, which are no news.
    const share = [
      ...range(PEOPLE)
        .filter((i) => i % 40 === 0)
        .map((line) => ({ reference: messageIds.get(`rp${line}@public.example`)!, means: 'email', reason: 'bounced' })),
      ...range(PEOPLE)
        .filter((i) => i % 20 === 1)
        .map((line) => ({ reference: pieces.get(line)!, reason: 'moved' })),
      ...range(PEOPLE)
        .filter((i) => i % 40 === 2)
        .map((line) => ({ line, means: 'letter', reason: 'undeliverable' })),
      ...range(PEOPLE)
        .filter((i) => i % 40 === 20)
        .slice(0, 50)
        .map((line) => ({ line, means: 'email', reason: 'mailbox-unavailable' })),
    ];
    expect(share.filter((r) => 'reference' in r && !r.reference)).toHaveLength(0);
    expect(share).toHaveLength(1_050);
    f.mail.clear();
    const accepted = await returns({ incidentId: id, returns: share });
    expect(accepted.status, accepted.text).toBe(202);
    expect(accepted.json).toMatchObject({ accepted: 1_050 });

    state = await waitFor(f.app, id, (s) => (s.notification?.substituted ?? 0) === 750, 'the resend', 120_000);
    // Each person once: 250 refused at the run + 1,000 new returns; the 50 repeats counted nowhere.
    expect(state.notification).toMatchObject({
      returned: 1_250,
      resent: 500,
      substituted: 750,
      substituteNotice: true,
    });
    // The fallback means: an email to each "both" person whose letter came back, and no one else.
    const until = Date.now() + 30_000;
    // The notices to people (officials' mail about the incident is caught here too).
    const notices = () =>
      f.mail.messages().filter((m) => m.subject.includes(id) && m.subject.startsWith('Notice of a data breach'));
    while (notices().length < 500 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    const resent = notices().flatMap((m) => m.envelope.to);
    expect(resent).toHaveLength(500);
    expect(new Set(resent)).toEqual(
      new Set(
        range(PEOPLE)
          .filter((i) => i % 20 === 1)
          .map((line) => `rp${line}@public.example`),
      ),
    );
    // The posting updated once for the batch, with the new count. The count in the state comes first
    // and the posting after it: waited for by its line in the timeline, written once the posting is in.
    await waitFor(
      f.app,
      id,
      (s) => s.timeline.some((t) => t.event === 'substitute-notice-updated'),
      'the updated posting',
      60_000,
    );
    const postings = postingsOf();
    expect(postings).toHaveLength(2);
    expect(JSON.stringify(postings[1]!.body)).toContain('750 people');

    // A later return updates the posting again; the same return twice is counted once.
    expect(
      (await returns({ incidentId: id, returns: [{ reference: pieces.get(4)!, reason: 'deceased' }] })).status,
    ).toBe(202);
    await waitFor(
      f.app,
      id,
      (s) => s.timeline.filter((t) => t.event === 'substitute-notice-updated').length >= 2,
      'the update',
      60_000,
    );
    expect(
      (await returns({ incidentId: id, returns: [{ line: 4, means: 'letter', reason: 'deceased' }] })).status,
    ).toBe(202);
    const updated = postingsOf();
    expect(updated).toHaveLength(3);
    expect(JSON.stringify(updated[2]!.body)).toContain('751 people');
    state = await waitFor(
      f.app,
      id,
      (s) => s.timeline.filter((t) => t.event === 'notices-returned').length >= 3,
      'the repeat',
      30_000,
    );
    expect(state.notification).toMatchObject({ returned: 1_251, substituted: 751 });

    // Nothing of the people whose notices came back: not in any payload of the incident or its run.
    const history = `${await decodedPayloads(incidentWorkflowId(id))}\n${await decodedPayloads(notifyWorkflowId(incidentWorkflowId(id)))}`;
    // The returns did reach the history, as lines, means and reasons only (never the references).
    expect(history).toContain('"reason":"moved"');
    expect(history).not.toContain(pieces.get(1)!);
    for (const line of [
      ...range(PEOPLE)
        .filter((i) => i % 10 === 0)
        .slice(0, 100),
      ...range(PEOPLE)
        .filter((i) => i % 20 === 1)
        .slice(-50),
    ]) {
      const p = person(line);
      expect(history).not.toContain(p.name);
      if ('email' in p) expect(history).not.toContain(p.email);
    }
    expect(history).not.toContain('Roster Lane');
  }, 400_000);

  it('authenticated by the vendor token and a signature over the body with a timestamp: missing, wrong, stale or replayed is 401 naming what is wrong', async () => {
    const body = { incidentId: 'no-such-incident-3', returns: [{ line: 1, means: 'letter', reason: 'moved' }] };
    const raw = JSON.stringify(body);
    const now = Math.floor(Date.now() / 1_000);
    const expect401 = async (options: Parameters<typeof vendorCall>[2], says: RegExp) => {
      const res = await returns(body, options);
      expect(res.status, res.text).toBe(401);
      expect(res.json?.error).toMatch(says);
    };
    await expect401({ token: null }, /Authorization: Bearer/);
    await expect401({ token: TOKEN.ipsDirector }, /unknown vendor token/);
    await expect401({ signature: null }, /expected an x-breach-signature header/);
    await expect401({ signature: 'v1=abc' }, /expected t=/);
    await expect401({ signature: `t=${now}` }, /expected v1=/);
    await expect401(
      { signature: signVendorBody('another-secret-of-enough-length-0123456789', raw, now) },
      /does not match the body/,
    );
    await expect401(
      { signature: signVendorBody(VENDOR_SECRET, raw.replace('moved', 'refused'), now) },
      /does not match the body/,
    );
    await expect401({ signature: signVendorBody(VENDOR_SECRET, raw, now - 6 * 60) }, /outside the 300 s replay window/);
    await expect401({ signature: signVendorBody(VENDOR_SECRET, raw, now + 6 * 60) }, /outside the 300 s replay window/);
    // Signed right: past authentication (404: no such incident); the same signed request again is a replay.
    const signature = signVendorBody(VENDOR_SECRET, raw, now - 1);
    expect((await returns(body, { signature })).status).toBe(404);
    await expect401({ signature }, /already used/);
    // Authentication comes before the body is read: bad JSON unsigned is 401, signed is 400.
    expect((await returns(null, { raw: '{"incidentId":', signature: null })).status).toBe(401);
    const bad = await returns(null, { raw: '{"incidentId":' });
    expect(bad.status).toBe(400);
    expect(bad.json?.error).toBe('the body is not valid JSON');
  });

  it("a body that is not returns is 400 naming the field: a free-text reason, a person's data, neither line nor reference, both, an unknown reference", async () => {
    const issuesOf = async (b: unknown) => {
      const res = await returns(b);
      expect(res.status, res.text).toBe(400);
      return JSON.stringify(res.json?.issues);
    };
    expect(
      await issuesOf({
        incidentId: 'x-1',
        returns: [{ line: 1, means: 'letter', reason: 'Mr Smith moved to 4 Elm St' }],
      }),
    ).toContain('returns.0.reason');
    expect(
      await issuesOf({ incidentId: 'x-1', returns: [{ line: 1, means: 'letter', reason: 'moved', name: 'Mr Smith' }] }),
    ).toContain('returns.0.name');
    expect(await issuesOf({ incidentId: 'x-1', returns: [{ means: 'letter', reason: 'moved' }] })).toContain(
      'returns.0.reference',
    );
    expect(
      await issuesOf({ incidentId: 'x-1', returns: [{ line: 1, reference: 'L1-000000000000', reason: 'moved' }] }),
    ).toContain('not both');
    expect(await issuesOf({ incidentId: 'x-1', returns: [{ line: 1, reason: 'moved' }] })).toContain('returns.0.means');
    // A reference of another incident, altered, or made up: unknown, and nothing of the request is taken.
    const unknown = await issuesOf({
      incidentId: 'x-1',
      returns: [
        { reference: 'L1-0123456789ab', reason: 'moved' },
        { reference: 'Rosterperson Number1', reason: 'moved' },
      ],
    });
    expect(unknown).toContain('returns.0.reference');
    expect(unknown).toContain('returns.1.reference');
    expect(unknown).toContain('unknown reference');
    expect(
      (await returns({ incidentId: 'no-such-incident-2', returns: [{ line: 1, means: 'letter', reason: 'moved' }] }))
        .status,
    ).toBe(404);
  });

  it('468.7, 468.6-2a/b: a return while the closed incident is still finishing (phase closed, workflow running) is 409, not taken and lost', async () => {
    const signals: unknown[] = [];
    const fakeClient = (phase: string) =>
      ({
        withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
        workflow: {
          getHandle: () => ({
            describe: async () => ({
              status: { name: 'RUNNING' },
              typedSearchAttributes: new TypedSearchAttributes([{ key: BreachPhase, value: phase }]),
            }),
            signal: async (...args: unknown[]) => void signals.push(args),
          }),
        },
      }) as unknown as Client;
    const back = [{ line: 0, means: 'letter' as const, reason: 'moved' as const }];
    await expect(reportReturns(fakeClient('closed'), 'inc-closing', back)).rejects.toBeInstanceOf(IncidentClosedError);
    expect(signals).toHaveLength(0);
    await reportReturns(fakeClient('remediation'), 'inc-open', back);
    expect(signals).toHaveLength(1);
  });
});
