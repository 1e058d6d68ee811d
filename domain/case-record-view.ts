/**
 * The case record for people: one list of sections, rendered as text (the PPGB's comprehensive report,
 * 467.4-2b(7)), as a printable HTML page (GET /incidents/{id}/record) and as a PDF (client/case-record.ts).
 * `personal: false` leaves out what the report says of people (reporter, supervisor, summary, the
 * letter's roster address): mail to a group carries the minimum (activities/templates.ts).
 */
import { CORE_FIELDS, type CaseRecord } from './case-record.js';
import { escapeHtml } from './letter-render.js';

export interface RecordSection {
  heading: string;
  /** Label and value pairs. */
  rows?: [string, string][];
  /** A table: column headings and rows. */
  table?: { columns: string[]; rows: string[][] };
  /** Running text. */
  text?: string[];
}

const yesNo = (b: boolean | null) => (b === null ? '—' : b ? 'yes' : 'no');
const or = (v: string | number | null | undefined, dash = '—') =>
  v === null || v === undefined || v === '' ? dash : String(v);
const short = (v: unknown) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 400 ? `${s.slice(0, 400)}…` : s;
};

/** The case as people name it: its number (a field the state adds, docs/case-record.md), else its id. */
export function recordName(r: CaseRecord): string {
  return typeof r.caseNumber === 'string' && r.caseNumber ? r.caseNumber : r.incidentId;
}

export function recordSections(r: CaseRecord, options: { personal: boolean }): RecordSection[] {
  const out: RecordSection[] = [];
  out.push({
    heading: 'Case',
    rows: [
      ...(recordName(r) !== r.incidentId ? ([['Case number', recordName(r)]] as [string, string][]) : []),
      ...(typeof r.title === 'string' && r.title ? ([['Title', r.title]] as [string, string][]) : []),
      ['Incident', r.incidentId],
      ['Phase', r.phase],
      ['Outcome', r.outcome],
      ['Medium', r.report.medium],
      ['Breach occurred', or(r.report.occurredAt, 'unknown')],
      ['Discovered', r.report.discoveredAt],
      ['Report received', r.report.receivedAt],
      ['Responsible office', or(r.responsibleOffice)],
      ['CRG convened', yesNo(r.crgConvened)],
      ['Record schema', `${r.schema} v${r.version}, generated ${r.generatedAt}`],
    ],
  });
  if (options.personal && r.report.first) {
    const f = r.report.first;
    out.push({
      heading: 'The report (5 FAM 468.3)',
      rows: [
        ['Reporter', `${f.reporter.name} <${f.reporter.email}>, ${f.reporter.office}`],
        ['Reported by', f.intakeChannel ?? 'form or API'],
        ...(f.filedBy ? [['Filed by', `${f.filedBy.name} <${f.filedBy.email}>`] as [string, string]] : []),
        ['Supervisor', `${f.supervisor.name} <${f.supervisor.email}>`],
        ['PII types', f.piiTypes.join(', ')],
        ['People affected (estimate)', `${f.affectedCount} (${f.affectedPopulation})`],
        [
          'Encrypted / classified / criminal',
          `${yesNo(f.encrypted)} / ${yesNo(f.classifiedInvolved)} / ${yesNo(f.criminalActSuspected)}`,
        ],
      ],
      text: [f.summary, ...r.report.supplements.map((s, i) => `Supplement ${i + 1} (${s.at}): ${s.report.summary}`)],
    });
  } else {
    out.push({
      heading: 'The report (5 FAM 468.3)',
      rows: [['Supplements', String(r.report.supplements.length)]],
      text: ['The facts of the report are in the case record itself (need to know).'],
    });
  }
  out.push({
    heading: 'Routing and receipts (5 FAM 468.3b)',
    table: {
      columns: ['At', 'Step', 'To', 'Status', 'Receipt'],
      rows: r.routing.map((e) => [e.at, e.step, e.to, e.status, or(e.receipt)]),
    },
  });
  out.push({
    heading: 'Risk of harm (5 FAM 468.4)',
    rows: [
      ['Computed', or(r.risk.computed)],
      ['Determined', `${or(r.risk.determined)}${r.risk.overridden ? ' (overridden by the CRG)' : ''}`],
      ['Options (468.5a)', r.options.join(', ') || '—'],
      ['Authorized disclosure', r.authorizedDisclosure ? short(r.authorizedDisclosure) : 'none'],
      ['Cost estimate (468.5d)', r.costEstimateUsd === null ? '—' : `USD ${r.costEstimateUsd}`],
    ],
    text: r.risk.reasons,
  });
  out.push({
    heading: 'Decisions',
    table: {
      columns: ['At', 'Decision', 'Actor', 'Outcome', 'Rationale and grounds'],
      rows: r.decisions.map((d) => [
        d.at,
        d.kind,
        d.actorId,
        or(d.outcome),
        [d.rationale, Object.keys(d.grounds).length ? short(d.grounds) : undefined].filter(Boolean).join(' — '),
      ]),
    },
  });
  if (r.delays.length) {
    out.push({
      heading: 'Delays and bars (5 FAM 468.6-3)',
      table: {
        columns: ['At', 'Kind', 'By', 'Requesting entity', 'Until', 'Reason'],
        rows: r.delays.map((d) => [d.at, d.kind, d.actorId, or(d.requestingEntity), or(d.notifyAfter), or(d.reason)]),
      },
    });
  }
  if (r.letter) {
    const l = r.letter;
    out.push({
      heading: 'The letter as approved (5 FAM 468.6-1)',
      rows: [
        ['Approved', `${l.approvedAt} by ${l.approvedBy}`],
        ['SHA-256', or(l.sha256, 'not sealed')],
        ['Immediate', yesNo(l.immediate)],
        ['Roster', options.personal ? `${l.roster.count} people, ${l.roster.url}` : `${l.roster.count} people`],
      ],
      text: [
        l.letter.whatHappened,
        l.letter.piiInvolved,
        l.letter.actionsTaken,
        l.letter.protectiveSteps,
        l.letter.protectionAtTime,
        ...(l.letter.creditProtectionOffer ? [l.letter.creditProtectionOffer] : []),
        `Toll-free: ${l.letter.contact.tollFreePhone}`,
      ],
    });
  }
  if (r.notification) {
    const n = r.notification;
    out.push({
      heading: 'Notification (5 FAM 468.6-2)',
      rows: [
        ['People on the roster', or(n.total)],
        ['Processed', String(n.processed)],
        ['Letters (first-class mail)', String(n.letters)],
        ['Emails', String(n.emails)],
        ['Returned (undeliverable)', String(n.returned)],
        ['Sent again by the next means', String(n.resent)],
        ['By the substitute notice', `${n.substituted}${n.substituteNotice ? ' (posted)' : ''}`],
        ['Failed', String(n.failed)],
      ],
    });
  }
  out.push({
    heading: 'Liaison notices (5 FAM 467.4-2b(4))',
    table: { columns: ['At', 'Liaison'], rows: r.liaisonNotices.map((l) => [l.at, l.liaison]) },
  });
  out.push({
    heading: 'Action items',
    table: {
      columns: ['Item', 'Owner', 'Status', 'Evidence', 'Completed'],
      rows: r.actionItems.map((i) => [
        i.id,
        i.ownerRole,
        i.status,
        or(i.evidence),
        [i.completedBy, i.completedAt].filter(Boolean).join(' ') || '—',
      ]),
    },
  });
  out.push({
    heading: 'Deadlines',
    table: {
      columns: ['Deadline', 'Paragraph', 'Due', 'Met', 'Status'],
      rows: r.deadlines.map((d) => [d.name, d.paragraph, d.dueAt, or(d.metAt), d.status]),
    },
  });
  out.push({
    heading: 'Escalations',
    table: { columns: ['At', 'Event', 'Detail'], rows: r.escalations.map((e) => [e.at, e.event, or(e.detail)]) },
  });
  // Sections added by other parts of the system (docs/case-record.md).
  for (const [name, value] of Object.entries(r))
    if (!CORE_FIELDS.has(name) && value !== undefined) out.push({ heading: name, text: [short(value)] });
  const a = r.closure.archive;
  out.push({
    heading: 'Closure and filing (5 FAM 467.2c, 468.7)',
    rows: [
      ['Signed off', r.closure.signedOffAt ? `${r.closure.signedOffAt} by ${or(r.closure.signedOffBy)}` : '—'],
      [
        'Record',
        `${a.status}${a.reference ? `, reference ${a.reference}` : ''}${a.filedBy ? ` (filed by ${a.filedBy})` : ''}${a.at ? ` at ${a.at}` : ''}`,
      ],
      ['Closed', or(r.closure.closedAt)],
    ],
  });
  out.push({
    heading: 'Timeline',
    table: { columns: ['At', 'Event', 'Actor'], rows: r.timeline.map((t) => [t.at, t.event, or(t.actorId)]) },
  });
  return out;
}

