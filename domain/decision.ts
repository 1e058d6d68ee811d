/**
 * The decisions as zod schemas, for the boundaries (the API, the CLI, the pages, the OpenAPI document):
 * built from the kinds' definitions (domain/decisions/) through their plain checks (domain/check.ts), the
 * same rules in the same order with the same messages, so that the schema the API validates with and the
 * check the workflow runs are one rule (tests/rules/plain-checks.test.ts holds the two equal on generated
 * input). Not for the sandbox: zod stays outside the workflow code (docs/performance.md).
 */
import { z } from 'zod';
import type { Check, Spec } from './check.js';
import { decisionCheck } from './decision-check.js';
import { authorizedDisclosure, factors, letter, roster } from './decisions/fields.js';
import type { Decision, DecisionBody, DecisionKind } from './decisions/index.js';

// The closed lists live in domain/decisions/terms.ts (plain, for the workflow sandbox); re-exported for the boundaries.
export {
  AUTHORIZED_BASES,
  COSTED_MEASURES,
  CUSTODIAN_KINDS,
  CUSTODY_PURPOSES,
  LEVELS,
  LIAISONS,
  OPTIONS,
  type AuthorizedBasis,
  type Level,
  type Liaison,
} from './decisions/terms.js';
export type { AuthorizedDisclosure, Factors, Letter, RosterRef } from './decisions/fields.js';
export {
  DECISION_KINDS,
  type Decision,
  type DecisionBody,
  type DecisionKind,
  type DecisionOf,
} from './decisions/index.js';

export const factorsSchema = schemaOf(factors);
export const authorizedDisclosureSchema = schemaOf(authorizedDisclosure);
export const letterSchema = schemaOf(letter);
export const rosterRefSchema = schemaOf(roster);

/** The union of the kinds, each an object whose `kind` is a literal (the CLI reads a kind's fields from it). */
export type DecisionSchema<T> = z.ZodType<T> & {
  readonly options: readonly (z.ZodObject & { shape: { kind: z.ZodLiteral<DecisionKind> } })[];
};

/** The API's body: no `actorId`, it comes from the token. */
export const decisionBodySchema = schemaOf(decisionCheck<DecisionBody>(true)) as DecisionSchema<DecisionBody>;
/** The workflow's message. */
export const decisionSchema = schemaOf(decisionCheck<Decision>(false)) as DecisionSchema<Decision>;

/** The zod schema checking what `check` checks. */
export function schemaOf<T>(check: Check<T>): z.ZodType<T> {
  return build(check.spec) as z.ZodType<T>;
}

function build(spec: Spec): z.ZodType {
  switch (spec.type) {
    case 'string': {
      if (spec.format === 'date-time') return z.iso.datetime({ offset: true, message: spec.typeMessage });
      let schema = z.string(spec.typeMessage === undefined ? undefined : { error: spec.typeMessage });
      if (spec.trim) schema = schema.trim();
      for (const rule of spec.rules) {
        if (rule[0] === 'min') schema = schema.min(rule[1], rule[2]);
        else if (rule[0] === 'max') schema = schema.max(rule[1], rule[2]);
        else if (rule[0] === 'pattern') schema = schema.regex(rule[1], rule[2]);
        else return schema.refine(rule[1], rule[2]);
      }
      return schema;
    }
    case 'number': {
      let schema = z.number();
      const { int, min, max } = spec.rules;
      if (int) schema = schema.int(typeof int === 'string' ? int : undefined);
      if (min) schema = schema.min(min[0], min[1]);
      if (max) schema = schema.max(max[0], max[1]);
      return schema;
    }
    case 'boolean':
      return z.boolean();
    case 'enum':
      return z.enum(spec.values as [string, ...string[]]);
    case 'literal':
      return z.literal(spec.value);
    case 'array': {
      let schema = z.array(build(spec.item.spec));
      if (spec.rules.min) schema = schema.min(spec.rules.min[0], spec.rules.min[1]);
      if (spec.rules.max) schema = schema.max(spec.rules.max[0], spec.rules.max[1]);
      return schema;
    }
    case 'object':
      return objectOf(spec.shape, spec.mode);
    case 'union':
      return z.discriminatedUnion(
        spec.key,
        Object.values(spec.options).map((option) => build(option.spec)) as unknown as [z.ZodObject, ...z.ZodObject[]],
      );
  }
}

/** zod's strict or loose object of a shape of checks (`optional` fields as `.optional()`). */
export function objectOf(
  shape: Record<string, Check<unknown> | { optional: Check<unknown> }>,
  mode: 'strict' | 'loose',
) {
  const fields = Object.fromEntries(
    Object.entries(shape).map(([key, field]) => [
      key,
      typeof field === 'function' ? build(field.spec) : build(field.optional.spec).optional(),
    ]),
  );
  return mode === 'strict' ? z.strictObject(fields) : z.looseObject(fields);
}
