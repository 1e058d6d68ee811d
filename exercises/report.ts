/**
 * The after-action report of an exercise run (docs/exercises.md, the after-action report), computed from the run's plan and state
 * and its incident's state, apart from Temporal (docs/style.md 3). Every time is given in *scenario*
 * time (real time × speed) from discovery, the clock the scenario and the policy speak in.
 */
import { parseDuration } from '../domain/durations.js';
import type { ExpectationEvent } from '../domain/exercise.js';
import { marks } from '../domain/milestones.js';
import type { IncidentState } from '../domain/state.js';
import type { ExerciseInput, ExerciseState } from '../workflows/exercise-messages.js';

export type ExpectationResult = 'met' | 'missed' | 'pending';

export interface ExpectationOutcome {
  id: string;
  title: string;
  event: ExpectationEvent;
  happens: boolean;
  result: ExpectationResult;
  /** Scenario ms from discovery when the event happened; null when it did not. */
  atMs: number | null;
  withinMs: number | null;
  detail: string;
}

export interface Finding {
  id: string;
  text: string;
  /** draft: written from the figures; facilitator: edited or added in the findings file. */
  source: 'draft' | 'facilitator';
}

export interface AfterActionReport {
  runId: string;
  scenarioId: string;
  title: string;
  speed: number;
  incidentId: string;
  startedAt: string;
  endedAt: string | null;
  status: ExerciseState['status'];
  generatedAt: string;
  incident: { phase: string | null; risk: string | null; outcome: string | null; reportedLate: boolean | null };
  summary: { met: number; missed: number; pending: number };
  expectations: ExpectationOutcome[];
  /** Each phase the incident went through, scenario ms from discovery. */
  phases: { phase: string; fromMs: number; toMs: number | null }[];
  /** Time at each gate against the policy's deadline for it. */
  gates: {
    gate: string;
    durationMs: number | null;
    deadlineMs: number | null;
    deadline: string | null;
    overDeadline: boolean;
  }[];
  actors: { actorId: string; decisions: { kind: string; atMs: number; outcome?: string }[] }[];
  reminders: { role: string; atMs: number }[];
  escalations: { role: string; atMs: number; detail?: string }[];
  injects: {
    id: string;
    title: string;
    type: string;
    atMs: number;
    firedAtMs: number | null;
    outcome: string;
    detail: string | null;
  }[];
  findings: Finding[];
}

/** Deadlines the policy puts on each phase (scenario time), by the playbook timer that carries it. */
function gateDeadline(phase: string, timers: ExerciseInput['scenarioTimers']): { ms: number; what: string } | null {
  if (phase === 'reporting')
    return { ms: parseDuration(timers.reportingDeadline), what: 'one-hour report (5 FAM 468.3b(1))' };
  if (phase === 'ppgb-advised')
    return { ms: parseDuration(timers.minimalRiskObjectionWindow), what: 'PPGB objection window (5 FAM 468.5c)' };
  if (phase === 'notification-delayed' || phase === 'notifying' || phase === 'closed') return null;
  return { ms: parseDuration(timers.gateEscalateAfter), what: 'escalation to the SAOP (5 FAM 468.2a)' };
}

const fmt = (ms: number) => {
  const m = Math.round(ms / 60_000);
  if (m < 60) return `${m} min`;
  if (m < 48 * 60) return `${Math.floor(m / 60)} h ${m % 60 ? `${m % 60} min` : ''}`.trim();
  return `${Math.floor(m / 1440)} d ${Math.round((m % 1440) / 60)} h`;
};
export const scenarioDuration = fmt;

