/**
 * Major incidents. A breach of the PII of at least `majorIncident.threshold` people (playbook; default
 * 100,000, OMB's definition of a major incident) is flagged the moment the report, a supplement or the
 * analysis crosses it: the SAOP (the PPGB Chair, 5 FAM 468.2a) and the Chief Information Officer are
 * told at once, and the action item `congress-notification`, owned by the SAOP, is due
 * `majorIncident.congressWithin` after the flag (7 days: FISMA 2014, 44 U.S.C. 3554(b)(7)(C)(iii)(III)).
 *
 * Like a gate, the item reminds its owner every `gateReminderInterval` and escalates once after
 * `gateEscalateAfter`; when it falls due undone it is marked overdue (workflows/gates.ts `dueDate`). Escalation never goes only to the
 * person who stalled: it goes to the final notification authority, the Privacy Division and the CIO,
 * the SAOP in copy. The loop runs beside the main flow and ends when the item is done.
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import { parseDuration } from '../domain/durations.js';
import { MAJOR_INCIDENT_DEFAULTS } from '../domain/playbook-terms.js';
import type { Role } from '../domain/roles.js';
import { BreachMajorIncident } from '../domain/search-attributes.js';
import type { Recipient } from '../activities/index.js';
import { mail } from './activities.js';
import { nowIso, type Incident } from './incident-state.js';
import { inBackground } from './background.js';
import { dueDate } from './gates.js';

type Stage = 'flagged' | 'reminder' | 'escalation' | 'overdue';

function settings(incident: Incident): { threshold: number; congressWithin: string } {
  // A playbook parsed before `majorIncident` existed has none: the policy's defaults.
  return (
    (incident.playbook as { majorIncident?: { threshold: number; congressWithin: string } }).majorIncident ??
    MAJOR_INCIDENT_DEFAULTS
  );
}

/** Flags the incident when its count has reached the threshold; `source` says what crossed it. */
export function checkMajorIncident(incident: Incident, source: string): void {
  const { state } = incident;
  if (!incident.features.majorIncident || state.majorIncident) return;
  const { threshold, congressWithin } = settings(incident);
  const count = incident.report.affectedCount;
  if (count < threshold) return;
  const since = nowIso();
  const congressDueAt = new Date(Date.parse(since) + parseDuration(congressWithin)).toISOString();
  state.majorIncident = { since, congressDueAt, source, affectedCount: count };
  incident.log(
    'major-incident',
    undefined,
    `${count} people (threshold ${threshold}), by ${source}; Congress to be told by ${congressDueAt}`,
  );
  incident.addItem(
    'congress-notification',
    'ppgbChair',
    `The SAOP notifies Congress of the major incident by ${congressDueAt} (FISMA 2014, 44 U.S.C. 3554(b)(7)(C)(iii)(III); the SAOP is the PPGB Chair, 5 FAM 468.2a).`,
  );
  if (incident.searchAttributesOn()) upsertSearchAttributes([{ key: BreachMajorIncident, value: true }]);
  inBackground(incident, 'major-incident', () => watchCongressNotification(incident));
}

function people(incident: Incident, roles: Role[]): Recipient[] {
  const seen = new Set<string>();
  return roles
    .flatMap((role) => incident.recipients(role))
    .filter((p) => !seen.has(p.email) && Boolean(seen.add(p.email)));
}

function tell(incident: Incident, stage: Stage, roles: Role[], reminder = 0): void {
  const { state } = incident;
  const major = state.majorIncident!;
  inBackground(incident, `major-incident-${stage}`, () =>
    mail(
      stage === 'flagged' ? 'Tell the SAOP and the CIO: major incident' : `Congress notification: ${stage}`,
    ).sendNotice({
      to: people(incident, roles),
      notice: {
        template: 'major-incident',
        stage,
        incidentId: state.incidentId,
        affectedCount: major.affectedCount,
        threshold: settings(incident).threshold,
        since: major.since,
        congressDueAt: major.congressDueAt,
        source: major.source,
        reminder,
      },
      step: `major-incident-${stage}-${reminder}`,
    }),
  );
}

async function watchCongressNotification(incident: Incident): Promise<void> {
  const { state } = incident;
  const major = state.majorIncident!;
  const done = () => state.actionItems.some((i) => i.id === 'congress-notification' && i.status === 'done');
  tell(incident, 'flagged', ['ppgbChair', 'cio']);
  if (incident.recipients('cio').length === 0)
    incident.log('major-incident:no-cio', undefined, 'the playbook names no Chief Information Officer (role cio)');
  // A stalled SAOP is escalated to those above and beside the SAOP, never to the SAOP alone.
  const above: Role[] = [
    incident.playbook.finalNotificationAuthority === 'ppgbChair'
      ? 'underSecretary'
      : incident.playbook.finalNotificationAuthority,
    'privacyDivision',
    'cio',
    'ppgbChair',
  ];
  await dueDate(incident, {
    item: 'congress-notification',
    role: 'ppgbChair',
    opened: Date.parse(major.since),
    due: Date.parse(major.congressDueAt),
    what: 'the SAOP notifies Congress of the major incident (congress-notification)',
    escalateTo: 'the final notification authority, the Privacy Division and the CIO',
    summary: 'SAOP to notify Congress of the major incident',
    done,
    onStep: (step, reminders) => {
      if (step === 'overdue') {
        incident.log('overdue:congress-notification', undefined, `due ${major.congressDueAt}`);
        tell(incident, 'overdue', above);
      } else if (step === 'escalation') {
        incident.log(
          'escalated:congress-notification',
          undefined,
          `no evidence of the notification to Congress since ${major.since}`,
        );
        tell(incident, 'escalation', above);
      } else {
        incident.log('reminder:congress-notification', undefined, `reminder ${reminders}`);
        tell(incident, 'reminder', ['ppgbChair'], reminders);
      }
    },
  });
}
