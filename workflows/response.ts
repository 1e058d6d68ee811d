/**
 * Phases 2-7: triage, CRG, breach analysis, cost consultation, minimal risk, and the decision gates
 * of 5 FAM 467.4 and 468.4-468.5. Each returns where the incident goes next.
 */
import { isPatched } from './since-marker.js';
import { mail } from './activities.js';
import { costBasis } from '../domain/costs.js';
import { gate, reanalysing, take, timedGate } from './gates.js';
import { inBackground } from './background.js';
import type { Incident } from './incident-state.js';
import { NO_NOTIFICATION_FOLLOWS_RISK, CGFS_ON_EVERY_COST } from './patch-ids.js';
import { REHABILITATION_ACT, rehabilitationActMatter } from '../domain/rehabilitation-act.js';
import { MEDICAL_MITIGATION } from '../domain/option-items.js';

export type AfterResponse = 'notify' | 'decline' | 'closure-review';

/** 467.4-2a: the IPS Director names the responsible office and decides whether to convene the CRG. */
export async function triage(incident: Incident): Promise<'convened' | 'declined'> {
  const { state, report } = incident;
  incident.setPhase('triage');
  await gate(
    incident,
    'ipsDirector',
    ['assign-responsible-office', 'convene-crg'],
    () => state.responsibleOffice !== null && state.crgConvened !== null,
  );
  take(incident, 'assign-responsible-office');
  take(incident, 'convene-crg');
  // 467.2c: the responsible office owns the administrative fact-finding, DS when classified.
  incident.addItem(
    'fact-finding',
    report.classifiedInvolved ? 'securityIncident' : 'responsibleOffice',
    report.classifiedInvolved
      ? 'DS conducts the fact-finding: classified information is involved (5 FAM 467.2c, 468.2b(2)).'
      : `Administrative fact-finding by ${state.responsibleOffice ?? 'the responsible office'} (5 FAM 467.2c).`,
  );
  rehabilitationActDuties(incident);
  return state.crgConvened ? 'convened' : 'declined';
}

/**
 * The Rehabilitation Act (domain/rehabilitation-act.ts): a violation in itself; it keeps the mitigation
 * and the conduct review. At triage, and again when a supplement first makes the case one
 * (workflows/duty-rules.ts); the conduct review also when a workforce member caused the disclosure.
 */
export function rehabilitationActDuties(incident: Incident): void {
  const { state, report } = incident;
  const rehabilitationAct = incident.features.rehabilitationAct && rehabilitationActMatter(report);
  if (rehabilitationAct && !state.rehabilitationAct) {
    state.rehabilitationAct = true;
    incident.log('rehabilitation-act-matter', undefined, REHABILITATION_ACT);
    incident.addItem('other-mitigation', 'responsibleOffice', MEDICAL_MITIGATION);
  }
  if (report.causedByWorkforceMember || rehabilitationAct) {
    incident.addItem(
      'conduct-review',
      'responsibleOffice',
      'Review the conduct of the workforce member who caused the disclosure: counseling, discipline or referral (5 FAM 469.6; DHS PIHG).',
    );
  }
}

/** 467.4-2b: every CRG member is told, with the minimum PII needed. */
function tellCrg(incident: Incident): void {
  const { state, report: r } = incident;
  incident.log('crg-notified');
  inBackground(incident, 'tell-crg', () =>
    mail('Tell the CRG').sendNotice({
      to: incident.recipients('crg'),
      notice: {
        template: 'crg-convened',
        incidentId: state.incidentId,
        medium: r.medium,
        piiTypes: r.piiTypes,
        affectedCount: r.affectedCount,
        affectedPopulation: r.affectedPopulation,
        responsibleOffice: state.responsibleOffice ?? '',
      },
      step: 'tell-crg',
    }),
  );
}

export async function respond(incident: Incident): Promise<AfterResponse> {
  tellCrg(incident);
  return analysed(incident);
}

/**
 * The analysis and its route until the route ends: again whenever the CRG is returned to, or a fact
 * changed the finding's inputs (workflows/duty-rules.ts). Under the duty rules it also runs when the
 * CRG is not convened: its chair, the IPS Director, records the six factors (468.4).
 */
