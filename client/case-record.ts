/**
 * The case record of one incident (docs/case-record.md), for the API and the CLI: the workflow's
 * `caseRecord` query (it answers on closed incidents too, as long as Temporal keeps them), sealed with
 * the letter's SHA-256, and rendered as a PDF for people (pdfkit).
 */
import { createHash } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import PDFDocument from 'pdfkit';
import { sealCaseRecord, type CaseRecord } from '../domain/case-record.js';
import { recordName, recordSections } from '../domain/case-record-view.js';
import { incidentWorkflowId } from '../domain/ids.js';
import { BreachPhase } from '../domain/search-attributes.js';
import type { NoticeReturn } from '../domain/returns.js';
import { caseRecordQuery, noticesReturnedSignal } from '../workflows/messages.js';
import { IncidentClosedError, IncidentNotFoundError, TEMPORAL_CALL_TIMEOUT_MS, asTemporalError } from './errors.js';

export const sha256hex = (text: string) => createHash('sha256').update(text).digest('hex');

export async function getCaseRecord(client: Client, incidentId: string): Promise<CaseRecord> {
  const handle = client.workflow.getHandle(incidentWorkflowId(incidentId));
  try {
    const record = await client.withDeadline(Date.now() + TEMPORAL_CALL_TIMEOUT_MS, () =>
      handle.query(caseRecordQuery),
    );
    return sealCaseRecord(record, sha256hex);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new IncidentNotFoundError(incidentId);
    throw asTemporalError(err);
  }
}

/** The record as a printable PDF (A4-ish letter pages, the sections of domain/case-record-view.ts). */
export function caseRecordPdf(record: CaseRecord): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: 50,
    info: { Title: `Case record ${recordName(record)}`, Subject: '5 FAM 468.7 case record' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.fontSize(18).text(`Case record ${recordName(record)}`);
  doc
    .fontSize(9)
    .fillColor('#333')
    .text(
      "The record of the Department's response to this breach (5 FAM 468.7). Contains personal information: need to know only.",
    );
  for (const section of recordSections(record, { personal: true })) {
    doc.moveDown(0.8).fillColor('black').fontSize(13).text(section.heading);
    doc.fontSize(9);
    for (const [k, v] of section.rows ?? [])
      doc.font('Helvetica-Bold').text(`${k}: `, { continued: true }).font('Helvetica').text(v);
    if (section.table) {
      if (section.table.rows.length === 0) doc.text('None.');
      for (const row of section.table.rows)
        doc.text(`• ${row.map((cell, i) => `${section.table!.columns[i]}: ${cell}`).join(' | ')}`);
    }
    for (const p of section.text ?? []) doc.moveDown(0.3).text(p);
  }
  doc.end();
  return done;
}

/**
 * Returned notices to the incident (signal `noticesReturned`); a closed incident takes none (468.7: its
 * record is final; docs/lifecycle.md "Returns"). A workflow in phase `closed` still runs while it gives
 * the PPGB its report, and a signal then would be taken and never acted on: its phase (`BreachPhase`,
 * read without a worker) is asked first.
 */
export async function reportReturns(client: Client, incidentId: string, returns: NoticeReturn[]): Promise<void> {
  const handle = client.workflow.getHandle(incidentWorkflowId(incidentId));
  try {
    const described = await client.withDeadline(Date.now() + TEMPORAL_CALL_TIMEOUT_MS, () => handle.describe());
    if (described.status.name !== 'RUNNING' || described.typedSearchAttributes.get(BreachPhase) === 'closed')
      throw new IncidentClosedError(incidentId);
    await client.withDeadline(Date.now() + TEMPORAL_CALL_TIMEOUT_MS, () =>
      handle.signal(noticesReturnedSignal, { returns }),
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      const ended = await handle.describe().then(
        (d) => d.status.name !== 'RUNNING',
        () => false,
      );
      throw ended ? new IncidentClosedError(incidentId) : new IncidentNotFoundError(incidentId);
    }
    throw asTemporalError(err);
  }
}
