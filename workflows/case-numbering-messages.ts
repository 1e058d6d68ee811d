/** The case-numbering workflow's messages (docs/style.md 1; workflows/case-numbering.ts). */
import { defineQuery, defineUpdate } from '@temporalio/workflow';

export const CASE_NUMBERING_WORKFLOW_TYPE = 'caseNumberingWorkflow';

export interface CaseNumberingInput {
  prefix: string;
  year: number;
  /** The next sequence to hand out (1 for a new year). */
  next: number;
  /** The latest assignments, incident id → sequence, carried across continue-as-new. */
  recent?: [string, number][];
}

/**
 * Asks for the case numbers of these incidents, in this order; answers them in the same order (an
 * incident asking again gets the number it was given). Several at once: an API instance sends one
 * update at a time, carrying every number it waits for (client/case-numbers.ts).
 */
export const assignCaseNumbersUpdate = defineUpdate<string[], [{ incidentIds: string[] }]>('assignCaseNumbers');

/** The most incident ids one update may carry. */
export const MAX_NUMBERS_PER_UPDATE = 500;

/** The next sequence to hand out (operators, tests). */
export const caseNumberingStateQuery = defineQuery<{ prefix: string; year: number; next: number }>(
  'caseNumberingState',
);
