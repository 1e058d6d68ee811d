import { z } from 'zod';
import { CASE_NUMBER_PREFIX_PATTERN } from './case-numbers.js';
import { durationSchema } from './duration-schema.js';
import { ROLES, type Role } from './roles.js';
import { issuesOf } from './issues.js';
import { DECISION_KINDS, type DecisionKind } from './decision.js';
import {
  DEFAULT_ENDPOINT_TIMEOUT_MS,
  ENDPOINTS,
  MAJOR_INCIDENT_DEFAULTS,
  holdersOf,
  holds,
  type EndpointName,
} from './playbook-terms.js';

// What the workflow reads of a playbook is plain (domain/playbook-terms.ts); re-exported for the boundaries.
export { DEFAULT_ENDPOINT_TIMEOUT_MS, ENDPOINTS, MAJOR_INCIDENT_DEFAULTS, holdersOf, holds, type EndpointName };

const endpointSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  /** Name of the environment variable holding the bearer token; the token itself never sits in the file. */
  tokenEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name such as USCERT_TOKEN')
    .optional(),
  timeout: durationSchema.optional(),
});
export type Endpoint = z.infer<typeof endpointSchema>;

const routeSchema = z.strictObject({
  office: z.enum(ROLES),
  endpoint: z.enum(['usCert', 'privacyDivision']),
});

export const personSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'expected a lower-case id of letters, digits, dots, dashes (no spaces)'),
  name: z.string().trim().min(1, 'expected a name'),
  email: z.email('expected an email address'),
  /** The identity provider's `sub` for this person, when sign-in should match it rather than the verified email. */
  subject: z.string().min(1).max(255).optional(),
  roles: z.array(z.enum(ROLES)).min(1, 'expected at least one role'),
});
export type Person = z.infer<typeof personSchema>;

/** Roles a playbook cannot do without: each gate must have someone who may act on it. */
export const REQUIRED_ROLES: readonly Role[] = [
  'dsCirt',
  'privacyDivision',
  'ipsDirector',
  'crg',
  'cgfs',
  'ppgbChair',
  'ppgb',
  'notificationOfficial',
  'securityLiaison',
];

