/**
 * The activity of the yearly figures duty (workflows/yearly.ts): the fiscal (or calendar) year's figures
 * computed as `breach compliance --fiscal-year` (`--year`) computes them, written as JSON and HTML to the reports folder, and a text
 * summary for the mail to the SAOP and the Privacy Division (counts and opaque incident ids only).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { computeYearly, type YearlyIncident } from '../domain/yearly-figures.js';
import { calendarYear, fiscalYear, periodName, type FiguresPeriod } from '../domain/yearly-periods.js';
import { yearlyHtml, yearlyText } from '../reports/yearly.js';

export interface YearlyActivityDeps {
  /**
   * The period's incidents, exercises left out: client/figures.ts `collectYearlyIncidents`, given by the
   * worker that builds these activities (an activity reads through what it is handed, not the client layer).
   */
  collectIncidents(period: FiguresPeriod): Promise<{ incidents: YearlyIncident[]; unreadable: string[] }>;
  /** Where the JSON and HTML go (BREACH_REPORT_DIR, default .data/reports). */
  figuresDir: string;
}

export function createYearlyActivities(deps: YearlyActivityDeps) {
  return {
    /** `fiscal`: the federal fiscal year `year` (FY2026: October 2025 to September 2026); else the calendar year. */
    async produceYearlyFigures(input: {
      year: number;
      fiscal?: boolean;
    }): Promise<{ summary: string; files: string[] }> {
      const period = input.fiscal ? fiscalYear(input.year) : calendarYear(input.year);
      const { incidents, unreadable } = await deps.collectIncidents(period);
      const figures = computeYearly(incidents, period, new Date(), unreadable);
      await mkdir(deps.figuresDir, { recursive: true });
      const name = periodName(period);
      const files = [
        join(deps.figuresDir, `yearly-figures-${name}.json`),
        join(deps.figuresDir, `yearly-figures-${name}.html`),
      ];
      await writeFile(files[0]!, `${JSON.stringify(figures, null, 2)}\n`);
      await writeFile(files[1]!, yearlyHtml(figures));
      return { summary: `${yearlyText(figures)}\n\nThe full report, with charts: ${files.join(', ')}`, files };
    },
  };
}

export type YearlyActivities = ReturnType<typeof createYearlyActivities>;
