/**
 * Drives an API-fixture incident to closure review without the CRG (docs/lifecycle.md "Duties"): the
 * triage decisions with convene=false, the IPS Director's analysis of the six factors (minimal risk, no
 * further action), then the PPGB's 468.5c objection window, shortened by `shortObjectionWindow` so a
 * test against the dev server can wait it out in real time.
 */
import type { FastifyInstance } from 'fastify';
import type { Playbook } from '../../domain/playbook.js';
import type { IncidentState } from '../../domain/state.js';
import { call, triage, waitFor } from '../api/fixture.js';

/** The fixture's playbook with a PPGB objection window (468.5c) of a few seconds. */
export const shortObjectionWindow = (playbook: Playbook): Playbook => ({
  ...playbook,
  timers: { ...playbook.timers, minimalRiskObjectionWindow: '2s' },
});

/** Answers the state in closure review. */
export async function toClosureReview(app: FastifyInstance, incidentId: string): Promise<IncidentState> {
  await triage(app, incidentId, false);
  await waitFor(app, incidentId, (s) => s.phase === 'analysis', 'phase analysis');
  const analysis = await call(app, {
    method: 'POST',
    url: `/incidents/${incidentId}/decisions`,
    body: {
      kind: 'submit-analysis',
      factors: {
        dataNature: 'low',
        misuseLikelihood: 'low',
        logicalAccess: 'low',
        physicalAccess: 'low',
        deliberateTargeting: 'low',
        priorMisuse: 'low',
      },
      options: ['no-further-action'],
      riskOverride: { level: 'low', rationale: 'The media was recovered unopened.' },
      rationale: 'Recorded by the IPS Director.',
    },
  });
  if (analysis.status !== 200) throw new Error(`submit-analysis answered ${analysis.status}: ${analysis.text}`);
  return waitFor(app, incidentId, (s) => s.phase === 'closure-review', 'phase closure-review', 60_000);
}
