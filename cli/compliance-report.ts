/**
 * The compliance report's arithmetic, apart from Temporal (docs/style.md 3): incidents by phase, the share
 * of one-hour reports delivered in time (5 FAM 468.3b(1)), the median and worst time spent at each
 * gate, the gates open now by role, and the incidents past a deadline.
 */
import type { IncidentState } from '../domain/state.js';

/** One incident as the report sees it: from its state when the query answers, else from its search attributes. */
export interface ComplianceIncident {
  incidentId: string;
  phase: string | null;
  startedAt: string;
  closedAt: string | null;
  reportingDeadline: string | null;
  reportedAt: string | null;
  reportedLate: boolean;
  awaiting: { role: string; kinds: string[]; since: string } | null;
  /** The phase changes in order (timeline `phase:<name>`); before the first, the incident was reporting. */
  phaseChanges: { at: string; phase: string }[];
}

/** The phases where the incident waits for people (docs/contract.md "Phases"). */
export const GATE_PHASES = [
  'triage',
  'analysis',
  'cost-consultation',
  'ppgb-chair-review',
  'ppgb-review',
  'under-secretary-review',
  'notification-prep',
  'remediation',
  'closure-review',
] as const;

export interface GateStats {
  gate: string;
  /** Visits that ended (the incident moved on). */
  completed: number;
  medianMs: number | null;
  worstMs: number | null;
  /** Incidents at this gate now. */
  openNow: number;
  oldestOpenMs: number | null;
}

export interface PastDeadline {
  incidentId: string;
  deadline: 'reporting' | 'gate-escalation';
  due: string;
  overdueMs: number;
  detail: string;
}

export interface ComplianceReport {
  generatedAt: string;
  since: string | null;
  incidents: number;
  byPhase: { phase: string; count: number }[];
  reporting: { onTime: number; late: number; pending: number; shareOnTime: number | null };
  gates: GateStats[];
  openGatesByRole: { role: string; open: number; oldestSince: string; incidents: string[] }[];
  pastDeadline: PastDeadline[];
}

export interface ComplianceOptions {
  now: Date;
  since?: Date;
  /** The playbook's gateEscalateAfter: a gate open longer than this is past its deadline. */
  gateEscalateAfterMs: number;
  /** Phase order for `byPhase` (the contract's). */
  phaseOrder: readonly string[];
}

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The incident's visits to each phase: `[phase, from, to | null]`, null while it is still there. */
export function phaseVisits(incident: ComplianceIncident): { phase: string; from: number; to: number | null }[] {
  const visits: { phase: string; from: number; to: number | null }[] = [];
  let current = { phase: 'reporting', from: Date.parse(incident.startedAt) };
  for (const change of incident.phaseChanges) {
    const at = Date.parse(change.at);
    visits.push({ ...current, to: at });
    current = { phase: change.phase, from: at };
  }
  const end = incident.closedAt ? Date.parse(incident.closedAt) : null;
  visits.push({ ...current, to: current.phase === 'closed' ? current.from : end });
  return visits;
}

