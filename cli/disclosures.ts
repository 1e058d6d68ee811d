/**
 * `breach disclosures [--since DATE] [--format table|csv|json]`: the accounting of disclosures (5 FAM
 * 464c): date, nature, purpose, and the recipient's name and address of every disclosure an analysis
 * found authorized, across incidents (client/disclosures.ts).
 */
import { listDisclosures } from '../client/disclosures.js';
import type { CliContext } from './context.js';
import { sinceAndFormat } from './since-format.js';
import { csv, table } from '../reports/plain-text.js';

export const DISCLOSURES_USAGE =
  'breach disclosures [--since DATE] [--format table|csv|json]    the accounting of disclosures (5 FAM 464c)';

export async function disclosuresCommand(ctx: CliContext, args: string[]): Promise<void> {
  const { since, format } = sinceAndFormat(args, DISCLOSURES_USAGE);
  const { entries, unreadable } = await listDisclosures(await ctx.client(), { since });
  if (unreadable.length)
    ctx.err(
      `could not read ${unreadable.length} incident${unreadable.length === 1 ? '' : 's'} (their case records hold their entries): ${unreadable.join(', ')}`,
    );
  if (format === 'json') {
    ctx.out(JSON.stringify({ disclosures: entries }, null, 2));
    return;
  }
  const header = ['ENTRY', 'DATE', 'NATURE', 'PURPOSE', 'RECIPIENT', 'ADDRESS', 'BASIS', '464C', 'KEEP UNTIL'];
  const rows = entries.map((e) => [
    e.entryId,
    e.disclosedAt,
    e.nature,
    e.purpose,
    e.recipient.name,
    e.recipient.address,
    e.basis,
    e.accountingRequired ? 'required' : 'exempt',
    e.keepAtLeastUntil,
  ]);
  if (format === 'csv') {
    ctx.out(csv([header, ...rows]));
    return;
  }
  if (!entries.length) {
    ctx.out(`no disclosures${since ? ` since ${since.toISOString()}` : ''}`);
    return;
  }
  // The table keeps a line per entry: the purpose and address shortened (the csv and json carry them whole).
  const short = (text: string, max: number) =>
    (text.length > max ? `${text.slice(0, max - 1)}…` : text).replace(/\s+/g, ' ');
  ctx.out(
    table(
      header,
      rows.map((r) => r.map((cell, i) => (i === 3 ? short(cell, 60) : i === 5 ? short(cell, 40) : cell))),
    ),
  );
}
