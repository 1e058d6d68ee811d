import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMailTransport } from '../../activities/mailer.js';
import { startMailCatcher, type MailCatcher } from '../../scripts/local/mail-catcher.js';
import { parseMail } from '../../scripts/local/mime.js';
import { startSmtpReceiver } from '../helpers/index.js';

describe('the mail catcher of npm start', () => {
  let dir: string;
  let catcher: MailCatcher;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'breach-mail-'));
    catcher = await startMailCatcher({ smtpPort: 0, webPort: 0, dir });
  });
  afterAll(async () => {
    await catcher?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('keeps each message as an .eml file and lists it on its page and in JSON', async () => {
    // SMTP_USER / SMTP_PASS set as for a real server: the catcher accepts any credentials.
    const mailer = createMailTransport({ smtpUrl: catcher.smtpUrl, smtpUser: 'someone', smtpPass: 'secret' });
    const text = `Incident INC-0042 needs your decision — “analysis” phase.\n${'A long line that quoted-printable has to wrap. '.repeat(4)}\nLink: https://example.gov/a?x=1&y=2`;
    await mailer.sendMail({
      from: 'Breach Response <breach@example.gov>',
      to: 'Ina Director <ina@example.gov>',
      cc: 'dscirt@example.gov',
      subject: 'Décision attendue: INC-0042',
      text,
    });
    mailer.close();

    const mail = await catcher.waitFor((m) => m.subject.includes('INC-0042'), 5_000);
    expect(mail.subject).toBe('Décision attendue: INC-0042');
    expect(mail.to).toEqual(['ina@example.gov']);
    expect(mail.envelope.to.sort()).toEqual(['dscirt@example.gov', 'ina@example.gov']);
    expect(mail.text.trim()).toBe(text);

    const files = await readdir(dir);
    expect(files).toEqual([`${mail.id}.eml`]);
    expect(await readFile(join(dir, files[0]!), 'utf8')).toMatch(/^Subject: /m);

    const page = await (await fetch(`${catcher.webUrl}/`)).text();
    expect(page).toContain('Décision attendue: INC-0042');
    expect(page).toContain('ina@example.gov');
    expect(page).toContain(`href="/messages/${mail.id}.eml"`);
    const eml = await fetch(`${catcher.webUrl}/messages/${mail.id}.eml`);
    expect(eml.headers.get('content-type')).toBe('message/rfc822');
    expect((await parseMail(await eml.text())).text.trim()).toBe(text);
    const listing = (await (await fetch(`${catcher.webUrl}/messages.json`)).json()) as {
      id: string;
      subject: string;
      to: string[];
      date: string;
    }[];
    expect(listing).toEqual([expect.objectContaining({ id: mail.id, subject: mail.subject, to: ['ina@example.gov'] })]);
  });

  test('lists the messages already on disk after a restart', async () => {
    const before = catcher.messages().map((m) => m.id);
    await catcher.close();
    catcher = await startMailCatcher({ smtpPort: 0, webPort: 0, dir });
    expect(catcher.messages().map((m) => m.id)).toEqual(before);
    const page = await (await fetch(`${catcher.webUrl}/`)).text();
    expect(page).toContain('Décision attendue: INC-0042');
  });
});

describe('the test SMTP receiver', () => {
  test('parses text and html alternatives, base64 and encoded headers', async () => {
    const receiver = await startSmtpReceiver();
    try {
      await receiver.mailer().sendMail({
        from: 'breach@example.gov',
        to: ['a@example.gov', 'b@example.gov'],
        subject: '日本語の件名 and a very long subject line that nodemailer folds over more than one header line',
        text: 'Plain body: 5 FAM 468.6',
        html: '<p>HTML body</p>',
        headers: { 'X-Incident': 'INC-7' },
      });
      const raw = await new Promise<Buffer>((resolve, reject) => {
        nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail(
          {
            from: 'x@example.gov',
            to: 'y@example.gov',
            subject: 'b64',
            text: 'ü'.repeat(100),
            textEncoding: 'base64',
          },
          (err, info) => (err ? reject(err) : resolve(info.message as Buffer)),
        );
      });
      const mail = await receiver.waitFor((m) => m.headers['x-incident'] === 'INC-7', 5_000);
      expect(mail.subject).toBe(
        '日本語の件名 and a very long subject line that nodemailer folds over more than one header line',
      );
      expect(mail.to).toEqual(['a@example.gov', 'b@example.gov']);
      expect(mail.text).toBe('Plain body: 5 FAM 468.6');
      expect(mail.html).toBe('<p>HTML body</p>');
      expect(mail.raw).toContain('X-Incident: INC-7');
      expect((await parseMail(raw.toString('utf8'))).text).toBe('ü'.repeat(100));
      await expect(receiver.waitFor((m) => m.subject === 'never', 200)).rejects.toThrow(
        /no matching mail within 200 ms/,
      );
    } finally {
      await receiver.close();
    }
  });
});
