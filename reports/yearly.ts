/** The yearly figures as text (the terminal, the reminder mail) and as HTML with charts (reports/charts.ts). */
import type { YearlyFigures } from '../domain/yearly-figures.js';
import { periodName } from '../domain/yearly-periods.js';
import { columnChart, esc, htmlPage } from './charts.js';
import { humanDuration, table } from './plain-text.js';

/** A duration in the two largest units, `-` for none. */
const dur = (ms: number | null): string => (ms === null ? '-' : humanDuration(ms));

export function yearlyText(y: YearlyFigures): string {
  const r = y.oneHourReports;
  return [
    `SAOP yearly breach figures ${periodName({ kind: y.period.kind, year: y.year })}, covering ${y.period.label}, generated ${y.generatedAt}: ${y.incidents} incident${y.incidents === 1 ? '' : 's'}`,
    ...(y.unreadable.length ? [`NOT COUNTED (state unreadable): ${y.unreadable.join(', ')}`] : []),
    '',
    'Incidents by medium and outcome',
    y.byMediumAndOutcome.length
      ? table(
          ['MEDIUM', 'OUTCOME', 'INCIDENTS'],
          y.byMediumAndOutcome.map((g) => [g.medium, g.outcome, String(g.count)]),
        )
      : '(none)',
    '',
    `One-hour reports (5 FAM 468.3b(1)): ${r.onTime} on time, ${r.late} late, ${r.pending} pending`,
    ...r.lateIncidents.map(
      (l) => `  late: ${l.incidentId}${l.lateByMs !== null ? ` (by ${dur(l.lateByMs)})` : ' (not delivered)'}`,
    ),
    '',
    'Time from discovery',
    table(
      ['MILESTONE', 'REACHED', 'MEDIAN', 'P90'],
      y.timeToMilestone.map((t) => [t.milestone, String(t.reached), dur(t.medianMs), dur(t.p90Ms)]),
    ),
    '',
    `Notifications (5 FAM 468.6): ${y.notifications.sent} sent (${y.notifications.letters} letters, ${y.notifications.emails} emails), ${y.notifications.returned} returned, ${y.notifications.substituted} reached by ${y.notifications.substituteNotices} substitute notice(s), ${y.notifications.failed} failed, in ${y.notifications.incidentsNotified} incident(s)`,
    `People affected: ${y.people.affected}${y.people.unknownFor ? ` (unknown for ${y.people.unknownFor} incident(s))` : ''}`,
    `Major incidents (100,000 people or more, OMB M-17-12): ${y.majorIncidents.length ? y.majorIncidents.map((m) => `${m.incidentId} (${m.affectedCount}, ${m.outcome})`).join(', ') : 'none'}`,
    'Authorized disclosures (accounting, 5 FAM 464b(9))',
    y.authorizedDisclosures.length
      ? table(
          ['INCIDENT', 'BASIS', 'DECIDED', 'MEDIUM', 'ACCOUNTING ENTRIES'],
          y.authorizedDisclosures.map((a) => [
            a.incidentId,
            a.basis,
            a.decidedAt ?? '-',
            a.medium,
            a.accounting
              .map((e) => `${e.entryId} ${e.disclosedAt}${e.accountingRequired ? '' : ' (not required)'}`)
              .join('; ') || '-',
          ]),
        )
      : '(none)',
  ].join('\n');
}

export function yearlyHtml(y: YearlyFigures): string {
  const name = periodName({ kind: y.period.kind, year: y.year });
  const rows = (cells: string[][]) =>
    cells.map((c) => `<tr>${c.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`).join('');
  const r = y.oneHourReports;
  const body = `
<h1>SAOP yearly breach figures, ${esc(name)}</h1>
<p id="period">Covering ${esc(y.period.label)}: ${y.incidents} incident(s) reported in that period; generated ${esc(y.generatedAt)}. Exercises are not counted.</p>
${y.unreadable.length ? `<p class="missed">Not counted (state unreadable): ${esc(y.unreadable.join(', '))}</p>` : ''}
<h2>Incidents per month</h2><figure>${columnChart(
    `Incidents per month, ${name}`,
    y.perMonth.map((m) => ({
      label: y.period.kind === 'fiscal' ? m.month.slice(2) : m.month.slice(5),
      value: m.count,
    })),
  )}</figure>
<h2>Incidents by medium and outcome</h2>
<table id="by-medium-outcome"><thead><tr><th>Medium</th><th>Outcome</th><th>Incidents</th></tr></thead><tbody>${rows(y.byMediumAndOutcome.map((g) => [g.medium, g.outcome, String(g.count)]))}</tbody></table>
<h2>One-hour reports (5 FAM 468.3b(1))</h2>
<p id="one-hour">${r.onTime} on time, ${r.late} late, ${r.pending} pending.</p>
<figure>${columnChart(
    'Time from discovery to the one-hour report (red: late)',
    y.timeToReport.map((b) => ({ label: b.bin, value: b.count, late: b.late })),
  )}</figure>
<table id="late-reports"><thead><tr><th>Late incident</th><th>Reported</th><th>Late by</th></tr></thead><tbody>${rows(r.lateIncidents.map((l) => [l.incidentId, l.reportedAt ?? 'not delivered', dur(l.lateByMs)]))}</tbody></table>
<h2>Time from discovery to each milestone</h2>
<table id="milestones"><thead><tr><th>Milestone</th><th>Reached</th><th>Median</th><th>90th percentile</th></tr></thead><tbody>${rows(y.timeToMilestone.map((t) => [t.milestone, String(t.reached), dur(t.medianMs), dur(t.p90Ms)]))}</tbody></table>
<h2>Notifications (5 FAM 468.6)</h2>
<p id="notifications">${y.notifications.sent} sent (${y.notifications.letters} letters, ${y.notifications.emails} emails), ${y.notifications.returned} returned, ${y.notifications.substituted} reached by ${y.notifications.substituteNotices} substitute notice(s), ${y.notifications.failed} failed, in ${y.notifications.incidentsNotified} incident(s). People affected: ${y.people.affected}.</p>
<h2>Major incidents (OMB M-17-12: 100,000 people or more)</h2>
<table id="major"><thead><tr><th>Incident</th><th>People</th><th>Outcome</th></tr></thead><tbody>${rows(y.majorIncidents.map((m) => [m.incidentId, String(m.affectedCount), m.outcome]))}</tbody></table>
<h2>Authorized disclosures: accounting (5 FAM 464b(9))</h2>
<table id="authorized"><thead><tr><th>Incident</th><th>Basis</th><th>Decided</th><th>Medium</th><th>Accounting (5 FAM 464c; recipients in the case record)</th></tr></thead><tbody>${rows(y.authorizedDisclosures.map((a) => [a.incidentId, a.basis, a.decidedAt ?? '-', a.medium, a.accounting.map((e) => `${e.entryId}, ${e.disclosedAt}: ${e.nature}; ${e.purpose}${e.accountingRequired ? '' : ' (accounting not required)'}`).join(' | ') || '-']))}</tbody></table>`;
  return htmlPage(`SAOP yearly breach figures ${name}`, body);
}
