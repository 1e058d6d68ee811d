/**
 * The CLI's commands and exit codes (0 ok, 1 refused, 2 bad usage) against the real workflow on the
 * Temporal dev server. runCli gets the server's client; everything else is as `npm run breach` has it.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../cli/context.js';
import { runCli } from '../../cli/main.js';
import { DEFAULT_PLAYBOOK } from '../../config/index.js';
import {
  aReport,
  newId,
  reportIncident,
  startApiFixture,
  triage,
  waitFor,
  waitForPhase,
  type ApiFixture,
  notConvenedToClosureReview,
  withShortObjectionWindow,
} from '../api/fixture.js';

let f: ApiFixture;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  f = await startApiFixture({ playbook: withShortObjectionWindow });
  dir = await mkdtemp(join(tmpdir(), 'breach-cli-'));
  const playbookFile = join(dir, 'playbook.json');
  await writeFile(playbookFile, JSON.stringify(f.playbook));
  env = { BREACH_PLAYBOOK: playbookFile, BREACH_TASK_QUEUE: f.taskQueue };
});

afterAll(async () => {
  await f?.close();
});

async function breach(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    args,
    createContext({
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      env: { ...env, ...extraEnv },
      client: f.env.client,
    }),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function file(name: string, value: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

describe('usage', () => {
  it('no command or an unknown one is 2 with the usage; help is 0', async () => {
    expect(await breach([])).toMatchObject({ code: 2, err: expect.stringContaining('usage: npm run breach') });
    expect(await breach(['launch'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown command "launch"'),
    });
    expect(await breach(['help'])).toMatchObject({ code: 0, out: expect.stringContaining('breach compliance') });
  });
});

describe('report', () => {
  it('starts an incident: 0 with its id', async () => {
    const res = await breach(['report', await file('report.json', aReport())]);
    expect(res.code, res.err).toBe(0);
    const incidentId = /incident (inc-[0-9a-f-]+)/.exec(res.out)![1]!;
    await waitFor(f.app, incidentId, (s) => s.discoveredAt !== '', 'the report');
  });

  it('keeps the id the report gives', async () => {
    const incidentId = newId('cli');
    const res = await breach(['report', await file('with-id.json', aReport({ incidentId }))]);
    expect(res).toMatchObject({ code: 0, out: `reported: incident ${incidentId} (workflow breach-${incidentId})` });
  });

  it('a report that is not valid is 2 naming the fields', async () => {
    const res = await breach([
      'report',
      await file('bad.json', { ...aReport(), medium: 'smoke-signal', discoveredAt: 'yesterday' }),
    ]);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/medium: /);
    expect(res.err).toMatch(/discoveredAt: /);
  });

  it('a discovery time in the future is 2', async () => {
    const res = await breach([
      'report',
      await file('future.json', aReport({ discoveredAt: new Date(Date.now() + 86_400_000).toISOString() })),
    ]);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/ahead of the server clock/);
  });

  it('no file, a missing file or a file that is not JSON is 2', async () => {
    expect((await breach(['report'])).code).toBe(2);
    expect(await breach(['report', join(dir, 'nope.json')])).toMatchObject({
      code: 2,
      err: expect.stringContaining('no such file'),
    });
    expect(await breach(['report', await file('not.json', '{ nope')])).toMatchObject({
      code: 2,
      err: expect.stringContaining('not valid JSON'),
    });
  });
});

describe('decide', () => {
  it('sends a decision as --as: 0 and the new status', async () => {
    const incidentId = await reportIncident(f.app);
    const res = await breach([
      'decide',
      incidentId,
      'assign-responsible-office',
      '--office',
      'CA/PPT',
      '--as',
      'ips-director',
    ]);
    expect(res.code, res.err).toBe(0);
    expect(res.out).toContain('decided: assign-responsible-office by ips-director');
    expect(res.out).toMatch(/Phase\s+(reporting|triage)/);
    const state = await waitFor(f.app, incidentId, (s) => s.responsibleOffice === 'CA/PPT', 'the office');
    expect(state.decisions[0]).toMatchObject({ actorId: 'ips-director' });
  });

  it('takes the actor from BREACH_ACTOR, booleans and nested fields from options', async () => {
    const incidentId = await reportIncident(f.app);
    await triage(f.app, incidentId, true);
    await waitForPhase(f.app, incidentId, 'analysis');
    const res = await breach(
      [
        'decide',
        incidentId,
        'submit-analysis',
        '--factors.dataNature',
        'high',
        '--factors.misuseLikelihood',
        'high',
        '--factors.logicalAccess=high',
        '--factors.physicalAccess',
        'low',
        '--factors.deliberateTargeting',
        'low',
        '--factors.priorMisuse',
        'low',
        '--options',
        'notify-individuals,credit-protection',
        '--rationale',
        '42',
      ],
      { BREACH_ACTOR: 'ips-director' },
    );
    expect(res.code, res.err).toBe(0);
    const state = await waitFor(f.app, incidentId, (s) => s.risk !== null, 'the risk');
    expect(state.options).toEqual(['notify-individuals', 'credit-protection']);
  });

  it('reads the decision from --file', async () => {
    const incidentId = await reportIncident(f.app);
    const path = await file('convene.json', { kind: 'convene-crg', convene: false, rationale: 'Recovered at once.' });
    const res = await breach(['decide', incidentId, '--file', path, '--as', 'ips-director']);
    expect(res.code, res.err).toBe(0);
    expect((await waitFor(f.app, incidentId, (s) => s.crgConvened === false, 'the CRG decision')).crgConvened).toBe(
      false,
    );
  });

  it('a refusal by the workflow is 1 with its reasons', async () => {
    const incidentId = await reportIncident(f.app);
    const lacks = await breach([
      'decide',
      incidentId,
      'convene-crg',
      '--convene',
      'true',
      '--rationale',
      'Serious.',
      '--as',
      'crg-cgfs',
    ]);
    expect(lacks).toMatchObject({ code: 1, err: expect.stringContaining('refused (ActorLacksRole)') });
    const phase = await breach([
      'decide',
      incidentId,
      'sign-off-closure',
      '--rationale',
      'Done.',
      '--as',
      'ips-director',
    ]);
    expect(phase).toMatchObject({ code: 1, err: expect.stringContaining('refused (NotAllowedNow)') });
  });

  it('an incident that does not exist is 1', async () => {
    const res = await breach(['decide', newId('missing'), 'lift-delay', '--as', 'ds-investigations']);
    expect(res).toMatchObject({ code: 1, err: expect.stringContaining('no incident') });
  });

  it('bad usage is 2: no actor, unknown kind, a bad field, actorId in the file, no id', async () => {
    const id = 'inc-anything';
    expect(await breach(['decide', id, 'lift-delay'])).toMatchObject({ code: 2, err: expect.stringContaining('--as') });
    expect(await breach(['decide', id, 'approve-everything', '--as', 'ips-director'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown decision kind'),
    });
    expect(
      await breach(['decide', id, 'convene-crg', '--convene', 'maybe', '--rationale', 'x', '--as', 'ips-director']),
    ).toMatchObject({ code: 2, err: expect.stringContaining('convene:') });
    expect(await breach(['decide', id, 'lift-delay', '--surprise', 'x', '--as', 'ips-director'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('surprise'),
    });
    const withActor = await file('actor.json', { kind: 'lift-delay', actorId: 'ppgb-chair' });
    expect(await breach(['decide', id, '--file', withActor, '--as', 'ips-director'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('actorId'),
    });
    expect((await breach(['decide'])).code).toBe(2);
    expect((await breach(['decide', 'not an id!', 'lift-delay', '--as', 'x'])).code).toBe(2);
  });
});

describe('status', () => {
  it('prints phase, what it waits for, the deadline, open action items and the last events', async () => {
    const incidentId = await reportIncident(f.app);
    await waitForPhase(f.app, incidentId, 'triage');
    const res = await breach(['status', incidentId]);
    expect(res.code, res.err).toBe(0);
    expect(res.out).toMatch(new RegExp(`Incident\\s+${incidentId}`));
    expect(res.out).toMatch(/Phase\s+triage/);
    expect(res.out).toMatch(
      /Waiting for\s+assign-responsible-office, convene-crg from the ipsDirector, since .*escalates to the SAOP in 4d 23h/,
    );
    expect(res.out).toMatch(/One-hour report\s+delivered .*, on time \(deadline /);
    expect(res.out).toMatch(/Open action items\s+/);
    expect(res.out).toMatch(/Last \d+ of \d+ events:\n {2}\S+ {2}reported/);
  });

  it('469.2c(1): by its case number; --as a person with a role on the case prints the report, one without is told it is not theirs', async () => {
    const incidentId = await reportIncident(f.app, {
      title: 'Misdirected payroll file',
      summary: 'A payroll file went to the wrong post.',
    });
    const state = await waitForPhase(f.app, incidentId, 'triage');
    const number = state.caseNumber!;
    expect(number).toMatch(/^PII-\d{4}-\d{4}$/);
    const res = await breach(['status', number, '--as', 'ips-director']);
    expect(res.code, res.err).toBe(0);
    expect(res.out).toMatch(new RegExp(`Case\\s+${number}: Misdirected payroll file`));
    expect(res.out).toMatch(new RegExp(`Incident\\s+${incidentId}`));
    expect(res.out).toContain('What happened: A payroll file went to the wrong post.');
    const outsider = await breach(['status', number, '--as', 'nobody-here']);
    expect(outsider.code).toBe(0);
    expect(outsider.out).not.toContain('A payroll file went to the wrong post.');
    expect(outsider.out).toContain('The report is for the people with a role on this case');
    // The list names it by number and title.
    await expect
      .poll(async () => (await breach(['list', '--number', number])).out, { timeout: 20_000 })
      .toMatch(new RegExp(`${number}\\s+Misdirected payroll file\\s+triage`));
  });

  it('an unknown incident is 1; a bad id or no id is 2', async () => {
    expect((await breach(['status', newId('missing')])).code).toBe(1);
    expect((await breach(['status', 'x'])).code).toBe(2);
    expect((await breach(['status'])).code).toBe(2);
    expect((await breach(['status', 'inc-123', '--colour'])).code).toBe(2);
  });
});

describe('list', () => {
  it('lists incidents by phase and awaited role', async () => {
    const incidentId = await reportIncident(f.app);
    await waitForPhase(f.app, incidentId, 'triage');
    await expect
      .poll(async () => (await breach(['list', '--phase', 'triage', '--awaiting-role', 'ipsDirector'])).out, {
        timeout: 60_000,
      })
      .toContain(incidentId);
    const res = await breach(['list', '--phase', 'triage']);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/^CASE\s+TITLE\s+PHASE\s+RISK\s+LATE\s+MAJOR\s+AWAITING\s+STARTED\s+INCIDENT/);
    const json = await breach(['list', '--json', '--phase', 'triage']);
    expect(JSON.parse(json.out).incidents).toEqual(
      expect.arrayContaining([expect.objectContaining({ incidentId, phase: 'triage', awaitingRole: 'ipsDirector' })]),
    );
    expect((await breach(['list', '--phase', 'closed', '--awaiting-role', 'cgfs'])).out).toBe('no incidents');
  });

  it('an unknown phase or role is 2', async () => {
    expect(await breach(['list', '--phase', 'done'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown phase'),
    });
    expect(await breach(['list', '--awaiting-role', 'janitor'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown role'),
    });
  });
});

describe('compliance', () => {
  it('reports from the visibility API in table, csv and json', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const incidentId = await reportIncident(f.app);
    await notConvenedToClosureReview(f.app, incidentId);
    let json:
      { incidents: number; gates: { gate: string; completed: number }[]; reporting: { onTime: number } } | undefined;
    await expect
      .poll(
        async () => {
          const res = await breach(['compliance', '--since', since, '--format', 'json']);
          expect(res.code, res.err).toBe(0);
          json = JSON.parse(res.out);
          return json!.gates.find((g) => g.gate === 'triage')!.completed;
        },
        { timeout: 60_000 },
      )
      .toBeGreaterThanOrEqual(1);
    expect(json!.reporting.onTime).toBeGreaterThanOrEqual(1);

    const table = await breach(['compliance', '--since', since]);
    expect(table.code).toBe(0);
    expect(table.out).toContain('Incidents by phase');
    expect(table.out).toMatch(/One-hour reports \(5 FAM 468\.3b\(1\)\): [\d.]+% within the hour/);
    expect(table.out).toContain('Time at each gate');
    expect(table.out).toContain('Gates open now, by role');
    expect(table.out).toContain('Past a deadline');

    const csv = await breach(['compliance', '--since', since, '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.out.split('\n')[0]).toBe('section,name,metric,value');
    expect(csv.out).toMatch(/^gate,triage,passed,\d+$/m);
  });

  it('a bad format or date is 2', async () => {
    expect(await breach(['compliance', '--format', 'pdf'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--format'),
    });
    expect(await breach(['compliance', '--since', 'last tuesday'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--since'),
    });
  });
});

describe('playbook check', () => {
  it('0 for a valid playbook, 1 for one that is not, 2 without a file', async () => {
    expect(await breach(['playbook', 'check', DEFAULT_PLAYBOOK])).toMatchObject({
      code: 0,
      out: expect.stringContaining('ok'),
    });
    const broken = await file('broken-playbook.json', { ...f.playbook, finalNotificationAuthority: 'nobody' });
    expect(await breach(['playbook', 'check', broken])).toMatchObject({
      code: 1,
      err: expect.stringContaining('finalNotificationAuthority'),
    });
    expect((await breach(['playbook', 'check'])).code).toBe(2);
    expect((await breach(['playbook', 'lint', DEFAULT_PLAYBOOK])).code).toBe(2);
  });
});
