/**
 * 467.2c: the owners of open action items are reminded (workflows/item-owners.ts), and so is the role the
 * remediation gate waits on (workflows/closure.ts). One wait, one reminder: while the gate asks a role,
 * its reminder names that role's open items and the items send none of their own; the items of other
 * roles still remind their owners. On the time-skipping server.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  DAY,
  FACTORS_HIGH,
  decide,
  report,
  startFixture,
  toAnalysis,
  waitForPhase,
  waitForState,
  type Fixture,
  skip,
} from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture('owner-reminders');
});
afterAll(async () => {
  await f?.close();
});

const PROGRAM_MANAGER = 'program.manager@state.example';

it("467.2c: the remediation gate's reminder names the owner's open items, and those items send no reminder of their own while it waits", async () => {
  const { handle, incidentId } = await report(f, { affectedCount: 4 });
  await toAnalysis(handle);
  await decide(handle, 'ips-director', {
    kind: 'submit-analysis',
    factors: FACTORS_HIGH,
    options: ['notify-individuals', 'remediation', 'systemic-review'],
    rationale: 'CRG analysis.',
  });
  await decide(handle, 'ppgb-chair', {
    kind: 'ppgb-chair-decision',
    outcome: 'refer-to-under-secretary',
    rationale: 'To M.',
  });
  await decide(handle, 'under-secretary', {
    kind: 'under-secretary-decision',
    outcome: 'decline-notification',
    rationale: 'Recovered unread.',
  });
  const remediation = await waitForPhase(handle, 'remediation');
  // The gate waits on the owner of the first open item: the responsible office's fact-finding and remediation.
  expect(remediation.awaiting?.role).toBe('responsibleOffice');
  expect(remediation.actionItems.filter((i) => i.status === 'open').map((i) => `${i.id}:${i.ownerRole}`)).toEqual(
    expect.arrayContaining(['fact-finding:responsibleOffice', 'remediation:responsibleOffice', 'systemic-review:crg']),
  );
  const from = remediation.timeline.length;

  // The playbook reminds every 24 h: two days of waiting.
  await skip(f, 2 * DAY + 60_000);
  const waited = await waitForState(
    handle,
    (s) =>
      s.timeline.slice(from).filter((t) => t.event === 'reminder:responsibleOffice').length >= 2 &&
      s.timeline.slice(from).some((t) => t.event === 'reminder:item:systemic-review'),
    "the gate's reminders and the other role's item reminder",
  );
  const events = waited.timeline.slice(from).map((t) => t.event);
  expect(events).not.toContain('reminder:item:fact-finding');
  expect(events).not.toContain('reminder:item:remediation');

  // The program manager (the responsible office) gets the gate's reminders, each naming the open items, and no item reminder.
  const gateReminder = await f.mail.waitFor(
    (m) =>
      m.subject.includes(incidentId) &&
      m.subject.includes('Reminder 2: decision needed') &&
      m.envelope.to.includes(PROGRAM_MANAGER),
  );
  expect(gateReminder.text).toContain(
    'Open action items of the responsibleOffice role (5 FAM 467.2c): fact-finding, remediation.',
  );
  const toOwner = f.mail
    .messages()
    .filter((m) => m.subject.includes(incidentId) && m.envelope.to.includes(PROGRAM_MANAGER))
    .map((m) => m.subject);
  expect(toOwner.filter((s) => s.includes('action item still open'))).toEqual([]);
  expect(toOwner.filter((s) => s.includes('Reminder 1: decision needed'))).toHaveLength(1);
  // The CRG's item is not the gate's: its owners are still reminded of it.
  await f.mail.waitFor(
    (m) => m.subject.includes(incidentId) && m.subject.includes('Reminder 1: action item still open: systemic-review'),
  );

  // Once the gate is past the role (its items done), nothing more is asked of it.
  for (const itemId of ['fact-finding', 'remediation'])
    await decide(handle, 'program-manager', { kind: 'complete-action-item', itemId, evidence: 'Done and filed.' });
  const next = await waitForState(handle, (s) => s.awaiting?.role === 'crg', 'the gate on the CRG');
  expect(next.phase).toBe('remediation');
});
