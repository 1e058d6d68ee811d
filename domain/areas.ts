/**
 * The areas where the people affected likely live, for the substitute notice in the media (5 FAM
 * 468.6-2b: "major print and broadcast media, including major media in areas where the affected
 * individuals likely reside"): the state of each postal address on the roster, counted; people with no
 * address whose state can be read are one group. Names nobody: a state and a count.
 */

/** US states, DC, the territories and the military post "states" (AA, AE, AP). */
export const US_STATES = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY',
  'LA', 'ME', 'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NE', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH',
  'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY', 'AS', 'GU', 'MP',
  'PR', 'VI', 'AA', 'AE', 'AP',
] as const; // prettier-ignore

const STATES = new Set<string>(US_STATES);

/** The group of people whose postal address names no state that can be read (or who have none). */
export const NO_USABLE_ADDRESS = 'no usable address';

/** The state of a US postal address: the two-letter code before the ZIP code ("Springfield, IL 62701"). */
export function stateOfAddress(postalAddress: string | undefined): string | undefined {
  if (!postalAddress) return undefined;
  const matches = [...postalAddress.toUpperCase().matchAll(/\b([A-Z]{2})[\s,]+\d{5}(?:-\d{4})?\b/g)];
  const code = matches.at(-1)?.[1];
  return code && STATES.has(code) ? code : undefined;
}

export interface Area {
  /** A state's code, or NO_USABLE_ADDRESS. */
  area: string;
  count: number;
}

/** Counts by state, most people first (then by code); the group without a usable address last. */
export function sortedAreas(counts: Record<string, number>): Area[] {
  const states = Object.entries(counts)
    .filter(([area]) => area !== NO_USABLE_ADDRESS)
    .map(([area, count]) => ({ area, count }))
    .sort((a, b) => b.count - a.count || a.area.localeCompare(b.area));
  const unknown = counts[NO_USABLE_ADDRESS];
  return unknown ? [...states, { area: NO_USABLE_ADDRESS, count: unknown }] : states;
}
