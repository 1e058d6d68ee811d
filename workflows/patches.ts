/**
 * The patches of the incident workflow, in one registry (docs/reliability.md "Changing a workflow safely").
 */

/**
 * What a case owes is derived (domain/duties.ts) after every fact and decision, and closure waits for
 * every duty (workflows/duty-flow.ts). Older histories run the flow they started with.
 */
export const DUTIES_DERIVED = 'duties-derived';
