/**
 * The decisions as zod schemas, for the boundaries (the API, the CLI, the pages, the OpenAPI document):
 * built from the kinds' definitions (domain/decisions/) through their plain checks, so that the schema
 * the API validates with and the check the workflow runs are one rule (domain/check-schema.ts).
 */
import type { z } from 'zod';
import { schemaOf } from './check-schema.js';
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
