/**
 * The three notices of a first report in one activity (activities/index.ts `sendNotices`), run
 * in MockActivityEnvironment against the mail catcher: each goes out with its own step's Message-ID, the
 * heartbeat checkpoints how many went, and a retry resumed from that checkpoint sends only the rest.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createActivities, type SendNoticeInput } from '../../activities/index.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/index.js';

let smtp: SmtpReceiver;
beforeAll(async () => {
  smtp = await startSmtpReceiver();
});
afterAll(async () => {
  await smtp?.close();
});

const WORKFLOW_ID = 'breach-inc-notices-test';
const base = {
  template: 'report-received' as const,
  incidentId: 'inc-notices-test',
  medium: 'cyber',
  piiTypes: ['ssn-or-passport-number'],
  affectedCount: 120,
  discoveredAt: '2026-12-03T09:00:00.000Z',
  reportingDeadline: '2026-12-03T10:00:00.000Z',
  summary: 'A laptop was stolen.',
  classified: false,
  criminal: false,
};
const notices: SendNoticeInput[] = [
  {
    to: [{ name: 'Sam Supervisor', email: 'sam@state.example' }],
    notice: { ...base, audience: 'supervisor' },
    step: 'tell-supervisor',
  },
  {
    to: [{ name: 'Pat Manager', email: 'pat@state.example' }],
    notice: { ...base, audience: 'program-manager' },
    step: 'tell-program-manager',
  },
  {
    to: [
      { name: 'DS/CIRT', email: 'cirt@state.example' },
      { name: 'DS/CIRT 2', email: 'cirt2@state.example' },
    ],
    notice: { ...base, audience: 'focal-point' },
    step: 'tell-dsCirt',
  },
];

function run(heartbeatDetails?: unknown) {
  const env = new MockActivityEnvironment({
    heartbeatDetails,
    workflowExecution: { workflowId: WORKFLOW_ID, runId: 'r' },
  } as never);
  const beats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => beats.push(structuredClone(d)));
  const activities = createActivities({
    mailer: smtp.mailer(),
    mailFrom: 'breach@state.example',
    publicUrl: 'http://127.0.0.1',
    env: {},
  });
  return { beats, done: env.run(activities.sendNotices, { notices }) };
}

const ids = () =>
  smtp
    .messages()
    .map((m) => m.messageId ?? '')
    .sort();

it('468.3b: the supervisor, program manager and focal point notices go out in one activity, each with its own Message-ID, checkpointed one by one', async () => {
  smtp.clear();
  const { beats, done } = run();
  expect(await done).toEqual({ sent: [1, 1, 2] });
  expect(beats).toEqual([[1], [1, 1], [1, 1, 2]]);
  expect(ids()).toEqual([
    `<${WORKFLOW_ID}.tell-dsCirt@breach-response>`,
    `<${WORKFLOW_ID}.tell-program-manager@breach-response>`,
    `<${WORKFLOW_ID}.tell-supervisor@breach-response>`,
  ]);
  const focal = smtp.messages().find((m) => m.messageId?.includes('tell-dsCirt'))!;
  expect(focal.envelope.to.sort()).toEqual(['cirt2@state.example', 'cirt@state.example']);
});

it('a retry resumed from its checkpoint sends only the notices that had not gone: none twice', async () => {
  smtp.clear();
  const { beats, done } = run([1]);
  expect(await done).toEqual({ sent: [1, 1, 2] });
  expect(beats).toEqual([
    [1, 1],
    [1, 1, 2],
  ]);
  expect(ids()).toEqual([
    `<${WORKFLOW_ID}.tell-dsCirt@breach-response>`,
    `<${WORKFLOW_ID}.tell-program-manager@breach-response>`,
  ]);

  smtp.clear();
  expect(await run([1, 1, 2]).done).toEqual({ sent: [1, 1, 2] });
  expect(smtp.messages()).toHaveLength(0);
});
