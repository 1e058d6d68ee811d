/**
 * Reads a message for the local mail catcher and the tests with `mailparser` (the nodemailer project's
 * own parser; the intake mail listener reads reports with it too, api/intake-mail): headers, the text
 * and HTML bodies in any transfer encoding and charset, and the attachments by content type.
 */
import { simpleParser, type AddressObject } from 'mailparser';

export interface ParsedMail {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  date: string | undefined;
  messageId: string | undefined;
  /** Lower-case header name → value (decoded, unfolded; the last one wins). */
  headers: Record<string, string>;
  text: string;
  html: string | undefined;
  /** Content types of the parts that are neither the text nor the html body. */
  attachments: string[];
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return objects.flatMap((o) => o.value.map((a) => a.address ?? '').filter(Boolean));
}

export async function parseMail(raw: string | Buffer): Promise<ParsedMail> {
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextLinks: true, skipImageLinks: true });
  const headers: Record<string, string> = {};
  for (const line of mail.headerLines) {
    const colon = line.line.indexOf(':');
    headers[line.key] =
      mail.headers.has(line.key) && typeof mail.headers.get(line.key) === 'string'
        ? (mail.headers.get(line.key) as string)
        : line.line
            .slice(colon + 1)
            .replace(/\r?\n[ \t]+/g, ' ')
            .trim();
  }
  return {
    from: mail.from?.text ?? '',
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    subject: mail.subject ?? '',
    date: headers.date,
    messageId: mail.messageId,
    headers,
    text: (mail.text ?? '').replace(/\r\n/g, '\n'),
    html: mail.html === false ? undefined : mail.html,
    attachments: mail.attachments.map((a) => a.contentType),
  };
}