export function afterAction(
  input: ExerciseInput,
  exercise: ExerciseState,
  incident: IncidentState | null,
  now: Date,
  edited: Finding[] = [],
): AfterActionReport {
  const t0 = Date.parse(input.startedAt);
  const scen = (iso: string) => Math.max(0, Math.round((Date.parse(iso) - t0) * input.speed));
  const nowMs = scen(now.toISOString());
  const ended = exercise.status !== 'running';
  const timeline = incident?.timeline ?? [];

  const expectations = input.expectations.map((e): ExpectationOutcome => {
    const hit = timeline.find((t) => marks(e.event, t, e.role));
    const atMs = hit ? scen(hit.at) : null;
    const withinMs = e.within ? parseDuration(e.within) : null;
    let result: ExpectationResult;
    let detail: string;
    if (e.happens) {
      if (atMs !== null && (withinMs === null || atMs <= withinMs)) {
        result = 'met';
        detail = `at +${fmt(atMs)}${withinMs !== null ? ` (deadline +${fmt(withinMs)})` : ''}`;
      } else if (atMs !== null) {
        result = 'missed';
        detail = `at +${fmt(atMs)}, ${fmt(atMs - withinMs!)} after the deadline of +${fmt(withinMs!)}`;
      } else if (ended || (withinMs !== null && nowMs > withinMs)) {
        result = 'missed';
        detail = `did not happen${withinMs !== null ? ` by +${fmt(withinMs)}` : ''} (exercise ${ended ? `ended at +${fmt(scen(exercise.endedAt ?? now.toISOString()))}` : `at +${fmt(nowMs)}`})`;
      } else {
        result = 'pending';
        detail = `not yet (exercise at +${fmt(nowMs)})`;
      }
    } else if (atMs !== null) {
      result = 'missed';
      detail = `happened at +${fmt(atMs)} though it should not have`;
    } else {
      result = ended ? 'met' : 'pending';
      detail = ended ? 'did not happen' : 'has not happened so far';
    }
    return { id: e.id, title: e.title, event: e.event, happens: e.happens, result, atMs, withinMs, detail };
  });

  const changes = timeline.filter((t) => t.event.startsWith('phase:'));
  const phases: AfterActionReport['phases'] = [];
  let current = { phase: 'reporting', fromMs: input.reportDueMs * input.speed };
  for (const c of changes) {
    phases.push({ ...current, toMs: scen(c.at) });
    current = { phase: c.event.slice('phase:'.length), fromMs: scen(c.at) };
  }
  if (incident)
    phases.push({
      ...current,
      toMs: current.phase === 'closed' ? current.fromMs : ended ? scen(exercise.endedAt ?? now.toISOString()) : null,
    });

  const gates = phases
    .filter((p) => p.phase !== 'closed')
    .map((p) => {
      // The one-hour clock runs from discovery, not from intake (468.3b(1)).
      const from = p.phase === 'reporting' ? 0 : p.fromMs;
      const durationMs = p.toMs === null ? nowMs - from : p.toMs - from;
      const deadline = gateDeadline(p.phase, input.scenarioTimers);
      const overDeadline =
        p.phase === 'reporting' ? Boolean(incident?.reportedLate) : deadline !== null && durationMs > deadline.ms;
      return {
        gate: p.phase,
        durationMs,
        deadlineMs: deadline?.ms ?? null,
        deadline: deadline?.what ?? null,
        overDeadline,
      };
    });

  const byActor = new Map<string, AfterActionReport['actors'][number]>();
  for (const d of incident?.decisions ?? []) {
    const entry = byActor.get(d.actorId) ?? { actorId: d.actorId, decisions: [] };
    entry.decisions.push({ kind: d.kind, atMs: scen(d.at), ...(d.outcome ? { outcome: d.outcome } : {}) });
    byActor.set(d.actorId, entry);
  }
  const reminders = timeline
    .filter((t) => t.event.startsWith('reminder:'))
    .map((t) => ({ role: t.event.slice('reminder:'.length), atMs: scen(t.at) }));
  const escalations = [
    ...timeline
      .filter((t) => t.event.startsWith('escalated:'))
      .map((t) => ({ role: t.event.slice('escalated:'.length), atMs: scen(t.at) })),
    ...timeline
      .filter((t) => t.event.startsWith('reported-late'))
      .map((t) => ({
        role: 'reporting',
        atMs: scen(t.at),
        detail: 'one-hour report late: SAOP and Privacy Division told',
      })),
  ].sort((a, b) => a.atMs - b.atMs);
  const injects = exercise.injects.map((i) => ({
    id: i.id,
    title: i.title,
    type: i.type,
    atMs: i.atScenarioMs,
    firedAtMs: i.firedAt ? scen(i.firedAt) : null,
    outcome: i.outcome,
    detail: i.detail,
  }));

  const draft: Finding[] = [
    ...expectations
      .filter((e) => e.result === 'missed')
      .map((e) => ({ id: `missed-${e.id}`, text: `${e.title}: missed, ${e.detail}.`, source: 'draft' as const })),
    ...injects
      .filter((i) => i.outcome === 'refused')
      .map((i) => ({
        id: `inject-${i.id}`,
        text: `Inject "${i.title}" was refused: ${i.detail ?? ''}`,
        source: 'draft' as const,
      })),
    ...gates
      .filter((g) => g.overDeadline && g.gate !== 'reporting')
      .map((g) => ({
        id: `gate-${g.gate}`,
        text: `The ${g.gate} gate took ${fmt(g.durationMs ?? 0)}, beyond its ${g.deadline} of ${fmt(g.deadlineMs ?? 0)}.`,
        source: 'draft' as const,
      })),
  ];
  return {
    runId: input.runId,
    scenarioId: input.scenarioId,
    title: input.title,
    speed: input.speed,
    incidentId: input.incidentId,
    startedAt: input.startedAt,
    endedAt: exercise.endedAt,
    status: exercise.status,
    generatedAt: now.toISOString(),
    incident: {
      phase: incident?.phase ?? null,
      risk: incident?.risk ?? null,
      outcome: exercise.incidentOutcome,
      reportedLate: incident?.reportedLate ?? null,
    },
    summary: {
      met: expectations.filter((e) => e.result === 'met').length,
      missed: expectations.filter((e) => e.result === 'missed').length,
      pending: expectations.filter((e) => e.result === 'pending').length,
    },
    expectations,
    phases,
    gates,
    actors: [...byActor.values()],
    reminders,
    escalations,
    injects,
    findings: mergeFindings(draft, edited),
  };
}

/** The facilitator's findings win over the drafts of the same id; their own are kept after the drafts. */
export function mergeFindings(draft: Finding[], edited: Finding[]): Finding[] {
  const byId = new Map(edited.map((f) => [f.id, { ...f, source: 'facilitator' as const }]));
  // An entry of the findings file left as drafted stays a draft.
  const merged = draft.map((f) => (byId.get(f.id)?.text === f.text ? f : (byId.get(f.id) ?? f)));
  for (const f of byId.values()) if (!draft.some((d) => d.id === f.id)) merged.push(f);
  return merged.filter((f) => f.text.trim() !== '');
}
