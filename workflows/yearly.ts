/**
 * yearlyDutyWorkflow: what a Temporal Schedule starts once a year (client/schedules.ts). OMB M-17-12
 * asks agencies to exercise the breach response plan at least once a year and to review the plan each
 * year, and the SAOP reports the year's breach figures (FISMA: by federal fiscal year): the first two remind the SAOP (the PPGB Chair,
 * 5 FAM 468.2a) and the Privacy Division; the third produces the figures and sends them the summary.
 */
import { patched, proxyActivities } from '@temporalio/workflow';
import type { BreachActivities, Recipient } from '../activities/index.js';
import type { YearlyActivities } from '../activities/yearly.js';
import { MAIL_OPTIONS } from './activities.js';
import { FISCAL_YEAR_FIGURES } from './patch-ids.js';

export type YearlyDuty = 'annual-exercise' | 'annual-plan-review' | 'yearly-figures';

export interface YearlyDutyInput {
  duty: YearlyDuty;
  /** The SAOP and the Privacy Division, from the playbook when the schedule was made or last updated. */
  recipients: Recipient[];
}

const mail = proxyActivities<BreachActivities>({ ...MAIL_OPTIONS, summary: 'Yearly duty reminder' });
const figures = proxyActivities<YearlyActivities>({
  startToCloseTimeout: '30 minutes',
  retry: { initialInterval: '10s', maximumInterval: '10 minutes' },
  summary: 'Produce the yearly figures',
});

const DETAIL: Record<Exclude<YearlyDuty, 'yearly-figures'>, (year: number) => string> = {
  'annual-exercise': (year) =>
    `The breach response plan is to be exercised at least once a year (OMB M-17-12). Plan a tabletop exercise for ${year}: ` +
    'the shipped scenarios are in exercises/scenarios/ (npm run breach -- exercise run lost-laptop --speed 60), and the after-action report comes from npm run breach -- exercise report <run>.',
  'annual-plan-review': (year) =>
    `The breach response plan is to be reviewed each year (OMB M-17-12). Review the playbook for ${year}: the people and their roles, the timers, the endpoints and the final notification authority ` +
    "(npm run breach -- playbook check <file>), and what the year's exercise and incidents taught.",
};

export async function yearlyDutyWorkflow(
  input: YearlyDutyInput,
): Promise<{ duty: YearlyDuty; year: number; sent: number }> {
  const now = new Date(Date.now());
  if (input.duty === 'yearly-figures') {
    if (patched(FISCAL_YEAR_FIGURES)) {
      // FISMA reporting runs on the federal fiscal year: the figures of the last one ended (FY2026 ends
      // 30 September 2026; run on 15 October 2026, or caught up later, it is FY2026).
      const year = now.getUTCMonth() >= 9 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
      const produced = await figures.produceYearlyFigures({ year, fiscal: true });
      const { sent } = await mail.sendNotice({
        to: input.recipients,
        notice: {
          template: 'yearly-duty',
          incidentId: `yearly-FY${year}`,
          duty: input.duty,
          year,
          period: `FY${year}`,
          detail: produced.summary,
        },
        step: `yearly-figures-FY${year}`,
      });
      return { duty: input.duty, year, sent };
    }
    // Before the fiscal year: run in January, the figures of the calendar year just ended.
    const year = now.getUTCFullYear() - 1;
    const produced = await figures.produceYearlyFigures({ year });
    const { sent } = await mail.sendNotice({
      to: input.recipients,
      notice: {
        template: 'yearly-duty',
        incidentId: `yearly-${year}`,
        duty: input.duty,
        year,
        detail: produced.summary,
      },
      step: `yearly-figures-${year}`,
    });
    return { duty: input.duty, year, sent };
  }
  const year = now.getUTCFullYear();
  const { sent } = await mail.sendNotice({
    to: input.recipients,
    notice: {
      template: 'yearly-duty',
      incidentId: `yearly-${year}`,
      duty: input.duty,
      year,
      detail: DETAIL[input.duty](year),
    },
    step: `${input.duty}-${year}`,
  });
  return { duty: input.duty, year, sent };
}
