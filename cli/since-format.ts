/**
 * The options of the commands that list what happened since a date (`compliance`, `disclosures`):
 * `--since DATE` and `--format table|csv|json`, each refused with the command's usage when it is wrong.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './context.js';

export const FORMATS = ['table', 'csv', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export function sinceAndFormat(args: string[], usage: string): { since: Date | undefined; format: Format } {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { since: { type: 'string' }, format: { type: 'string', default: 'table' } },
  });
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, usage);
  const format = values.format as Format;
  if (!FORMATS.includes(format))
    throw new UsageError(`--format expects table, csv or json, not "${values.format}"`, usage);
  let since: Date | undefined;
  if (values.since !== undefined) {
    since = new Date(values.since);
    if (!/^\d{4}-\d{2}-\d{2}/.test(values.since) || Number.isNaN(since.getTime()))
      throw new UsageError(
        `--since expects a date such as 2026-01-31 or 2026-01-31T12:00:00Z, not "${values.since}"`,
        usage,
      );
  }
  return { since, format };
}
