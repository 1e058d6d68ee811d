/**
 * Reports by email (5 FAM 468.3b; docs/intake-mail.md) against real parts: nodemailer sends to the intake
 * listener, the incident starts on the dev server, the acknowledgement reaches the test's SMTP receiver.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Playbook } from '../../domain/playbook.js';
import { startIntakeListener, type IntakeListener } from '../../mail-intake/listener.js';
import { call, PUBLIC_URL, startApiFixture, TOKEN, waitFor, type ApiFixture } from '../api/fixture.js';

const CIRT = 'ds-cirt-intake@state.example';
const PRIVACY = 'privacy-intake@state.example';

let f: ApiFixture;
let listener: IntakeListener;
let sender: Transporter;

const withIntake = (playbook: Playbook): Playbook => ({
  ...playbook,
  intake: {
    mailboxes: [
      { address: CIRT, role: 'dsCirt' },
      { address: PRIVACY, role: 'privacyDivision' },
    ],
    acceptedDomains: ['state.example'],
    attachmentMaxBytes: 1_000,
  },
});

beforeAll(async () => {
  f = await startApiFixture({ playbook: withIntake });
  listener = await startIntakeListener({
    client: f.env.client,
    taskQueue: f.taskQueue,
    playbook: f.playbook,
    mailer: f.mail.mailer(),
    ackFrom: 'breach-intake@state.example',
    port: 0,
    publicUrl: PUBLIC_URL,
  });
  sender = nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });
});

afterAll(async () => {
  sender?.close();
  await listener?.close();
  await f?.close();
});

const incidentOf = (subject: string) => /incident (\S+)$/.exec(subject)?.[1];

describe('reports by email', () => {
  it('468.3b: a complete report by email becomes an incident at once, acknowledged to its sender with the incident id; the one-hour report is due within the hour of receipt', async () => {
    const sentAt = Date.now();
    const discovered = new Date(sentAt - 10 * 60_000).toISOString().slice(0, 16).replace('T', ' ');
    await sender.sendMail({
      from: '"Robin Reporter" <robin.reporter@state.example>',
      to: CIRT,
      subject: 'Laptop with visa applicant data stolen',
      text: [
        'I cannot reach the form from here.',
        '',
        'Your office: Embassy Paris, consular section',
        'Supervisor name: Sam Supervisor',
        'Supervisor email: sam.supervisor@state.example',
        `Discovered: ${discovered}`,
        'Cyber: yes',
        'PII types: ssn-or-passport-number, birth-data',
        'People affected: 1,200',
        'Who: public',
        'Encrypted: no',
        'Classified: no',
        'Crime suspected: yes',
      ].join('\n'),
      attachments: [
        { filename: 'small.txt', content: 'a short list' },
        { filename: 'large.csv', content: 'x'.repeat(5_000) },
      ],
    });
    const ack = await f.mail.waitFor((m) => m.to.includes('robin.reporter@state.example'), 30_000);
    const incidentId = incidentOf(ack.subject)!;
    expect(incidentId).toMatch(/^inc-/);
    expect(ack.text).toContain(`is incident ${incidentId}`);
    expect(ack.text).not.toContain('does not yet say');
    // The attachment over the playbook's limit is refused in the acknowledgement, not dropped silently.
    expect(ack.text).toMatch(/Files not taken[^\n]*\n- large\.csv \(5 KB\)/);
    const state = await waitFor(f.app, incidentId, (s) => s.reportedAt !== null, 'the one-hour report delivered');
    // The hour runs from the stated discovery (earlier than receipt), never later than the receipt.
    expect(Date.parse(state.reportingDeadline!)).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect(Date.parse(state.reportingDeadline!)).toBe(Date.parse(`${discovered.replace(' ', 'T')}:00Z`) + 3_600_000);
    expect(Date.parse(state.reportedAt!)).toBeLessThanOrEqual(Date.parse(state.reportingDeadline!));
    expect(state.actionItems.map((i) => i.id)).toContain('oig-referral');
    const record = await (
      await import('../api/fixture.js')
    ).call(f.app, {
      method: 'GET',
      url: `/incidents/${incidentId}/record`,
    });
    const first = (record.json as unknown as { report: { first: Record<string, unknown> } }).report.first;
    expect(first).toMatchObject({
      intakeChannel: 'email',
      intakeMailbox: CIRT,
      reporter: {
        name: 'Robin Reporter',
        email: 'robin.reporter@state.example',
        office: 'Embassy Paris, consular section',
      },
      summary: 'Laptop with visa applicant data stolen',
      affectedCount: 1200,
      attachments: [{ filename: 'small.txt', size: 12 }],
    });
    expect(first.missingFields).toBeUndefined();
    expect(await listener.metrics.value('accepted')).toBeGreaterThanOrEqual(1);
  });

  it("468.3b(1): a message that states no discovery time starts the hour at its receipt; what is missing is acknowledged, asked of the mailbox's role (complete-report) and completed through the API", async () => {
    const before = Date.now();
    await sender.sendMail({
      from: 'lee.worker@state.example',
      to: PRIVACY,
      subject: 'Printed roster left on a train',
      text: 'A printed staff roster was left on the train this morning.\nCyber: no\n',
    });
    const ack = await f.mail.waitFor((m) => m.to.includes('lee.worker@state.example'), 30_000);
    const incidentId = incidentOf(ack.subject)!;
    expect(ack.text).toMatch(
      /does not yet say:\n- Your office\n- Supervisor name\n- Supervisor email\n- Discovered\n- PII types/,
    );
    expect(ack.text).toContain('Crime suspected:');
    const state = await waitFor(f.app, incidentId, (s) => s.discoveredAt !== '', 'the report taken');
    expect(state.medium).toBe('non-cyber');
    expect(Date.parse(state.discoveredAt)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(state.reportingDeadline!)).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect(await listener.metrics.value('accepted-incomplete')).toBeGreaterThanOrEqual(1);

    // What is missing is asked of the mailbox's role (the Privacy Division's mailbox) as a gate.
    const asked = await waitFor(
      f.app,
      incidentId,
      (s) => s.awaiting?.kinds.includes('complete-report') ?? false,
      'the complete-report gate',
    );
    expect(asked.awaiting?.role).toBe('privacyDivision');
    expect(asked.reportedAt).not.toBeNull();
    await f.mail.waitFor(
      (m) =>
        m.to.includes('privacy.division@state.example') &&
        m.text.includes(incidentId) &&
        /complete/i.test(m.subject + m.text),
      30_000,
    );
    const decide = (token: string, body: Record<string, unknown>) =>
      call(f.app, {
        method: 'POST',
        url: `/incidents/${incidentId}/decisions`,
        token,
        body: { kind: 'complete-report', ...body },
      });
    // CGFS has no part in the case yet: need to know (469.2c(1)) answers as if it did not exist.
    const wrongRole = await decide(TOKEN.cgfs, { office: 'Bureau of Administration' });
    expect(wrongRole.status, wrongRole.text).toBe(404);
    const done = await decide(TOKEN.privacyDivision, {
      office: 'Bureau of Administration',
      supervisor: { name: 'Sam Supervisor', email: 'sam.supervisor@state.example' },
      piiTypes: ['personnel-payroll'],
      affectedCount: 40,
      affectedPopulation: 'workforce',
      encrypted: false,
      classifiedInvolved: false,
      criminalActSuspected: false,
    });
    expect(done.status, done.text).toBe(200);
    expect(done.json.phase).toBe('triage');
    expect(done.json.supplements).toBe(1);
    expect(done.json.timeline.map((t) => t.event)).toContain('report-completed');
    // The one-hour report is supplemented with the completion.
    await f.receiver.waitFor(
      (c) => c.path.startsWith('/privacy-division') && (c.idempotencyKey ?? '').includes('update-1'),
      30_000,
    );
    const record = await call(f.app, { method: 'GET', url: `/incidents/${incidentId}/record` });
    const report = (
      record.json as unknown as {
        report: { first: Record<string, unknown>; supplements: { report: Record<string, unknown> }[] };
      }
    ).report;
    expect(report.first.missingFields).toEqual([
      'reporter.office',
      'supervisor.name',
      'supervisor.email',
      'discoveredAt',
      'piiTypes',
      'affectedCount',
      'affectedPopulation',
      'encrypted',
      'classifiedInvolved',
      'criminalActSuspected',
    ]);
    expect(report.supplements[0]!.report).toMatchObject({
      piiTypes: ['personnel-payroll'],
      affectedCount: 40,
      reporter: { office: 'Bureau of Administration' },
    });
    expect(report.supplements[0]!.report.missingFields).toEqual(['discoveredAt']);
  });

  it('mail from outside the accepted domains, to no intake mailbox, or that is not mail is refused with a reason the sender sees, and counted', async () => {
    const refusedBefore = await listener.metrics.value('refused-domain');
    await expect(
      sender.sendMail({ from: 'someone@gmail.example', to: CIRT, subject: 'breach', text: 'hello' }),
    ).rejects.toThrow(/5\.7\.1 Mail from gmail\.example is not accepted for breach reports/);
    expect(await listener.metrics.value('refused-domain')).toBe(refusedBefore + 1);
    await expect(
      sender.sendMail({
        from: 'robin.reporter@state.example',
        to: 'someone-else@state.example',
        subject: 'x',
        text: 'y',
      }),
    ).rejects.toThrow(/5\.1\.1 someone-else@state\.example is not a breach intake mailbox/);
    // Not mail: no From header, no subject, no text.
    await expect(
      sender.sendMail({
        envelope: { from: 'robin.reporter@state.example', to: [CIRT] },
        raw: 'X-Nothing: here\r\n\r\n',
      }),
    ).rejects.toThrow(/5\.6\.0 This is not a mail message/);
    expect(await listener.metrics.value('refused-not-mail')).toBe(1);
    expect(await listener.metrics.value('refused-mailbox')).toBe(1);
  });

  it('a port already in use: a second listener on it refuses to start with EADDRINUSE, and the process goes on', async () => {
    await expect(
      startIntakeListener({
        client: f.env.client,
        taskQueue: f.taskQueue,
        playbook: f.playbook,
        mailer: f.mail.mailer(),
        ackFrom: 'breach-intake@state.example',
        port: listener.port,
        publicUrl: PUBLIC_URL,
      }),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
