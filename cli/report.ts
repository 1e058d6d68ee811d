/** `breach report <file.json>`: signal-with-start of the report, as POST /incidents does. */
import { parseArgs } from 'node:util';
import { issuesOf } from '../domain/issues.js';
import { reportSchema } from '../domain/report.js';
import { futureDiscoveryIssue, submitReport } from '../client/incidents.js';
import { UsageError, type CliContext } from './context.js';

export const REPORT_USAGE =
  'breach report <file.json>    start an incident from a report (or supplement one with the same incidentId)';

export async function reportCommand(ctx: CliContext, args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new UsageError('report takes one file', REPORT_USAGE);
  const file = positionals[0]!;
  let value: unknown;
  try {
    value = JSON.parse(await ctx.readText(file)) as unknown;
  } catch (err) {
    throw new UsageError(
      `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON (${(err as Error).message})`}`,
      REPORT_USAGE,
    );
  }
  const parsed = reportSchema.safeParse(value);
  const now = ctx.now();
  const issues = parsed.success
    ? [futureDiscoveryIssue(parsed.data, now)].filter((i) => i !== undefined)
    : issuesOf(parsed.error);
  if (!parsed.success || issues.length > 0) {
    throw new UsageError(
      `${file} is not a valid report:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
    );
  }
  const config = ctx.config();
  const accepted = await submitReport(
    { client: await ctx.client(), taskQueue: config.taskQueue, playbook: await ctx.playbook() },
    parsed.data,
    now,
  );
  ctx.out(`reported: incident ${accepted.incidentId} (workflow ${accepted.workflowId})`);
}
