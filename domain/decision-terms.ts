/**
 * The closed lists of the decisions (domain/decisions/terms.ts) and the decision kinds (domain/decisions/),
 * plain constants for the workflow sandbox and the pure rules.
 */
export * from './decisions/terms.js';
export { DECISION_KINDS } from './decisions/index.js';
