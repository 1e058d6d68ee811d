/**
 * `breach record <incidentId> [--html|--pdf] [-o file]`: the case record (docs/case-record.md), as JSON
 * by default, a printable HTML page or a PDF; to standard output, or to a file with -o (a PDF only to
 * a file: binary on a terminal helps no one).
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { recordHtml } from '../domain/case-record-view.js';
import { incidentIdSchema } from '../domain/ids.js';
import { caseRecordPdf, getCaseRecord } from '../client/case-record.js';
import { UsageError, type CliContext } from './context.js';

export const RECORD_USAGE =
  'breach record <incidentId> [--html|--pdf] [-o file]    the case record (5 FAM 468.7): JSON, a printable page or a PDF';

export async function recordCommand(ctx: CliContext, args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { html: { type: 'boolean' }, pdf: { type: 'boolean' }, output: { type: 'string', short: 'o' } },
  });
  if (positionals.length !== 1) throw new UsageError('record takes one incident id', RECORD_USAGE);
  const incidentId = positionals[0]!;
  if (!incidentIdSchema.safeParse(incidentId).success)
    throw new UsageError(`"${incidentId}" is not an incident id`, RECORD_USAGE);
  if (values.html && values.pdf) throw new UsageError('choose one of --html and --pdf', RECORD_USAGE);
  if (values.pdf && !values.output) throw new UsageError('--pdf writes a file: give it with -o <file>', RECORD_USAGE);
  const record = await getCaseRecord(await ctx.client(), incidentId);
  const content = values.pdf
    ? await caseRecordPdf(record)
    : values.html
      ? recordHtml(record)
      : `${JSON.stringify(record, null, 2)}\n`;
  if (values.output) {
    await writeFile(values.output, content);
    ctx.out(
      `case record of ${incidentId} written to ${values.output} (${values.pdf ? 'PDF' : values.html ? 'HTML' : 'JSON'}, phase ${record.phase})`,
    );
  } else ctx.out(content as string);
}
