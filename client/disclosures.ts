/**
 * The accounting of disclosures across incidents (5 FAM 464c): every entry the incidents' analyses
 * made, from each incident's state (query `incidentState`), oldest disclosure first. An incident whose
 * query does not answer (its worker down, or closed past the namespace's retention: its case record in
 * the records archive holds its entries) is named, never skipped silently.
 */
import type { Client } from '@temporalio/client';
import type { DisclosureAccounting } from '../domain/state.js';
import { getIncidentState, listIncidents } from './incidents.js';

/** Queries at once: enough to be quick, few enough not to crowd the workers. */
const CONCURRENCY = 8;

export interface DisclosureListing {
  entries: DisclosureAccounting[];
  /** Incidents whose state could not be read. */
  unreadable: string[];
}

export async function listDisclosures(client: Client, filter: { since?: Date } = {}): Promise<DisclosureListing> {
  const incidents = await listIncidents(client, {}, 100_000);
  const entries: DisclosureAccounting[] = [];
  const unreadable: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, incidents.length) }, async () => {
      while (next < incidents.length) {
        const { incidentId } = incidents[next++]!;
        try {
          const state = await getIncidentState(client, incidentId);
          entries.push(...(state.disclosures ?? []));
        } catch {
          unreadable.push(incidentId);
        }
      }
    }),
  );
  const since = filter.since?.getTime();
  return {
    entries: entries
      .filter((e) => since === undefined || Date.parse(e.disclosedAt) >= since)
      .sort((a, b) => a.disclosedAt.localeCompare(b.disclosedAt) || a.entryId.localeCompare(b.entryId)),
    unreadable: unreadable.sort(),
  };
}
