/**
 * Replay safety (docs/reliability.md): every history under tests/replay/histories (recorded by
 * `npm run record-histories`, tests/replay/record-histories.ts) is replayed against the current workflow
 * code with Worker.runReplayHistories. A change that would make a running incident nondeterministic (a
 * command added, removed or reordered without `patched()`) fails here, in CI, instead of failing the
 * incident's next workflow task in production. Histories under a sub-folder (pre-gate-mail-patch/)
 * were recorded by older code and are never re-recorded: they are the incidents already running when
 * a change was deployed (pre-gate-mail-patch/, pre-route-by-risk/).
 *
 * A control replays the same histories against a deliberately changed workflow (one timer added
 * before anything else) and expects every one of them to fail with a DeterminismViolationError, so a
 * replay that silently checked nothing would show.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import proto from '@temporalio/proto';
import { bundleWorkflowCode, Worker, type ReplayResult } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, it } from 'vitest';
import { HISTORIES_DIR, TEST_KEYRING, type RecordedHistory } from './record-histories.js';
import { PATCHES } from '../../workflows/patches.js';
import {
  sinceConclusionCovers,
  sinceCovers,
  sinceDutiesCovers,
  sinceLocalNoticeCovers,
} from '../../workflows/since-marker.js';
import { PROJECT_ROOT } from '../../config/index.js';
import { bundleOptions, createDataConverter } from '../../security/data-converter.js';
import { readKeyringFile } from '../../security/keyring.js';
import { realWorkflowBundle } from '../helpers/index.js';

interface Fixture extends RecordedHistory {
  file: string;
}

function fixtures(dir: string): Fixture[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return fixtures(path);
    if (!entry.name.endsWith('.json')) return [];
    return [{ ...(JSON.parse(readFileSync(path, 'utf8')) as RecordedHistory), file: relative(HISTORIES_DIR, path) }];
  });
}

const FIXTURES = fixtures(HISTORIES_DIR).sort((a, b) => a.file.localeCompare(b.file));

/** The histories as runReplayHistories takes them: the protobuf History with the recorded workflow id. */
function replayInput(list: Fixture[]) {
  return list.map((f) => ({
    workflowId: f.workflowId,
    history: proto.temporal.api.history.v1.History.fromObject(f.history as object),
  }));
}

async function replayAll(code: string, list: Fixture[]): Promise<Map<string, ReplayResult>> {
  const dataConverter = createDataConverter(await readKeyringFile(TEST_KEYRING, 'test keyring'));
  const results = new Map<string, ReplayResult>();
  let index = 0;
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: { code }, dataConverter },
    replayInput(list),
  )) {
    results.set(list[index]!.file, result);
    index += 1;
  }
  return results;
}

describe('recorded histories replay against the current workflow code', () => {
  let results: Map<string, ReplayResult>;

  beforeAll(async () => {
    const { code } = await realWorkflowBundle();
    results = await replayAll(code, FIXTURES);
  });

  it('covers the main paths, the notification run and an incident from before a patch', () => {
    const files = FIXTURES.map((f) => f.file);
    for (const path of [
      'on-time-cyber',
      'first-report-in-input',
      'late-report',
      'full-chain-delay-notification',
      'closure-refused-then-accepted',
      'minimal-risk',
      'no-notification-at-moderate-risk',
      'separation-of-duties',
      'later-facts-major-incident',
      'immediate-telephone-media',
      'duties-declined-reanalysed',
      'rules-custody-ppgb-member-objects',
      'rules-followups-named-pm-rehabilitation',
      'custody-report-names-custodian',
    ]) {
      expect(files).toContain(`${path}.json`);
    }
    expect(files).toContain('full-chain-delay-notification.notify.json');
    expect(files.some((f) => f.includes('/'))).toBe(true);
    // Recorded before a not-notify at moderate risk went to the PPGB Chair (workflows/response.ts NO_NOTIFICATION_FOLLOWS_RISK).
    expect(files).toContain('pre-route-by-risk/minimal-risk-at-moderate.json');
    // Recorded before the intake notices went out in one activity (workflows/reporting.ts INTAKE_NOTICES_TOGETHER).
    expect(files).toContain('pre-intake-together/on-time-cyber.json');
    // Recorded before one marker stood for the incident's patches (workflows/since-marker.ts).
    expect(files).toContain('pre-since-marker/full-chain-delay-notification.json');
    console.log(
      `[replay] ${FIXTURES.length} histories, ${FIXTURES.reduce((n, f) => n + ((f.history as { events: unknown[] }).events.length ?? 0), 0)} events`,
    );
  });

  it.each(FIXTURES.map((f) => [f.file, f]))('%s', (file, fixture) => {
    const result = results.get(file);
    expect(result, `${file} was not replayed`).toBeDefined();
    // The error names what diverged ("Nondeterminism error: ..."): print it with the history's story.
    if (result!.error)
      throw new Error(
        `${file} (${(fixture as Fixture).description}) does not replay: ${result!.error.name}: ${result!.error.message}`,
      );
  });
});

