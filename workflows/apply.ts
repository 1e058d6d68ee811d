/**
 * What an accepted decision changes in the incident. Gate decisions are handed to the main flow
 * (gates.ts `handOver`), which moves the phase; side decisions (action items, security delays) take
 * effect here, whatever the main flow is doing.
 */
import { assessRisk, applyOverride } from '../domain/risk.js';
import type { Decision } from '../domain/decision.js';
import { accountingEntry } from '../domain/accounting.js';
import { remainingBreach } from './decisions.js';
import { MEDICAL_MITIGATION, OPTION_ITEMS } from '../domain/option-items.js';
import { exemptPart } from '../domain/authorized.js';
import { handOver } from './gates.js';
import { nowIso, type Incident } from './incident-state.js';
import { applyDelayDecision } from './delays.js';
import { withIncidentDates } from '../domain/letter-rules.js';
import { recordFiledByHand } from './archiving.js';
import { reopenDuties, widened } from './later-facts.js';
import { checkMajorIncident } from './major-incident.js';
import { applyCompletion } from './complete-report.js';
import { reportFiledByHand } from './duty-rules.js';

export function applyDecision(incident: Incident, d: Decision): void {
  const { state } = incident;
  if (d.decisionId) incident.seenDecisionIds.set(d.decisionId, { kind: d.kind, actorId: d.actorId });
  const rationale = 'rationale' in d ? d.rationale : undefined;
  const outcome = 'outcome' in d ? d.outcome : undefined;
  incident.file.decisions.push({ at: nowIso(), decision: d });
  state.decisions.push({
    kind: d.kind,
    ...(d.decisionId ? { decisionId: d.decisionId } : {}),
    actorId: d.actorId,
    at: nowIso(),
    ...(rationale ? { rationale } : {}),
    ...(outcome ? { outcome } : {}),
  });
  incident.log(`decision:${d.kind}${outcome ? `:${outcome}` : ''}`, d.actorId);

  // Delay decisions under the 468.6-3 rules (workflows/delays.ts); the rest, and older incidents, here.
  if (!applyDelayDecision(incident, d)) applyOther(incident, d);
  handOver(incident, d);
  // The UI's current details leave out what has come in (workflows/details.ts).
  incident.publish();
}

