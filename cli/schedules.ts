/**
 * `breach schedules ensure|list`: the yearly duties' Temporal Schedules (client/schedules.ts). `ensure`
 * is what a production deployment runs (npm start does it by itself): safe to run as often as wanted.
 */
import { describeEnsure, ensureYearlySchedules, YEARLY_SCHEDULES } from '../client/schedules.js';
import { table } from '../reports/plain-text.js';
import { EXIT, UsageError, type CliContext, type ExitCode } from './context.js';

export const SCHEDULES_USAGE =
  'breach schedules ensure|list    the yearly duties (exercise and plan review reminders, yearly figures) as Temporal Schedules';

export async function schedulesCommand(ctx: CliContext, args: string[]): Promise<ExitCode> {
  const [sub, ...rest] = args;
  if (rest.length) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`, SCHEDULES_USAGE);
  const client = await ctx.client();
  if (sub === 'ensure') {
    const result = await ensureYearlySchedules(client, {
      taskQueue: ctx.config().taskQueue,
      playbook: await ctx.playbook(),
    });
    ctx.out(`yearly duties: ${describeEnsure(result)}`);
    return EXIT.ok;
  }
  if (sub === 'list') {
    const rows: string[][] = [];
    for (const schedule of YEARLY_SCHEDULES) {
      try {
        const d = await client.schedule.getHandle(schedule.id).describe();
        rows.push([
          schedule.id,
          d.info.nextActionTimes[0]?.toISOString() ?? '-',
          d.state.paused ? 'paused' : 'active',
          schedule.what,
        ]);
      } catch {
        rows.push([schedule.id, '-', 'missing (run: breach schedules ensure)', schedule.what]);
      }
    }
    ctx.out(table(['SCHEDULE', 'NEXT', 'STATE', 'DUTY'], rows));
    return EXIT.ok;
  }
  throw new UsageError(`unknown schedules command "${sub ?? ''}"`, SCHEDULES_USAGE);
}
