/**
 * Need to know (5 FAM 469.2c(1): PII is disclosed only to those who need it in the performance of
 * their duties). A person sees an incident when they hold a role on it, or reported it.
 *
 * "A role on it" is read as: a playbook role the incident involves so far, which is
 *   - the roles told of every report: the IPS Director, who directs the response (467.2c); the Privacy
 *     Division, owner of the Breach Incident form (468.3b); the PPGB Chair as SAOP, to whom every late
 *     report and stalled gate escalates (468.2a); the program manager, told on discovery (DHS PIHG);
 *   - DS/CIRT for a cyber incident (468.3b(1)), and the offices the report was routed to whatever the
 *     medium (the playbook's `routing`: the DHS SOC is told of every incident);
 *   - the role the incident waits for, the owners of its action items, the role of each decision taken;
 *   - the CRG once convened (467.4-2), CGFS from the cost consultation (468.5d), the PPGB from its
 *     review (468.5b/c), the Under Secretary from theirs (468.5e), the notification official from the
 *     letter (468.6-1), the security liaison once a delay is asked (468.6-3), the security-incident
 *     roles once told (467.2b), OIG/INV once referred (468.3b(2));
 * plus, person by person, anyone who has decided or acted on it (their id is in its timeline).
 * The workflow's state is the source: the set only grows as the incident moves on.
 */
import { GATE_ROLE, KIND_PHASES } from './gates.js';
import type { DecisionKind } from './decision.js';
import type { Role } from './roles.js';
import type { IncidentState } from './state.js';

/**
 * Told of every incident: they see all of them. A program manager is not among them: they see the
 * incidents that name them (`programManagers` in the state), or, in incidents reported before those
 * were kept, every incident, as every program manager was told of it.
 */
export const ALWAYS_INVOLVED: readonly Role[] = ['ipsDirector', 'privacyDivision', 'ppgbChair'];

const PHASE_ROLES: Record<string, Role[]> = {
  'phase:cost-consultation': ['cgfs'],
  'phase:ppgb-advised': ['ppgb'],
  'phase:ppgb-chair-review': ['ppgb'],
  'phase:ppgb-review': ['ppgb'],
  'phase:under-secretary-review': ['underSecretary'],
  'phase:notification-prep': ['notificationOfficial'],
  'phase:notification-delayed': ['securityLiaison'],
  'security-incident-notified': ['securityIncident'],
  'referred:oig': ['oigInvestigations'],
};

export function rolesOnIncident(state: IncidentState): Set<Role> {
  const roles = new Set<Role>(ALWAYS_INVOLVED);
  if (state.programManagers === undefined) roles.add('programManager');
  if (state.medium === 'cyber') roles.add('dsCirt');
  // The routed office reads what it was told of, whatever the medium (the DHS SOC is told of every incident).
  for (const role of state.routedTo ?? []) roles.add(role);
  if (state.awaiting) roles.add(state.awaiting.role);
  for (const item of state.actionItems) roles.add(item.ownerRole);
  for (const decision of state.decisions) {
    const role = GATE_ROLE[decision.kind as Exclude<DecisionKind, 'complete-action-item' | 'complete-report'>];
    if (role) roles.add(role);
  }
  if (state.crgConvened) roles.add('crg');
  // 468.6-3: DS or another agency may ask for a delay from the analysis until the letters go out: the
  // security liaison may read the incident while it may ask (else its request would meet a 404).
  if (state.delay || KIND_PHASES['request-delay'].includes(state.phase)) roles.add('securityLiaison');
  // A major incident is told to the CIO, and a stalled one escalates to the final authority (workflows/major-incident.ts).
  if (state.majorIncident) roles.add('cio').add('underSecretary');
  for (const entry of state.timeline) for (const role of PHASE_ROLES[entry.event] ?? []) roles.add(role);
  return roles;
}

export interface Reader {
  key: string;
  roles: readonly Role[];
  /** Roles the playbook names this person an alternate for (separation of duties, domain/separation.ts). */
  alternateFor?: readonly Role[];
}

