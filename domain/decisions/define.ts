/**
 * What a decision kind is (docs/contract.md "Decisions"): one definition per kind, in this folder, from
 * which everything else is derived: the workflow's plain check (domain/decision-check.ts) and the
 * boundaries' zod schema (domain/decision.ts), the OpenAPI document, who decides and when
 * (domain/gates.ts), the form of the pages (pages/decision-form.ts) and their words (pages/words.ts), the
 * CLI's `decide`. Adding a kind is one entry here and the workflow step that acts on it
 * (workflows/apply.ts).
 */
import type { Shape } from '../check.js';
import type { Playbook } from '../playbook.js';
import type { Role } from '../roles.js';
import { PHASES, type IncidentState, type Phase } from '../state.js';

export type FieldType =
  | 'text'
  | 'email'
  | 'textarea'
  | 'number'
  | 'select'
  | 'radios'
  | 'yes-no'
  | 'checkbox'
  | 'checkboxes'
  | 'time'
  | 'date'
  | 'datetime';

/** A field of a form; its name is a dotted path into the decision (`letter.contact.tollFreePhone`). */
export interface FormField {
  name: string;
  label: string;
  type: FieldType;
  required: boolean;
  choices?: readonly string[];
  /** What each choice is called on the page (the value stays the wire's). */
  choiceLabels?: Readonly<Record<string, string>>;
  hint?: string;
  /** Browser autofill (WCAG 1.3.5). */
  autocomplete?: string;
  /** Checkboxes: none ticked leaves the field out (the decision changes only what it gives), not an empty list. */
  emptyLeavesOut?: boolean;
}

/** What a form may depend on: the playbook's delegation, the incident's open items, the person's roles. */
export interface FormContext {
  playbook: Playbook;
  state?: IncidentState;
  personRoles?: readonly string[];
}

/** The pages speak to people (docs/style.md 14): the kind's words. */
export interface KindWords {
  /** What the official is asked to do, as a heading. */
  title: string;
  /** The button. */
  button: string;
  /** What happens when they press it. */
  then: string;
}

/**
 * `gate`: the main flow waits for it (workflows/gates.ts) and moves the phase; `hold`: the security
 * hold's decisions (468.6-3), taken beside the main flow and told to the PPGB; `side`: taken beside the
 * main flow, whatever it is doing (action items, filings, acknowledgements).
 */
export type Family = 'gate' | 'hold' | 'side';

/**
 * Who decides: a role of the playbook, or `item owner` (the action item's owner role; the IPS Director
 * too before the duty rules, workflows/decisions.ts) or `intake mailbox` (the role of the mailbox a report
 * by email came to, or the IPS Director: workflows/complete-report.ts).
 */
export type Decider = Role | 'item owner' | 'intake mailbox';

export interface KindDefinition<S extends Shape = Shape> {
  /** The decision's own fields, besides `kind`, `actorId` and `decisionId`. */
  fields: S;
  decidedBy: Decider;
  /** Others who may take it besides `decidedBy` (where the playbook's rules let them: workflows/decisions.ts). */
  alsoBy?: readonly Role[];
  /** The phases in which it is accepted. */
  phases: readonly Phase[];
  family: Family;
  /** Its form on the pages: the fields, or the fields for a context. */
  form: readonly FormField[] | ((context: FormContext) => FormField[]);
  words: KindWords;
  /** Every `hold` kind: the event the PPGB is told of when it is taken (468.6-3a, workflows/incident.ts). */
  toldToPpgb?: string;
}

/** A kind's definition, its literal types kept (the decider, the family, the fields' types). */
export const define = <
  const S extends Shape,
  const D extends Decider,
  const F extends Family,
  const E extends string = never,
>(
  definition: KindDefinition<S> & { decidedBy: D; family: F; toldToPpgb?: E },
) => definition;

/** The reasons every decision that carries a `rationale` asks for. */
export const rationaleField: FormField = {
  name: 'rationale',
  label: 'Your reasons',
  type: 'textarea',
  required: true,
  hint: 'They go into the case record (5 FAM 468.7).',
};

/** A delay may be asked for from the analysis until the first letter goes out (docs/lifecycle.md phase 8). */
export const BEFORE_LETTERS: readonly Phase[] = PHASES.slice(PHASES.indexOf('analysis'), PHASES.indexOf('notifying'));
