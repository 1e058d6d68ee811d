/** The after-action report as HTML (charts as inline SVG, reports/charts.ts) and as text for the terminal. */
import { barChart, esc, htmlPage, timelineChart, type Mark } from '../reports/charts.js';
import { scenarioDuration as dur, type AfterActionReport } from './report.js';

/** The report's own classes, for a page that is not the report's (the case page: pages/after-action.ts). */
export const AFTER_ACTION_STYLE =
  '.aar table{border-collapse:collapse;margin:.5rem 0 1.5rem}.aar td,.aar th{padding:.3rem .7rem;border-bottom:1px solid #e2e8f0;text-align:left;vertical-align:top}' +
  '.aar .met{color:#276749;font-weight:bold}.aar .missed{color:#9b2c2c;font-weight:bold}.aar .pending{color:#744210;font-weight:bold}' +
  '.aar .banner{background:#fefcbf;border:2px solid #b7791f;padding:.5rem 1rem;font-weight:bold}.aar figure{margin:1rem 0}.aar svg{max-width:100%;height:auto}';

const FINDINGS_FILE_NOTE =
  '<p>Drafted from the figures; the facilitator edits them on the case page, or in <code>findings.json</code> beside this report (<code>[{ "id", "text" }]</code>: same id replaces a draft, a new id adds one, an empty text drops it).</p>';

/** The whole report as a file (`exercise report`): a page of its own. */
export function afterActionHtml(r: AfterActionReport): string {
  return htmlPage(
    `After-action report ${r.runId}`,
    afterActionBody(r, { heading: true, findingsNote: FINDINGS_FILE_NOTE }),
  );
}

/**
 * The report's content: the expectations, the charts, the tables and the findings. `heading`: with its
 * own h1 (the case page has its own); `findingsNote`: what is said above the findings.
 */