/**
 * Who may read the incident, as its state says (the facts `readingOf` weighs): the roles on it, the
 * program managers it names (undefined: reported before they were kept, so every one), the people who
 * acted on it and those who reported it. The case list reads them from the incident's memo
 * (domain/case-list-facts.ts) instead of asking the incident for its state.
 */
export interface Readers {
  roles: Role[];
  programManagers?: string[];
  actors: string[];
  reporters: string[];
}

export function readersOf(state: IncidentState): Readers {
  // A refused attempt gives no access: only what was accepted counts.
  const actors = new Set<string>();
  for (const entry of state.timeline)
    if (entry.actorId && !entry.event.startsWith('decision-refused')) actors.add(entry.actorId);
  for (const decision of state.decisions) if (decision.actorId) actors.add(decision.actorId);
  return {
    roles: [...rolesOnIncident(state)],
    ...(state.programManagers !== undefined ? { programManagers: [...state.programManagers] } : {}),
    actors: [...actors],
    reporters: [...(state.reporters ?? [])],
  };
}

/**
 * How `reader` may see the incident: `full` with a role on it (or as an alternate for one, or as a
 * program manager it names), or having acted on it; `reporter` as its reporter only (their report's
 * progress and what was decided: `reporterView`); null not at all (it answers as if it did not exist).
 */
export function readingOf(reader: Reader, state: IncidentState): 'full' | 'reporter' | null {
  if (readsAll(reader)) return 'full';
  return readingBy(reader, readersOf(state));
}

/** `readingOf` from the facts of `readersOf`. */
export function readingBy(reader: Reader, readers: Readers): 'full' | 'reporter' | null {
  if (readsAll(reader)) return 'full';
  if (reader.roles.includes('programManager') && readers.programManagers?.includes(reader.key)) return 'full';
  const involved = new Set<Role>(readers.roles);
  if ([...reader.roles, ...(reader.alternateFor ?? [])].some((role) => involved.has(role))) return 'full';
  if (readers.actors.includes(reader.key)) return 'full';
  return readers.reporters.includes(reader.key) ? 'reporter' : null;
}

/**
 * Why `reader` may see the incident, in the pages' words: `involved` (all of it), `reporter` (their report,
 * the phase and the outcome), or null (not at all). The same reading as `readingOf`.
 */
export function standingOf(reader: Reader, state: IncidentState): 'involved' | 'reporter' | null {
  const reading = readingOf(reader, state);
  return reading === 'full' ? 'involved' : reading;
}

/** Whether `reader` may see the incident at all. */
export function mayRead(reader: Reader, state: IncidentState): boolean {
  return readingOf(reader, state) !== null;
}

/**
 * What a reporter with no role on the incident sees (469.2c(1)): its phase, the dates of their report,
 * and what was decided (kind, outcome, when); not others' evidence (an action item's evidence, such as
 * a conduct review's outcome), not the disclosures accounted, not the rationales, the timeline's
 * details, the risk reasons, a security delay or the route's reasons. The shape stays the state's.
 */
export function reporterView(state: IncidentState, key: string): IncidentState {
  return {
    ...state,
    riskReasons: [],
    route: null,
    delay: null,
    actionItems: state.actionItems.map(({ id, ownerRole, status }) => ({ id, ownerRole, status })),
    decisions: state.decisions.map(({ kind, at, outcome }) => ({
      kind,
      at,
      actorId: '',
      ...(outcome ? { outcome } : {}),
    })),
    timeline: state.timeline
      .filter((t) => t.event.startsWith('phase:') || t.event.startsWith('decision:') || t.event.startsWith('report'))
      .map(({ at, event }) => ({ at, event })),
    disclosures: [],
    reportReceipts: [],
    reportReference: null,
    reporters: [key],
    ...(state.programManagers ? { programManagers: [] } : {}),
    // What the case owes and whether it is done, not what discharged it (others' evidence).
    ...(state.duties ? { duties: state.duties.map(({ dischargedBy: _by, ...duty }) => duty) } : {}),
    ...(state.reanalysis !== undefined ? { reanalysis: null } : {}),
  };
}

/** Whether the reader sees every incident without looking at it (the list then needs no state queries). */
export function readsAll(reader: Reader): boolean {
  return reader.roles.some((role) => ALWAYS_INVOLVED.includes(role));
}
