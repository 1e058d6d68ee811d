/**
 * What an accepted decision changes in the incident. Gate decisions are handed to the main flow
 * (gates.ts `handOver`), which moves the phase; side decisions (action items, security delays) take
 * effect here, whatever the main flow is doing.
 */
import { assessRisk, applyOverride } from '../domain/risk.js';
import type { Decision } from '../domain/decision.js';
import { MEDICAL_MITIGATION, OPTION_ITEMS } from './decisions.js';
import { handOver } from './gates.js';
import { nowIso, type Incident } from './incident-state.js';

export function applyDecision(incident: Incident, d: Decision): void {
  const { state } = incident;
  if (d.decisionId) incident.seenDecisionIds.set(d.decisionId, { kind: d.kind, actorId: d.actorId });
  const rationale = 'rationale' in d ? d.rationale : undefined;
  const outcome = 'outcome' in d ? d.outcome : undefined;
  state.decisions.push({ kind: d.kind, ...(d.decisionId ? { decisionId: d.decisionId } : {}), actorId: d.actorId, at: nowIso(), ...(rationale ? { rationale } : {}), ...(outcome ? { outcome } : {}) });
  incident.log(`decision:${d.kind}${outcome ? `:${outcome}` : ''}`, d.actorId);

  switch (d.kind) {
    case 'assign-responsible-office':
      state.responsibleOffice = d.office;
      break;
    case 'convene-crg':
      state.crgConvened = d.convene;
      break;
    case 'submit-analysis': {
      // 5 FAM 468.4: the six considerations, the PII types and the protection give the risk of harm;
      // an override by the CRG is recorded beside the computed level.
      const r = incident.report;
      const computed = assessRisk({ factors: d.factors, piiTypes: r.piiTypes, encrypted: r.encrypted, affectedPopulation: r.affectedPopulation, affectedCount: r.affectedCount });
      const determined = applyOverride(computed.level, d.riskOverride);
      state.riskComputed = computed.level;
      state.risk = determined.level;
      state.riskReasons = [...computed.reasons, ...(d.riskOverride ? [`overridden by the CRG to ${d.riskOverride.level}: ${d.riskOverride.rationale}`] : [])];
      state.options = [...d.options];
      incident.liaisons = [...new Set(d.liaisons ?? [])];
      state.authorizedDisclosure = d.authorizedDisclosure ? { basis: d.authorizedDisclosure.basis } : null;
      // A resubmitted analysis replaces the option items not yet done.
      state.actionItems = state.actionItems.filter((item) => item.status === 'done' || !Object.values(OPTION_ITEMS).some((o) => o?.id === item.id));
      for (const option of d.options) {
        const item = OPTION_ITEMS[option];
        const medical = option === 'other-mitigation' && r.piiTypes.includes('medical');
        if (item) incident.addItem(item.id, item.owner, medical ? MEDICAL_MITIGATION : item.description);
      }
      incident.completeItem('risk-assessment', `risk ${state.risk} (${computed.level} computed)`, d.actorId);
      break;
    }
    case 'cost-estimate':
      state.costEstimateUsd = d.estimatedCostUsd;
      incident.completeItem('cost-consultation', `estimate USD ${d.estimatedCostUsd}`, d.actorId);
      break;
    case 'approve-letter':
      incident.letter = { letter: d.letter, roster: d.roster, immediate: d.immediate ?? false };
      break;
    case 'request-delay':
      state.delay = { notifyAfter: d.notifyAfter, requestingEntity: d.requestingEntity, barred: false };
      break;
    case 'extend-delay':
      if (state.delay) state.delay = { ...state.delay, notifyAfter: d.notifyAfter };
      break;
    case 'lift-delay':
      state.delay = null;
      break;
    case 'bar-notification':
      state.delay = { notifyAfter: state.delay?.notifyAfter ?? nowIso(), requestingEntity: state.delay?.requestingEntity ?? 'security liaison', barred: true };
      break;
    case 'complete-action-item':
      incident.completeItem(d.itemId as never, d.evidence, d.actorId);
      break;
    case 'sign-off-closure':
      incident.signedOff = true;
      break;
    default:
      break;
  }
  handOver(incident, d);
  // The UI's current details leave out what has come in (workflows/details.ts).
  incident.publish();
}
