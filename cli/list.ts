/**
 * `breach list [--phase P] [--awaiting-role R] [--number N]`: incidents found by their search attributes,
 * each with its case number and title (from its state).
 */
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../domain/roles.js';
import { PHASES, type Phase } from '../domain/state.js';
import { getIncidentStates, listIncidents } from '../client/incidents.js';
import { normalCaseNumber } from '../domain/case-numbers.js';
import { UsageError, type CliContext } from './context.js';
import { table } from '../reports/plain-text.js';

export const LIST_USAGE =
  'breach list [--phase <phase>] [--awaiting-role <role>] [--major] [--number <case number>] [--limit N] [--json]    incidents by phase, awaited role, major incidents, number; with their case number and title';

export async function listCommand(ctx: CliContext, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      phase: { type: 'string' },
      'awaiting-role': { type: 'string' },
      major: { type: 'boolean' },
      number: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, LIST_USAGE);
  if (values.phase !== undefined && !(PHASES as readonly string[]).includes(values.phase)) {
    throw new UsageError(`unknown phase "${values.phase}" (one of ${PHASES.join(', ')})`, LIST_USAGE);
  }
  const role = values['awaiting-role'];
  if (role !== undefined && !(ROLES as readonly string[]).includes(role))
    throw new UsageError(`unknown role "${role}" (one of ${ROLES.join(', ')})`, LIST_USAGE);
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw new UsageError('--limit expects a whole number from 1 to 10000', LIST_USAGE);

  const number = values.number === undefined ? undefined : normalCaseNumber(values.number);
  if (values.number !== undefined && !number)
    throw new UsageError(`"${values.number}" is not a case number (e.g. PII-2026-0042)`, LIST_USAGE);
  const client = await ctx.client();
  const listed = await listIncidents(
    client,
    {
      phase: values.phase as Phase | undefined,
      awaitingRole: role as Role | undefined,
      majorIncident: values.major === true,
      ...(number ? { caseNumber: number } : {}),
    },
    limit,
  );
  const states = await getIncidentStates(
    client,
    listed.map((i) => i.incidentId),
  );
  const incidents = listed.map((item, i) => ({ ...item, title: states[i]?.title ?? null }));
  if (values.json) {
    ctx.out(JSON.stringify({ incidents }, null, 2));
    return;
  }
  if (!incidents.length) {
    ctx.out('no incidents');
    return;
  }
  ctx.out(
    table(
      ['CASE', 'TITLE', 'PHASE', 'RISK', 'LATE', 'MAJOR', 'AWAITING', 'STARTED', 'INCIDENT'],
      incidents.map((i) => [
        i.caseNumber ?? '-',
        i.title ?? '-',
        i.phase ?? '?',
        i.risk ?? '-',
        i.reportedLate ? 'late' : '-',
        i.majorIncident ? 'major' : '-',
        i.awaitingRole ?? '-',
        i.startedAt,
        i.incidentId,
      ]),
    ),
  );
}