function applyOther(incident: Incident, d: Decision): void {
  const { state } = incident;
  switch (d.kind) {
    case 'complete-report':
      applyCompletion(incident, d);
      break;
    case 'record-filed':
      recordFiledByHand(incident, d.reference, d.actorId);
      break;
    case 'report-filed':
      reportFiledByHand(incident, d);
      break;
    case 'reconcile-roster':
      incident.file.duty.reconciled = d.rationale;
      break;
    case 'assign-responsible-office':
      state.responsibleOffice = d.office;
      break;
    case 'convene-crg':
      state.crgConvened = d.convene;
      break;
    case 'submit-analysis': {
      if (incident.features.laterFacts) learnedInAnalysis(incident, d);
      // 5 FAM 468.4: the six considerations, the PII types and the protection give the risk of harm;
      // an override by the CRG is recorded beside the computed level.
      const r = incident.report;
      // 45 CFR 164.512(k)(5)(i): what stays a breach beside a custody exemption is assessed on its own.
      const remains = d.authorizedDisclosure ? remainingBreach(incident, d.authorizedDisclosure) : [];
      const computed = assessRisk({
        factors: d.factors,
        piiTypes: remains.length ? r.piiTypes.filter((t) => remains.includes(t)) : r.piiTypes,
        encrypted: r.encrypted,
        affectedPopulation: r.affectedPopulation,
        affectedCount: r.affectedCount,
      });
      const determined = applyOverride(computed.level, d.riskOverride);
      state.riskComputed = computed.level;
      state.risk = determined.level;
      state.riskReasons = [
        ...computed.reasons,
        ...(d.riskOverride ? [`overridden by the CRG to ${d.riskOverride.level}: ${d.riskOverride.rationale}`] : []),
      ];
      state.options = [...d.options];
      incident.liaisons = [...new Set(d.liaisons ?? [])];
      state.authorizedDisclosure = d.authorizedDisclosure
        ? { basis: d.authorizedDisclosure.basis, ...(remains.length ? { breachRemains: remains } : {}) }
        : null;
      if (incident.features.accounting && d.authorizedDisclosure) account(incident, d);
      // A resubmitted analysis replaces the option items not yet done.
      state.actionItems = state.actionItems.filter(
        (item) => item.status === 'done' || !Object.values(OPTION_ITEMS).some((o) => o?.id === item.id),
      );
      for (const option of d.options) {
        const item = OPTION_ITEMS[option];
        const medical = option === 'other-mitigation' && r.piiTypes.includes('medical');
        if (item) incident.addItem(item.id, item.owner, medical ? MEDICAL_MITIGATION : item.description);
      }
      incident.completeItem('risk-assessment', `risk ${state.risk} (${computed.level} computed)`, d.actorId);
      // A finding made again on the changed facts answers the reanalysis they asked for (468.4).
      incident.file.duty.reanalysis = null;
      break;
    }
    case 'cost-estimate':
      state.costEstimateUsd = d.estimatedCostUsd;
      incident.file.duty.costEstimatedFor = [...incident.costBasis];
      incident.completeItem('cost-consultation', `estimate USD ${d.estimatedCostUsd}`, d.actorId);
      break;
    case 'approve-letter':
      // 468.6-1a(1): the dates of the breach and its discovery from the incident, for everyone alike.
      incident.letter = {
        letter: incident.rules468
          ? withIncidentDates(d.letter, {
              occurredAt: incident.report.occurredAt,
              discoveredAt: incident.report.discoveredAt,
            })
          : d.letter,
        roster: d.roster,
        immediate: d.immediate ?? false,
      };
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
      state.delay = {
        notifyAfter: state.delay?.notifyAfter ?? nowIso(),
        requestingEntity: state.delay?.requestingEntity ?? 'security liaison',
        barred: true,
      };
      break;
    case 'complete-action-item':
      incident.completeItem(d.itemId as never, d.evidence, d.actorId);
      break;
    case 'sign-off-closure':
      incident.signedOff = true;
      incident.file.duty.signedOff = { at: nowIso(), by: d.actorId };
      break;
    default:
      break;
  }
}

/**
 * Facts the analysis learned (468.1(4), 468.3b(2), 469.6) re-open their duties as a supplement's would;
 * its count of the people affected, when higher than the report's, counts for the risk and for the
 * major-incident threshold.
 */
function learnedInAnalysis(incident: Incident, d: Extract<Decision, { kind: 'submit-analysis' }>): void {
  const before = incident.report;
  incident.report = { ...widened(before, d), affectedCount: Math.max(before.affectedCount, d.affectedCount ?? 0) };
  reopenDuties(incident, before, 'the analysis');
  if (incident.report.affectedCount > before.affectedCount)
    incident.log(
      'fact-learned:affected-count',
      d.actorId,
      `${before.affectedCount} → ${incident.report.affectedCount} people (the analysis)`,
    );
  checkMajorIncident(incident, 'the analysis');
}

/** 5 FAM 464c: the accounting entry of a disclosure found authorized, once per recipient and date. */
function account(incident: Incident, d: Extract<Decision, { kind: 'submit-analysis' }>): void {
  const ad = d.authorizedDisclosure;
  const { state } = incident;
  if (!ad?.recipient) return;
  // Only what the finding covers is a disclosure to account for; the rest stays a breach.
  const covered = incident.features.custodyFacts
    ? { ...incident.report, piiTypes: exemptPart(ad, incident.report.piiTypes).exempt }
    : incident.report;
  const entry = accountingEntry({ ...ad, recipient: ad.recipient }, covered, {
    incidentId: state.incidentId,
    seq: state.disclosures.length + 1,
    recordedAt: nowIso(),
    recordedBy: d.actorId,
  });
  const same = state.disclosures.find(
    (e) => e.basis === entry.basis && e.recipient.name === entry.recipient.name && e.disclosedAt === entry.disclosedAt,
  );
  if (same) return;
  state.disclosures.push(entry);
  incident.log('disclosure-accounted', d.actorId, `${entry.entryId}: ${entry.basis} (5 FAM 464c)`);
}
