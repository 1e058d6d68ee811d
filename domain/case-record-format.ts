/** The case record's name, version and canonical JSON (plain, for the workflow sandbox; the schema is domain/case-record.ts). */
export const CASE_RECORD_SCHEMA = 'breach-case-record';
export const CASE_RECORD_VERSION = 1;

/** The letter's canonical text: its JSON with the keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