export function afterActionBody(r: AfterActionReport, options: { heading: boolean; findingsNote: string }): string {
  const lanes = r.phases.map((p) => ({
    label: p.phase,
    from: p.fromMs,
    to: p.toMs ?? p.fromMs,
    late: r.gates.find((g) => g.gate === p.phase)?.overDeadline ?? false,
  }));
  const marks: Mark[] = [
    ...r.injects
      .filter((i) => i.firedAtMs !== null)
      .map((i) => ({ at: i.firedAtMs!, label: `inject ${i.id}`, kind: 'inject' as const })),
    ...r.actors.flatMap((a) =>
      a.decisions.map((d) => ({
        at: d.atMs,
        label: `${d.kind}${d.outcome ? `: ${d.outcome}` : ''} (${a.actorId})`,
        kind: 'decision' as const,
      })),
    ),
    ...r.escalations.map((e) => ({ at: e.atMs, label: `escalation: ${e.role}`, kind: 'escalation' as const })),
  ].sort((a, b) => a.at - b.at);
  const timeline = timelineChart(`Timeline of run ${r.runId} (scenario time from discovery)`, lanes, marks, dur);
  const bars = barChart(
    'Time per gate against the policy deadline (dashed)',
    r.gates.map((g) => ({
      label: g.gate,
      value: g.durationMs ?? 0,
      limit: g.deadlineMs,
      note: `${dur(g.durationMs ?? 0)}${g.deadlineMs !== null ? ` / ${dur(g.deadlineMs)}` : ''}${g.overDeadline ? ' LATE' : ''}`,
    })),
    dur,
  );
  const rows = (cells: string[][]) => cells.map((c) => `<tr>${c.map((v) => `<td>${v}</td>`).join('')}</tr>`).join('');
  const body = `
<p class="banner">EXERCISE: after-action report of a tabletop exercise. Fictional incident.</p>
${options.heading ? `<h1>After-action report: ${esc(r.title)}</h1>` : ''}
<p>Run <code>${esc(r.runId)}</code> of scenario <code>${esc(r.scenarioId)}</code> at speed ×${r.speed}; started ${esc(r.startedAt)}; ${r.endedAt ? `ended ${esc(r.endedAt)} (${esc(r.status)})` : 'still running'}.
Incident <code>${esc(r.incidentId)}</code>: phase ${esc(r.incident.phase ?? 'unknown')}${r.incident.risk ? `, risk ${esc(r.incident.risk)}` : ''}${r.incident.outcome ? `, outcome ${esc(r.incident.outcome)}` : ''}.</p>
<h2>Expectations: <span class="met">${r.summary.met} met</span>, <span class="missed">${r.summary.missed} missed</span>${r.summary.pending ? `, <span class="pending">${r.summary.pending} pending</span>` : ''}</h2>
<table id="expectations"><thead><tr><th>Expectation</th><th>Result</th><th>Figures</th></tr></thead><tbody>
${r.expectations.map((e) => `<tr data-id="${esc(e.id)}" data-result="${e.result}"><td>${esc(e.title)}</td><td class="${e.result}">${e.result.toUpperCase()}</td><td>${esc(e.detail)}</td></tr>`).join('')}
</tbody></table>
<h2>Timeline</h2><figure>${timeline}</figure>
<h2>Time per phase and gate</h2><figure>${bars}</figure>
<table><thead><tr><th>Phase</th><th>Time</th><th>Policy deadline</th></tr></thead><tbody>
${rows(r.gates.map((g) => [esc(g.gate), esc(dur(g.durationMs ?? 0)), g.deadline ? `${esc(dur(g.deadlineMs ?? 0))}: ${esc(g.deadline)}${g.overDeadline ? ' <strong class="missed">exceeded</strong>' : ''}` : '-']))}
</tbody></table>
<h2>Who acted</h2>
<table><thead><tr><th>Person</th><th>Decisions</th></tr></thead><tbody>
${rows(r.actors.map((a) => [esc(a.actorId), a.decisions.map((d) => `${esc(d.kind)}${d.outcome ? ` (${esc(d.outcome)})` : ''} at +${esc(dur(d.atMs))}`).join('<br>')]))}
</tbody></table>
<h2>Reminders and escalations</h2>
<p>${r.reminders.length} reminder(s)${r.reminders.length ? `: ${r.reminders.map((m) => `${esc(m.role)} at +${esc(dur(m.atMs))}`).join(', ')}` : ''}.</p>
<p>${r.escalations.length} escalation(s)${r.escalations.length ? `: ${r.escalations.map((e) => `${esc(e.role)} at +${esc(dur(e.atMs))}`).join(', ')}` : ''}.</p>
<h2>Injects</h2>
<table><thead><tr><th>Inject</th><th>Planned</th><th>Fired</th><th>Outcome</th></tr></thead><tbody>
${rows(r.injects.map((i) => [`<strong>${esc(i.id)}</strong> ${esc(i.title)}`, `+${esc(dur(i.atMs))}`, i.firedAtMs === null ? '-' : `+${esc(dur(i.firedAtMs))}`, `${esc(i.outcome)}${i.detail ? `: ${esc(i.detail)}` : ''}`]))}
</tbody></table>
<h2>Findings</h2>
${options.findingsNote}
<ol id="findings">${r.findings.map((f) => `<li data-source="${f.source}">${esc(f.text)}</li>`).join('')}</ol>
<p><small>Generated ${esc(r.generatedAt)}. Times are scenario time (real time × ${r.speed}) from discovery.</small></p>`;
  return body;
}

export function afterActionText(r: AfterActionReport): string {
  const lines = [
    `EXERCISE after-action report: ${r.title}`,
    `run ${r.runId} (scenario ${r.scenarioId}, speed ×${r.speed}), ${r.status}; incident ${r.incidentId} in ${r.incident.phase ?? 'unknown'}`,
    `expectations: ${r.summary.met} met, ${r.summary.missed} missed, ${r.summary.pending} pending`,
    ...r.expectations.map((e) => `  ${e.result.toUpperCase().padEnd(7)} ${e.id}: ${e.detail}`),
    'time per gate:',
    ...r.gates.map(
      (g) =>
        `  ${g.gate.padEnd(24)} ${dur(g.durationMs ?? 0)}${g.deadlineMs !== null ? ` (deadline ${dur(g.deadlineMs)}${g.overDeadline ? ', exceeded' : ''})` : ''}`,
    ),
    `reminders: ${r.reminders.length}; escalations: ${r.escalations.map((e) => `${e.role} at +${dur(e.atMs)}`).join(', ') || 'none'}`,
    'findings:',
    ...r.findings.map((f, i) => `  ${i + 1}. ${f.text}`),
  ];
  return lines.join('\n');
}
