/**
 * The contract's search attributes (no PII in any of them) and their idempotent registration, used by
 * `npm start` (also on an existing database) and the dev-server test helper.
 */
import type { Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const BREACH_SEARCH_ATTRIBUTES = {
  BreachPhase: SearchAttributeType.KEYWORD,
  BreachMedium: SearchAttributeType.KEYWORD,
  BreachRisk: SearchAttributeType.KEYWORD,
  BreachReportingDeadline: SearchAttributeType.DATETIME,
  BreachReportedLate: SearchAttributeType.BOOL,
  BreachAwaitingRole: SearchAttributeType.KEYWORD,
} as const;

export type BreachSearchAttributeName = keyof typeof BREACH_SEARCH_ATTRIBUTES;

/** As @temporalio/testing's `server.searchAttributes` takes them. */
export const breachSearchAttributeKeys = Object.entries(BREACH_SEARCH_ATTRIBUTES).map(([name, type]) => defineSearchAttributeKey(name, type));

/**
 * temporal.api.enums.v1.IndexedValueType, by number: the proto package is not a direct dependency and
 * these numbers are part of the wire format, so they cannot change.
 */
const INDEXED_VALUE_TYPE: Record<(typeof BREACH_SEARCH_ATTRIBUTES)[BreachSearchAttributeName], number> = {
  [SearchAttributeType.KEYWORD]: 2,
  [SearchAttributeType.BOOL]: 5,
  [SearchAttributeType.DATETIME]: 6,
};

const GRPC_ALREADY_EXISTS = 6;

export interface Registration {
  added: string[];
  existing: string[];
}

/** Adds the missing ones through the operator service; an attribute already there is fine. */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<Registration> {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  const present = listed.customAttributes ?? {};
  const existing: string[] = [];
  const missing: Record<string, number> = {};
  for (const [name, type] of Object.entries(BREACH_SEARCH_ATTRIBUTES)) {
    const wanted = INDEXED_VALUE_TYPE[type];
    const have = present[name];
    if (have === undefined || have === null) missing[name] = wanted;
    else if (Number(have) !== wanted) throw new Error(`search attribute ${name} exists in namespace ${namespace} with another type (${String(have)}); expected ${type}`);
    else existing.push(name);
  }
  if (Object.keys(missing).length > 0) {
    try {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    } catch (err) {
      // Two starters racing: the other one added them first.
      if ((err as { code?: number }).code !== GRPC_ALREADY_EXISTS) throw err;
    }
  }
  return { added: Object.keys(missing), existing };
}
