import { mail } from './activities.js';
import { inBackground } from './background.js';
import type { Incident } from './incident-state.js';
import { receivedNotice } from './reporting.js';

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

/**
 * A supplement that names a program manager the first report did not (under the duty follow-ups): the
 * named one is told, as at discovery, and they alone of the program managers now need to know the
 * incident (469.2c(1)): `programManagers` is theirs, and the incident's items stay with their owners.
 */
export function laterProgramManager(incident: Incident, before: string | undefined, source: string): void {
  const named = incident.report.programManager;
  if (!incident.features.namedProgramManagers || !named || named.email.toLowerCase() === before?.toLowerCase()) return;
  const { state } = incident;
  const told = programManagersToTell(incident);
  incident.log(
    'program-manager-named',
    undefined,
    `${source} names the program manager: ${state.programManagers?.length ? `person ${state.programManagers.join(', ')} of the playbook` : 'not a person of the playbook'}`,
  );
  inBackground(incident, `tell-program-manager-${state.supplements}`, () =>
    mail('Tell the program manager').sendNotice({
      to: told,
      notice: { template: 'report-received', audience: 'program-manager', ...receivedNotice(incident) },
      step: `tell-program-manager-${state.supplements}`,
    }),
  );
}
