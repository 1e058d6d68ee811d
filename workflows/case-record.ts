/**
 * Builds the case record (domain/case-record.ts, docs/case-record.md) from what the incident keeps.
 * Pure and deterministic (runs in the workflow: the `caseRecord` query and the archive at closure); the
 * letter's digest is left null here and filled by sealCaseRecord outside the sandbox.
 *
 * To extend: a field of IncidentState this file does not know (added by another part of the system)
 * lands at the record's top level by its own name without a change here; a section built from more than the
 * state is one function in SECTIONS.
 */
import { CASE_RECORD_SCHEMA, CASE_RECORD_VERSION, canonicalJson } from '../domain/case-record-format.js';
import type { CaseRecord, DeadlineEntry } from '../domain/case-record.js';
import type { Letter, RosterRef } from '../domain/decision.js';
import { DELAY_KINDS } from '../domain/gates.js';
import { parseDuration } from '../domain/durations.js';
import type { Playbook } from '../domain/playbook.js';
import type { CaseSummary, IncidentState, TimelineEntry } from '../domain/state.js';
import { latestAnalysis, type CaseFile } from './case-file.js';

export interface RecordSource {
  state: IncidentState;
  playbook: Playbook;
  receivedAt: string;
  outcome: CaseSummary['outcome'];
  file: CaseFile;
  letter: { letter: Letter; roster: RosterRef; immediate: boolean } | null;
  notificationFailures: { line: number; reason: string }[];
  /** Workflow time now (ISO). */
  now: string;
  /** What the CGFS estimate was built on, when the incident keeps it. */
  costBasis?: unknown;
}

/** State fields the record carries in sections of its own; any other field goes under `extensions`. */
const KNOWN_STATE_FIELDS = new Set([
  'incidentId',
  'phase',
  'medium',
  'risk',
  'riskComputed',
  'riskReasons',
  'discoveredAt',
  'reportingDeadline',
  'reportedAt',
  'reportedLate',
  'responsibleOffice',
  'crgConvened',
  'options',
  'authorizedDisclosure',
  'costEstimateUsd',
  'awaiting',
  'actionItems',
  'delay',
  'notification',
  'decisions',
  'timeline',
  'supplements',
  'closedAt',
  'duties',
  'reanalysis',
]);

/** Gate phases and the policy paragraph of the decision each waits for (docs/lifecycle.md). */
const GATE_PHASES: Record<string, string> = {
  triage: '5 FAM 467.4-2a',
  analysis: '5 FAM 468.4',
  'cost-consultation': '5 FAM 468.5d',
  'ppgb-chair-review': '5 FAM 468.5b',
  'ppgb-review': '5 FAM 468.5b',
  'under-secretary-review': '5 FAM 468.5e',
  'notification-prep': '5 FAM 468.6-1',
  remediation: '5 FAM 467.2c',
  'closure-review': '5 FAM 467.2c',
  archiving: '5 FAM 468.7',
};

const ESCALATION =
  /^(escalated:|reported-late|endpoint-rejected:|case-record-refused|record-not-filed|failed:|notification-failed)/;
/** The record's delays: the security hold's decisions and the PPGB's acknowledgement of them (468.6-3a). */
const DELAY_RECORD_KINDS = new Set<string>([...DELAY_KINDS, 'acknowledge-delay']);

/** Sections built from more than the state; extend here. */
const SECTIONS: ((src: RecordSource) => Record<string, unknown>)[] = [
  // 468.5d: what the cost estimate was built on (policy's CGFS consultation), kept on the incident.
  (src) => ('costBasis' in src && src.costBasis !== undefined ? { costBasis: src.costBasis } : {}),
];

/** The report as the form holds it: who filed it is kept once, in `reporters` (an opaque key), not in each copy. */
function asFiled<R extends object | null>(report: R): R {
  if (!report || !('reportedBy' in report)) return report;
  const { reportedBy: _reportedBy, ...rest } = report as R & { reportedBy?: unknown };
  return rest as R;
}

