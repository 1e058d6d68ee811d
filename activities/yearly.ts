/**
 * The activity of the yearly figures duty (workflows/yearly.ts): the year's figures computed as
 * `breach compliance --year` computes them, written as JSON and HTML to the reports folder, and a text
 * summary for the mail to the SAOP and the Privacy Division (counts and opaque incident ids only).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { collectYearlyIncidents } from '../client/figures.js';
import { computeYearly } from '../domain/yearly-figures.js';
import { yearlyHtml, yearlyText } from '../reports/yearly.js';

export interface YearlyActivityDeps {
  client: Client;
  /** Where the JSON and HTML go (BREACH_REPORT_DIR, default .data/reports). */
  reportDir: string;
  /** The exercise task queue: exercises are not incidents. */
  excludeTaskQueues: string[];
}

export function createYearlyActivities(deps: YearlyActivityDeps) {
  return {
    async produceYearlyFigures(input: { year: number }): Promise<{ summary: string; files: string[] }> {
      const { incidents, unreadable } = await collectYearlyIncidents(deps.client, input.year, deps.excludeTaskQueues);
      const figures = computeYearly(incidents, input.year, new Date(), unreadable);
      await mkdir(deps.reportDir, { recursive: true });
      const files = [join(deps.reportDir, `yearly-figures-${input.year}.json`), join(deps.reportDir, `yearly-figures-${input.year}.html`)];
      await writeFile(files[0]!, `${JSON.stringify(figures, null, 2)}\n`);
      await writeFile(files[1]!, yearlyHtml(figures));
      return { summary: `${yearlyText(figures)}\n\nThe full report, with charts: ${files.join(', ')}`, files };
    },
  };
}

export type YearlyActivities = ReturnType<typeof createYearlyActivities>;
