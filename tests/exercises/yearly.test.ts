/**
 * The yearly duties' schedules created once however often npm start (or `breach
 * schedules ensure`) runs, their workflow mailing the SAOP and the Privacy Division, and the SAOP's
 * yearly figures from real incidents on the dev server, exercises left out.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { dataConverterFromEnv } from '../../security/data-converter.js';
import { createActivities } from '../../activities/index.js';
import { createYearlyActivities } from '../../activities/yearly.js';
import { collectYearlyIncidents } from '../../client/figures.js';
import { ensureYearlySchedules, YEARLY_SCHEDULES } from '../../client/schedules.js';
import { ensureYearlySchedulesOnStart } from '../../scripts/local/yearly-schedules.js';
import { parsePlaybook } from '../../domain/playbook.js';
import type { YearlyFigures } from '../../domain/yearly-figures.js';
import { fiscalYear, lastEndedFiscalYear } from '../../domain/yearly-periods.js';
import { createTestWorker } from '../helpers/index.js';
import { reportIncident } from '../api/fixture.js';
import { startExerciseFixture, until, type ExerciseFixture } from './fixture.js';

let f: ExerciseFixture;
let client: Client;
let dutiesWorker: Worker;
// npm start hands its children (and its schedules call) the keys in the environment; the test does the same.
const keyEnv = {
  BREACH_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  BREACH_ENCRYPTION_KEY_ID: 'schedules-test',
};
let dutiesRun: Promise<void>;
const dutiesQueue = `duties-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  f = await startExerciseFixture();
  const { dataConverter } = await dataConverterFromEnv(keyEnv);
  client = new Client({ connection: f.env.connection, namespace: 'default', dataConverter });
  dutiesWorker = await createTestWorker(f.env, {
    taskQueue: dutiesQueue,
    dataConverter,
    activities: {
      ...createActivities({
        mailer: f.mail.mailer(),
        mailFrom: 'breach@test.example',
        publicUrl: 'http://breach.test',
        env: {},
      }),
      ...createYearlyActivities({
        collectIncidents: (period) => collectYearlyIncidents(f.env.client, period, [f.exerciseQueue]),
        figuresDir: f.dir,
      }),
    },
  });
  dutiesRun = dutiesWorker.run();
}, 120_000);

afterAll(async () => {
  dutiesWorker?.shutdown();
  await dutiesRun?.catch(() => undefined);
  await f?.close();
});

async function scheduleIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const s of client.schedule.list()) ids.push(s.scheduleId);
  return ids.sort();
}

describe('yearly duties on a schedule', () => {
  it('created once however often npm start runs: its call twice, then three overlapping ensures, and still three schedules', async () => {
    const address = f.env.connection.options.address;
    const start = () =>
      ensureYearlySchedulesOnStart({
        address,
        namespace: 'default',
        env: keyEnv,
        taskQueue: dutiesQueue,
        playbook: f.playbook,
      });
    expect(await start()).toBe(
      `Yearly duties (Temporal Schedules): created ${YEARLY_SCHEDULES.map((s) => s.id).join(', ')}.`,
    );
    expect(await start()).toBe(
      `Yearly duties (Temporal Schedules): present ${YEARLY_SCHEDULES.map((s) => s.id).join(', ')}.`,
    );
    const again = await Promise.all(
      [1, 2, 3].map(() => ensureYearlySchedules(client, { taskQueue: dutiesQueue, playbook: f.playbook })),
    );
    for (const result of again)
      expect(result).toEqual({ created: [], updated: [], unchanged: YEARLY_SCHEDULES.map((s) => s.id) });
    // Listing is eventually consistent: wait until the three are listed, then check there are only three.
    let ids: string[] = [];
    for (let i = 0; i < 50 && ids.length < 3; i++) {
      ids = (await scheduleIds()).filter((id) => id.startsWith('breach-yearly'));
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(ids).toEqual(YEARLY_SCHEDULES.map((s) => s.id).sort());
    const described = await client.schedule.getHandle('breach-yearly-exercise-reminder').describe();
    expect(described.spec.calendars?.[0]).toMatchObject({
      month: [{ start: 'MARCH', end: 'MARCH', step: 1 }],
      dayOfMonth: [{ start: 1, end: 1, step: 1 }],
    });
    expect(described.spec.timezone).toBe('America/New_York');
  });

  it('a changed SAOP in the playbook updates the schedules instead of adding more', async () => {
    const changed = parsePlaybook({
      ...f.playbook,
      people: f.playbook.people.map((p) => (p.id === 'ppgb-chair' ? { ...p, email: 'new.saop@state.example' } : p)),
    });
    const result = await ensureYearlySchedules(client, { taskQueue: dutiesQueue, playbook: changed });
    expect(result.updated.sort()).toEqual(YEARLY_SCHEDULES.map((s) => s.id).sort());
    expect((await scheduleIds()).filter((id) => id.startsWith('breach-yearly'))).toHaveLength(3);
    expect(await ensureYearlySchedules(client, { taskQueue: dutiesQueue, playbook: f.playbook })).toMatchObject({
      updated: YEARLY_SCHEDULES.map((s) => s.id),
    });
  });

  it('the exercise reminder reaches the SAOP and the Privacy Division when its schedule fires', async () => {
    await client.schedule.getHandle('breach-yearly-exercise-reminder').trigger();
    const mail = await f.mail.waitFor(
      (m) => m.subject.includes('Annual exercise of the breach response plan due'),
      30_000,
    );
    expect(mail.envelope.to.sort()).toEqual(['ppgb.chair@state.example', 'privacy.division@state.example']);
    expect(mail.text).toContain('exercise run lost-laptop');
  });

  it('the figures duty produces the figures of the federal fiscal year last ended (FISMA) and mails the summary', async () => {
    const schedule = await client.schedule.getHandle('breach-yearly-figures').describe();
    expect(JSON.stringify(schedule.spec)).toMatch(/OCTOBER|"month":\[\{"start":10/);
    await client.schedule.getHandle('breach-yearly-figures').trigger();
    const fy = `FY${lastEndedFiscalYear(new Date())}`;
    const mail = await f.mail.waitFor((m) => m.subject.includes(`Yearly breach figures (${fy})`), 60_000);
    expect(mail.text).toContain(`SAOP yearly breach figures ${fy}, covering ${fy} (federal fiscal year, `);
    expect(mail.text).toContain(`yearly-figures-${fy}.html`);
  });
});

describe("the SAOP's yearly figures (breach compliance --year)", () => {
  it("counts the year's incidents, not the exercises: medium and outcome, one-hour reports, people, major incidents; text, JSON and HTML with charts", async () => {
    const small = await reportIncident(f.app, { affectedCount: 120 });
    const major = await reportIncident(f.app, { affectedCount: 150_000, medium: 'cyber' });
    await until(f, major, (s) => s.reportedAt !== null, 'the major incident reported');
    await until(f, small, (s) => s.reportedAt !== null, 'the small incident reported');
    const exercise = await f.breach(['exercise', 'run', 'lost-laptop', '--speed', '720']);
    expect(exercise.code, exercise.err).toBe(0);
    const runId = /run (ex-[a-z0-9-]+)/.exec(exercise.out)![1]!;
    await until(f, runId, (s) => s.discoveredAt !== '', 'the exercise incident');

    const year = String(new Date().getUTCFullYear());
    const json = await f.breach(['compliance', '--year', year, '--format', 'json']);
    expect(json.code, json.err).toBe(0);
    const figures = JSON.parse(json.out) as YearlyFigures;
    const ids = [...figures.byMediumAndOutcome.map((g) => g.count)].reduce((a, b) => a + b, 0);
    expect(ids).toBe(figures.incidents);
    expect(figures.incidents).toBeGreaterThanOrEqual(2);
    expect(figures.majorIncidents.map((m) => m.incidentId)).toEqual([major]);
    expect(figures.people.affected).toBeGreaterThanOrEqual(150_120);
    expect(figures.oneHourReports.onTime).toBeGreaterThanOrEqual(2);
    expect(figures.timeToMilestone.find((t) => t.milestone === 'reported')!.reached).toBeGreaterThanOrEqual(2);
    expect(figures.perMonth[new Date().getUTCMonth()]!.count).toBe(figures.incidents);
    // The exercise's incident is not among them.
    expect(JSON.stringify(figures)).not.toContain(runId);

    const text = await f.breach(['compliance', '--year', year]);
    expect(text.out).toMatch(/SAOP yearly breach figures \d{4}.*incident/);
    expect(text.out).toContain(`Major incidents (100,000 people or more, OMB M-17-12): ${major}`);
    const html = await f.breach(['compliance', '--year', year, '--format', 'html']);
    expect(html.out.match(/<svg /g)).toHaveLength(2);
    expect(html.out).toContain('Incidents per month');
    expect(html.out).toContain('Time from discovery to the one-hour report');
    await f.breach(['exercise', 'stop', runId]);
  });

  it('by federal fiscal year: --fiscal-year counts the incidents of October to September and says which period it covers', async () => {
    const now = new Date();
    // The fiscal year the incidents of this test fall in (October onwards belongs to the next one).
    const fy = now.getUTCMonth() >= 9 ? now.getUTCFullYear() + 1 : now.getUTCFullYear();
    const json = await f.breach(['compliance', '--fiscal-year', String(fy), '--format', 'json']);
    expect(json.code, json.err).toBe(0);
    const figures = JSON.parse(json.out) as YearlyFigures;
    expect(figures).toMatchObject({
      year: fy,
      period: { kind: 'fiscal', label: fiscalYear(fy).label },
      from: fiscalYear(fy).from,
      to: fiscalYear(fy).to,
    });
    expect(figures.incidents).toBeGreaterThanOrEqual(2);
    expect(figures.perMonth[0]!.month).toBe(`${fy - 1}-10`);
    const calendar = JSON.parse(
      (await f.breach(['compliance', '--year', String(now.getUTCFullYear()), '--format', 'json'])).out,
    ) as YearlyFigures;
    expect(calendar.period.kind).toBe('calendar');
    // The fiscal year before holds none of them.
    const before = JSON.parse(
      (await f.breach(['compliance', '--fiscal-year', String(fy - 1), '--format', 'json'])).out,
    ) as YearlyFigures;
    expect(before.incidents).toBe(0);
    const text = await f.breach(['compliance', '--fiscal-year', String(fy)]);
    expect(text.out).toContain(
      `SAOP yearly breach figures FY${fy}, covering FY${fy} (federal fiscal year, ${fy - 1}-10-01 to ${fy}-09-30)`,
    );
    const html = await f.breach(['compliance', '--fiscal-year', String(fy), '--format', 'html']);
    expect(html.out).toContain(`<h1>SAOP yearly breach figures, FY${fy}</h1>`);
    expect(html.out.match(/<svg /g)).toHaveLength(2);
  });

  it('bad usage names the option', async () => {
    expect(await f.breach(['compliance', '--fiscal-year', 'FY26'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--fiscal-year expects a year such as 2026'),
    });
    expect(await f.breach(['compliance', '--year', '2026', '--fiscal-year', '2026'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('give one of them'),
    });
    expect(await f.breach(['compliance', '--year', '26'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--year expects a year such as 2026'),
    });
    expect(await f.breach(['compliance', '--year', '2026', '--format', 'pdf'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--format expects text, json or html'),
    });
  });
});
