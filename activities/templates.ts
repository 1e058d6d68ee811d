/**
 * One clear template per message the workflow sends to officials (the notices of activities/notice.ts):
 * a subject and a plain-text body, the case number first where the incident has one.
 */
import { recordText } from '../domain/case-record-view.js';
import type { Notice } from './notice.js';

export interface RenderedMail {
  subject: string;
  text: string;
}

const FOOTER = 'This message was sent by the breach-response system. Do not forward it outside the response team.';

function lines(...parts: (string | false | undefined)[]): string {
  return [...parts.filter((p): p is string => typeof p === 'string'), '', FOOTER].join('\n');
}

export function renderNotice(notice: Notice, links: { url: string; label: string }[] = []): RenderedMail {
  const mail = renderTemplate(notice, links);
  const number = notice.caseNumber;
  if (!number) return mail;
  const id = notice.incidentId;
  return {
    // The number first, for people; the id after, for mail rules and the systems that file by it.
    subject: mail.subject.includes(`[Breach ${id}]`)
      ? `${mail.subject.replace(`[Breach ${id}]`, `[Breach ${number}]`)} (incident ${id})`
      : mail.subject,
    text: mail.text.split(`Incident: ${id}`).join(`Case: ${number} (incident ${id})`),
  };
}

function renderTemplate(notice: Notice, links: { url: string; label: string }[]): RenderedMail {
  const linkLine = links.length
    ? `\n${links.map((l) => `${l.label}: ${l.url}`).join('\n')}\n(A link opens a page to review and confirm; opening it decides nothing.)`
    : undefined;
  switch (notice.template) {
    case 'report-received':
      return {
        subject: `[Breach ${notice.incidentId}] PII incident reported (${notice.medium})`,
        text: lines(
          notice.audience === 'supervisor'
            ? 'A workforce member you supervise reported a suspected or confirmed breach of PII (5 FAM 468.3b).'
            : notice.audience === 'program-manager'
              ? 'A suspected or confirmed breach of PII was reported in your program (DHS Privacy Incident Handling Guidance).'
              : 'A suspected or confirmed breach of PII was reported to your office as focal point (5 FAM 468.2).',
          '',
          `Incident: ${notice.incidentId}`,
          `Medium: ${notice.medium}`,
          `PII types: ${notice.piiTypes.join(', ')}`,
          `People affected (estimate): ${notice.affectedCount}`,
          `Discovered: ${notice.discoveredAt}`,
          `Reporting deadline (one hour from discovery): ${notice.reportingDeadline}`,
          notice.classified && 'Classified information is involved: DS does the fact-finding (5 FAM 467.2c).',
          notice.criminal && 'A criminal act is suspected: OIG/INV is referred (5 FAM 468.3b(2)).',
          '',
          'Summary from the report:',
          notice.summary,
        ),
      };
    case 'oig-referral':
      return {
        subject: `[Breach ${notice.incidentId}] Referral to OIG/INV: criminal act suspected`,
        text: lines(
          'A PII breach in which a criminal act is suspected or confirmed is referred to you (5 FAM 468.3b(2)).',
          `Incident: ${notice.incidentId}`,
          `Medium: ${notice.medium}`,
          `PII types: ${notice.piiTypes.join(', ')}`,
          `People affected (estimate): ${notice.affectedCount}`,
          `Discovered: ${notice.discoveredAt}`,
        ),
      };
    case 'security-incident':
      return {
        subject: `[Breach ${notice.incidentId}] Security incident: classified information involved`,
        text: lines(
          'The reported PII breach involves classified information and is also a security incident (5 FAM 467.2b, 468.1(4)).',
          'DS, not the responsible office, does the fact-finding (5 FAM 467.2c).',
          `Incident: ${notice.incidentId}`,
          `Medium: ${notice.medium}`,
          `Discovered: ${notice.discoveredAt}`,
        ),
      };
    case 'reporting-late':
      return {
        subject: `[Breach ${notice.incidentId}] ESCALATION: one-hour report not delivered`,
        text: lines(
          notice.onArrival
            ? 'The incident was reported after its one-hour reporting window had already passed (5 FAM 468.3b(1)).'
            : 'The required report was not delivered within one hour of discovery (5 FAM 468.3b(1)). Delivery goes on.',
          `Incident: ${notice.incidentId}`,
          `Discovered: ${notice.discoveredAt}`,
          `Deadline: ${notice.reportingDeadline}`,
        ),
      };
    case 'endpoint-rejected':
      return {
        subject: `[Breach ${notice.incidentId}] ACTION NEEDED: ${notice.endpoint} refused a report`,
        text: lines(
          `The ${notice.endpoint} endpoint refused the incident's report and will not be retried automatically.`,
          `What it said: ${notice.message}`,
          'Check the endpoint configuration and credentials, then deliver the report by hand and record it.',
          `Incident: ${notice.incidentId}`,
        ),
      };
    case 'decision-requested':
      return {
        subject: `[Breach ${notice.incidentId}] ${notice.reminder > 0 ? `Reminder ${notice.reminder}: ` : ''}decision needed (${notice.kinds.join(' / ')})`,
        text: lines(
          `The incident waits for a decision from the ${notice.role} role: ${notice.kinds.join(', ')}.`,
          `Incident: ${notice.incidentId}`,
          `Phase: ${notice.phase}`,
          notice.detail,
          linkLine,
        ),
      };
    case 'gate-escalation':
      return {
        subject: `[Breach ${notice.incidentId}] ESCALATION to ${notice.to ?? 'the SAOP'}: decision overdue (${notice.role})`,
        text: lines(
          `The ${notice.role} role has not decided (${notice.kinds.join(', ')}) since ${notice.since}.`,
          `Incident: ${notice.incidentId}`,
          `Phase: ${notice.phase}`,
        ),
      };
    case 'crg-convened':
      return {
        subject: `[Breach ${notice.incidentId}] Core Response Group convened`,
        text: lines(
          'The Director of IPS has convened the Core Response Group for a breach analysis (5 FAM 467.4-2).',
          `Incident: ${notice.incidentId}`,
          `Medium: ${notice.medium}`,
          `PII types: ${notice.piiTypes.join(', ')}`,
          `People affected (estimate): ${notice.affectedCount} (${notice.affectedPopulation})`,
          `Responsible office: ${notice.responsibleOffice}`,
        ),
      };
    case 'ppgb-informed':
      return {
        subject: `[Breach ${notice.incidentId}] For the PPGB: ${notice.event.replace(/-/g, ' ')}`,
        text: lines(`Incident: ${notice.incidentId}`, notice.detail),
      };
    case 'liaison-notice':
      return {
        subject: `[Breach ${notice.incidentId}] Liaison notice due: ${notice.liaison}`,
        text: lines(
          `The CRG chose to inform ${notice.liaison} of this breach (5 FAM 467.4-2b(4)). Notification of the affected individuals has gone out.`,
          `Incident: ${notice.incidentId}`,
          `PII types: ${notice.piiTypes.join(', ')}`,
          `People affected (estimate): ${notice.affectedCount}`,
          `Sent: ${notice.letters} letters, ${notice.emails} emails${notice.substituteNotice ? ', and a substitute notice' : ''}`,
        ),
      };
    case 'yearly-duty':
      return {
        subject: `[Breach response] ${({ 'annual-exercise': 'Annual exercise of the breach response plan due', 'annual-plan-review': 'Annual review of the breach response plan due', 'yearly-figures': 'Yearly breach figures' } as const)[notice.duty]} (${notice.period ?? notice.year})`,
        text: lines(notice.detail),
      };
    case 'exercise-inject':
      return {
        subject: `[Breach ${notice.incidentId}] Exercise inject: ${notice.injectId}`,
        text: lines(
          `Exercise run ${notice.runId}. The facilitator's inject "${notice.injectId}":`,
          '',
          notice.title,
          '',
          `Incident: ${notice.incidentId}`,
        ),
      };
    case 'major-incident': {
      const subject = {
        flagged: 'MAJOR INCIDENT: tell Congress',
        reminder: `Reminder ${notice.reminder ?? 1}: Congress to be told of a major incident`,
        escalation: 'ESCALATION: Congress not yet told of a major incident',
        overdue: 'OVERDUE: Congress not told of a major incident in time',
      }[notice.stage];
      return {
        subject: `[Breach ${notice.incidentId}] ${subject}`,
        text: lines(
          `The breach involves the PII of ${notice.affectedCount} people, at or above the major-incident threshold of ${notice.threshold} (OMB's definition of a major incident), since ${notice.since} (${notice.source}).`,
          'The SAOP (the PPGB Chair, 5 FAM 468.2a) notifies Congress and the Chief Information Officer is told at once.',
          `Congress to be notified by: ${notice.congressDueAt} (action item congress-notification; complete it with the evidence of the notification).`,
          `Incident: ${notice.incidentId}`,
        ),
      };
    }
    case 'action-item-assigned':
      return {
        subject: `[Breach ${notice.incidentId}] ${notice.reminder ? `Reminder ${notice.reminder}: action item still open` : 'Action item for your office'}: ${notice.itemId}`,
        text: lines(
          notice.reminder
            ? `An action item of your role is still open: ${notice.itemId}. Complete it with its evidence (5 FAM 467.2c).`
            : `An action item was opened for your role: ${notice.itemId}.`,
          `Incident: ${notice.incidentId}`,
          linkLine,
        ),
      };
    case 'record-not-filed':
      return {
        subject: `[Breach ${notice.incidentId}] ESCALATION: the case record is not filed`,
        text: lines(
          notice.refused
            ? 'The records archive refused the case record and will not be asked again automatically.'
            : 'The records archive has not taken the case record; it is still being retried.',
          'The case stays open (phase archiving) until the record is filed (5 FAM 468.7). A person of the Privacy Division may file it by hand',
          'and record where: decision { "kind": "record-filed", "reference": "<where it was filed>" }.',
          `The record: GET /incidents/${notice.incidentId}/record or npm run breach -- record ${notice.incidentId} --pdf`,
          `Incident: ${notice.incidentId}`,
        ),
      };
    case 'case-record':
      // 467.4-2b(7): the comprehensive report of the actions taken; the facts of the report about people
      // stay in the record itself (a group mail carries the minimum).
      return {
        subject: `[Breach ${notice.incidentId}] For the PPGB: case closed, comprehensive report (5 FAM 467.4-2b(7))`,
        text: lines(
          `The case is closed and its record filed (5 FAM 468.7). The comprehensive report of the actions taken (5 FAM 467.4-2b(7)) follows.`,
          `The full record: GET /incidents/${notice.incidentId}/record`,
          '',
          recordText(notice.record, { personal: false }),
        ),
      };
  }
}