export async function analysed(incident: Incident, tell = false): Promise<AfterResponse> {
  if (tell) tellCrg(incident);
  for (;;) {
    const next = await analysis(incident);
    if (next !== 'return-to-crg') return next;
  }
}

async function analysis(incident: Incident): Promise<AfterResponse | 'return-to-crg'> {
  const { state, report } = incident;
  incident.setPhase('analysis');
  // 468.4: the CRG's, or its chair's when it is not convened (docs/lifecycle.md): the CRG not convened has no role on it.
  incident.addItem('risk-assessment', state.crgConvened ? 'crg' : 'ipsDirector');
  await gate(incident, 'ipsDirector', ['submit-analysis']);
  const analysisDecision = take(incident, 'submit-analysis')!;
  const notify = analysisDecision.options.includes('notify-individuals');

  incident.costBasis = costBasis(analysisDecision, report.affectedCount, incident.playbook);
  const costedBefore = notify && analysisDecision.options.includes('credit-protection');
  if (costedBefore || (incident.costBasis.length > 0 && isPatched(CGFS_ON_EVERY_COST))) {
    // 468.5d: CGFS is consulted on the cost of mitigation before the decision.
    incident.setPhase('cost-consultation');
    incident.addItem('cost-consultation', 'cgfs');
    if (incident.costBasis.length) incident.log('cost-consultation-asked', undefined, incident.costBasis.join('; '));
    await gate(incident, 'cgfs', ['cost-estimate']);
    if (reanalysing(incident)) return 'return-to-crg';
    take(incident, 'cost-estimate');
  }

  // A finding that leaves part of the disclosure a breach (the custody exemption's other PII types) is
  // routed by the risk of that part, as any breach.
  const noBreach = analysisDecision.authorizedDisclosure !== undefined && !state.authorizedDisclosure?.breachRemains;
  if (!notify) {
    // 468.5e: a major incident is never closed on a finding of minimal risk without the final authority (duty rules).
    const major = incident.dutyRules && state.majorIncident !== null && !noBreach;
    // The Rehabilitation Act: employees' medical information is never minimal risk, no further action.
    const minimal = (noBreach || state.risk === 'low') && !major && !state.rehabilitationAct;
    if (minimal || !isPatched(NO_NOTIFICATION_FOLLOWS_RISK)) {
      const risk = riskWords(incident, analysisDecision.riskOverride);
      routeTo(
        incident,
        'ppgb-advised',
        noBreach
          ? 'An authorized disclosure, no breach: the PPGB is advised and may object (5 FAM 468.5c).'
          : `The CRG found minimal risk (${risk}) and recommends no notification: the PPGB is advised and ${incident.features.ppgbMembersObject ? 'any member may object' : 'may object'} (5 FAM 468.5c).`,
      );
      const override = await ppgbAdvised(incident, risk);
      if (reanalysing(incident)) return 'return-to-crg';
      if (!override) {
        incident.outcome = noBreach ? 'no-breach' : 'minimal-risk';
        return 'closure-review';
      }
    } else {
      routeTo(
        incident,
        'ppgb-chair-review',
        `The CRG recommends no notification at risk ${state.risk}${major ? ' in a major incident' : ''}: a recommendation about notification goes to the PPGB Chair, who may refer it to the PPGB and the Under Secretary, and the final authority decides (5 FAM 468.5b, 468.5e).`,
      );
    }
  } else {
    routeTo(
      incident,
      'ppgb-chair-review',
      `The CRG recommends notification at risk ${state.risk ?? 'unknown'} (5 FAM 468.5b).`,
    );
  }
  return decisionGates(incident);
}

/** The route the recommendation takes, and why, in the state, the timeline and the case record. */
function routeTo(incident: Incident, phase: 'ppgb-advised' | 'ppgb-chair-review', reason: string): void {
  incident.state.route = { phase, reason };
  incident.log(`routed:${phase}`, undefined, reason);
}