export function recordText(r: CaseRecord, options: { personal: boolean }): string {
  const parts: string[] = [];
  for (const s of recordSections(r, options)) {
    parts.push(`${s.heading}\n${'='.repeat(s.heading.length)}`);
    if (s.rows) parts.push(s.rows.map(([k, v]) => `${k}: ${v}`).join('\n'));
    if (s.table)
      parts.push(s.table.rows.length ? s.table.rows.map((row) => `- ${row.join(' | ')}`).join('\n') : '(none)');
    if (s.text?.length) parts.push(s.text.join('\n\n'));
  }
  return parts.join('\n\n');
}

/** A printable page: plain semantic HTML, a print style sheet, no script. */
export function recordHtml(r: CaseRecord): string {
  const body = recordSections(r, { personal: true }).map((s) => {
    const id = s.heading
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    const parts = [`<section aria-labelledby="${id}">`, `<h2 id="${id}">${escapeHtml(s.heading)}</h2>`];
    if (s.rows)
      parts.push(`<dl>${s.rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`);
    if (s.table) {
      parts.push(
        s.table.rows.length
          ? `<table><thead><tr>${s.table.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${s.table.rows.map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
          : '<p>None.</p>',
      );
    }
    for (const p of s.text ?? []) parts.push(`<p>${escapeHtml(p)}</p>`);
    parts.push('</section>');
    return parts.join('\n');
  });
  const title = `Case record ${recordName(r)}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#111}dl{display:grid;grid-template-columns:16rem 1fr;gap:.2rem 1rem}dt{font-weight:600}table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #999;padding:.25rem .4rem;text-align:left;vertical-align:top}p{white-space:pre-wrap}@media print{body{margin:0}section{break-inside:avoid-page}}</style>',
    '</head>',
    '<body><main>',
    `<h1>${escapeHtml(title)}</h1>`,
    "<p>The record of the Department's response to this breach (5 FAM 468.7). Contains personal information: need to know only.</p>",
    ...body,
    '</main></body></html>',
    '',
  ].join('\n');
}
