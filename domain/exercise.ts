/**
 * Tabletop exercise scenarios (exercises/scenarios/*.json): a fictional report, injects at offsets from discovery,
 * and the expectations the facilitator checks afterwards. OMB M-17-12 asks for a yearly exercise of the
 * breach response plan; here the plan is the incident workflow itself, run harmlessly (exercises/plan.ts).
 * Offsets and windows are in *scenario* time; `exercise run --speed N` divides them, with the playbook's
 * timers, so that one clock drives both.
 */
import { z } from 'zod';
import { decisionBodySchema } from './decision.js';
import { durationSchema } from './duration-schema.js';
import { ENDPOINTS, personSchema } from './playbook.js';
import { issuesOf, reportSchema } from './report.js';
import { ROLES } from './roles.js';
import { MILESTONES } from './milestones.js';

/** What an expectation measures: a milestone of the incident's timeline (domain/milestones.ts). */
export const EXPECTATION_EVENTS = MILESTONES;
export type ExpectationEvent = (typeof EXPECTATION_EVENTS)[number];

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'expected a lower-case id of letters, digits and dashes');
const title = z.string().trim().min(1, 'expected a non-empty text').max(500, 'expected at most 500 characters');

/** An offset from discovery in scenario time: "0m", "10m", "2h", "1d". */
export const offsetSchema = z
  .string()
  .regex(/^\d+(?:\.\d+)?(ms|s|m|h|d)$/, 'expected an offset such as "0m", "10m", "2h" or "1d"');

/** The report's fields without the times and the id, which the run sets. */
const {
  discoveredAt: _discoveredAt,
  occurredAt: _occurredAt,
  incidentId: _incidentId,
  ...reportFacts
} = reportSchema.shape;

const injectBase = {
  id,
  /** Offset from discovery, scenario time ("10m", "2h", "1d"). */
  at: offsetSchema,
  /** What the facilitator reads out; mailed to the audience as an EXERCISE inject. */
  title,
  /** Roles told of the inject by mail (default: the IPS Director and the Privacy Division). */
  audience: z.array(z.enum(ROLES)).max(ROLES.length).optional(),
};

/** Partial report facts a supplement brings; the workflow only widens the facts (workflows/incident.ts). */
const supplementSchema = z.strictObject({
  summary: z.string().trim().min(1, 'expected a non-empty text').max(20_000),
  piiTypes: reportSchema.shape.piiTypes.optional(),
  affectedCount: reportSchema.shape.affectedCount.optional(),
  classifiedInvolved: z.boolean().optional(),
  criminalActSuspected: z.boolean().optional(),
  causedByWorkforceMember: z.boolean().optional(),
});

export const injectSchema = z.discriminatedUnion('type', [
  /** An endpoint of the playbook answers 503 for a while (the local receiver's outage). */
  z.strictObject({
    ...injectBase,
    type: z.literal('outage'),
    endpoint: z.enum(ENDPOINTS),
    for: durationSchema,
    status: z.number().int().min(400).max(599).optional(),
  }),
  /**
   * A decision someone outside the exercise's players takes (DS asks for a delay, bars notification). It
   * is taken at `at`, or as soon after as the incident's phase accepts it. `notifyAfter` (request-delay,
   * extend-delay) is an offset from discovery and becomes a time when the run starts.
   */
  z.strictObject({
    ...injectBase,
    type: z.literal('decision'),
    actor: personSchema.shape.id,
    notifyAfter: durationSchema.optional(),
    decision: z.record(z.string(), z.unknown()),
  }),
  /** A supplementary report (467.2a: reports may come in several parts). */
  z.strictObject({ ...injectBase, type: z.literal('supplement'), report: supplementSchema }),
  /** A fact for the players only ("the Under Secretary is travelling and does not answer"). */
  z.strictObject({ ...injectBase, type: z.literal('note') }),
]);
export type Inject = z.infer<typeof injectSchema>;

