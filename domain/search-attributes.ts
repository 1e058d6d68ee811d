/** The contract's search attributes. None carries PII: phases, media, levels, roles, a deadline, a flag. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const BreachPhase = defineSearchAttributeKey('BreachPhase', SearchAttributeType.KEYWORD);
export const BreachMedium = defineSearchAttributeKey('BreachMedium', SearchAttributeType.KEYWORD);
export const BreachRisk = defineSearchAttributeKey('BreachRisk', SearchAttributeType.KEYWORD);
export const BreachReportingDeadline = defineSearchAttributeKey(
  'BreachReportingDeadline',
  SearchAttributeType.DATETIME,
);
export const BreachReportedLate = defineSearchAttributeKey('BreachReportedLate', SearchAttributeType.BOOL);
export const BreachAwaitingRole = defineSearchAttributeKey('BreachAwaitingRole', SearchAttributeType.KEYWORD);
/** When the open gate began to wait: the operators' metrics count gates by how long they have waited. */
export const BreachAwaitingSince = defineSearchAttributeKey('BreachAwaitingSince', SearchAttributeType.DATETIME);

/** Set (true) once the incident is a major incident; absent before (workflows/major-incident.ts). */
export const BreachMajorIncident = defineSearchAttributeKey('BreachMajorIncident', SearchAttributeType.BOOL);

/**
 * The case number people say (`PII-2026-0042`, domain/case-numbers.ts): set when the incident starts
 * (client/incidents.ts), never changed. A prefix, a year and a sequence: no PII.
 */
export const BreachCaseNumber = defineSearchAttributeKey('BreachCaseNumber', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [
  BreachPhase,
  BreachMedium,
  BreachRisk,
  BreachReportingDeadline,
  BreachReportedLate,
  BreachAwaitingRole,
  BreachMajorIncident,
  BreachAwaitingSince,
  BreachCaseNumber,
];
