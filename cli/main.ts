/**
 * The command-line client (`npm run breach -- <command>`). It speaks to Temporal directly
 * (signal-with-start, the `decide` update, the query, the visibility API), so it works without the
 * HTTP API. Exit codes: 0 ok, 1 refused or failed, 2 bad usage.
 */
import { ConfigError } from '../config/index.js';
import {
  DecisionRefusedError,
  IncidentClosedError,
  IncidentNotFoundError,
  TemporalUnavailableError,
} from '../client/incidents.js';
import { DecisionNotFoundError } from '../client/decisions.js';
import { COMPLIANCE_USAGE, complianceCommand } from './compliance.js';
import { EXIT, UsageError, type CliContext, type ExitCode } from './context.js';
import { DECIDE_USAGE, DECISION_USAGE, decideCommand, decisionCommand } from './decide.js';
import { DISCLOSURES_USAGE, disclosuresCommand } from './disclosures.js';
import { EXERCISE_USAGE, exerciseCommand } from './exercise.js';
import { SCHEDULES_USAGE, schedulesCommand } from './schedules.js';
import { LIST_USAGE, listCommand } from './list.js';
import { playbookCheck } from './playbook-check.js';
import { RECORD_USAGE, recordCommand } from './record.js';
import { REPORT_USAGE, reportCommand } from './report.js';
import { STATUS_USAGE, statusCommand } from './status.js';

const PLAYBOOK_USAGE = 'breach playbook check <file>    validate a playbook and summarize it';

export const USAGE = `usage: npm run breach -- <command> …

  ${REPORT_USAGE}
  ${DECIDE_USAGE}
  ${DECISION_USAGE}
  ${STATUS_USAGE}
  ${LIST_USAGE}
  ${COMPLIANCE_USAGE}
  ${RECORD_USAGE}
  ${DISCLOSURES_USAGE}
  ${PLAYBOOK_USAGE}
  ${EXERCISE_USAGE}
  ${SCHEDULES_USAGE}

Temporal: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, … (as every Temporal tool); task queue BREACH_TASK_QUEUE;
playbook BREACH_PLAYBOOK. Exit codes: 0 ok, 1 refused, 2 bad usage.`;

async function playbookCommand(ctx: CliContext, args: string[]): Promise<ExitCode> {
  const [sub, file, ...rest] = args;
  if (sub !== 'check' || !file || rest.length)
    throw new UsageError(
      sub === 'check' ? 'playbook check takes one file' : `unknown playbook command "${sub ?? ''}"`,
      PLAYBOOK_USAGE,
    );
  const result = await playbookCheck(file);
  (result.ok ? ctx.out : ctx.err)(result.output);
  return result.ok ? EXIT.ok : EXIT.refused;
}

const COMMANDS: Record<string, (ctx: CliContext, args: string[]) => Promise<void | ExitCode>> = {
  report: reportCommand,
  decide: decideCommand,
  decision: decisionCommand,
  status: statusCommand,
  list: listCommand,
  compliance: complianceCommand,
  record: recordCommand,
  disclosures: disclosuresCommand,
  playbook: playbookCommand,
  exercise: exerciseCommand,
  schedules: schedulesCommand,
};

export async function runCli(argv: string[], ctx: CliContext): Promise<ExitCode> {
  const [command, ...args] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    (command ? ctx.out : ctx.err)(USAGE);
    return command ? EXIT.ok : EXIT.usage;
  }
  const run = COMMANDS[command];
  if (!run) {
    ctx.err(`unknown command "${command}"\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    return (await run(ctx, args)) ?? EXIT.ok;
  } catch (err) {
    return printError(ctx, err);
  } finally {
    await ctx.close();
  }
}

function printError(ctx: CliContext, err: unknown): ExitCode {
  if (err instanceof UsageError) {
    ctx.err(`${err.message}${err.usage ? `\n\nusage: ${err.usage}` : ''}`);
    return EXIT.usage;
  }
  // parseArgs' own errors (an unknown option, a missing value) are bad usage too.
  if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
    ctx.err(`${err.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (err instanceof ConfigError) {
    ctx.err(err.message);
    return EXIT.usage;
  }
  if (err instanceof DecisionRefusedError) {
    ctx.err(`refused (${err.refusal.type}):\n${err.refusal.reasons.map((r) => `  - ${r}`).join('\n')}`);
    return EXIT.refused;
  }
  if (
    err instanceof IncidentNotFoundError ||
    err instanceof IncidentClosedError ||
    err instanceof TemporalUnavailableError ||
    err instanceof DecisionNotFoundError
  ) {
    ctx.err(err.message);
    return EXIT.refused;
  }
  ctx.err(`failed: ${err instanceof Error ? err.message : String(err)}`);
  return EXIT.refused;
}
