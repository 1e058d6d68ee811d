/**
 * The periods the SAOP's yearly figures (domain/yearly-figures.ts) cover: a calendar year or a federal
 * fiscal year, and their names. Pure (docs/style.md 3).
 */

/**
 * The period the figures cover: a calendar year, or a federal fiscal year (FISMA reporting runs on it):
 * FY2026 is 1 October 2025 to 30 September 2026. `from` inclusive, `to` exclusive, both at 00:00 UTC
 * (the incidents' times are UTC; the reading taken here is that a day's boundary is UTC's).
 */
export interface FiguresPeriod {
  kind: 'calendar' | 'fiscal';
  year: number;
  from: string;
  to: string;
  /** e.g. "calendar year 2026 (2026-01-01 to 2026-12-31)", "FY2026 (federal fiscal year, 2025-10-01 to 2026-09-30)". */
  label: string;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function calendarYear(year: number): FiguresPeriod {
  const from = Date.UTC(year, 0, 1);
  const to = Date.UTC(year + 1, 0, 1);
  return {
    kind: 'calendar',
    year,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    label: `calendar year ${year} (${day(from)} to ${day(to - 86_400_000)})`,
  };
}

export function fiscalYear(year: number): FiguresPeriod {
  const from = Date.UTC(year - 1, 9, 1);
  const to = Date.UTC(year, 9, 1);
  return {
    kind: 'fiscal',
    year,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    label: `FY${year} (federal fiscal year, ${day(from)} to ${day(to - 86_400_000)})`,
  };
}

/** The last federal fiscal year that has ended by `now` (on 15 October 2026: FY2026). */
export function lastEndedFiscalYear(now: Date): number {
  return now.getUTCMonth() >= 9 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
}

/** A short name for titles and files: `2026` or `FY2026`. */
export function periodName(period: Pick<FiguresPeriod, 'kind' | 'year'>): string {
  return period.kind === 'fiscal' ? `FY${period.year}` : String(period.year);
}
