/**
 * The one state object the handlers and the phases share: the contract's IncidentState plus what the
 * workflow keeps for itself (the report, the playbook it started with, accepted decisions).
 */
import { setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Decision, DecisionKind, DecisionOf, Letter, RosterRef } from '../domain/decision.js';
import { parseDuration } from '../domain/durations.js';
import { holdersOf, type Playbook } from '../domain/playbook.js';
import type { IntakeReport } from '../domain/report.js';
import type { Role } from '../domain/roles.js';
import {
  BreachAwaitingRole,
  BreachMedium,
  BreachPhase,
  BreachReportedLate,
  BreachReportingDeadline,
  BreachRisk,
} from '../domain/search-attributes.js';
import type { ActionItem, ActionItemId, CaseSummary, IncidentState, Phase } from '../domain/state.js';
import type { Recipient } from '../activities/index.js';
import type { NotifyRosterInput } from './notify-messages.js';

export interface IncidentInput {
  incidentId: string;
  playbook: Playbook;
  /** When the API or CLI took the first report. */
  receivedAt: string;
  /**
   * Upsert the Breach* search attributes (default true). Only for a server where they cannot be
   * registered: the time-skipping test server has no operator service, and an unregistered attribute
   * fails every workflow task. The API and CLI always leave it on.
   */
  searchAttributes?: boolean;
  /** Tuning of the notification run (workflows/notify-roster.ts); the defaults suit production, tests make them small. */
  notifyRun?: Pick<NotifyRosterInput, 'continueAsNewAfter' | 'progressEveryMs'>;
}

export function nowIso(): string {
  return new Date().toISOString();
}

export class Incident {
  readonly state: IncidentState;
  report!: IntakeReport;
  readonly playbook: Playbook;
  /** Accepted gate decisions the main flow has not consumed yet, by kind. */
  readonly accepted = new Map<DecisionKind, Decision>();
  readonly seenDecisionIds = new Set<string>();
  /** Kinds the main flow is waiting for right now (an update for one of them returns after the transition). */
  readonly waitingFor = new Set<DecisionKind>();
  /** The predicate of the gate the main flow waits at: an update returns after the transition only when it opens the gate. */
  gateDone: (() => boolean) | null = null;
  acceptedSeq = 0;
  processedSeq = 0;
  letter: { letter: Letter; roster: RosterRef; immediate: boolean } | null = null;
  signedOff = false;
  /** The liaison notices the CRG chose (467.4-2b(4)). */
  liaisons: string[] = [];
  /** The notification step failed for good: its item is then completed by a person, with evidence. */
  notificationFailed = false;
  outcome: CaseSummary['outcome'] = 'closed';
  notificationFailures: { line: number; reason: string }[] = [];
  readonly background: Promise<unknown>[] = [];
  private published = '';

  constructor(readonly input: IncidentInput) {
    this.playbook = input.playbook;
    this.state = {
      incidentId: input.incidentId,
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
      awaiting: null,
      actionItems: [],
      delay: null,
      notification: null,
      decisions: [],
      timeline: [],
      supplements: 0,
      closedAt: null,
    };
  }

  get workflowId(): string {
    return workflowInfo().workflowId;
  }

  ms(timer: keyof Playbook['timers']): number {
    return parseDuration(this.playbook.timers[timer]);
  }

  log(event: string, actorId?: string, detail?: string): void {
    this.state.timeline.push({ at: nowIso(), event, ...(actorId ? { actorId } : {}), ...(detail ? { detail } : {}) });
    this.publish();
  }

  setPhase(phase: Phase): void {
    if (this.state.phase !== phase) {
      this.state.phase = phase;
      this.log(`phase:${phase}`);
    }
    // A transition is the main flow's answer to every decision accepted so far.
    this.processedSeq = this.acceptedSeq;
    this.publish();
  }

  await(role: Role | null, kinds: DecisionKind[]): void {
    this.state.awaiting = role ? { role, kinds, since: nowIso() } : null;
    this.publish();
  }

  recipients(role: Role): Recipient[] {
    return holdersOf(this.playbook, role).map((p) => ({ id: p.id, name: p.name, email: p.email }));
  }

  take<K extends DecisionKind>(kind: K): DecisionOf<K> | undefined {
    const decision = this.accepted.get(kind) as DecisionOf<K> | undefined;
    this.accepted.delete(kind);
    return decision;
  }

  addItem(id: ActionItemId, ownerRole: Role, description?: string): void {
    if (!this.state.actionItems.some((item) => item.id === id)) {
      this.state.actionItems.push({ id, ownerRole, status: 'open', ...(description ? { description } : {}) });
      this.log(`action-item-opened:${id}`);
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
    const s = this.state;
    const key = JSON.stringify([s.phase, s.medium, s.risk, s.reportingDeadline, s.reportedLate, s.awaiting?.role ?? null]);
    if (key !== this.published && s.reportingDeadline && this.input.searchAttributes !== false) {
      this.published = key;
      upsertSearchAttributes([
        { key: BreachPhase, value: s.phase },
        { key: BreachMedium, value: s.medium },
        { key: BreachRisk, value: s.risk },
        { key: BreachReportingDeadline, value: new Date(s.reportingDeadline) },
        { key: BreachReportedLate, value: s.reportedLate },
        { key: BreachAwaitingRole, value: s.awaiting?.role ?? null },
      ]);
    }
    setCurrentDetails(this.details());
  }

  private details(): string {
    const s = this.state;
    const lines = [`**Phase:** ${s.phase} · **Medium:** ${s.medium}${s.risk ? ` · **Risk:** ${s.risk}` : ''}`];
    if (s.phase === 'reporting' || !s.reportedAt) {
      lines.push(
        s.reportedAt
          ? `**Reported:** ${s.reportedAt}${s.reportedLate ? ' (late)' : ''}`
          : `**One-hour report due:** ${s.reportingDeadline}${s.reportedLate ? ' — **LATE, escalated**' : ''}`,
      );
    }
    if (s.awaiting) {
      const due = new Date(Date.parse(s.awaiting.since) + this.ms('gateEscalateAfter')).toISOString();
      lines.push(`**Waiting for:** ${s.awaiting.role} — ${s.awaiting.kinds.join(', ')} (since ${s.awaiting.since}; escalates to the SAOP at ${due})`);
    }
    if (s.delay) lines.push(s.delay.barred ? '**Notification barred** (5 FAM 468.6-3b)' : `**Notification delayed until:** ${s.delay.notifyAfter}`);
    if (s.notification) {
      const n = s.notification;
      const done = n.processed ?? 0;
      const progress = n.total ? ` · ${done} of ${n.total} people done, ${Math.max(0, n.total - done)} remaining` : '';
      lines.push(`**Notification:** ${n.letters} letters, ${n.emails} emails, ${n.failed} failed${progress}${n.substituteNotice ? ', substitute notice' : ''}`);
    }
    const open = this.openItems().map((i) => i.id);
    if (open.length) lines.push(`**Open action items:** ${open.join(', ')}`);
    return lines.join('\n\n');
  }
}
