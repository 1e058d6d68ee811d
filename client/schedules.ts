/**
 * The yearly duties as Temporal Schedules (docs/exercises.md), created idempotently: `npm start` and
 * `breach schedules ensure` call ensureYearlySchedules as often as they like; a schedule that exists is
 * left alone when it is as wanted and updated when the playbook's SAOP or Privacy Division changed.
 *
 * When: the exercise reminder on 1 March (time to plan a spring tabletop), the plan review on 1 October
 * (the start of the federal fiscal year), the figures on 15 October (the federal fiscal year just ended,
 * which FISMA reporting runs on), at 09:00 in America/New_York. These are this project's choice; OMB M-17-12 only says "at least annually".
 */
import { ScheduleAlreadyRunning, type Client, type ScheduleOptions } from '@temporalio/client';
import { holdersOf, type Playbook } from '../domain/playbook.js';
import type { Recipient } from '../activities/index.js';
import type { YearlyDuty, YearlyDutyInput } from '../workflows/yearly.js';

export const YEARLY_WORKFLOW_TYPE = 'yearlyDutyWorkflow';
export const TIME_ZONE = 'America/New_York';

export const YEARLY_SCHEDULES: {
  id: string;
  duty: YearlyDuty;
  month: 'JANUARY' | 'MARCH' | 'OCTOBER';
  dayOfMonth: number;
  what: string;
}[] = [
  {
    id: 'breach-yearly-exercise-reminder',
    duty: 'annual-exercise',
    month: 'MARCH',
    dayOfMonth: 1,
    what: 'remind the SAOP and the Privacy Division of the annual exercise',
  },
  {
    id: 'breach-yearly-plan-review-reminder',
    duty: 'annual-plan-review',
    month: 'OCTOBER',
    dayOfMonth: 1,
    what: 'remind the SAOP and the Privacy Division of the annual plan review',
  },
  {
    id: 'breach-yearly-figures',
    duty: 'yearly-figures',
    month: 'OCTOBER',
    dayOfMonth: 15,
    what: 'produce the figures of the fiscal year just ended and send them to the SAOP and the Privacy Division',
  },
];

/** The SAOP (the PPGB Chair, 5 FAM 468.2a) and the Privacy Division. */
export function yearlyRecipients(playbook: Playbook): Recipient[] {
  const people = [...holdersOf(playbook, 'ppgbChair'), ...holdersOf(playbook, 'privacyDivision')];
  return [...new Map(people.map((p) => [p.id, { id: p.id, name: p.name, email: p.email }])).values()];
}

function options(
  schedule: (typeof YEARLY_SCHEDULES)[number],
  taskQueue: string,
  recipients: Recipient[],
): ScheduleOptions {
  const args: [YearlyDutyInput] = [{ duty: schedule.duty, recipients }];
  return {
    scheduleId: schedule.id,
    spec: {
      calendars: [
        { month: schedule.month, dayOfMonth: schedule.dayOfMonth, hour: 9, minute: 0, comment: schedule.what },
      ],
      timezone: TIME_ZONE,
    },
    action: {
      type: 'startWorkflow',
      workflowType: YEARLY_WORKFLOW_TYPE,
      taskQueue,
      args,
      workflowId: `${schedule.id}-run`,
    },
    // A year's duty missed while the cluster was down is still owed: caught up within a month.
    policies: { overlap: 'SKIP', catchupWindow: '30 days' },
    state: { note: `Yearly duty (breach response): ${schedule.what}` },
  };
}

export interface EnsureResult {
  created: string[];
  updated: string[];
  unchanged: string[];
}

export async function ensureYearlySchedules(
  client: Client,
  input: { taskQueue: string; playbook: Playbook },
): Promise<EnsureResult> {
  const result: EnsureResult = { created: [], updated: [], unchanged: [] };
  const recipients = yearlyRecipients(input.playbook);
  for (const schedule of YEARLY_SCHEDULES) {
    const wanted = options(schedule, input.taskQueue, recipients);
    try {
      await client.schedule.create(wanted);
      result.created.push(schedule.id);
      continue;
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
    const handle = client.schedule.getHandle(schedule.id);
    const current = await handle.describe();
    const action = current.action as { type: string; taskQueue?: string; args?: unknown[] };
    // The note says what the schedule does and when (it changes with the spec: the figures moved from
    // January's calendar year to October's fiscal year), so a schedule of an older release is updated.
    const same =
      action.type === 'startWorkflow' &&
      action.taskQueue === input.taskQueue &&
      JSON.stringify(action.args) === JSON.stringify(wanted.action.args) &&
      current.state.note === wanted.state?.note;
    if (same) {
      result.unchanged.push(schedule.id);
      continue;
    }
    await handle.update((previous) => ({
      ...previous,
      spec: wanted.spec,
      action: { ...wanted.action } as typeof previous.action,
      policies: { ...previous.policies, ...wanted.policies },
    }));
    result.updated.push(schedule.id);
  }
  return result;
}

export function describeEnsure(result: EnsureResult): string {
  const part = (label: string, ids: string[]) => (ids.length ? `${label} ${ids.join(', ')}` : '');
  return [part('created', result.created), part('updated', result.updated), part('present', result.unchanged)]
    .filter(Boolean)
    .join('; ');
}