export const playbookSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    /** The department in letters and notices ("the Department of State"). */
    organization: z.string().min(1).default('the Department'),
    /** The case numbers' prefix (`PII` gives `PII-2026-0042`; domain/case-numbers.ts). */
    caseNumberPrefix: z
      .string()
      .regex(CASE_NUMBER_PREFIX_PATTERN, 'expected 1 to 10 capital letters, e.g. "PII"')
      .default('PII'),
    people: z.array(personSchema).min(1, 'expected at least one person'),
    timers: z.strictObject({
      reportingDeadline: durationSchema, // 468.3b(1): one hour
      gateReminderInterval: durationSchema,
      gateEscalateAfter: durationSchema,
      minimalRiskObjectionWindow: durationSchema, // 468.5c
      /** 468.6-3a: a security delay longer than this needs the PPGB Chair's acknowledgement. */
      maxDelayWithoutReview: durationSchema.default('30d'),
      /**
       * 468.6-2a/b: how long after the last letter returned notices are awaited before the case may close,
       * so that each still reaches the next means or the substitute notice (docs/lifecycle.md "Duties").
       */
      returnsWindow: durationSchema.optional(),
    }),
    finalNotificationAuthority: z.enum(['underSecretary', 'ppgbChair']), // 468.5e
    /**
     * Decisions whose approval link asks the official to sign in (step-up) and checks that the one
     * signed in is the person the link was sent to: a forwarded mail cannot decide these.
     */
    signInRequiredFor: z
      .array(z.enum(DECISION_KINDS as [DecisionKind, ...DecisionKind[]]))
      .default(['under-secretary-decision', 'ppgb-chair-decision']),
    /**
     * Separation of duties (domain/separation.ts): people asked instead of a role's holders when every
     * holder is conflicted (the Chair submitted the analysis, the final authority chaired the review).
     */
    alternates: z.partialRecord(z.enum(ROLES), z.array(z.string()).max(50)).optional(),
    /** People who draft the notification letters; none of them may approve one (468.6-1). */
    letterDrafters: z.array(z.string()).max(50).optional(),
    /**
     * What costs money (468.5d: CGFS is consulted on it). `mailAtScaleFrom`: notification by mail to at
     * least this many people is a cost CGFS estimates (default 1,000; our reading of "at scale").
     */
    costs: z.strictObject({ mailAtScaleFrom: z.number().int().min(1).max(1_000_000_000).default(1_000) }).optional(),
    /**
     * The one-hour report's routing (467.2a, 468.3b; docs/playbooks): for each medium the office told and
     * the endpoint the report goes to; `alwaysTell`, offices told of every incident. Absent: 5 FAM's.
     */
    routing: z
      .strictObject({
        cyber: routeSchema,
        'non-cyber': routeSchema,
        alwaysTell: z.array(z.enum(ROLES)).max(ROLES.length).default([]),
      })
      .optional(),
    endpoints: z.strictObject({
      ...(Object.fromEntries(ENDPOINTS.map((name) => [name, endpointSchema])) as Record<
        EndpointName,
        typeof endpointSchema
      >),
      /** The substitute notice in the media (468.6-2b): where the media notice goes; absent, none is sent. */
      mediaRelease: endpointSchema.optional(),
      /** Immediate notice by telephone (468.6-2c): a voice/SMS provider's API; absent, none is called. */
      telephony: endpointSchema.optional(),
    }),
    /**
     * Reports by email (5 FAM 468.3b; mail-intake/): the mailboxes whose mail reaches the intake listener,
     * each with the role asked to complete what a message leaves out; the domains whose mail is taken;
     * the attachments a report may carry (larger ones are refused in the acknowledgement).
     */
    intake: z
      .strictObject({
        mailboxes: z
          .array(z.strictObject({ address: z.email('expected an email address'), role: z.enum(ROLES) }))
          .min(1, 'expected at least one mailbox'),
        acceptedDomains: z
          .array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'expected a mail domain such as state.gov'))
          .min(1, 'expected at least one domain'),
        attachmentMaxBytes: z.number().int().min(0).max(700_000).default(500_000),
      })
      .optional(),
    /**
     * Section 508 (468.6-2b: accommodations such as telecommunications devices for the deaf): the TTY
     * or relay number the notices name; absent, 711 (the Telecommunications Relay Service).
     */
    accessibility: z
      .strictObject({
        ttyRelay: z
          .string()
          .trim()
          .regex(/^[0-9+()\-. ]{3,30}$/, 'expected a telephone number such as 711 or 1-800-877-8339'),
      })
      .optional(),
    notification: z
      .strictObject({
        /** Messages a second across the whole run (mail server and vendor limits). */
        ratePerSecond: z.number().positive().max(100_000).default(200),
        /** Roster lines a batch activity handles. */
        batchSize: z.number().int().positive().max(100_000).default(500),
        /** Batches sending at once; they share ratePerSecond (workflows/notify-roster.ts). */
        parallelBatches: z.number().int().positive().max(32).default(4),
        /**
         * The run starts anew (continue-as-new) once its history holds this many events; absent: 2,000
         * (workflows/notify-messages.ts). Smaller keeps each history short; larger means fewer runs.
         */
        continueAsNewAfter: z.number().int().min(20).max(10_000).optional(),
        /** The incident hears of the run's progress at most this often; absent: every 10 s (longer on long runs). */
        progressEvery: durationSchema.optional(),
      })
      .default({ ratePerSecond: 200, batchSize: 500, parallelBatches: 4 }),
    /**
     * A breach of the PII of at least `threshold` people is a major incident (OMB's definition:
     * 100,000); Congress is to be told within `congressWithin` (7 days, FISMA 2014) by the SAOP.
     */
    majorIncident: z
      .strictObject({
        threshold: z.number().int().positive().max(1_000_000_000).default(MAJOR_INCIDENT_DEFAULTS.threshold),
        congressWithin: durationSchema.default(MAJOR_INCIDENT_DEFAULTS.congressWithin),
      })
      .default(MAJOR_INCIDENT_DEFAULTS),
  })
  .superRefine((playbook, ctx) => {
    const ids = new Set<string>();
    playbook.people.forEach((person, index) => {
      if (ids.has(person.id))
        ctx.addIssue({ code: 'custom', path: ['people', index, 'id'], message: `duplicate person id "${person.id}"` });
      ids.add(person.id);
    });
    const named = (ids: string[], path: (string | number)[]) =>
      ids.forEach((id, index) => {
        if (!playbook.people.some((p) => p.id === id))
          ctx.addIssue({
            code: 'custom',
            path: [...path, index],
            message: `expected the id of a person of this playbook, got "${id}"`,
          });
      });
    for (const [role, ids] of Object.entries(playbook.alternates ?? {})) named(ids ?? [], ['alternates', role]);
    named(playbook.letterDrafters ?? [], ['letterDrafters']);
    const required = [...REQUIRED_ROLES, playbook.finalNotificationAuthority];
    for (const role of required) {
      if (!playbook.people.some((p) => p.roles.includes(role))) {
        ctx.addIssue({
          code: 'custom',
          path: ['people'],
          message: `expected at least one person with the role "${role}"`,
        });
      }
    }
  });

export type Playbook = z.infer<typeof playbookSchema>;

export class PlaybookError extends Error {
  constructor(
    readonly source: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(`playbook ${source} is not valid:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'PlaybookError';
  }
}

/** Validates a parsed playbook; throws a PlaybookError naming each bad field. */
export function parsePlaybook(value: unknown, source = '(inline)'): Playbook {
  const result = playbookSchema.safeParse(value);
  if (!result.success) throw new PlaybookError(source, issuesOf(result.error));
  return result.data;
}
