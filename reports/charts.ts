/**
 * Charts as SVG, drawn on the server by hand: no charting library in the dependencies renders SVG
 * without a DOM, and these three shapes (horizontal bars with a deadline mark, a Gantt-style timeline,
 * columns) take a few dozen lines each. Every chart has a <title> and an aria-label, and its figures are
 * also in a table beside it in the reports, so nothing is said by the picture alone.
 */
export const esc = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const COLORS = {
  bar: '#2b6cb0',
  late: '#c53030',
  ok: '#2f855a',
  mark: '#1a202c',
  grid: '#e2e8f0',
  text: '#1a202c',
  muted: '#4a5568',
};
const FONT = 'font-family="system-ui, sans-serif" font-size="12"';

function frame(width: number, height: number, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>${body}</svg>`;
}

export interface Bar {
  label: string;
  value: number;
  /** A deadline: drawn as a mark; a bar beyond it is red. */
  limit?: number | null;
  /** Text after the bar (default: format(value)). */
  note?: string;
}

/** Horizontal bars (time per gate against its deadline). */
export function barChart(title: string, bars: Bar[], format: (v: number) => string): string {
  const left = 170;
  const width = 760;
  const plot = width - left - 120;
  const rowH = 26;
  const height = 30 + bars.length * rowH + 10;
  const max = Math.max(1, ...bars.map((b) => Math.max(b.value, b.limit ?? 0)));
  const x = (v: number) => left + (v / max) * plot;
  const rows = bars
    .map((b, i) => {
      const y = 30 + i * rowH;
      const over = b.limit != null && b.value > b.limit;
      const limit =
        b.limit != null
          ? `<line x1="${x(b.limit).toFixed(1)}" x2="${x(b.limit).toFixed(1)}" y1="${y - 2}" y2="${y + 20}" stroke="${COLORS.mark}" stroke-width="2" stroke-dasharray="3 2"><title>deadline ${esc(format(b.limit))}</title></line>`
          : '';
      return (
        `<text x="${left - 8}" y="${y + 14}" text-anchor="end" ${FONT} fill="${COLORS.text}">${esc(b.label)}</text>` +
        `<rect x="${left}" y="${y}" width="${Math.max(1, x(b.value) - left).toFixed(1)}" height="18" fill="${over ? COLORS.late : COLORS.bar}"><title>${esc(`${b.label}: ${format(b.value)}`)}</title></rect>` +
        limit +
        `<text x="${(x(Math.max(b.value, b.limit ?? 0)) + 6).toFixed(1)}" y="${y + 14}" ${FONT} fill="${over ? COLORS.late : COLORS.muted}">${esc(b.note ?? format(b.value))}</text>`
      );
    })
    .join('');
  return frame(
    width,
    height,
    title,
    `<text x="0" y="16" ${FONT} font-weight="bold" fill="${COLORS.text}">${esc(title)}</text>${rows}`,
  );
}

export interface Lane {
  label: string;
  from: number;
  to: number;
  late?: boolean;
}

export interface Mark {
  at: number;
  label: string;
  kind?: 'inject' | 'decision' | 'escalation' | 'deadline';
}

/** A timeline: one lane per phase, marks for injects, decisions and escalations along one axis. */
export function timelineChart(title: string, lanes: Lane[], marks: Mark[], format: (v: number) => string): string {
  const left = 170;
  const width = 900;
  const plot = width - left - 30;
  const laneH = 22;
  const marksTop = 34 + lanes.length * laneH + 8;
  const height = marksTop + marks.length * 16 + 40;
  const max = Math.max(1, ...lanes.map((l) => l.to), ...marks.map((m) => m.at));
  const x = (v: number) => left + (v / max) * plot;
  const ticks = Array.from({ length: 6 }, (_, i) => (max * i) / 5)
    .map(
      (v) =>
        `<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="28" y2="${height - 24}" stroke="${COLORS.grid}"/><text x="${x(v).toFixed(1)}" y="${height - 8}" text-anchor="middle" ${FONT} fill="${COLORS.muted}">+${esc(format(v))}</text>`,
    )
    .join('');
  const laneSvg = lanes
    .map((l, i) => {
      const y = 34 + i * laneH;
      return `<text x="${left - 8}" y="${y + 13}" text-anchor="end" ${FONT} fill="${COLORS.text}">${esc(l.label)}</text><rect x="${x(l.from).toFixed(1)}" y="${y}" width="${Math.max(2, x(l.to) - x(l.from)).toFixed(1)}" height="16" rx="2" fill="${l.late ? COLORS.late : COLORS.bar}"><title>${esc(`${l.label}: +${format(l.from)} to +${format(l.to)}`)}</title></rect>`;
    })
    .join('');
  const color = (k: Mark['kind']) =>
    k === 'escalation' ? COLORS.late : k === 'inject' ? '#b7791f' : k === 'deadline' ? COLORS.mark : COLORS.ok;
  const markSvg = marks
    .map((m, i) => {
      const y = marksTop + i * 16;
      const anchor = x(m.at) > width - 260 ? 'end' : 'start';
      return `<circle cx="${x(m.at).toFixed(1)}" cy="${y + 5}" r="4" fill="${color(m.kind)}"/><text x="${(x(m.at) + (anchor === 'end' ? -8 : 8)).toFixed(1)}" y="${y + 9}" text-anchor="${anchor}" ${FONT} fill="${COLORS.text}">${esc(`${m.label} (+${format(m.at)})`)}</text>`;
    })
    .join('');
  return frame(
    width,
    height,
    title,
    `<text x="0" y="16" ${FONT} font-weight="bold" fill="${COLORS.text}">${esc(title)}</text>${ticks}${laneSvg}${markSvg}`,
  );
}

/** Vertical columns (incidents per month, a distribution). */
export function columnChart(title: string, columns: { label: string; value: number; late?: boolean }[]): string {
  const width = Math.max(360, 60 + columns.length * 46);
  const height = 240;
  const plotH = 160;
  const max = Math.max(1, ...columns.map((c) => c.value));
  const cols = columns
    .map((c, i) => {
      const h = (c.value / max) * plotH;
      const x = 40 + i * 46;
      const y = 30 + plotH - h;
      return `<rect x="${x}" y="${y.toFixed(1)}" width="34" height="${Math.max(0, h).toFixed(1)}" fill="${c.late ? COLORS.late : COLORS.bar}"><title>${esc(`${c.label}: ${c.value}`)}</title></rect><text x="${x + 17}" y="${(y - 4).toFixed(1)}" text-anchor="middle" ${FONT} fill="${COLORS.text}">${c.value}</text><text x="${x + 17}" y="${30 + plotH + 16}" text-anchor="middle" ${FONT} fill="${COLORS.muted}">${esc(c.label)}</text>`;
    })
    .join('');
  return frame(
    width,
    height,
    title,
    `<text x="0" y="16" ${FONT} font-weight="bold" fill="${COLORS.text}">${esc(title)}</text><line x1="36" x2="${width - 10}" y1="${30 + plotH}" y2="${30 + plotH}" stroke="${COLORS.muted}"/>${cols}`,
  );
}

/** The shell of a report page: self-contained (no scripts, no outside resources). */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:1000px;color:#1a202c}table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{padding:.3rem .7rem;border-bottom:1px solid #e2e8f0;text-align:left;vertical-align:top}th{background:#f7fafc}.met{color:#276749;font-weight:bold}.missed{color:#9b2c2c;font-weight:bold}.pending{color:#744210;font-weight:bold}.banner{background:#fefcbf;border:2px solid #b7791f;padding:.5rem 1rem;font-weight:bold}figure{margin:1rem 0}</style>
</head><body>${body}</body></html>`;
}