export function computeCompliance(incidents: ComplianceIncident[], options: ComplianceOptions): ComplianceReport {
  const now = options.now.getTime();

  const counts = new Map<string, number>();
  for (const i of incidents) counts.set(i.phase ?? 'unknown', (counts.get(i.phase ?? 'unknown') ?? 0) + 1);
  const order = (phase: string) =>
    (options.phaseOrder.indexOf(phase) + options.phaseOrder.length + 1) % (options.phaseOrder.length + 1);
  const byPhase = [...counts]
    .map(([phase, count]) => ({ phase, count }))
    .sort((a, b) => order(a.phase) - order(b.phase));

  let onTime = 0;
  let late = 0;
  let pending = 0;
  const pastDeadline: PastDeadline[] = [];
  for (const i of incidents) {
    const deadline = i.reportingDeadline ? Date.parse(i.reportingDeadline) : null;
    const delivered = i.reportedAt ? Date.parse(i.reportedAt) : null;
    const missed = i.reportedLate || (deadline !== null && (delivered ?? now) > deadline);
    if (missed) {
      late += 1;
      if (deadline !== null) {
        pastDeadline.push({
          incidentId: i.incidentId,
          deadline: 'reporting',
          due: new Date(deadline).toISOString(),
          overdueMs: Math.max(0, (delivered ?? now) - deadline),
          detail:
            delivered !== null ? `one-hour report delivered late, at ${i.reportedAt}` : 'one-hour report not delivered',
        });
      }
    } else if (delivered !== null) onTime += 1;
    else pending += 1;
  }

  const gates: GateStats[] = GATE_PHASES.map((gate) => ({
    gate,
    completed: 0,
    medianMs: null,
    worstMs: null,
    openNow: 0,
    oldestOpenMs: null,
  }));
  const durations = new Map<string, number[]>(GATE_PHASES.map((g) => [g, []]));
  for (const i of incidents) {
    for (const visit of phaseVisits(i)) {
      const stats = gates.find((g) => g.gate === visit.phase);
      if (!stats) continue;
      if (visit.to === null) {
        stats.openNow += 1;
        stats.oldestOpenMs = Math.max(stats.oldestOpenMs ?? 0, now - visit.from);
      } else {
        durations.get(visit.phase)!.push(visit.to - visit.from);
      }
    }
  }
  for (const stats of gates) {
    const values = durations.get(stats.gate)!;
    stats.completed = values.length;
    stats.medianMs = median(values);
    stats.worstMs = values.length ? Math.max(...values) : null;
  }

  const roles = new Map<string, { role: string; open: number; oldestSince: string; incidents: string[] }>();
  for (const i of incidents) {
    if (!i.awaiting || i.closedAt) continue;
    const entry = roles.get(i.awaiting.role) ?? {
      role: i.awaiting.role,
      open: 0,
      oldestSince: i.awaiting.since,
      incidents: [],
    };
    entry.open += 1;
    entry.incidents.push(i.incidentId);
    if (Date.parse(i.awaiting.since) < Date.parse(entry.oldestSince)) entry.oldestSince = i.awaiting.since;
    roles.set(i.awaiting.role, entry);
    const due = Date.parse(i.awaiting.since) + options.gateEscalateAfterMs;
    if (due < now) {
      pastDeadline.push({
        incidentId: i.incidentId,
        deadline: 'gate-escalation',
        due: new Date(due).toISOString(),
        overdueMs: now - due,
        detail: `${i.awaiting.kinds.join(', ')} awaited from the ${i.awaiting.role} since ${i.awaiting.since}`,
      });
    }
  }

  return {
    generatedAt: options.now.toISOString(),
    since: options.since ? options.since.toISOString() : null,
    incidents: incidents.length,
    byPhase,
    reporting: { onTime, late, pending, shareOnTime: onTime + late ? onTime / (onTime + late) : null },
    gates,
    openGatesByRole: [...roles.values()].sort((a, b) => b.open - a.open || a.role.localeCompare(b.role)),
    pastDeadline: pastDeadline.sort((a, b) => b.overdueMs - a.overdueMs),
  };
}

/** The report's view of a queried state. */
export function complianceIncidentFromState(
  state: IncidentState,
  startedAt: string,
  closedAt: string | null,
): ComplianceIncident {
  return {
    incidentId: state.incidentId,
    phase: state.phase,
    startedAt,
    closedAt: state.closedAt ?? closedAt,
    reportingDeadline: state.reportingDeadline || null,
    reportedAt: state.reportedAt,
    reportedLate: state.reportedLate,
    awaiting: state.awaiting,
    phaseChanges: state.timeline
      .filter((t) => t.event.startsWith('phase:'))
      .map((t) => ({ at: t.at, phase: t.event.slice('phase:'.length) })),
  };
}
