/**
 * The one state object the handlers and the phases share: the contract's IncidentState plus what the
 * workflow keeps for itself (the report, the playbook it started with, accepted decisions).
 */
import { patched, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Decision, DecisionKind, DecisionOf, Letter, RosterRef } from '../domain/decision.js';
import { parseDuration } from '../domain/durations.js';
import { holdersOf, type Playbook } from '../domain/playbook.js';
import type { IntakeReport } from '../domain/report.js';
import type { Role } from '../domain/roles.js';
import {
  BreachAwaitingRole,
  BreachAwaitingSince,
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

/**
 * Since this patch the open gate's start is published too (BreachAwaitingSince), so that operators can
 * count gates by how long they have waited without asking each workflow (worker/collector.ts). Incidents
 * that published before it replay their upserts as they were and add the attribute from then on.
 */
export const AWAITING_SINCE_ATTRIBUTE = 'awaiting-since-attribute';

export function nowIso(): string {
  return new Date().toISOString();
}

export class Incident {
  readonly state: IncidentState;
  report!: IntakeReport;
  readonly playbook: Playbook;
  /** Accepted gate decisions the main flow has not consumed yet, by kind. */
  readonly accepted = new Map<DecisionKind, Decision>();
  /** Applied decisions by decisionId: a repeat of one is applied once; the id reused for another decision is refused. */
  readonly seenDecisionIds = new Map<string, { kind: DecisionKind; actorId: string }>();
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
    const publishing = Boolean(s.reportingDeadline) && this.input.searchAttributes !== false;
    const withSince = publishing && patched(AWAITING_SINCE_ATTRIBUTE);
    const key = JSON.stringify([s.phase, s.medium, s.risk, s.reportingDeadline, s.reportedLate, s.awaiting?.role ?? null, withSince ? (s.awaiting?.since ?? null) : null]);
    if (key !== this.published && publishing) {
      this.published = key;
      upsertSearchAttributes([
        { key: BreachPhase, value: s.phase },
        { key: BreachMedium, value: s.medium },
        { key: BreachRisk, value: s.risk },
        { key: BreachReportingDeadline, value: new Date(s.reportingDeadline) },
        { key: BreachReportedLate, value: s.reportedLate },
        { key: BreachAwaitingRole, value: s.awaiting?.role ?? null },
        ...(withSince ? [{ key: BreachAwaitingSince, value: s.awaiting ? new Date(s.awaiting.since) : null }] : []),
      ]);
    }
    setCurrentDetails(this.details());
  }

  /**
   * The UI's current details: what the incident waits for, from whom, and the next deadline, in a few
   * lines of markdown. Roles, person ids, decision kinds and times only: no PII (and the codec encrypts it).
   * Recomputed at every change; a gate's reminder or escalation logs to the timeline, so the deadline
   * shown moves on when its timer fires.
   */
  private details(): string {
    const s = this.state;
    const lines = [`**Phase:** ${s.phase} · **Medium:** ${s.medium}${s.risk ? ` · **Risk:** ${s.risk}` : ''}`];
    if (s.awaiting) {
      const who = holdersOf(this.playbook, s.awaiting.role).map((p) => p.id);
      // Triage waits for two decisions: the one already in is not waited for any more.
      const pending = s.awaiting.kinds.filter((kind) => !(this.waitingFor.has(kind as DecisionKind) && this.accepted.has(kind as DecisionKind)));
      const kinds = pending.length ? pending : s.awaiting.kinds;
      lines.push(`**Waiting for:** ${kinds.join(', ')} — from the ${s.awaiting.role}${who.length ? ` (${who.join(', ')})` : ''}, since ${s.awaiting.since}`);
    }
    const next = this.deadlines().sort((a, b) => a.at - b.at)[0];
    if (next) lines.push(`**Next deadline:** ${new Date(next.at).toISOString()} — ${next.what}`);
    // A late report stays in view: the UI's list shows BreachReportedLate, the details say when.
    if (s.phase === 'reporting' || !s.reportedAt || s.reportedLate) {
      lines.push(
        s.reportedAt
          ? `**Reported:** ${s.reportedAt}${s.reportedLate ? ' (late)' : ''}`
          : `**One-hour report due:** ${s.reportingDeadline}${s.reportedLate ? ' — **LATE, escalated**' : ''}`,
      );
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

  /** The timers running now, as the policy names them (the same clocks as gates.ts, reporting.ts, response.ts, notification.ts). */
  private deadlines(): { at: number; what: string }[] {
    const s = this.state;
    const now = Date.now();
    const found: { at: number; what: string }[] = [];
    if (!s.reportedAt && !s.reportedLate && s.reportingDeadline) {
      found.push({ at: Date.parse(s.reportingDeadline), what: `the one-hour report to ${s.medium === 'cyber' ? 'US-CERT' : 'the Privacy Division'} (5 FAM 468.3b(1))` });
    }
    const awaiting = s.awaiting;
    if (!awaiting) return found;
    const since = Date.parse(awaiting.since);
    if (s.phase === 'ppgb-advised') {
      found.push({ at: since + this.ms('minimalRiskObjectionWindow'), what: 'the PPGB objection window ends: closure review unless the PPGB Chair overrides (5 FAM 468.5c)' });
    } else if (s.phase === 'notification-delayed' && s.delay) {
      found.push({ at: Date.parse(s.delay.notifyAfter), what: 'the security delay ends and notification goes out (5 FAM 468.6-3)' });
    } else {
      const interval = this.ms('gateReminderInterval');
      const escalation = since + this.ms('gateEscalateAfter');
      const reminder = since + interval * (Math.floor((now - since) / interval) + 1);
      if (escalation > now && escalation <= reminder) found.push({ at: escalation, what: 'escalation to the SAOP (the PPGB Chair, 5 FAM 468.2a)' });
      else if (escalation > now) found.push({ at: reminder, what: `reminder to the ${awaiting.role}; escalation to the SAOP at ${new Date(escalation).toISOString()}` });
      else found.push({ at: reminder, what: `reminder to the ${awaiting.role} (escalated to the SAOP at ${new Date(escalation).toISOString()})` });
    }
    return found;
  }
}
