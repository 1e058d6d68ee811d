/**
 * Records the replay fixtures of tests/replay (docs/reliability.md "Replay safety"): the main paths of an incident
 * driven on the time-skipping test server by the real worker (the real workflows and activities, an
 * SMTP and an HTTP receiver), each history written as JSON to tests/replay/histories/<path>.json. The
 * payloads are encrypted with the committed TEST keyring (tests/replay/test-keyring.json: a test key
 * for these fictional fixtures only, never used anywhere else), so the replay test can decrypt them.
 *
 *   npm run record-histories                      every path
 *   npm run record-histories -- late-report       some paths
 *   npm run record-histories -- --out <dir> ...   somewhere else (a history kept from before a patch)
 *   npm run record-histories -- --check [...]     every path (or some) driven to its end, nothing kept
 *
 * Re-record only for a change that is *meant* to change histories and is versioned with patched(), so
 * that the old fixtures still replay first (docs/reliability.md); never to make a failing replay pass.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import proto from '@temporalio/proto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { createActivities } from '../../activities/index.js';
import { getIncidentState } from '../../client/incidents.js';
import { decide as decideThroughApi } from '../../client/decisions.js';
import { signLink } from '../../security/links.js';
import type { Decision, DecisionBody } from '../../domain/decision.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import type { Playbook } from '../../domain/playbook.js';
import type { Report } from '../../domain/report.js';
import type { IncidentState, Phase } from '../../domain/state.js';
import { PROJECT_ROOT } from '../../config/index.js';
import { createDataConverter } from '../../security/data-converter.js';
import { readKeyringFile } from '../../security/keyring.js';
import { decisionSignal, noticesReturnedSignal, reportIntakeSignal } from '../../workflows/messages.js';
import { notifyWorkflowId } from '../../workflows/notify-messages.js';
import {
  createTestWorker,
  startHttpReceiver,
  startSmtpReceiver,
  startTimeSkippingEnv,
  type EndpointReceiver,
  type SmtpReceiver,
  type TestWorkflowEnvironment,
} from '../helpers/index.js';
import { FACTORS_HIGH, FACTORS_LOW, LETTER, MEMO_CASE, testPlaybook } from '../workflows/fixture.js';
import { sampleReport } from '../../scripts/local/sample-report.js';

export const HISTORIES_DIR = join(PROJECT_ROOT, 'tests', 'replay', 'histories');
export const TEST_KEYRING = join(PROJECT_ROOT, 'tests', 'replay', 'test-keyring.json');

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ROSTER = join(PROJECT_ROOT, 'tests', 'replay', 'roster.ndjson');
const PHONE_ROSTER = join(PROJECT_ROOT, 'tests', 'replay', 'roster-phones.ndjson');

/**
 * A fixture file: the history, the workflow id it ran under (replay needs it), and what it shows. The
 * history is protobufjs's JSON of temporal.api.history.v1.History (`History.fromObject` reads it back):
 * the SDK's historyToJSON cannot be used here, since @temporalio/common and @temporalio/proto each
 * install a protobufjs of their own and its `toJson` rejects the other's types.
 */
export interface RecordedHistory {
  description: string;
  workflowId: string;
  workflowType: string;
  history: unknown;
}

interface World {
  env: TestWorkflowEnvironment;
  client: Client;
  taskQueue: string;
  receiver: EndpointReceiver;
  /** The shipped 5 FAM playbook with its endpoints at `<receiver><prefix>/<name>`. */
  playbook(prefix?: string): Playbook;
}

/** One path: drives an incident to its end and names the workflows whose histories to keep. */
interface RecordedPath {
  name: string;
  description: string;
  drive(
    world: World,
    incidentId: string,
  ): Promise<{ workflowId: string; workflowType: string; suffix?: string; description?: string }[]>;
}

/**
 * As the API does (client/incidents.ts): a report naming its incident is a signal-with-start; with
 * `inInput`, as for a report without an id, the report is in the start's input.
 */
async function report(
  world: World,
  incidentId: string,
  playbook: Playbook,
  overrides: Partial<Report> = {},
  inInput = false,
): Promise<WorkflowHandle> {
  const now = await world.env.currentTimeMs();
  const base = sampleReport({ incidentId, affectedCount: 4 }, now - 5 * 60_000);
  const workflowId = incidentWorkflowId(incidentId);
  const input = { incidentId, playbook, receivedAt: new Date(now).toISOString() };
  const taken = { ...base, ...overrides, incidentId };
  if (inInput)
    await world.client.workflow.start('breachIncidentWorkflow', {
      workflowId,
      taskQueue: world.taskQueue,
      args: [{ ...input, report: taken }],
    });
  else
    await world.client.workflow.signalWithStart('breachIncidentWorkflow', {
      workflowId,
      taskQueue: world.taskQueue,
      args: [input],
      signal: reportIntakeSignal,
      signalArgs: [taken],
    });
  await until(world, incidentId, (s) => s.discoveredAt !== '', 'the report taken');
  return world.client.workflow.getHandle(workflowId);
}

/** Through the API's own function: a refusal also sends the decisionRefused signal, as in production. */
async function decide(
  world: World,
  incidentId: string,
  actorId: string,
  decision: DecisionBody,
): Promise<IncidentState> {
  return decideThroughApi(world.client, incidentId, { ...decision, actorId } as Decision);
}

async function refused(world: World, incidentId: string, actorId: string, decision: DecisionBody): Promise<void> {
  try {
    await decide(world, incidentId, actorId, decision);
  } catch {
    return;
  }
  throw new Error(`${decision.kind} by ${actorId} was expected to be refused`);
}