/**
 * The risk as the PPGB reads it in the advice (468.5c): for incidents under the rule, the level the rule
 * of 468.4 computed beside the one that holds, and the CRG's rationale when it overrode it; before it,
 * the level alone.
 */
function riskWords(incident: Incident, override: { level: string; rationale: string } | undefined): string {
  const { state } = incident;
  const level = `risk ${state.risk ?? 'unknown'}`;
  if (!incident.features.ppgbMembersObject) return level;
  if (!override) return `${level}, as the rule of 5 FAM 468.4 computed it`;
  return `${level}; the rule of 5 FAM 468.4 computed ${state.riskComputed ?? 'unknown'}, and the CRG overrode it: "${override.rationale}"`;
}

/** 468.5c: the CRG advises the PPGB and takes no further action unless the PPGB decides otherwise. */
async function ppgbAdvised(incident: Incident, risk: string): Promise<boolean> {
  const { state } = incident;
  const members = incident.features.ppgbMembersObject;
  incident.setPhase('ppgb-advised');
  inBackground(incident, 'advise-ppgb', () =>
    mail('Advise the PPGB of the CRG finding').sendNotice({
      to: [...incident.recipients('ppgbChair'), ...incident.recipients('ppgb')],
      notice: {
        template: 'ppgb-informed',
        incidentId: state.incidentId,
        event: 'minimal-risk',
        detail: `The CRG found ${state.authorizedDisclosure && !state.authorizedDisclosure.breachRemains ? `an authorized disclosure (${state.authorizedDisclosure.basis}), no breach` : `${risk} and recommends no notification`}. Options: ${state.options.join(', ') || 'none'}.${state.costEstimateUsd !== null ? ` CGFS cost estimate (5 FAM 468.5d): USD ${state.costEstimateUsd}.` : ''} ${members ? 'Any PPGB member may object' : 'The PPGB Chair may override'} within ${incident.playbook.timers.minimalRiskObjectionWindow}.`,
      },
      step: `advise-ppgb-${state.timeline.length}`,
    }),
  );
  // 468.5c: the board reviews; any member may object (workflows/decisions.ts), so the gate waits on the PPGB.
  const overridden = await timedGate(incident, members ? 'ppgb' : 'ppgbChair', ['ppgb-override'], {
    window: incident.ms('minimalRiskObjectionWindow'),
    summary: 'PPGB objection window (5 FAM 468.5c)',
    whenOver: members
      ? 'the PPGB objection window ends: closure review unless a PPGB member objects (5 FAM 468.5c)'
      : 'the PPGB objection window ends: closure review unless the PPGB Chair overrides (5 FAM 468.5c)',
  });
  if (overridden) take(incident, 'ppgb-override');
  else incident.log('objection-window-ended');
  return overridden;
}

/** 468.5b, 468.5e: PPGB Chair, the full PPGB, the Under Secretary (or the delegated official). */
async function decisionGates(incident: Incident): Promise<AfterResponse | 'return-to-crg'> {
  incident.setPhase('ppgb-chair-review');
  await gate(incident, 'ppgbChair', ['ppgb-chair-decision']);
  if (reanalysing(incident)) return 'return-to-crg';
  const chair = take(incident, 'ppgb-chair-decision')!;
  let outcome: string = chair.outcome;
  if (outcome === 'refer-to-ppgb') {
    incident.setPhase('ppgb-review');
    await gate(incident, 'ppgbChair', ['ppgb-decision']);
    if (reanalysing(incident)) return 'return-to-crg';
    outcome = take(incident, 'ppgb-decision')!.outcome;
  }
  if (outcome === 'refer-to-under-secretary') {
    incident.setPhase('under-secretary-review');
    await gate(incident, 'underSecretary', ['under-secretary-decision']);
    if (reanalysing(incident)) return 'return-to-crg';
    outcome = take(incident, 'under-secretary-decision')!.outcome;
  }
  if (outcome === 'return-to-crg') return 'return-to-crg';
  if (outcome === 'approve-notification') return 'notify';
  incident.outcome = 'notification-declined';
  return 'decline';
}
