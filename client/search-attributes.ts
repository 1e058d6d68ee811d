/**
 * Idempotent registration of the contract's search attributes (domain/search-attributes.ts), used by
 * `npm start` on every start, so an existing database gets any attribute added since it was made.
 */
import type { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from '../domain/search-attributes.js';

/**
 * temporal.api.enums.v1.IndexedValueType by number: the proto package is not a direct dependency, and
 * these numbers are part of the wire format, so they cannot change.
 */
const INDEXED_VALUE_TYPE: Partial<Record<SearchAttributeType, number>> = {
  [SearchAttributeType.TEXT]: 1,
  [SearchAttributeType.KEYWORD]: 2,
  [SearchAttributeType.INT]: 3,
  [SearchAttributeType.DOUBLE]: 4,
  [SearchAttributeType.BOOL]: 5,
  [SearchAttributeType.DATETIME]: 6,
  [SearchAttributeType.KEYWORD_LIST]: 7,
};

const GRPC_ALREADY_EXISTS = 6;

/** The wire number of a search attribute type (operatorService.addSearchAttributes takes these). */
export function indexedValueType(type: SearchAttributeType): number {
  const wanted = INDEXED_VALUE_TYPE[type];
  if (wanted === undefined) throw new Error(`no indexed value type for search attribute type ${type}`);
  return wanted;
}

export interface Registration {
  added: string[];
  existing: string[];
}

/** Adds the missing ones through the operator service; one already there with the right type is fine. */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<Registration> {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  const present = listed.customAttributes ?? {};
  const existing: string[] = [];
  const missing: Record<string, number> = {};
  for (const { name, type } of SEARCH_ATTRIBUTES) {
    const wanted = indexedValueType(type);
    const have = present[name];
    if (have === undefined || have === null) missing[name] = wanted;
    else if (Number(have) !== wanted)
      throw new Error(
        `search attribute ${name} exists in namespace ${namespace} with another type (${String(have)}); expected ${type}`,
      );
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