async function until(
  world: World,
  incidentId: string,
  predicate: (s: IncidentState) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<IncidentState> {
  const deadline = Date.now() + timeoutMs;
  let last: IncidentState | undefined;
  while (Date.now() < deadline) {
    last = await getIncidentState(world.client, incidentId).catch(() => undefined);
    if (last && predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `${incidentId}: timed out waiting for ${what} (phase ${last?.phase}; timeline ${JSON.stringify(last?.timeline.map((t) => t.event))})`,
  );
}

const phase = (world: World, incidentId: string, p: Phase) =>
  until(world, incidentId, (s) => s.phase === p, `phase ${p}`);

async function closeOut(world: World, incidentId: string, handle: WorkflowHandle): Promise<void> {
  const state = await phase(world, incidentId, 'closure-review');
  if (state.actionItems.some((i) => i.status === 'open'))
    throw new Error(`${incidentId}: items open in closure review`);
  await decide(world, incidentId, 'ips-director', {
    kind: 'sign-off-closure',
    rationale: 'Every action is complete; the case record is filed.',
  });
  await handle.result();
}

/** 467.4-2a: the IPS Director's triage, the office named (the Consular Affairs' unless said), the CRG convened or not. */
async function triage(
  world: World,
  incidentId: string,
  {
    office = 'Bureau of Consular Affairs',
    convene,
    rationale,
  }: { office?: string; convene: boolean; rationale: string },
): Promise<void> {
  await decide(world, incidentId, 'ips-director', { kind: 'assign-responsible-office', office });
  await decide(world, incidentId, 'ips-director', { kind: 'convene-crg', convene, rationale });
}

/**
 * 467.4-2a, 468.4, 468.5c: the CRG not convened, the IPS Director records the analysis as its chair (a
 * finding of minimal risk, nothing further; docs/lifecycle.md "Duties"), the PPGB is advised and its
 * objection window runs out: the case goes on to closure review once its items are done.
 */
async function notConvened(world: World, incidentId: string, rationale: string): Promise<void> {
  await decide(world, incidentId, 'ips-director', {
    kind: 'submit-analysis',
    factors: FACTORS_LOW,
    riskOverride: { level: 'low', rationale },
    options: ['no-further-action'],
    rationale: 'Recorded by the IPS Director, the CRG not convened.',
  });
  await objectionWindowRunsOut(world, incidentId);
}

/** 467.4-2a: at triage, the office named and the CRG convened with `rationale`. */
async function toAnalysis(world: World, incidentId: string, rationale: string): Promise<void> {
  await phase(world, incidentId, 'triage');
  await triage(world, incidentId, { convene: true, rationale });
}

/** An action item completed by `actorId` with its evidence (467.4-2b). */
const complete = (world: World, incidentId: string, actorId: string, itemId: string, evidence: string) =>
  decide(world, incidentId, actorId, { kind: 'complete-action-item', itemId, evidence });

/** The PPGB Chair refers the case to the Under Secretary (468.5b), who decides on notification (468.5e). */
async function toUnderSecretary(
  world: World,
  incidentId: string,
  chairRationale: string,
  decision: { outcome: 'approve-notification' | 'decline-notification'; rationale: string },
): Promise<void> {
  await decide(world, incidentId, 'ppgb-chair', {
    kind: 'ppgb-chair-decision',
    outcome: 'refer-to-under-secretary',
    rationale: chairRationale,
  });
  await decide(world, incidentId, 'under-secretary', { kind: 'under-secretary-decision', ...decision });
}

/** 468.6-1b: credit protection was chosen, so the letter carries the offer; the four people of ROSTER. */
const approveLetterWithOffer = (world: World, incidentId: string) =>
  decide(world, incidentId, 'notification-official', {
    kind: 'approve-letter',
    letter: { ...LETTER, creditProtectionOffer: 'Twelve months of credit monitoring at no cost.' },
    roster: { url: pathToFileURL(ROSTER).href, count: 4 },
  });

const untilEvent = (world: World, incidentId: string, event: string, what: string) =>
  until(world, incidentId, (s) => s.timeline.some((t) => t.event === event), what);

/** A decision refused twice, by update and by signal, each recorded in the timeline. */
const bothRefusalsRecorded = (world: World, incidentId: string, kind: string) =>
  until(
    world,
    incidentId,
    (s) => s.timeline.filter((t) => t.event === `decision-refused:${kind}`).length >= 2,
    'both refusals recorded',
  );

/** Minimal risk: the PPGB advised, its objection window (ten days, 468.5c) runs out, closure review. */
async function objectionWindowRunsOut(world: World, incidentId: string): Promise<void> {
  await phase(world, incidentId, 'ppgb-advised');
  await world.env.sleep(10 * DAY + 60_000);
  await phase(world, incidentId, 'closure-review');
}

const incident = (workflowId: string) => ({ workflowId, workflowType: 'breachIncidentWorkflow' });

export const PATHS: RecordedPath[] = [
  {
    name: 'on-time-cyber',
    description:
      'Cyber incident reported to US-CERT within the hour; triage; the CRG not convened; fact-finding done; (under the duty rules: the IPS Director records the analysis, the PPGB window runs out); closure signed off.',
    async drive(world, incidentId) {
      const handle = await report(world, incidentId, world.playbook());
      await phase(world, incidentId, 'triage');
      await triage(world, incidentId, { convene: false, rationale: 'Encrypted media recovered unopened.' });
      await complete(world, incidentId, 'program-manager', 'fact-finding', 'Fact-finding report filed on 3 March.');
      await notConvened(world, incidentId, 'Encrypted media recovered unopened.');
      await closeOut(world, incidentId, handle);
      return [incident(handle.workflowId)];
    },
  },
  {
    name: 'first-report-in-input',
    description:
      'As on-time-cyber, the first report in the start input (a report without an id, client/incidents.ts) where the others take it as a signal; a supplement as the signal.',
    async drive(world, incidentId) {
      const handle = await report(world, incidentId, world.playbook(), {}, true);
      await phase(world, incidentId, 'triage');
      await world.client.workflow.getHandle(handle.workflowId).signal(reportIntakeSignal, {
        ...sampleReport({ incidentId, affectedCount: 9 }, (await world.env.currentTimeMs()) - 10 * 60_000),
        incidentId,
      });
      await until(world, incidentId, (s) => s.supplements === 1, 'the supplement');
      await triage(world, incidentId, { convene: false, rationale: 'Encrypted media recovered unopened.' });
      await complete(world, incidentId, 'program-manager', 'fact-finding', 'Fact-finding report filed on 3 March.');
      await notConvened(world, incidentId, 'Encrypted media recovered unopened.');
      await closeOut(world, incidentId, handle);
      return [incident(handle.workflowId)];
    },
  },
  {
    name: 'late-report',
    description:
      'US-CERT answers 503 past the hour: marked late and escalated at the deadline, delivered afterwards; the triage gate stalls (daily reminders, escalation to the SAOP after five days); the CRG declined (under the duty rules: the IPS Director records the analysis, the PPGB window runs out); closure.',
    async drive(world, incidentId) {
      let down = true;
      const restore = world.receiver.failWhile('/late/usCert', () => down, 503);
      try {
        const handle = await report(world, incidentId, world.playbook('/late'));
        await world.env.sleep(HOUR);
        await until(world, incidentId, (s) => s.reportedLate, 'the late mark');
        down = false;
        await world.env.sleep(10 * 60_000);
        await until(
          world,
          incidentId,
          (s) => s.reportedAt !== null && s.phase === 'triage',
          'the delivery after the outage',
        );
        await world.env.sleep(5 * DAY + 60_000);
        await untilEvent(world, incidentId, 'escalated:ipsDirector', 'the gate escalation');
        await decide(world, incidentId, 'ips-director', {
          kind: 'convene-crg',
          convene: false,
          rationale: 'Twelve records, recovered the same day.',
        });
        await decide(world, incidentId, 'ips-director', {
          kind: 'assign-responsible-office',
          office: 'Bureau of Consular Affairs',
        });
        await complete(world, incidentId, 'program-manager', 'fact-finding', 'Fact-finding report filed.');
        await notConvened(world, incidentId, 'Twelve records, recovered the same day.');
        await closeOut(world, incidentId, handle);
        return [incident(handle.workflowId)];
      } finally {
        restore();
      }
    },
  },
  {
    name: 'full-chain-delay-notification',
    description:
      'The whole decision chain: CRG convened, a security delay requested then extended, analysis with credit protection and liaisons, the cost estimate, the PPGB Chair, the board, the Under Secretary, the letter; notification waits out the delay, then the roster is notified by the child workflow; action items completed; closure.',
    async drive(world, incidentId) {
      const handle = await report(world, incidentId, world.playbook());
      await toAnalysis(world, incidentId, 'Passport numbers of the public are involved.');
      const now = await world.env.currentTimeMs();
      await decide(world, incidentId, 'ds-investigations', {
        kind: 'request-delay',
        requestingEntity: 'DS/ICI',
        reason: 'An investigation is under way.',
        notifyAfter: new Date(now + 3 * DAY).toISOString(),
      });
      await decide(world, incidentId, 'ips-director', {
        kind: 'submit-analysis',
        factors: FACTORS_HIGH,
        options: ['notify-individuals', 'credit-protection', 'systemic-review'],
        liaisons: ['ftc'],
        rationale: 'CRG analysis under 5 FAM 468.4.',
      });
      await decide(world, incidentId, 'crg-cgfs', {
        kind: 'cost-estimate',
        estimatedCostUsd: 480,
        notes: '4 people, 12 months of monitoring',
      });
      await decide(world, incidentId, 'ppgb-chair', {
        kind: 'ppgb-chair-decision',
        outcome: 'refer-to-ppgb',
        rationale: 'Board review.',
      });
      await decide(world, incidentId, 'ppgb-chair', {
        kind: 'ppgb-decision',
        outcome: 'refer-to-under-secretary',
        rationale: 'The board recommends notification.',
      });
      await decide(world, incidentId, 'under-secretary', {
        kind: 'under-secretary-decision',
        outcome: 'approve-notification',
        rationale: 'Approved under DA-198.',
      });
      // 468.6-1b: credit protection was chosen, so the letter carries the offer (refused without it).
      await approveLetterWithOffer(world, incidentId);
      await phase(world, incidentId, 'notification-delayed');
      await decide(world, incidentId, 'ds-investigations', {
        kind: 'extend-delay',
        notifyAfter: new Date(now + 5 * DAY).toISOString(),
      });
      await world.env.sleep(5 * DAY + 60_000);
      await phase(world, incidentId, 'remediation');
      await complete(
        world,
        incidentId,
        'program-manager',
        'credit-protection',
        'Contract 19AQMM-26 for 12 months of monitoring.',
      );
      await complete(world, incidentId, 'program-manager', 'fact-finding', 'Fact-finding report filed.');
      await complete(world, incidentId, 'crg-ds', 'systemic-review', 'Disk encryption enforced bureau-wide.');
      await closeOut(world, incidentId, handle);
      return [
        incident(handle.workflowId),
        {
          workflowId: notifyWorkflowId(handle.workflowId),
          workflowType: 'notifyRosterWorkflow',
          suffix: 'notify',
          description:
            'The notification run (child workflow) of the same incident: letters, an email and a substitute notice.',
        },
      ];
    },
  },
  {
    name: 'immediate-telephone-media',
    description:
      'Immediate notice (468.6-2c): the roster called through the telephony endpoint beside the letters and emails, one call not answered and fallen to the letter; the letters and emails name the playbook TTY number (Section 508); the substitute notice on the web and in the media by state (468.6-2b); the items completed; closure.',
    async drive(world, incidentId) {
      const remove = world.receiver.on('/immediate/telephony', (call) =>
        (call.body as { line?: number }).line === 1 ? { status: 200, body: { outcome: 'no-answer' } } : undefined,
      );
      try {
        const handle = await report(world, incidentId, world.playbook('/immediate'));
        await toAnalysis(world, incidentId, 'Passport numbers of the public are involved.');
        await decide(world, incidentId, 'ips-director', {
          kind: 'submit-analysis',
          factors: FACTORS_HIGH,
          options: ['notify-individuals'],
          rationale: 'CRG analysis.',
        });
        await decide(world, incidentId, 'ppgb-chair', {
          kind: 'ppgb-chair-decision',
          outcome: 'refer-to-under-secretary',
          rationale: 'Straight to M.',
        });
        await decide(world, incidentId, 'under-secretary', {
          kind: 'under-secretary-decision',
          outcome: 'approve-notification',
          rationale: 'Approved; notice must be immediate.',
        });
        await decide(world, incidentId, 'notification-official', {
          kind: 'approve-letter',
          letter: LETTER,
          roster: { url: pathToFileURL(PHONE_ROSTER).href, count: 4 },
          immediate: true,
        });
        const state = await phase(world, incidentId, 'remediation');
        if (state.telephoneNotice?.fellTo?.letter !== 1)
          throw new Error(
            `${incidentId}: expected one call fallen to the letter (${JSON.stringify(state.telephoneNotice)})`,
          );
        for (const item of state.actionItems.filter((i) => i.status === 'open')) {
          const owner = world.playbook().people.find((p) => p.roles.includes(item.ownerRole));
          await decide(world, incidentId, owner?.id ?? 'ips-director', {
            kind: 'complete-action-item',
            itemId: item.id,
            evidence: 'Done and filed.',
          });
        }
        await closeOut(world, incidentId, handle);
        return [incident(handle.workflowId)];
      } finally {
        remove();
      }
    },
  },
  {
    name: 'closure-refused-then-accepted',
    description:
      'The Under Secretary declines notification; in remediation the sign-off is refused while items are open (by update, recorded through the decisionRefused signal, and by the decision signal, each with its decisionId in the timeline), the gate reminds; the items are completed and the sign-off accepted.',
    async drive(world, incidentId) {
      const handle = await report(world, incidentId, world.playbook());
      await toAnalysis(world, incidentId, 'Passport numbers of the public are involved.');
      await decide(world, incidentId, 'ips-director', {
        kind: 'submit-analysis',
        factors: FACTORS_HIGH,
        options: ['notify-individuals', 'remediation'],
        rationale: 'CRG analysis.',
      });
      await toUnderSecretary(world, incidentId, 'Straight to M.', {
        outcome: 'decline-notification',
        rationale: 'The data was recovered unread.',
      });
      await phase(world, incidentId, 'remediation');
      await refused(world, incidentId, 'ips-director', { kind: 'sign-off-closure', rationale: 'Done?' });
      await handle.signal(decisionSignal, {
        kind: 'sign-off-closure',
        rationale: 'Done now?',
        actorId: 'ips-director',
        decisionId: 'dec-replay-refused-signal',
      });
      await bothRefusalsRecorded(world, incidentId, 'sign-off-closure');
      await world.env.sleep(2 * DAY + 60_000);
      await until(
        world,
        incidentId,
        (s) => s.timeline.filter((t) => t.event.startsWith('reminder:')).length >= 2,
        'two reminders',
      );
      await complete(world, incidentId, 'program-manager', 'remediation', 'Access rights of the share corrected.');
      await complete(world, incidentId, 'program-manager', 'fact-finding', 'Fact-finding report filed.');
      await closeOut(world, incidentId, handle);
      return [incident(handle.workflowId)];
    },
  },
  {
    name: 'minimal-risk',
    description:
      'Non-cyber, criminal act suspected and classified information involved (Privacy Division, OIG, security incident offices), a supplementary report; minimal risk: the PPGB advised, the objection window runs out; the items completed; closure.',
    async drive(world, incidentId) {
      const handle = await report(world, incidentId, world.playbook(), {
        medium: 'non-cyber',
        disclosureFormat: 'paper',
        criminalActSuspected: true,
        classifiedInvolved: true,
      });
      await phase(world, incidentId, 'triage');
      await handle.signal(reportIntakeSignal, {
        incidentId,
        reporter: {
          name: 'Robin Reporter',
          email: 'robin.reporter@state.example',
          office: 'Bureau of Consular Affairs',
        },
        supervisor: { name: 'Sam Supervisor', email: 'sam.supervisor@state.example' },
        discoveredAt: new Date((await world.env.currentTimeMs()) - 10 * 60_000).toISOString(),
        medium: 'non-cyber',
        summary: 'Two more printed pages were found in the same recycling bin.',
        piiTypes: ['personnel-payroll'],
        affectedCount: 6,
        affectedPopulation: 'workforce',
        encrypted: false,
        classifiedInvolved: true,
        criminalActSuspected: true,
      });
      await until(world, incidentId, (s) => s.supplements === 1, 'the supplement');
      await triage(world, incidentId, {
        office: 'Bureau of Administration',
        convene: true,
        rationale: 'Classified and criminal: the CRG reviews it.',
      });
      // Low factors leave the payroll and passport data at moderate risk (468.4): the CRG finds minimal
      // risk by overriding it, with its rationale (468.5c). The history recorded before the route
      // followed the risk is kept in pre-route-by-risk/.
      await decide(world, incidentId, 'ips-director', {
        kind: 'submit-analysis',
        factors: FACTORS_LOW,
        riskOverride: { level: 'low', rationale: 'Recovered before anyone read it.' },
        options: ['no-further-action'],
        rationale: 'Recovered before anyone read it.',
      });
      await objectionWindowRunsOut(world, incidentId);
      await refused(world, incidentId, 'ips-director', { kind: 'sign-off-closure', rationale: 'Too early.' });
      await complete(world, incidentId, 'ds-investigations', 'fact-finding', 'DS fact-finding closed.');
      await complete(world, incidentId, 'oig-investigations', 'oig-referral', 'OIG case opened.');
      await closeOut(world, incidentId, handle);
      return [incident(handle.workflowId)];
    },
  },
  {
    name: 'record-returns-archive-refused',
    description:
      'Notification with credit protection (the offer in the letter, the incident dates added); the mail vendor reports two letters returned (one sent again by email, one to the substitute notice); the archive refuses the case record (4xx): archiving, escalated; the Privacy Division records where it was filed by hand; closed.',
    async drive(world, incidentId) {
      let refusing = true;
      const restore = world.receiver.failWhile('/issue13/recordsArchive', () => refusing, 400);
      try {
        const handle = await report(world, incidentId, world.playbook('/issue13'));
        await toAnalysis(world, incidentId, 'Passport numbers of the public are involved.');
        await decide(world, incidentId, 'ips-director', {
          kind: 'submit-analysis',
          factors: FACTORS_HIGH,
          options: ['notify-individuals', 'credit-protection'],
          rationale: 'CRG analysis.',
        });
        await decide(world, incidentId, 'crg-cgfs', {
          kind: 'cost-estimate',
          estimatedCostUsd: 480,
          notes: '4 people, 12 months of monitoring',
        });
        await toUnderSecretary(world, incidentId, 'To M.', { outcome: 'approve-notification', rationale: 'Approved.' });
        await approveLetterWithOffer(world, incidentId);
        await phase(world, incidentId, 'remediation');
        await handle.signal(noticesReturnedSignal, {
          returns: [
            { line: 0, means: 'letter', reason: 'moved' },
            { line: 2, means: 'letter', reason: 'undeliverable' },
          ],
        });
        await until(
          world,
          incidentId,
          (s) => (s.notification?.returned ?? 0) === 2 && s.timeline.some((t) => t.event === 'notices-resent'),
          'the returns handled',
        );
        await complete(world, incidentId, 'program-manager', 'credit-protection', 'Contract 19AQMM-26.');
        await complete(world, incidentId, 'program-manager', 'fact-finding', 'Fact-finding report filed.');
        await phase(world, incidentId, 'closure-review');
        await decide(world, incidentId, 'ips-director', {
          kind: 'sign-off-closure',
          rationale: 'Every action is complete.',
        });
        await until(
          world,
          incidentId,
          (s) => s.phase === 'archiving' && s.awaiting?.role === 'privacyDivision',
          'the escalation',
        );
        await decide(world, incidentId, 'privacy-division', { kind: 'record-filed', reference: 'ERMS 2026-0042' });
        await handle.result();
        return [incident(handle.workflowId)];
      } finally {
        refusing = false;
        restore();
      }
    },
  },
  {
    name: 'later-facts-major-incident',
    description:
      'A major incident from the report (SAOP and CIO told, congress-notification with a reminder, completed); a supplement newly says criminal and workforce (OIG referred, conduct review, an update of the one-hour report naming the first); the analysis learns classified (security offices told, fact-finding moved to DS) and finds the custody exemption on its structured grounds (accounting entry, 464c); the PPGB window runs out; closure.',
    async drive(world, incidentId) {
      const medical = {
        piiTypes: ['medical' as const],
        disclosureFormat: 'paper' as const,
        disclosedBy: 'clinic records office',
        disclosedTo: 'ICE Health Service Corps',
        affectedCount: 100_000,
      };
      const handle = await report(world, incidentId, world.playbook(), medical);
      await until(
        world,
        incidentId,
        (s) => s.majorIncident !== null && s.reportedAt !== null,
        'the major-incident flag and the report',
      );
      await handle.signal(reportIntakeSignal, {
        ...sampleReport(
          {
            incidentId,
            ...medical,
            summary: 'A clerk copied the files and sold them.',
            criminalActSuspected: true,
            causedByWorkforceMember: true,
          },
          (await world.env.currentTimeMs()) - 10 * 60_000,
        ),
      });
      await until(
        world,
        incidentId,
        (s) => s.reportReceipts.length === 2 && s.timeline.some((t) => t.event === 'referred:oig'),
        'the update and the referral',
      );
      await triage(world, incidentId, {
        office: 'Bureau of Medical Services',
        convene: true,
        rationale: 'Medical records of 100,000 people.',
      });
      await world.env.sleep(DAY + 60_000);
      await untilEvent(world, incidentId, 'reminder:congress-notification', 'the congress reminder');
      await complete(
        world,
        incidentId,
        'ppgb-chair',
        'congress-notification',
        'Committees of jurisdiction told on day 2.',
      );
      await decide(world, incidentId, 'ips-director', {
        kind: 'submit-analysis',
        factors: FACTORS_LOW,
        options: ['no-further-action'],
        classifiedInvolved: true,
        authorizedDisclosure: {
          ...MEMO_CASE,
          explanation:
            'Discharge summaries sent to ICE Health Service Corps for the continuity of care of the detainees.',
        },
        rationale: 'The disclosure to the custodian was authorized; the copies sold are the OIG case.',
      });
      await until(
        world,
        incidentId,
        (s) => s.disclosures.length === 1 && s.timeline.some((t) => t.event === 'security-incident-notified'),
        'the accounting and the security notice',
      );
      await objectionWindowRunsOut(world, incidentId);
      await complete(world, incidentId, 'ds-investigations', 'fact-finding', 'DS fact-finding closed.');
      await complete(world, incidentId, 'oig-investigations', 'oig-referral', 'OIG case opened.');
      await complete(world, incidentId, 'program-manager', 'conduct-review', 'The clerk was referred for discipline.');
      await closeOut(world, incidentId, handle);
      return [incident(handle.workflowId)];
    },
  },
  {
    name: 'no-notification-at-moderate-risk',
    description:
      'A recommendation not to notify at moderate risk, with credit protection: CGFS consulted on its cost (468.5d), the recommendation to the PPGB Chair (468.5b), who stalls: reminders, then the escalation goes to the final authority and the Privacy Division, not to the Chair; referred to M, who declines (468.5e); the items completed; closure.',
    async drive(world, incidentId) {
      const handle = await report(world, incidentId, world.playbook());
      await toAnalysis(world, incidentId, 'Passport numbers of the public are involved.');
      await decide(world, incidentId, 'ips-director', {
        kind: 'submit-analysis',
        factors: FACTORS_LOW,
        options: ['credit-protection', 'remediation'],
        rationale: 'Moderate risk; credit protection instead of letters.',
      });
      await phase(world, incidentId, 'cost-consultation');
      await decide(world, incidentId, 'crg-cgfs', { kind: 'cost-estimate', estimatedCostUsd: 480 });
      await phase(world, incidentId, 'ppgb-chair-review');
      await world.env.sleep(5 * DAY + 60_000);
      await untilEvent(world, incidentId, 'escalated:ppgbChair', 'the escalation');
      await toUnderSecretary(world, incidentId, 'For M.', {
        outcome: 'decline-notification',
        rationale: 'Credit protection suffices.',
      });
      await phase(world, incidentId, 'remediation');
      await complete(
        world,
        incidentId,
        'program-manager',
        'credit-protection',
        'Contract for 12 months of monitoring.',
      );
      await complete(world, incidentId, 'program-manager', 'remediation', 'Access rights corrected.');
      await complete(world, incidentId, 'program-manager', 'fact-finding', 'Fact-finding report filed.');
      await closeOut(world, incidentId, handle);
      return [incident(handle.workflowId)];
    },
  },
  {
    name: 'duties-declined-reanalysed',
    description:
      'Under the duty rules: the CRG not convened, the IPS Director records the analysis (468.4); minimal risk goes to the PPGB; a supplement widens the count and makes it cyber, so the case goes back to the analysis and US-CERT is owed its report (468.3b(1)); the analysis again, the window runs out; the sign-off refused while the fact-finding is open (the open duty named), the owner completes it; closure.',
    async drive(world, incidentId) {
      const handle = await report(world, incidentId, world.playbook(), {
        medium: 'non-cyber',
        disclosureFormat: 'paper',
        piiTypes: ['other'],
        encrypted: true,
      });
      await phase(world, incidentId, 'triage');
      await triage(world, incidentId, { office: 'IRM', convene: false, rationale: 'Recovered the same day.' });
      const low = {
        kind: 'submit-analysis' as const,
        factors: FACTORS_LOW,
        riskOverride: { level: 'low' as const, rationale: 'Recovered unread.' },
        options: ['no-further-action' as const],
        rationale: 'Recorded by the IPS Director.',
      };
      await decide(world, incidentId, 'ips-director', low);
      await phase(world, incidentId, 'ppgb-advised');
      const now = await world.env.currentTimeMs();
      await handle.signal(reportIntakeSignal, {
        ...sampleReport({ incidentId, affectedCount: 40 }, now - 60_000),
        medium: 'cyber',
        piiTypes: ['other'],
        encrypted: true,
        summary: 'The same file was also on a shared drive.',
      });
      await until(world, incidentId, (s) => s.phase === 'analysis' && s.reanalysis != null, 'back to the analysis');
      await until(
        world,
        incidentId,
        (s) => s.duties?.find((d) => d.id === 'report:usCert')?.status === 'discharged',
        'US-CERT told',
      );
      await decide(world, incidentId, 'ips-director', low);
      await objectionWindowRunsOut(world, incidentId);
      await refused(world, incidentId, 'ips-director', { kind: 'sign-off-closure', rationale: 'Too early.' });
      await complete(world, incidentId, 'program-manager', 'fact-finding', 'Fact-finding closed.');
      await closeOut(world, incidentId, handle);
      return [incident(handle.workflowId)];
    },
  },
  {
    name: 'rules-custody-ppgb-member-objects',
    description:
      "The rules patches decided at start: the custody exemption on the custodian's facts (the recipient is the custodian, its determination recorded, only the medical part exempt, 45 CFR 164.512(k)(5)); the finding of minimal risk goes to the PPGB with the computed level, and a PPGB member who is not the Chair objects (468.5c); the case then waits for the final authority (recorded up to there, then terminated).",
    async drive(world, incidentId) {
      const handle = await report(world, incidentId, world.playbook(), {
        medium: 'non-cyber',
        piiTypes: ['medical'],
        disclosureFormat: 'paper',
        disclosedBy: 'clinic records office',
        disclosedTo: 'ICE Health Service Corps',
        affectedCount: 3,
        encrypted: false,
      });
      await toAnalysis(world, incidentId, 'Medical records left the clinic.');
      await decide(world, incidentId, 'ips-director', {
        kind: 'submit-analysis',
        factors: FACTORS_LOW,
        options: ['no-further-action'],
        authorizedDisclosure: {
          ...MEMO_CASE,
          explanation:
            'Discharge summaries sent to ICE Health Service Corps for the continuity of care of the detainees.',
        },
        rationale: 'The disclosure to the custodian was authorized.',
      });
      await phase(world, incidentId, 'ppgb-advised');
      await decide(world, incidentId, 'ppgb-ds', {
        kind: 'ppgb-override',
        rationale: 'A PPGB member objects: the custodian determination came after the disclosure.',
      });
      await until(world, incidentId, (s) => s.phase !== 'ppgb-advised', 'the objection taken');
      await handle.terminate('recorded up to the objection');
      return [incident(handle.workflowId)];
    },
  },
  {
    name: 'custody-report-names-custodian',
    description:
      "The custody exemption against the report's own account (custody-report-names-custodian, 45 CFR 164.512(k)(5)(i)): the report says the records went to a newspaper, so the finding is refused; a supplement corrects `disclosedTo` and the same finding is taken; a later supplement says a copy went to the newspaper after all, and the finding goes back to the analysis (recorded up to there, then terminated).",
    async drive(world, incidentId) {
      const medical = {
        medium: 'non-cyber' as const,
        piiTypes: ['medical' as const],
        disclosureFormat: 'paper' as const,
        disclosedBy: 'clinic records office',
        affectedCount: 1,
        encrypted: false,
      };
      const handle = await report(world, incidentId, world.playbook(), {
        ...medical,
        disclosedTo: 'The Daily Courier',
      });
      await toAnalysis(world, incidentId, 'A discharge summary left the clinic.');
      const finding: DecisionBody = {
        kind: 'submit-analysis',
        factors: FACTORS_LOW,
        options: ['no-further-action'],
        authorizedDisclosure: MEMO_CASE,
        rationale: 'The disclosure to the custodian was authorized.',
      };
      await refused(world, incidentId, 'ips-director', finding);
      const supplement = async (disclosedTo: string, count: number) => {
        const now = await world.env.currentTimeMs();
        await handle.signal(reportIntakeSignal, {
          ...sampleReport({ incidentId, ...medical, disclosedTo }, now - 60_000),
          incidentId,
        });
        await until(world, incidentId, (s) => s.supplements === count, 'the supplement merged');
      };
      await supplement('ICE Health Service Corps', 1);
      await decide(world, incidentId, 'ips-director', finding);
      await phase(world, incidentId, 'ppgb-advised');
      await supplement('The Daily Courier', 2);
      await phase(world, incidentId, 'analysis');
      await handle.terminate('recorded up to the finding sent back');
      return [incident(handle.workflowId)];
    },
  },
  {
    name: 'rules-followups-named-pm-rehabilitation',
    description:
      'The duty follow-ups (duties-owners-reminded-later-facts): a non-cyber report about workforce members; triage; a supplement names the program manager (told; they alone of the program managers need to know it) and adds medical information (a Rehabilitation Act matter: mitigation and conduct review opened); a second says cyber and criminal: US-CERT and OIG refuse, the US-CERT report learned later is marked late when its hour passes, DS/CIRT records the OIG referral filed by telephone; the open items remind and escalate their owner; recorded up to there, then terminated.',
    async drive(world, incidentId) {
      const refuse = [
        world.receiver.respondWith('/followups/usCert', { status: 400, body: { error: 'bad' } }),
        world.receiver.respondWith('/followups/oig', { status: 400, body: { error: 'bad' } }),
      ];
      try {
        const base = {
          medium: 'non-cyber' as const,
          disclosureFormat: 'paper' as const,
          piiTypes: ['other' as const],
          affectedPopulation: 'workforce' as const,
          affectedCount: 3,
          encrypted: true,
        };
        const handle = await report(world, incidentId, world.playbook('/followups'), base);
        await until(world, incidentId, (s) => s.reportedAt !== null, 'the first report');
        await toAnalysis(world, incidentId, 'Personnel papers left on a copier.');
        const now = await world.env.currentTimeMs();
        await handle.signal(reportIntakeSignal, {
          ...sampleReport({ incidentId, ...base }, now - 60_000),
          piiTypes: ['medical'],
          disclosedBy: 'a supervisor',
          disclosedTo: 'the whole office',
          programManager: { name: 'Morgan Mock', email: 'program.manager@state.example' },
          summary: 'The papers held medical certificates; the reporter names their program manager.',
        });
        await until(
          world,
          incidentId,
          (s) => s.rehabilitationAct === true && s.timeline.some((t) => t.event === 'program-manager-named'),
          'the program manager named and the Rehabilitation Act matter',
        );
        await handle.signal(reportIntakeSignal, {
          ...sampleReport({ incidentId, ...base }, now - 60_000),
          medium: 'cyber',
          criminalActSuspected: true,
          summary: 'The scans were also mailed out of the network, and sold.',
        });
        await until(
          world,
          incidentId,
          (s) =>
            s.timeline.some((t) => t.event === 'endpoint-rejected:usCert') &&
            s.timeline.some((t) => t.event === 'endpoint-rejected:oig'),
          'US-CERT and OIG refused',
        );
        await world.env.sleep(2 * HOUR);
        await until(
          world,
          incidentId,
          (s) => s.timeline.some((t) => t.event === 'reported-late:learned-cyber'),
          'the late mark',
        );
        await decide(world, incidentId, 'ds-cirt', {
          kind: 'report-filed',
          to: 'oig',
          filedBy: 'DS/CIRT duty officer by telephone',
          reference: 'OIG-TEL-7',
        });
        await world.env.sleep(5 * DAY + 60_000);
        await until(
          world,
          incidentId,
          (s) => s.timeline.some((t) => t.event === 'escalated:item:fact-finding'),
          'the item escalated',
        );
        await handle.terminate('recorded up to the escalation');
        return [incident(handle.workflowId)];
      } finally {
        for (const restore of refuse) restore();
      }
    },
  },
  {
    name: 'separation-of-duties',
    description:
      'The IPS Director is also a PPGB Chair: after submitting the analysis the Director is refused as the Chair (by update, recorded, and by the decision signal), and only the other Chair is asked; the other Chair refers to M, who declines; closure.',
    async drive(world, incidentId) {
      const base = world.playbook();
      const playbook = {
        ...base,
        people: base.people.map((p) =>
          p.id === 'ips-director' ? { ...p, roles: [...p.roles, 'ppgbChair' as const] } : p,
        ),
      };
      const handle = await report(world, incidentId, playbook);
      await toAnalysis(world, incidentId, 'Passport numbers of the public are involved.');
      await decide(world, incidentId, 'ips-director', {
        kind: 'submit-analysis',
        factors: FACTORS_HIGH,
        options: ['notify-individuals'],
        rationale: 'CRG analysis.',
      });
      await phase(world, incidentId, 'ppgb-chair-review');
      await refused(world, incidentId, 'ips-director', {
        kind: 'ppgb-chair-decision',
        outcome: 'refer-to-ppgb',
        rationale: 'My own analysis.',
      });
      await handle.signal(decisionSignal, {
        kind: 'ppgb-chair-decision',
        outcome: 'refer-to-ppgb',
        rationale: 'My own analysis.',
        actorId: 'ips-director',
      });
      await bothRefusalsRecorded(world, incidentId, 'ppgb-chair-decision');
      await toUnderSecretary(world, incidentId, 'For M.', {
        outcome: 'decline-notification',
        rationale: 'Recovered unread.',
      });
      await phase(world, incidentId, 'remediation');
      await complete(world, incidentId, 'program-manager', 'fact-finding', 'Fact-finding report filed.');
      await closeOut(world, incidentId, handle);
      return [incident(handle.workflowId)];
    },
  },
];

async function record(
  path: RecordedPath,
  outDir: string,
  { dataConverter, mail, receiver }: { dataConverter: DataConverter; mail: SmtpReceiver; receiver: EndpointReceiver },
): Promise<void> {
  const env = await startTimeSkippingEnv({ dataConverter });
  const taskQueue = 'record-histories';
  try {
    const worker = await createTestWorker(env, {
      taskQueue,
      dataConverter,
      activities: createActivities({
        mailer: mail.mailer(),
        mailFrom: 'breach@test.example',
        publicUrl: 'http://breach.test',
        env: {},
        signLink: (claims) => signLink('replay-fixtures-link-secret-0123456789abcdef', claims),
      }),
    });
    const world: World = {
      env,
      client: env.client,
      taskQueue,
      receiver,
      playbook: (prefix = '') => testPlaybook(`${receiver.url}${prefix}`),
    };
    await worker.runUntil(async () => {
      const t0 = Date.now();
      const kept = await path.drive(world, `replay-${path.name}`);
      for (const { workflowId, workflowType, suffix, description } of kept) {
        const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
        const file = join(outDir, `${path.name}${suffix ? `.${suffix}` : ''}.json`);
        const recorded: RecordedHistory = {
          description: description ?? path.description,
          workflowId,
          workflowType,
          history: proto.temporal.api.history.v1.History.fromObject(history).toJSON(),
        };
        writeFileSync(file, `${JSON.stringify(recorded, null, 1)}\n`);
        console.log(
          `${relative(PROJECT_ROOT, file)}: ${history.events?.length ?? 0} events (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
        );
      }
    });
  } finally {
    await env.teardown();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  // --check: every path driven to its end and recorded into a temporary folder, removed afterwards.
  const check = args.includes('--check');
  const outDir = check
    ? mkdtempSync(join(tmpdir(), 'record-histories-'))
    : outAt >= 0
      ? resolve(args[outAt + 1] ?? '')
      : HISTORIES_DIR;
  // The value after --out is a directory, not a path name (without --out, every argument is a name).
  const names = args.filter((a, i) => !a.startsWith('--') && (outAt < 0 || i !== outAt + 1));
  const unknown = names.filter((n) => !PATHS.some((p) => p.name === n));
  if (unknown.length)
    throw new Error(`unknown path(s) ${unknown.join(', ')}; known: ${PATHS.map((p) => p.name).join(', ')}`);
  const chosen = names.length ? PATHS.filter((p) => names.includes(p.name)) : PATHS;

  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dataConverter = createDataConverter(await readKeyringFile(TEST_KEYRING, 'test keyring'));
  const [mail, receiver] = await Promise.all([startSmtpReceiver(), startHttpReceiver()]);
  mkdirSync(outDir, { recursive: true });
  try {
    // Each path on a time-skipping server of its own: one path's leftovers (an incident recorded up to a
    // point and terminated) never hold the clock of the next one's sleeps.
    for (const path of chosen) await record(path, outDir, { dataConverter, mail, receiver });
  } finally {
    await Promise.all([mail.close(), receiver.close()]);
    if (check) rmSync(outDir, { recursive: true, force: true });
  }
  if (check) console.log(`${chosen.length} path(s) driven to their end against the current workflow code`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(PROJECT_ROOT, 'tests', 'replay', 'record-histories.ts')) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  });
}
