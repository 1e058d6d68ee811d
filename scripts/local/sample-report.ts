/**
 * One plausible cyber report (fictional people) for the tests, the benchmarks and the recorded
 * histories, so they all speak of the same incident unless they say otherwise.
 */
import type { Report } from '../../domain/report.js';

export function sampleReport(overrides: Partial<Report> = {}, discoveredAtMs = Date.now() - 5 * 60_000): Report {
  return {
    reporter: { name: 'Robin Reporter', email: 'robin.reporter@state.example', office: 'Bureau of Consular Affairs' },
    supervisor: { name: 'Sam Supervisor', email: 'sam.supervisor@state.example' },
    discoveredAt: new Date(discoveredAtMs).toISOString(),
    medium: 'cyber',
    summary: 'A laptop holding a spreadsheet of visa applicants was stolen from a car.',
    piiTypes: ['ssn-or-passport-number', 'birth-data'],
    affectedCount: 120,
    affectedPopulation: 'public',
    encrypted: false,
    classifiedInvolved: false,
    criminalActSuspected: false,
    ...overrides,
  };
}
