/**
 * What the sender of a report by email gets back: the incident's number, the one-hour deadline, what
 * the report still lacks (with the template to send it in), and the files that were not taken because
 * they were over the playbook's limit (refused here, never dropped without a word).
 */
import type { Attachment } from 'mailparser';
import type { SendMailOptions } from 'nodemailer';
import { mailFieldLabel, mailTemplate, type MailField } from '../domain/mail-report.js';
import type { Report } from '../domain/report.js';

export interface KeptAttachment {
  filename: string;
  contentType: string;
  size: number;
  contentBase64: string;
}

/** The attachments within `maxBytes` in all, in the message's order; the rest refused by name and size. */
export function keptAttachments(
  attachments: Attachment[],
  maxBytes: number,
): { kept: KeptAttachment[]; refused: { filename: string; size: number }[] } {
  const kept: KeptAttachment[] = [];
  const refused: { filename: string; size: number }[] = [];
  let total = 0;
  attachments.forEach((a, index) => {
    const filename = (a.filename ?? `attachment-${index + 1}`).slice(0, 255);
    if (total + a.size > maxBytes || kept.length >= 20) {
      refused.push({ filename, size: a.size });
      return;
    }
    total += a.size;
    kept.push({
      filename,
      contentType: a.contentType.slice(0, 127),
      size: a.size,
      contentBase64: a.content.toString('base64'),
    });
  });
  return { kept, refused };
}

const kb = (bytes: number) => `${Math.ceil(bytes / 1024)} KB`;

const when = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
  }) + ' UTC';

export function acknowledgement(a: {
  incidentId: string;
  organization: string;
  to: string;
  from: string;
  inReplyTo: string | undefined;
  report: Report;
  missing: MailField[];
  unreadable: { field: MailField; message: string }[];
  refusedAttachments: { filename: string; size: number }[];
  attachmentMaxBytes: number;
  mailboxes: string[];
  publicUrl: string;
  /** The playbook's timers.reportingDeadline in milliseconds (one hour under 468.3b(1)). */
  deadlineMs: number;
}): SendMailOptions {
  const deadline = new Date(Date.parse(a.report.discoveredAt) + a.deadlineMs).toISOString();
  const lines = [
    `Your report of a breach of personally identifiable information was received and is incident ${a.incidentId}.`,
    '',
    `It is reported ${a.report.medium === 'cyber' ? 'to US-CERT' : 'to the Privacy Division'} within the hour of its discovery (5 FAM 468.3b(1)), by ${when(deadline)}, with what you sent.`,
  ];
  if (a.missing.length) {
    lines.push(
      '',
      'Your report does not yet say:',
      ...a.missing.map((f) => `- ${mailFieldLabel(f)}`),
      '',
      `The intake office will ask you for it. You can also reply with those lines filled in, or add to the report at ${a.publicUrl}/report?incident=${encodeURIComponent(a.incidentId)}.`,
    );
  }
  if (a.unreadable.length) {
    lines.push('', 'Not understood:', ...a.unreadable.map((u) => `- ${mailFieldLabel(u.field)}: ${u.message}`));
  }
  if (a.refusedAttachments.length) {
    lines.push(
      '',
      `Files not taken (over the limit of ${kb(a.attachmentMaxBytes)} in all for a report):`,
      ...a.refusedAttachments.map((f) => `- ${f.filename} (${kb(f.size)})`),
      'Keep them safe and tell the intake office that you have them; do not send them again by email.',
    );
  }
  if (a.missing.length) lines.push('', 'The lines a report by email may give:', '', mailTemplate(a.mailboxes));
  return {
    from: a.from,
    to: a.to,
    subject: `Breach report received: incident ${a.incidentId}`,
    text: lines.join('\n'),
    ...(a.inReplyTo ? { inReplyTo: a.inReplyTo, references: a.inReplyTo } : {}),
  };
}
