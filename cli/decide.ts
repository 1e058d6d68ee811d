/** `breach decide <incidentId> <kind> [--field value …] | --file <json> --as <personId>`: the `decide` update. */
import { DECISION_KINDS, decisionSchema, type DecisionKind } from '../domain/decision.js';
import { incidentIdSchema } from '../domain/ids.js';
import { asLines, issueLines } from '../domain/issues.js';
import { decisionStatus, submitDecision } from '../client/decisions.js';
import { DecisionRefusedError } from '../client/incidents.js';
import { decisionGroundsIssues } from '../domain/authorized.js';
import { decisionFields, looseOptions } from './args.js';
import { UsageError, type CliContext } from './context.js';
import { printStatus } from './status.js';

export const DECIDE_USAGE = `breach decide <incidentId> <kind> --as <personId> [--field value …] [--file decision.json]
    send a decision (the \`decide\` update); the actor is --as or BREACH_ACTOR
    kinds: ${DECISION_KINDS.join(', ')}
    fields as options: --office "A/GIS/IPS", --factors.dataNature high, --options notify-individuals,credit-protection,
    --convene false, --letter '{"whatHappened": …}' (JSON for objects); --file gives them all at once`;

export async function decideCommand(ctx: CliContext, args: string[]): Promise<void> {
  const { positionals, options } = looseOptions(args);
  const take = (name: string): string | undefined => {
    const found = options.filter(([n]) => n === name);
    for (const entry of found) options.splice(options.indexOf(entry), 1);
    const last = found[found.length - 1];
    if (last && last[1] === undefined) throw new UsageError(`--${name} needs a value`, DECIDE_USAGE);
    return last?.[1];
  };
  const actorId = take('as') ?? ctx.config().actor;
  const file = take('file');
  const [incidentId, kindArg, ...extra] = positionals;
  if (!incidentId) throw new UsageError('decide needs an incident id', DECIDE_USAGE);
  if (extra.length)
    throw new UsageError(
      `unexpected argument ${JSON.stringify(extra[0])} (values go after --field names)`,
      DECIDE_USAGE,
    );
  if (!incidentIdSchema.safeParse(incidentId).success)
    throw new UsageError(`"${incidentId}" is not an incident id`, DECIDE_USAGE);
  if (!actorId) throw new UsageError('who decides? give --as <personId> (or set BREACH_ACTOR)', DECIDE_USAGE);

  let base: Record<string, unknown> = {};
  if (file) {
    let value: unknown;
    try {
      value = JSON.parse(await ctx.readText(file)) as unknown;
    } catch (err) {
      throw new UsageError(
        `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON (${(err as Error).message})`}`,
      );
    }
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new UsageError(`${file}: expected a JSON object (a decision)`);
    base = value as Record<string, unknown>;
    if ('actorId' in base) throw new UsageError(`${file}: remove "actorId": the actor is --as (or BREACH_ACTOR)`);
  }
  const kind = kindArg ?? (typeof base.kind === 'string' ? base.kind : undefined);
  if (!kind) throw new UsageError('decide needs a decision kind', DECIDE_USAGE);
  if (!(DECISION_KINDS as string[]).includes(kind))
    throw new UsageError(`unknown decision kind "${kind}"`, DECIDE_USAGE);
  if (base.kind !== undefined && base.kind !== kind)
    throw new UsageError(`${file} holds a "${String(base.kind)}" decision, not "${kind}"`);

  const body = decisionFields(kind as DecisionKind, options, { ...base, kind });
  const parsed = decisionSchema.safeParse({ ...body, actorId });
  if (!parsed.success) {
    throw new UsageError(
      `the ${kind} decision is not valid:\n${issueLines(parsed.error)
        .map((line) => `  ${line}`)
        .join('\n')}`,
    );
  }
  const grounds = decisionGroundsIssues(parsed.data);
  if (grounds.length)
    throw new UsageError(
      `the ${kind} decision is not valid:\n${asLines(grounds)
        .map((line) => `  ${line}`)
        .join('\n')}`,
    );
  const submitted = await submitDecision(await ctx.client(), incidentId, parsed.data, {
    waitMs: ctx.config().decisionWaitMs,
  });
  if (submitted.status === 'pending') {
    ctx.out(pendingWords(incidentId, submitted.decisionId, kind, ctx.config().decisionWaitMs));
    return;
  }
  ctx.out(`decided: ${kind} by ${actorId} (decision ${submitted.decisionId})`);
  printStatus(ctx, submitted.state, await ctx.playbook().catch(() => undefined));
}

/** The words of the API's 202 and the link page: recorded, not applied yet, and how to follow it. */
function pendingWords(incidentId: string, decisionId: string, kind: string, waitMs: number): string {
  return [
    `pending: no worker accepted the ${kind} decision within ${waitMs / 1000} s; it is recorded in the incident's history as decision ${decisionId}`,
    '  and will be applied, or refused with the reasons, when a worker runs again. Follow it with:',
    `  breach decision ${incidentId} ${decisionId}`,
  ].join('\n');
}

export const DECISION_USAGE =
  'breach decision <incidentId> <decisionId>    what became of a decision: pending, applied or refused (with the reasons)';

/** `breach decision <incidentId> <decisionId>`: pending (exit 0), applied (exit 0) or refused (exit 1). */
export async function decisionCommand(ctx: CliContext, args: string[]): Promise<void> {
  const [incidentId, decisionId, ...extra] = args;
  if (!incidentId || !decisionId || extra.length)
    throw new UsageError('decision takes an incident id and a decision id', DECISION_USAGE);
  if (!incidentIdSchema.safeParse(incidentId).success)
    throw new UsageError(`"${incidentId}" is not an incident id`, DECISION_USAGE);
  const status = await decisionStatus(await ctx.client(), incidentId, decisionId, {
    waitMs: ctx.config().decisionWaitMs,
  });
  if (status.status === 'pending') {
    ctx.out(`pending: decision ${decisionId} is recorded; no worker has applied it yet`);
    return;
  }
  if (status.status === 'refused') throw new DecisionRefusedError(status.refusal, status.refusal.reasons.join('; '));
  const made = status.state.decisions.find((d) => d.decisionId === decisionId);
  ctx.out(`applied: decision ${decisionId}${made ? ` (${made.kind} by ${made.actorId} at ${made.at})` : ''}`);
  printStatus(ctx, status.state, await ctx.playbook().catch(() => undefined));
}
