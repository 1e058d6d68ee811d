/** Scenario files and the plan made from them, without Temporal. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK, PROJECT_ROOT } from '../../config/index.js';
import { parseDuration } from '../../domain/durations.js';
import { parseScenario, ScenarioError } from '../../domain/exercise.js';
import { parsePlaybook } from '../../domain/playbook.js';
import { ExerciseRefusedError, planExercise } from '../../exercises/plan.js';
import { checkExerciseUrl } from '../../config/exercise.js';
import { isReservedAddress } from '../../exercises/targets.js';
import { markExercise } from '../../activities/exercise-mark.js';

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const SHIPPED = readdirSync(join(PROJECT_ROOT, 'exercises', 'scenarios')).filter((f) => f.endsWith('.json'));
const playbook = parsePlaybook(read(DEFAULT_PLAYBOOK));
const options = { speed: 60, now: new Date('2026-05-01T12:00:00Z'), smtpUrl: 'smtp://127.0.0.1:2525', sinks: [] };

function issues(value: unknown): { path: string; message: string }[] {
  try {
    parseScenario(value);
  } catch (err) {
    if (err instanceof ScenarioError) return err.issues;
    throw err;
  }
  return [];
}

describe('shipped scenarios', () => {
  it('three ship, and each is valid and plans against the default playbook', () => {
    expect(SHIPPED.sort()).toEqual([
      'lost-laptop.json',
      'major-incident-delay-bar.json',
      'medical-records-misdirected.json',
    ]);
    for (const file of SHIPPED) {
      const scenario = parseScenario(read(join(PROJECT_ROOT, 'exercises', 'scenarios', file)), file);
      expect(() => planExercise(scenario, playbook, options)).not.toThrow();
    }
  });
});

describe('scenario schema: errors name the field', () => {
  const base = read(join(PROJECT_ROOT, 'exercises/scenarios/lost-laptop.json'));

  it('a bad offset, an unknown endpoint, an unknown event, a decision missing its grounds', () => {
    const found = issues({
      ...base,
      injects: [
        { id: 'a', at: 'soon', type: 'note', title: 'x' },
        { id: 'b', at: '1h', type: 'outage', endpoint: 'fbi', for: '1h', title: 'x' },
        {
          id: 'c',
          at: '1h',
          type: 'decision',
          actor: 'ds-investigations',
          title: 'x',
          decision: { kind: 'request-delay', requestingEntity: 'DS' },
        },
      ],
      expectations: [{ id: 'e', title: 'x', event: 'celebrated' }],
    });
    const paths = found.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['injects.0.at', 'injects.1.endpoint', 'expectations.0.event']));
  });

  it('a decision inject is checked like a decision: its missing fields and its missing date named', () => {
    const found = issues({
      ...base,
      injects: [
        {
          id: 'c',
          at: '1h',
          type: 'decision',
          actor: 'ds-investigations',
          title: 'x',
          decision: { kind: 'request-delay', requestingEntity: 'DS' },
        },
      ],
    });
    expect(found).toEqual(
      expect.arrayContaining([
        { path: 'injects.0.notifyAfter', message: expect.stringContaining('required for request-delay') },
        { path: 'injects.0.decision.reason', message: expect.any(String) },
      ]),
    );
  });

  it('the report is checked like a report: medical information needs its format, by whom and to whom (DHS PIHG)', () => {
    const report = { ...(base.report as object), piiTypes: ['medical'] };
    expect(issues({ ...base, report }).map((i) => i.path)).toEqual(
      expect.arrayContaining(['report.disclosedBy', 'report.disclosedTo']),
    );
  });

  it('duplicate ids and a role on an event that has none', () => {
    const found = issues({
      ...base,
      expectations: [
        { id: 'a', title: 'x', event: 'reported', role: 'crg' },
        { id: 'a', title: 'y', event: 'closed' },
      ],
    });
    expect(found.map((i) => i.path)).toEqual(expect.arrayContaining(['expectations.0.role', 'expectations.1.id']));
  });
});

describe('plan', () => {
  const scenario = parseScenario(read(join(PROJECT_ROOT, 'exercises/scenarios/major-incident-delay-bar.json')));

  it('divides the playbook timers, the injects and the delay date by the speed: one clock', () => {
    const plan = planExercise(scenario, playbook, options);
    expect(parseDuration(plan.playbook.timers.reportingDeadline)).toBe(60_000); // 1 h / 60
    expect(parseDuration(plan.playbook.timers.gateEscalateAfter)).toBe(12 * 60_000); // the scenario's 12 h / 60
    expect(plan.scenarioTimers.gateEscalateAfter).toBe('12h');
    const delay = plan.injects.find((i) => i.id === 'ds-asks-delay')!;
    expect(delay.dueMs).toBe(2 * 60_000);
    expect(delay.decision).toMatchObject({
      kind: 'request-delay',
      actorId: 'ds-investigations',
      notifyAfter: '2026-05-01T13:12:00.000Z',
    });
    expect(plan.report.discoveredAt).toBe('2026-05-01T12:00:00.000Z');
    expect(plan.durationMs).toBe((3 * 86_400_000) / 60);
    expect(plan.incidentId).toMatch(/^ex-major-incident-delay-bar-[a-z]{6}$/);
  });

  it('refuses a real endpoint, a real SMTP server and a real address, naming each', () => {
    const real = parsePlaybook({
      ...read(DEFAULT_PLAYBOOK),
      endpoints: { ...playbook.endpoints, oig: { url: 'https://oig.state.gov/intake' } },
    });
    const withPerson = parsePlaybook({
      ...real,
      people: real.people.map((p, i) => (i === 0 ? { ...p, email: 'dana@state.gov' } : p)),
    });
    try {
      planExercise(scenario, withPerson, { ...options, smtpUrl: 'smtp://relay.state.gov:25' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ExerciseRefusedError);
      expect((err as ExerciseRefusedError).issues.map((i) => i.path)).toEqual([
        'playbook.endpoints.oig.url',
        'SMTP (BREACH_EXERCISE_SMTP_URL, else SMTP_URL)',
        'playbook.people.0.email',
      ]);
    }
  });

  it('loopback and declared sinks only; reserved example domains only', () => {
    expect(checkExerciseUrl('http://127.0.0.1:4010/us-cert', [])).toBeUndefined();
    expect(checkExerciseUrl('http://[::1]:4010/us-cert', [])).toBeUndefined();
    expect(checkExerciseUrl('http://localhost:4010/x', [])).toBeUndefined();
    expect(checkExerciseUrl('http://127.0.0.1.nip.io/x', [])).toMatch(/neither this machine/);
    expect(checkExerciseUrl('https://sink.exercise.state.gov/x', ['sink.exercise.state.gov'])).toBeUndefined();
    expect(isReservedAddress('a@state.example')).toBe(true);
    expect(isReservedAddress('a@example.org')).toBe(true);
    expect(isReservedAddress('a@state.gov')).toBe(false);
    expect(isReservedAddress('a@example.gov')).toBe(false);
  });

  it('every message is marked EXERCISE in subject and body, once', () => {
    const marked = markExercise({
      subject: '[Breach x] decision needed',
      text: 'Body',
      html: '<html><body><p>Hi</p></body></html>',
    });
    expect(marked.subject).toBe('[EXERCISE] [Breach x] decision needed');
    expect(marked.text).toMatch(/^\*\*\* EXERCISE - EXERCISE - EXERCISE.*\n\nBody\n\n\*\*\* EXERCISE/);
    expect(marked.html).toMatch(/<body><p role="note"><strong>\*\*\* EXERCISE/);
    expect(markExercise(marked).subject).toBe(marked.subject);
  });
});

describe("the local receiver's outage (an outage inject)", () => {
  it('POST /_outage makes the path answer 503 for the time given, then 200 again; a bad request is a 400 naming the shape', async () => {
    const { startHttpReceiver } = await import('../helpers/index.js');
    const receiver = await startHttpReceiver();
    try {
      const started = Date.now();
      const outage = await fetch(`${receiver.url}/_outage`, {
        method: 'POST',
        body: JSON.stringify({ path: '/us-cert', forMs: 3_000 }),
      });
      expect(outage.status).toBe(204);
      expect((await fetch(`${receiver.url}/us-cert`, { method: 'POST', body: '{}' })).status).toBe(503);
      expect((await fetch(`${receiver.url}/oig`, { method: 'POST', body: '{}' })).status).toBe(200);
      // Back to 200 after the three seconds (polled: a loaded machine answers late, never early).
      let back = 0;
      while (Date.now() - started < 20_000) {
        if ((await fetch(`${receiver.url}/us-cert`, { method: 'POST', body: '{}' })).status === 200) {
          back = Date.now();
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(back - started).toBeGreaterThanOrEqual(3_000);
      const bad = await fetch(`${receiver.url}/_outage`, { method: 'POST', body: JSON.stringify({ path: 'us-cert' }) });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('expected { path: "/...", forMs: > 0');
      expect(
        receiver
          .calls()
          .map((c) => c.path)
          .slice(0, 2),
      ).toEqual(['/us-cert', '/oig']);
      expect(receiver.calls().at(-1)).toMatchObject({ path: '/us-cert', status: 200 });
    } finally {
      await receiver.close();
    }
  });
});
