/**
 * `breach compliance --year YYYY | --fiscal-year YYYY [--format text|json|html] [--out FILE]`: the SAOP's
 * yearly figures (domain/yearly-figures.ts) from the incidents started in that calendar year, or in that
 * federal fiscal year (FISMA's: FY2026 is 1 October 2025 to 30 September 2026), exercises left out.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { collectYearlyIncidents } from '../client/figures.js';
import { loadExerciseConfig } from '../config/exercise.js';
import { computeYearly } from '../domain/yearly-figures.js';
import { calendarYear, fiscalYear, type FiguresPeriod } from '../domain/yearly-periods.js';
import { yearlyHtml, yearlyText } from '../reports/yearly.js';
import { UsageError, type CliContext } from './context.js';

export const YEARLY_USAGE =
  "breach compliance --year YYYY | --fiscal-year YYYY [--format text|json|html] [--out FILE]    the SAOP's yearly figures, calendar or federal fiscal year (FY2026: Oct 2025-Sep 2026; exercises left out)";

export async function yearlyCommand(ctx: CliContext, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      year: { type: 'string' },
      'fiscal-year': { type: 'string' },
      format: { type: 'string', default: 'text' },
      out: { type: 'string' },
    },
  });
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, YEARLY_USAGE);
  if (values.year !== undefined && values['fiscal-year'] !== undefined)
    throw new UsageError(
      '--year and --fiscal-year: give one of them (a calendar year or a federal fiscal year)',
      YEARLY_USAGE,
    );
  const fiscal = values['fiscal-year'] !== undefined;
  const given = fiscal ? values['fiscal-year'] : values.year;
  const option = fiscal ? '--fiscal-year' : '--year';
  const year = Number(given);
  if (!/^\d{4}$/.test(given ?? '') || year < 2000 || year > 2100)
    throw new UsageError(`${option} expects a year such as 2026, not "${given ?? ''}"`, YEARLY_USAGE);
  const format = values.format!;
  if (!['text', 'table', 'json', 'html'].includes(format))
    throw new UsageError(`--format expects text, json or html, not "${format}"`, YEARLY_USAGE);
  const figures = await yearlyFigures(ctx, fiscal ? fiscalYear(year) : calendarYear(year));
  const output =
    format === 'json'
      ? JSON.stringify(figures, null, 2)
      : format === 'html'
        ? yearlyHtml(figures)
        : yearlyText(figures);
  if (values.out) {
    await writeFile(resolve(values.out), output.endsWith('\n') ? output : `${output}\n`);
    ctx.out(`written: ${resolve(values.out)}`);
  } else ctx.out(output);
}

export async function yearlyFigures(ctx: CliContext, period: FiguresPeriod) {
  const exercise = loadExerciseConfig(ctx.config().env);
  const { incidents, unreadable } = await collectYearlyIncidents(
    await ctx.client(),
    period,
    exercise.taskQueue ? [exercise.taskQueue] : [],
  );
  return computeYearly(incidents, period, ctx.now(), unreadable);
}
