import type { Incident } from './incident-state.js';

/**
 * DHS PIHG: the reporter's program manager (second-level supervisor) is told at once. Under need to
 * know (469.2c(1), workflows/patches.ts `namedProgramManagers`) that is the one the report names, and
 * the playbook's program managers only when it names none; those of the playbook who are told are kept
 * in the state (`programManagers`), and they alone of the program managers see the incident. Before
 * it, the named one and every program manager of the playbook were told.
 */
export function programManagersToTell(incident: Incident): { name: string; email: string }[] {
  const { report: r, state } = incident;
  const playbook = incident.recipients('programManager');
  if (!incident.features.namedProgramManagers) return [...(r.programManager ? [r.programManager] : []), ...playbook];
  const named = r.programManager?.email.toLowerCase();
  state.programManagers = incident.playbook.people
    .filter((p) => p.roles.includes('programManager') && (named === undefined || p.email.toLowerCase() === named))
    .map((p) => p.id);
  return r.programManager ? [r.programManager] : playbook;
}
