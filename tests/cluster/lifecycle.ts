/**
 * An incident's decisions from triage to closure, as the cluster tests take them (tests/cluster/
 * incidents.test.ts, versioning.test.ts): the gates in two parts, so that a test can act in between (a
 * release, a restart), then the action items and the closure sign-off.
 */
import type { DecisionBody } from '../../domain/decision.js';
import type { Playbook } from '../../domain/playbook.js';
import type { IncidentState } from '../../domain/state.js';
import { decide, waitForState, type Incidents } from '../faults/fixture.js';
import { writeRoster } from '../scale/fixture.js';
import { FACTORS_HIGH, LETTER } from '../workflows/fixture.js';

type Step = [actorId: string, decision: DecisionBody];

/** Triage: the responsible office, then the CRG convened (468.3b(3), 468.4): the incident waits at the analysis gate. */
export const TO_ANALYSIS: Step[] = [
  ['ips-director', { kind: 'assign-responsible-office', office: 'Bureau of Consular Affairs' }],
  ['ips-director', { kind: 'convene-crg', convene: true, rationale: 'Passport numbers.' }],
];

/** The analysis, the PPGB Chair's and the Under Secretary's decisions and the approved letter (468.5, 468.6): notification runs. */
export const TO_NOTIFICATION = (people: number): Step[] => [
  [
    'ips-director',
    { kind: 'submit-analysis', factors: FACTORS_HIGH, options: ['notify-individuals'], rationale: 'CRG analysis.' },
  ],
  ['ppgb-chair', { kind: 'ppgb-chair-decision', outcome: 'refer-to-under-secretary', rationale: 'To M.' }],
  ['under-secretary', { kind: 'under-secretary-decision', outcome: 'approve-notification', rationale: 'Approved.' }],
  [
    'notification-official',
    { kind: 'approve-letter', letter: LETTER, roster: { url: writeRoster(people), count: people } },
  ],
];

export async function decideAll(world: Incidents, incidentId: string, steps: Step[]): Promise<IncidentState> {
  let state: IncidentState | undefined;
  for (const [actorId, decision] of steps) state = await decide(world, incidentId, actorId, decision);
  return state!;
}

/** After notification: every open action item completed by its owner (468.5a), then the closure signed off (468.7). */
export async function remediateAndClose(
  world: Incidents,
  playbook: Playbook,
  incidentId: string,
): Promise<IncidentState> {
  let state = await waitForState(world, incidentId, (s) => s.phase === 'remediation', 'remediation', 120_000);
  const holder = (role: string) => playbook.people.find((p) => (p.roles as string[]).includes(role))!.id;
  for (const item of state.actionItems.filter((i) => i.status === 'open'))
    state = await decide(world, incidentId, holder(item.ownerRole), {
      kind: 'complete-action-item',
      itemId: item.id,
      evidence: 'Done.',
    });
  if (state.phase !== 'closure-review')
    throw new Error(`expected closure-review after the action items, not ${state.phase}`);
  return decide(world, incidentId, 'ips-director', { kind: 'sign-off-closure', rationale: 'All actions complete.' });
}