export function buildCaseRecord(src: RecordSource): CaseRecord {
  const { state, file } = src;
  const first = asFiled(file.firstReport);
  const extensions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state)) if (!KNOWN_STATE_FIELDS.has(key)) extensions[key] = value;
  for (const section of SECTIONS) Object.assign(extensions, section(src));
  const signOff = [...file.decisions].reverse().find((d) => d.decision.kind === 'sign-off-closure');
  return {
    // Added sections first: a field of this module's never gives way to one of the same name.
    ...extensions,
    schema: CASE_RECORD_SCHEMA,
    version: CASE_RECORD_VERSION,
    incidentId: state.incidentId,
    generatedAt: src.now,
    phase: state.phase,
    outcome: src.outcome,
    report: {
      first,
      supplements: file.supplements.map((s) => ({ ...s, report: asFiled(s.report) })),
      receivedAt: src.receivedAt,
      medium: state.medium,
      occurredAt: first?.occurredAt ?? null,
      discoveredAt: state.discoveredAt,
    },
    routing: file.routing,
    responsibleOffice: state.responsibleOffice,
    crgConvened: state.crgConvened,
    risk: {
      computed: state.riskComputed,
      determined: state.risk,
      overridden: state.riskComputed !== null && state.risk !== state.riskComputed,
      reasons: state.riskReasons,
    },
    options: state.options,
    authorizedDisclosure: authorizedDisclosure(src),
    costEstimateUsd: state.costEstimateUsd,
    decisions: file.decisions.map(({ at, decision }) => {
      const { kind, decisionId, actorId, ...rest } = decision as Record<string, unknown> & {
        kind: string;
        decisionId?: string;
        actorId: string;
      };
      const {
        rationale,
        outcome,
        letter: _letter,
        ...grounds
      } = rest as { rationale?: string; outcome?: string; letter?: unknown } & Record<string, unknown>;
      return {
        kind,
        ...(decisionId ? { decisionId } : {}),
        actorId,
        at,
        ...(rationale ? { rationale } : {}),
        ...(outcome ? { outcome } : {}),
        grounds,
      };
    }),
    delays: file.decisions
      .filter(({ decision }) => DELAY_RECORD_KINDS.has(decision.kind))
      .map(({ at, decision }) => {
        const d = decision as {
          kind: string;
          actorId: string;
          requestingEntity?: string;
          reason?: string;
          notifyAfter?: string;
          rationale?: string;
        };
        return {
          kind: d.kind,
          at,
          actorId: d.actorId,
          requestingEntity: d.requestingEntity ?? null,
          reason: d.reason ?? d.rationale ?? null,
          notifyAfter: d.notifyAfter ?? null,
        };
      }),
    letter: letterSection(src),
    notification: notificationSection(src),
    liaisonNotices: state.timeline
      .filter((t) => t.event.startsWith('liaison-notice:'))
      .map((t) => ({ liaison: t.event.slice('liaison-notice:'.length), at: t.at })),
    actionItems: state.actionItems.map((item) => ({ ...item })),
    // What the case owed, each duty with its paragraph, owner, due date and what discharged it (domain/duties.ts).
    ...(state.duties ? { duties: state.duties.map((d) => ({ ...d })) } : {}),
    deadlines: deadlines(src),
    escalations: state.timeline.filter((t) => ESCALATION.test(t.event)),
    timeline: state.timeline,
    closure: {
      signedOffBy: signOff?.decision.actorId ?? null,
      signedOffAt: signOff?.at ?? null,
      archive: { ...file.archive },
      closedAt: state.closedAt,
    },
  };
}

function authorizedDisclosure(src: RecordSource): Record<string, unknown> | null {
  const finding = latestAnalysis(src.file)?.authorizedDisclosure;
  if (finding) return { ...finding };
  return src.state.authorizedDisclosure ? { ...src.state.authorizedDisclosure } : null;
}

function letterSection(src: RecordSource): CaseRecord['letter'] {
  if (!src.letter) return null;
  const approval = [...src.file.decisions].reverse().find((d) => d.decision.kind === 'approve-letter');
  return {
    approvedAt: approval?.at ?? src.now,
    approvedBy: approval?.decision.actorId ?? '',
    letter: src.letter.letter,
    text: canonicalJson(src.letter.letter),
    sha256: null,
    roster: { url: src.letter.roster.url, count: src.letter.roster.count },
    immediate: src.letter.immediate,
  };
}

function notificationSection(src: RecordSource): CaseRecord['notification'] {
  const n = src.state.notification;
  if (!n) return null;
  return {
    total: n.total ?? null,
    processed: n.processed ?? 0,
    letters: n.letters,
    emails: n.emails,
    failed: n.failed,
    returned: n.returned ?? 0,
    resent: n.resent ?? 0,
    substituted: n.substituted ?? 0,
    substituteNotice: n.substituteNotice,
    failures: src.notificationFailures.slice(0, 1_000),
  };
}

function status(dueAt: number, metAt: number | null, now: number): DeadlineEntry['status'] {
  if (metAt !== null) return metAt <= dueAt ? 'met' : 'missed';
  return now > dueAt ? 'missed' : 'open';
}

/** Every deadline of the case with when it was met or missed. */
function deadlines(src: RecordSource): DeadlineEntry[] {
  const { state, playbook } = src;
  const now = Date.parse(src.now);
  const out: DeadlineEntry[] = [];
  const entry = (name: string, paragraph: string, due: number, met: number | null) => {
    const s = status(due, met, now);
    out.push({
      name,
      paragraph,
      dueAt: new Date(due).toISOString(),
      metAt: s === 'met' && met !== null ? new Date(met).toISOString() : null,
      status: s,
    });
  };
  if (state.reportingDeadline) {
    const due = Date.parse(state.reportingDeadline);
    const met = state.reportedAt ? Date.parse(state.reportedAt) : null;
    entry(
      `one-hour report to ${state.medium === 'cyber' ? 'US-CERT' : 'the Privacy Division'}`,
      '5 FAM 468.3b(1)',
      due,
      state.reportedLate && met === null ? null : met,
    );
  }
  // Each gate: decided before the playbook's escalation time, or not (workflows/gates.ts).
  const escalateAfter = parseDuration(playbook.timers.gateEscalateAfter);
  const phases = state.timeline.filter((t) => t.event.startsWith('phase:'));
  phases.forEach((t: TimelineEntry, i) => {
    const phase = t.event.slice('phase:'.length);
    const left = phases[i + 1] ? Date.parse(phases[i + 1]!.at) : null;
    if (phase === 'ppgb-advised') {
      // 468.5c: the PPGB's objection window; "met" when it ran its course or the Chair decided in it.
      entry(
        'PPGB objection window',
        '5 FAM 468.5c',
        Date.parse(t.at) + parseDuration(playbook.timers.minimalRiskObjectionWindow),
        left,
      );
      return;
    }
    const paragraph = GATE_PHASES[phase];
    if (paragraph) entry(`${phase} decided before escalation`, paragraph, Date.parse(t.at) + escalateAfter, left);
  });
  return out;
}
