/**
 * The one state object the handlers and the phases share: the contract's IncidentState plus what the
 * workflow keeps for itself (the report, the playbook it started with, accepted decisions).
 */
import { isPatched } from './since-marker.js';
import { setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { DecisionKind, Letter, RosterRef } from '../domain/decision.js';
import { parseDuration } from '../domain/durations.js';
import { holdersOf } from '../domain/playbook-terms.js';
import type { Playbook } from '../domain/playbook.js';
import type { IntakeReport, Report } from '../domain/report.js';
import type { Refusal } from '../domain/refusal.js';
import type { Role } from '../domain/roles.js';
import type { ActionItem, ActionItemId, CaseSummary, IncidentState, Phase } from '../domain/state.js';
import type { Recipient } from '../activities/index.js';
import { currentDetails } from './details.js';
import { NO_FEATURES, type Features } from './rule-sets.js';
import { GateBook } from './gate-clock.js';
import { emptyCaseFile } from './case-file.js';
import { refreshDuties, tellOwners } from './duty-rules.js';
import { DECISION_ID_IN_TIMELINE, SEARCH_ATTRIBUTES_ALWAYS } from './patch-ids.js';
import { Publisher } from './publisher.js';

export interface IncidentInput {
  incidentId: string;
  playbook: Playbook;
  /** When the API or CLI took the first report. */
  receivedAt: string;
  /**
   * The first report, when the incident is started without one named (client/incidents.ts): a plain
   * start, where a report naming its incident is a signal-with-start. Incidents started before carry
   * none and took it as the signal, so their histories replay as they ran.
   */
  report?: Report;
  /**
   * The case number people say (`PII-2026-0042`), assigned before the start (client/case-numbers.ts).
   * Absent in incidents started before numbers, or when the numbering did not answer in time.
   */
  caseNumber?: string;
}

/**
 * A field an input may carry from older code, read only so that the incidents started with it replay
 * as they ran: `searchAttributes: false` once turned the search attributes off for a test server that
 * had not registered them (tests now register them, as `npm start` does). An older `notifyRun` (the
 * notification run's tuning, now the playbook's `notification.continueAsNewAfter` and `progressEvery`)
 * is ignored: it only changed the child's input, never the incident's commands.
 */
export interface EarlierIncidentInput {
  searchAttributes?: boolean;
}

export function nowIso(): string {
  return new Date().toISOString();
}

export class Incident {
  readonly state: IncidentState;
  report!: IntakeReport;
  readonly playbook: Playbook;
  /** Applied decisions by decisionId: a repeat of one is applied once; the id reused for another decision is refused. */
  readonly seenDecisionIds = new Map<string, { kind: DecisionKind; actorId: string }>();
  /** Refused decisions by decisionId (the `decision` signal's and the refused updates'), for the `decisionOutcome` query. */
  readonly refusedDecisionIds = new Map<string, Refusal>();
  /** The gate bookkeeping (workflows/gates.ts: nothing else reads or writes it). */
  readonly gates = new GateBook();
  letter: { letter: Letter; roster: RosterRef; immediate: boolean } | null = null;
  signedOff = false;
  /** The liaison notices the CRG chose (467.4-2b(4)). */
  liaisons: string[] = [];
  /** The notification step failed for good: its item is then completed by a person, with evidence. */
  notificationFailed = false;
  outcome: CaseSummary['outcome'] = 'closed';
  notificationFailures: { line: number; reason: string }[] = [];
  /** What CGFS is asked to estimate (5 FAM 468.5d, domain/costs.ts); empty when nothing costs money. */
  costBasis: string[] = [];
  readonly background: Promise<unknown>[] = [];
  /** Of `background`, how many have not settled yet (workflows/background.ts). */
  backgroundInFlight = 0;
  /** What the case record keeps beyond the state (workflows/case-file.ts). */
  readonly file = emptyCaseFile();
  /**
   * The 468.6 rules for letters (468.6-1a(1), (5), 468.6-1b) and delays (468.6-3): decided once,
   * at the start (workflows/incident.ts), since the `decide` validator that applies them cannot call
   * patched(). An incident started before them keeps the rules it started with.
   */
  rules468 = false;
  /** The rules this incident runs under, fixed at its start (workflows/patches.ts). */
  features: Features = NO_FEATURES;
  /** What the case owes is derived (domain/duties.ts) and closure waits for every duty (workflows/patches.ts). */
  dutyRules = false;
  /** Duties carried out once whoever asks for them first (the report, a supplement, the analysis): `oig`, `security-incident`. */
  readonly duties = new Set<string>();
  /** The one-hour report's delivery, once started: updates for supplements go after it. */
  initialReport: Promise<unknown> | null = null;
  /** The search attributes and the case list's memo (workflows/publisher.ts). */
  readonly publisher = new Publisher(this);

  constructor(readonly input: IncidentInput) {
    this.playbook = input.playbook;
    this.state = {
      incidentId: input.incidentId,
      // State only (no command depends on it): histories with or without it replay alike.
      caseNumber: typeof input.caseNumber === 'string' ? input.caseNumber : null,
      phase: 'reporting',
      medium: 'cyber',
      risk: null,
      riskComputed: null,
      riskReasons: [],
      discoveredAt: '',
      reportingDeadline: '',
      reportedAt: null,
      reportedLate: false,
      responsibleOffice: null,
      crgConvened: null,
      options: [],
      authorizedDisclosure: null,
      costEstimateUsd: null,
      route: null,
      awaiting: null,
      actionItems: [],
      delay: null,
      notification: null,
      decisions: [],
      timeline: [],
      supplements: 0,
      closedAt: null,
      disclosures: [],
      majorIncident: null,
      reportReference: null,
      reportReceipts: [],
    };
  }

  get workflowId(): string {
    return workflowInfo().workflowId;
  }

  ms(timer: Exclude<keyof Playbook['timers'], 'returnsWindow'>): number {
    return parseDuration(this.playbook.timers[timer]);
  }

  log(event: string, actorId?: string, detail?: string, decisionId?: string): void {
    const withId = decisionId !== undefined && isPatched(DECISION_ID_IN_TIMELINE);
    this.state.timeline.push({
      at: nowIso(),
      event,
      ...(actorId ? { actorId } : {}),
      ...(detail ? { detail } : {}),
      ...(withId ? { decisionId } : {}),
    });
    this.publish();
  }

  setPhase(phase: Phase): void {
    if (this.state.phase !== phase) {
      this.state.phase = phase;
      this.log(`phase:${phase}`);
    }
    // A transition is the main flow's answer to every decision accepted so far.
    this.gates.transitioned();
    this.publish();
  }

  /** What the incident awaits, from whom: said by workflows/gates.ts only (every wait goes through it). */
  await(role: Role | null, kinds: DecisionKind[]): void {
    this.state.awaiting = role ? { role, kinds, since: nowIso() } : null;
    this.publish();
  }

  recipients(role: Role): Recipient[] {
    return holdersOf(this.playbook, role).map((p) => ({ id: p.id, name: p.name, email: p.email }));
  }

  addItem(id: ActionItemId, ownerRole: Role, description?: string): void {
    if (!this.state.actionItems.some((item) => item.id === id)) {
      const item: ActionItem = { id, ownerRole, status: 'open', ...(description ? { description } : {}) };
      this.state.actionItems.push(item);
      this.log(`action-item-opened:${id}`);
      // Items the workflow completes itself are no one's to do (workflows/decisions.ts).
      if (this.dutyRules && !['risk-assessment', 'cost-consultation', 'notification'].includes(id))
        tellOwners(this, item);
    }
  }

  completeItem(id: ActionItemId, evidence: string, actorId?: string): void {
    const item = this.state.actionItems.find((i) => i.id === id);
    if (!item || item.status === 'done') return;
    item.status = 'done';
    item.evidence = evidence;
    item.completedAt = nowIso();
    if (actorId) item.completedBy = actorId;
    this.log(`action-item-done:${id}`, actorId);
  }

  openItems(): ActionItem[] {
    return this.state.actionItems.filter((i) => i.status === 'open');
  }

  /** Search attributes and the UI's current details, at every change (no PII in either). */
  publish(): void {
    this.publisher.publish();
    if (this.dutyRules) refreshDuties(this);
    this.showDetails();
  }

  /** What is pending, upserted now: before the workflow returns, since no command may follow its completion. */
  flush(): void {
    this.publisher.flush();
  }

  /** The UI's current details again (a wait's clock changed); no command, so no history event. */
  showDetails(): void {
    setCurrentDetails(currentDetails(this));
  }

  /** Whether this incident upserts search attributes (publish() and the major-incident flag). */
  searchAttributesOn(): boolean {
    if ((this.input as EarlierIncidentInput).searchAttributes !== false) return true;
    return isPatched(SEARCH_ATTRIBUTES_ALWAYS);
  }
}
