/**
 * `breach compliance --year YYYY [--format text|json|html] [--out FILE]`: the SAOP's yearly figures
 * (cli/compliance-yearly.ts) from the incidents started that year, exercises left out.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { collectYearlyIncidents } from '../client/figures.js';
import { loadExerciseConfig } from '../exercise/config.js';
import { computeYearly } from '../domain/yearly-figures.js';
import { yearlyHtml, yearlyText } from '../reports/yearly.js';
import { UsageError, type CliContext } from './context.js';

export const YEARLY_USAGE = 'breach compliance --year YYYY [--format text|json|html] [--out FILE]    the SAOP\'s yearly figures (exercises left out)';

export async function yearlyCommand(ctx: CliContext, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { year: { type: 'string' }, format: { type: 'string', default: 'text' }, out: { type: 'string' } } });
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, YEARLY_USAGE);
  const year = Number(values.year);
  if (!/^\d{4}$/.test(values.year ?? '') || year < 2000 || year > 2100) throw new UsageError(`--year expects a year such as 2026, not "${values.year ?? ''}"`, YEARLY_USAGE);
  const format = values.format!;
  if (!['text', 'table', 'json', 'html'].includes(format)) throw new UsageError(`--format expects text, json or html, not "${format}"`, YEARLY_USAGE);
  const figures = await yearlyFigures(ctx, year);
  const output = format === 'json' ? JSON.stringify(figures, null, 2) : format === 'html' ? yearlyHtml(figures) : yearlyText(figures);
  if (values.out) {
    await writeFile(resolve(values.out), output.endsWith('\n') ? output : `${output}\n`);
    ctx.out(`written: ${resolve(values.out)}`);
  } else ctx.out(output);
}

export async function yearlyFigures(ctx: CliContext, year: number) {
  const exercise = loadExerciseConfig(ctx.config().env);
  const { incidents, unreadable } = await collectYearlyIncidents(await ctx.client(), year, exercise.taskQueue ? [exercise.taskQueue] : []);
  return computeYearly(incidents, year, ctx.now(), unreadable);
}