/** The activity types an incident's first workflow task scheduled (its answer to the first report). */
function firstTaskActivities(fixture: Fixture): string[] {
  const events = (
    fixture.history as {
      events: { eventType: string; activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } }[];
    }
  ).events;
  const from = events.findIndex((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED');
  const to = events.findIndex((e, i) => i > from && e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED');
  return events
    .slice(from, to)
    .flatMap((e) =>
      e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name ?? ''] : [],
    );
}

describe('the intake notices in one activity (workflows/reporting.ts INTAKE_NOTICES_TOGETHER)', () => {
  it('468.3b: an incident recorded since answers its first report with two tasks, the notices and the report; one recorded before with four', () => {
    const now = FIXTURES.find((f) => f.file === 'on-time-cyber.json')!;
    const before = FIXTURES.find((f) => f.file === 'pre-intake-together/on-time-cyber.json')!;
    expect(firstTaskActivities(now).sort()).toEqual(['callEndpoint', 'sendNotices']);
    expect(firstTaskActivities(before).sort()).toEqual(['callEndpoint', 'sendNotice', 'sendNotice', 'sendNotice']);
  });
});

/** The events of a recorded history, by type. */
function eventTypes(fixture: Fixture): string[] {
  return (fixture.history as { events: { eventType: string }[] }).events.map((e) => e.eventType);
}

describe('a report without an id starts its incident with the report in the input (client/incidents.ts)', () => {
  it('468.3b(1): no reportIntake signal before the first task; the one-hour report scheduled in it as from the signal; a later signal is the supplement', () => {
    const inInput = FIXTURES.find((f) => f.file === 'first-report-in-input.json')!;
    const asSignal = FIXTURES.find((f) => f.file === 'on-time-cyber.json')!;
    const firstTask = (f: Fixture) => eventTypes(f).indexOf('EVENT_TYPE_WORKFLOW_TASK_COMPLETED');
    expect(eventTypes(inInput).slice(0, firstTask(inInput))).not.toContain('EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED');
    expect(eventTypes(asSignal).slice(0, firstTask(asSignal))).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED');
    expect(firstTaskActivities(inInput).sort()).toEqual(firstTaskActivities(asSignal).sort());
    expect(eventTypes(inInput).filter((t) => t === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED')).toHaveLength(1);
  });
});

interface HistoryEvent {
  eventType: string;
  timerStartedEventAttributes?: { startToFireTimeout?: { seconds?: string | number } };
  markerRecordedEventAttributes?: {
    markerName?: string;
    details?: Record<string, { payloads?: { data?: string }[] }>;
  };
  upsertWorkflowSearchAttributesEventAttributes?: { searchAttributes?: { indexedFields?: Record<string, unknown> } };
}

/** The patch ids of a history's patch markers, in order (the SDK's core writes them as plain JSON). */
function patchMarkers(fixture: Fixture): string[] {
  return (fixture.history as { events: HistoryEvent[] }).events.flatMap((e) => {
    // Patch markers only: a local activity's marker carries its (encrypted) result.
    if (e.markerRecordedEventAttributes?.markerName !== 'core_patch') return [];
    const data = Object.values(e.markerRecordedEventAttributes?.details ?? {})[0]?.payloads?.[0]?.data;
    return data ? [(JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { id: string }).id] : [];
  });
}

/** How many local activities a history ran (their markers). */
function localActivities(fixture: Fixture): number {
  return (fixture.history as { events: { markerRecordedEventAttributes?: { markerName?: string } }[] }).events.filter(
    (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
  ).length;
}

/** How many activities of `type` a history scheduled on the task queue. */
function scheduled(fixture: Fixture, type: string): number {
  return (
    fixture.history as { events: { activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } }[] }
  ).events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === type).length;
}

/** Whether an event upserts the incident's own search attributes (not the core's TemporalChangeVersion). */
function ownUpsert(e: HistoryEvent): boolean {
  const fields = Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
  return fields.some((f) => f.startsWith('Breach'));
}

/** How many upserts of the incident's own search attributes each workflow task made. */
function upsertsPerTask(fixture: Fixture): number[] {
  const counts: number[] = [];
  for (const e of (fixture.history as { events: HistoryEvent[] }).events) {
    if (e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED') counts.push(0);
    if (ownUpsert(e)) counts[counts.length - 1]! += 1;
  }
  return counts;
}

/** Whether an event is the incident's own publication: its search attributes or its memo. */
function published(e: HistoryEvent): boolean {
  return e.eventType === 'EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED' || ownUpsert(e);
}

/** Events a workflow task's commands write (the kinds the S1 chain has), besides the publication. */
const COMMAND_EVENTS = new Set([
  'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
  'EVENT_TYPE_TIMER_STARTED',
  'EVENT_TYPE_TIMER_CANCELED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED',
  'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED',
  'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
]);

/**
 * Publications followed at once by another command of the same activation. A local activity's marker
 * ends an activation (the task goes on with the next), and the workflow's completion may follow.
 */
function publishedBeforeCommands(fixture: Fixture): number {
  const events = (fixture.history as { events: HistoryEvent[] }).events;
  return events.filter((e, i) => {
    const next = events[i + 1];
    return published(e) && next !== undefined && !published(next) && COMMAND_EVENTS.has(next.eventType);
  }).length;
}

/** How many changes of the memo (the case list's, domain/case-list-facts.ts) each workflow task made. */
function memosPerTask(fixture: Fixture): number[] {
  const counts: number[] = [];
  for (const e of (fixture.history as { events: HistoryEvent[] }).events) {
    if (e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED') counts.push(0);
    if (e.eventType === 'EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED') counts[counts.length - 1]! += 1;
  }
  return counts;
}

describe('one patch marker for a new incident (workflows/since-marker.ts)', () => {
  const now = () => FIXTURES.find((f) => f.file === 'full-chain-delay-notification.json')!;
  const before = () => FIXTURES.find((f) => f.file === 'pre-since-marker/full-chain-delay-notification.json')!;

  it('an incident recorded since holds the since marker and no other; one recorded before a marker per patch it asked', () => {
    expect(patchMarkers(now())).toEqual([PATCHES.sinceMarkerConclusion.id]);
    expect(patchMarkers(before())).not.toContain(PATCHES.sinceMarker.id);
    expect(patchMarkers(before()).length).toBeGreaterThan(5);
  });

  it('the newer since marker stands for the first and the patches after it; an incident recorded under the first still replays by it', () => {
    // Recorded with the first since marker: it replays (above) reading the first marker, not the newer.
    const underFirst = FIXTURES.find((f) => f.file === 'pre-since-marker-duties/full-chain-delay-notification.json')!;
    expect(patchMarkers(underFirst)).toEqual([PATCHES.sinceMarker.id]);
    expect(sinceDutiesCovers()).toEqual(expect.arrayContaining([...sinceCovers()]));
    // Each covered id is a registered patch. (The list stays as it is: a patch added after the newer marker
    // is asked on its own, since the incidents recorded with that marker never ran it.)
    const registered = new Set<string>(Object.values(PATCHES).map((p) => p.id));
    for (const id of sinceDutiesCovers()) expect(registered.has(id), id).toBe(true);
  });

  it('the third since marker stands for the second and the local notices; an incident recorded under the second still replays by it, its notices all activities', () => {
    const underSecond = FIXTURES.find(
      (f) => f.file === 'pre-since-marker-local-notice/full-chain-delay-notification.json',
    )!;
    expect(patchMarkers(underSecond)).toEqual([PATCHES.sinceMarkerDuties.id]);
    expect(sinceLocalNoticeCovers()).toEqual([...sinceDutiesCovers(), PATCHES.localNotice.id]);
    // The same scenario: the notices no one waited on were activities, now local activities.
    expect(localActivities(underSecond)).toBe(0);
    expect(localActivities(now())).toBeGreaterThanOrEqual(10);
    expect(scheduled(now(), 'sendNotice') + localActivities(now())).toBe(scheduled(underSecond, 'sendNotice'));
  });

  it('the fourth since marker stands for the third and the publication as the activation concludes; an incident recorded under the third still replays by it, its upserts before commands of the same task', () => {
    const underThird = FIXTURES.find(
      (f) => f.file === 'pre-since-marker-conclusion/full-chain-delay-notification.json',
    )!;
    expect(patchMarkers(underThird)).toEqual([PATCHES.sinceMarkerLocalNotice.id]);
    expect(sinceConclusionCovers()).toEqual([
      ...sinceLocalNoticeCovers(),
      PATCHES.publishAtConclusion.id,
      PATCHES.clockStepDueAtOnce.id,
    ]);
    // Under the third, the publication came after the quiet passes, before an update's answer or a
    // command the main flow gave on the last pass; now after every command of its activation.
    expect(publishedBeforeCommands(underThird)).toBeGreaterThan(3);
    expect(publishedBeforeCommands(now())).toBe(0);
    // The same publications, once per task at most (below), as many as before.
    const count = (f: Fixture) => (f.history as { events: HistoryEvent[] }).events.filter(published).length;
    expect(count(now())).toBeGreaterThan(20);
    expect(Math.abs(count(now()) - count(underThird))).toBeLessThanOrEqual(2);
  });

  it("a clock step already due is taken at once: under the fourth marker no 1 ms timer, under the third one each time an owner's reminder fell due with the escalation, and the same mail", () => {
    const underThird = FIXTURES.find(
      (f) => f.file === 'pre-since-marker-conclusion/full-chain-delay-notification.json',
    )!;
    const shortTimers = (f: Fixture) =>
      (f.history as { events: HistoryEvent[] }).events.filter(
        (e) =>
          e.timerStartedEventAttributes && Number(e.timerStartedEventAttributes.startToFireTimeout?.seconds ?? 0) < 1,
      ).length;
    expect(shortTimers(underThird)).toBeGreaterThanOrEqual(3);
    expect(shortTimers(now())).toBe(0);
    const mail = (f: Fixture) => scheduled(f, 'sendNotice') + localActivities(f);
    expect(mail(now())).toBe(mail(underThird));
  });

  it('an incident recorded since upserts its search attributes and its case-list memo at most once per workflow task, with the state it ends in; one before at every change, up to four times a task', () => {
    const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
    expect(Math.max(...upsertsPerTask(now()))).toBe(1);
    expect(Math.max(...memosPerTask(now()))).toBe(1);
    expect(Math.max(...upsertsPerTask(before()))).toBeGreaterThan(2);
    expect(sum(upsertsPerTask(now())) * 2).toBeLessThan(sum(upsertsPerTask(before())));
  });
});

describe('the control: a workflow changed without patched()', () => {
  it('fails every recorded incident history with a DeterminismViolationError', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: join(PROJECT_ROOT, 'tests', 'replay', 'workflows', 'changed.ts'),
      ...bundleOptions,
      logger: { trace() {}, debug() {}, info() {}, log() {}, warn() {}, error: (m: string) => console.error(m) },
    });
    const incidents = FIXTURES.filter((f) => f.workflowType === 'breachIncidentWorkflow');
    const results = await replayAll(code, incidents);
    for (const fixture of incidents) {
      const error = results.get(fixture.file)?.error;
      expect(error, fixture.file).toBeInstanceOf(DeterminismViolationError);
    }
  });
});

describe('immediate notice by telephone and in the media (workflows/telephone-notice.ts, media-notice.ts)', () => {
  it('468.6-2c, 468.6-2b: a history recorded since carries the telephone, media and Section 508 relay patches, and its calls and media notice', () => {
    const fixture = FIXTURES.find((f) => f.file === 'immediate-telephone-media.json')!;
    expect(patchMarkers(fixture)).toEqual(
      expect.arrayContaining([PATCHES.telephoneNotice.id, PATCHES.mediaNotice.id, PATCHES.ttyRelayInLetters.id]),
    );
    const scheduled = (
      fixture.history as { events: { activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } }[] }
    ).events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    expect(scheduled).toEqual(expect.arrayContaining(['callRoster', 'postMediaNotice']));
  });
});

describe('the rules patches decided at start have histories recorded under them (workflows/rule-sets.ts startRules)', () => {
  it("the custody exemption (and the report's recipient), PPGB members objecting, named program managers, the Rehabilitation Act and the duty follow-ups each replay from a history that decided them", () => {
    const recorded = new Set(FIXTURES.flatMap((f) => patchMarkers(f)));
    for (const id of [
      PATCHES.custodyFacts.id,
      PATCHES.ppgbMembersObject.id,
      PATCHES.namedProgramManagers.id,
      PATCHES.rehabilitationAct.id,
      PATCHES.dutiesDerived.id,
      PATCHES.dutyFollowUps.id,
      PATCHES.custodyReportRecipient.id,
    ])
      expect(recorded, id).toContain(id);
    const followUps = FIXTURES.find((f) => f.file === 'rules-followups-named-pm-rehabilitation.json')!;
    expect(patchMarkers(followUps)).toContain(PATCHES.dutyFollowUps.id);
  });
});