export const expectationSchema = z.strictObject({
  id,
  title,
  event: z.enum(EXPECTATION_EVENTS),
  /** Scenario time from discovery; absent: it only has to happen (or not, with `happens: false`). */
  within: durationSchema.optional(),
  /** For `escalated`: the gate's role. */
  role: z.enum(ROLES).optional(),
  /** false: the event must NOT happen (notification while barred). */
  happens: z.boolean().default(true),
});
export type Expectation = z.infer<typeof expectationSchema>;

export const scenarioSchema = z
  .strictObject({
    id,
    title,
    description: z.string().max(20_000).optional(),
    /** Playbook file relative to the project (default playbooks/state-5fam.json); its endpoints must be local. */
    playbook: z.string().min(1).optional(),
    /** Timers the scenario shortens or lengthens for the exercise (scenario time), over the playbook's. */
    timers: z
      .strictObject({
        reportingDeadline: durationSchema,
        gateReminderInterval: durationSchema,
        gateEscalateAfter: durationSchema,
        minimalRiskObjectionWindow: durationSchema,
      })
      .partial()
      .optional(),
    /** The fictional report; `discoveredAt` is set when the run starts (discovery is the exercise's time zero). */
    report: z.strictObject(reportFacts),
    /** When the report reaches the system after discovery (scenario time; default at once). */
    reportedAfter: offsetSchema.optional(),
    /** The exercise ends by itself after this long (scenario time), if the incident has not closed. */
    duration: durationSchema,
    injects: z.array(injectSchema).max(200),
    expectations: z.array(expectationSchema).min(1, 'expected at least one expectation to check').max(100),
  })
  .superRefine((scenario, ctx) => {
    const report = reportSchema.safeParse({ ...scenario.report, discoveredAt: '2026-01-01T00:00:00Z' });
    if (!report.success)
      for (const issue of report.error.issues)
        ctx.addIssue({ code: 'custom', path: ['report', ...issue.path.map(String)], message: issue.message });
    const seen = new Set<string>();
    scenario.injects.forEach((inject, index) => {
      if (seen.has(inject.id))
        ctx.addIssue({ code: 'custom', path: ['injects', index, 'id'], message: `duplicate inject id "${inject.id}"` });
      seen.add(inject.id);
      if (inject.type !== 'decision') return;
      const needsDate = inject.decision.kind === 'request-delay' || inject.decision.kind === 'extend-delay';
      if (needsDate && !inject.notifyAfter)
        ctx.addIssue({
          code: 'custom',
          path: ['injects', index, 'notifyAfter'],
          message: `required for ${String(inject.decision.kind)}: an offset from discovery such as "3d"`,
        });
      const body = decisionBodySchema.safeParse(
        needsDate ? { ...inject.decision, notifyAfter: '2026-01-04T00:00:00Z' } : inject.decision,
      );
      if (!body.success)
        for (const issue of body.error.issues)
          ctx.addIssue({
            code: 'custom',
            path: ['injects', index, 'decision', ...issue.path.map(String)],
            message: issue.message,
          });
    });
    const ids = new Set<string>();
    scenario.expectations.forEach((e, index) => {
      if (ids.has(e.id))
        ctx.addIssue({
          code: 'custom',
          path: ['expectations', index, 'id'],
          message: `duplicate expectation id "${e.id}"`,
        });
      ids.add(e.id);
      if (e.role && e.event !== 'escalated')
        ctx.addIssue({
          code: 'custom',
          path: ['expectations', index, 'role'],
          message: 'only for the event "escalated"',
        });
    });
  });
export type Scenario = z.infer<typeof scenarioSchema>;

export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(`scenario ${source} is not valid:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'ScenarioError';
  }
}

/** Validates a parsed scenario; throws a ScenarioError naming each bad field. */
export function parseScenario(value: unknown, source = '(inline)'): Scenario {
  const result = scenarioSchema.safeParse(value);
  if (!result.success) throw new ScenarioError(source, issuesOf(result.error));
  return result.data;
}
