/**
 * Why the workflow refuses a decision. The `decide` update's validator throws an ApplicationFailure
 * whose `type` is one of these and whose `details[0]` is the list of reasons; the API maps them to
 * status codes (400, 403, 409) and the CLI to exit code 1. A refused `decision` signal is recorded in
 * the timeline with the same reasons.
 */
export const REFUSAL = {
  /** The decision's shape is wrong (400). */
  invalid: 'InvalidDecision',
  /** The actor does not hold the gate's role in the incident's playbook (403). */
  forbidden: 'ActorLacksRole',
  /** Not allowed now: wrong phase, open action items, already closed (409). */
  conflict: 'NotAllowedNow',
} as const;
export type RefusalType = (typeof REFUSAL)[keyof typeof REFUSAL];

/** The HTTP status of a refusal, the same for the API and the people's pages. */
export const refusalStatus = (type: string): 400 | 403 | 409 =>
  type === REFUSAL.forbidden ? 403 : type === REFUSAL.conflict ? 409 : 400;

export interface Refusal {
  type: RefusalType;
  reasons: string[];
}
